"""Context of the organisation (4.1–4.4): one page with every part, each part with its own form."""
from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from ...extensions import db
from ...permissions import requires
from ..forms import (ClimateForm, ConfirmForm, ContextReviewForm, ExclusionForm, IssueForm, PartyForm, ProcessForm,
                     ScopeForm)
from ..models import Exclusion, InterestedParty, Issue, Process
from ..services import context as services, today
from . import bp, load, page
from ...core.submit import on_submit

EDITABLE = {"issue": (Issue, IssueForm), "party": (InterestedParty, PartyForm), "process": (Process, ProcessForm)}


def _forms(**given):
    found = services.statement()
    forms = {
        "scope_form": ScopeForm(prefix="scope", scope=found.scope if found else None),
        "climate_form": ClimateForm(prefix="climate", climate_reasoning=found.climate_reasoning if found else None,
                                    climate_relevant=(None if not found or found.climate_relevant is None
                                                      else "yes" if found.climate_relevant else "no")),
        "review_form": ContextReviewForm(prefix="review", reviewed_on=today()),
        "issue_form": IssueForm(prefix="issue"), "party_form": PartyForm(prefix="party"),
        "exclusion_form": ExclusionForm(prefix="exclusion"), "process_form": ProcessForm(prefix="process"),
    }
    forms.update(given)
    forms["exclusion_form"].requirement.choices = [SelectChoice("", _("Choose…"))] + [
        SelectChoice(code, label) for code, label in services.exclusion_choices()]
    return forms


def _render(status: int = 200, **given):
    return page("context.html", status, toggle=ConfirmForm(), **services.overview(), **_forms(**given))


@bp.route("/context")
@requires("iso9001.view")
def context():
    return _render()


def _submit(form_name: str, form, apply, message: str):
    """Validate one of the page's forms, apply it through a service, commit once; re-show the page on errors."""
    if form_name == "exclusion_form":
        form.requirement.choices = [SelectChoice(c, label) for c, label in services.exclusion_choices()]
    saved = on_submit(form, lambda: apply(form),
                      done=message,
                      to=url_for("iso9001.context"))
    return saved or _render(400, **{form_name: form})


@bp.route("/context/scope", methods=["POST"])
@requires("iso9001.manage")
def save_scope():
    return _submit("scope_form", ScopeForm(prefix="scope"), lambda f: services.save_scope(f.scope.data),
                   _("The scope was saved."))


@bp.route("/context/climate", methods=["POST"])
@requires("iso9001.manage")
def save_climate():
    return _submit("climate_form", ClimateForm(prefix="climate"), lambda f: services.determine_climate(
        f.climate_relevant.data == "yes", f.climate_reasoning.data), _("The climate determination was recorded."))


@bp.route("/context/review", methods=["POST"])
@requires("iso9001.manage")
def record_review():
    return _submit("review_form", ContextReviewForm(prefix="review"), lambda f: services.record_review(
        current_user, f.reviewed_on.data, f.note.data), _("The review of the context was recorded."))


@bp.route("/context/issues", methods=["POST"])
@requires("iso9001.manage")
def add_issue():
    return _submit("issue_form", IssueForm(prefix="issue"), lambda f: services.save_issue(
        None, kind=f.kind.data, description=f.description.data, effect=f.effect.data,
        climate_related=f.climate_related.data), _("The issue was added."))


@bp.route("/context/parties", methods=["POST"])
@requires("iso9001.manage")
def add_party():
    return _submit("party_form", PartyForm(prefix="party"), lambda f: services.save_party(
        None, name=f.name.data, requirements=f.requirements.data, monitoring=f.monitoring.data,
        climate_related=f.climate_related.data), _("The interested party was added."))


@bp.route("/context/exclusions", methods=["POST"])
@requires("iso9001.manage")
def add_exclusion():
    return _submit("exclusion_form", ExclusionForm(prefix="exclusion"), lambda f: services.add_exclusion(
        requirement=f.requirement.data, justification=f.justification.data),
        _("The requirement was listed as not applicable."))


@bp.route("/context/processes", methods=["POST"])
@requires("iso9001.manage")
def add_process():
    return _submit("process_form", ProcessForm(prefix="process"), lambda f: services.save_process(
        None, name=f.name.data, category=f.category.data, description=f.description.data,
        inputs_outputs=f.inputs_outputs.data, owner_id=f.owner_id.data), _("The process was added."))


@bp.route("/context/exclusions/<int:exclusion_id>/remove", methods=["POST"])
@requires("iso9001.manage")
def remove_exclusion(exclusion_id: int):
    exclusion = load(Exclusion, exclusion_id)
    if ConfirmForm().validate_on_submit():
        services.remove_exclusion(exclusion)
        db.session.commit()
        flash(_("Requirement %(code)s applies again.", code=exclusion.requirement), "success")
    return redirect(url_for("iso9001.context"))


def _apply_edit(kind: str, record, form):
    if kind == "issue":
        return services.save_issue(record, kind=form.kind.data, description=form.description.data,
                                   effect=form.effect.data, climate_related=form.climate_related.data)
    if kind == "party":
        return services.save_party(record, name=form.name.data, requirements=form.requirements.data,
                                   monitoring=form.monitoring.data, climate_related=form.climate_related.data)
    return services.save_process(record, name=form.name.data, category=form.category.data,
                                 description=form.description.data, inputs_outputs=form.inputs_outputs.data,
                                 owner_id=form.owner_id.data)


@bp.route("/context/<any(issue, party, process):kind>/<int:record_id>/edit", methods=["GET", "POST"])
@requires("iso9001.manage")
def edit_context_record(kind: str, record_id: int):
    model, form_class = EDITABLE[kind]
    record = load(model, record_id)
    form = form_class(obj=record)
    if kind == "issue" and not form.is_submitted():
        form.kind.data = record.kind.value
    saved = on_submit(form, lambda: _apply_edit(kind, record, form),
                      done=_("The change was saved."),
                      to=url_for("iso9001.context"))
    return saved or page("edit.html", form=form, title=_("Edit"), cancel=url_for("iso9001.context"))


@bp.route("/context/<any(issue, party, process):kind>/<int:record_id>/active", methods=["POST"])
@requires("iso9001.manage")
def context_record_active(kind: str, record_id: int):
    record = load(EDITABLE[kind][0], record_id)
    if ConfirmForm().validate_on_submit():
        services.set_active(record, not record.active)
        db.session.commit()
        flash(_("The change was saved."), "success")
    return redirect(url_for("iso9001.context"))
