"""Audit pages: the programme, coverage, planning, the audit itself and its workflow; conducting is in
``conduct.py``, the PDF and CSV output in ``exports.py``."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from ..actions import services as actions
from ..auth.models import User, active_holding
from ..core.loaders import get_row
from ..database import paginate
from ..extensions import db
from ..norms import registry
from ..organisation.models import Department
from ..organisation.services import today
from ..permissions import Role, requires
# conduct registers its routes on bp; review is the input-pack section
from . import conduct, exports, processes, review, rules, services  # noqa: F401
from .common import bp, link_url, load_audit, refused, requirement_title
from .forms import (LINK_LABELS, STATE_LABELS, AuditForm, ConfirmForm, MoveForm,
                    ProgrammeFilterForm, QuestionForm)
from .models import Audit, AuditItem
from .rules import AuditState
from .services import AuditData, AuditError
from ..core.submit import on_submit


# --- programme and coverage -------------------------------------------------------------------

@bp.route("/")
@requires("audits.view")
def index():
    form = ProgrammeFilterForm(request.args)
    form.validate()
    year = form.valid_value("year") or today().year
    stmt = services.programme_query(year)
    if state := form.valid_value("state"):
        stmt = stmt.where(Audit.state == AuditState(state))
    page = paginate(stmt, request.args.get("page"), current_app.config["ITEMS_PER_PAGE"])
    return render_template("audits/index.html", page=page, form=form, year=year)


@bp.route("/programme/<int:year>.<any(csv, xlsx, pdf):fmt>")
@requires("audits.view")
def programme_export(year: int, fmt: str):
    if not 2000 <= year <= 2100:
        abort(404)
    stmt = services.programme_query(year)
    if (state := request.args.get("state")) in {s.value for s in AuditState}:
        stmt = stmt.where(Audit.state == AuditState(state))
    audits = db.session.scalars(stmt).unique().all()
    if fmt in ("csv", "xlsx"):
        return exports.programme_table(audits, year, fmt)
    return exports.programme_pdf(audits, year)


@bp.route("/coverage")
@requires("audits.view")
def coverage():
    return render_template("audits/coverage.html", norms=services.coverage(), years=rules.CYCLE_YEARS,
                           since=rules.cycle_start(today()))


# --- planning ---------------------------------------------------------------------------------

def _versions_in_use():
    for norm in registry():
        for version in norm.versions.values():
            if version.status != "legacy" or version.code == norm.default_version:
                yield norm, version


def _audit_form(audit: Audit | None) -> AuditForm:
    form = AuditForm(obj=audit)
    pairs = list(_versions_in_use())
    on = today()
    form.norms.choices = [SelectChoice(f"{n.code}|{v.code}", f"{n.title} · {v.title}" + (
        " · " + _("default for audits") if v.code == n.version_for(on) else "")) for n, v in pairs]
    form.level.choices = [SelectChoice("", _("No level"))] + [
        SelectChoice(level.code, f"{n.title}: {level.name}") for n, v in pairs for level in v.levels
        if v.code == n.default_version]
    form.scope_codes.choices = [
        SelectChoice(f"{n.code}|{v.code}|{r.code}", f"{n.code} {v.code} · {r.code} {r.title}")
        for n, v in pairs for r in v.requirements.values()]
    auditors = db.session.execute(select(User.id, User.name).where(
        active_holding(Role.AUDITOR, Role.COORDINATOR, Role.ADMIN)).order_by(User.name))
    form.lead_auditor_id.choices = [SelectChoice("", _("Choose the lead auditor"))] + [
        SelectChoice(i, name) for i, name in auditors]
    if audit is not None:  # auditees and team members already on the plan stay allowed, also after they have left
        form.auditee_ids.object_data = [a.employee_id for a in audit.auditees]
        form.team_ids.object_data = [m.user_id for m in audit.members]
    form.department_id.choices = [SelectChoice("", _("No particular department"))] + [
        SelectChoice(d.id, d.name) for d in db.session.scalars(select(Department).order_by(Department.name))]
    known = processes.known_processes()
    form.process_names.choices = [SelectChoice(name, name) for name in known]
    if audit is not None and request.method == "GET":
        form.process_names.data, form.processes.data = processes.split(audit.processes, known)
        form.type.data = audit.type.value
        form.norms.data = [f"{n.norm}|{n.version}" for n in audit.norms]
        form.scope_codes.data = [f"{s.norm}|{s.version}|{s.code}" for s in audit.scope_items]
        form.team_ids.data = [m.user_id for m in audit.members]
        form.auditee_ids.data = [a.employee_id for a in audit.auditees]
        form.level.data = audit.level or ""
    return form


def _audit_data(form: AuditForm) -> AuditData:
    return AuditData(
        title=form.title.data, type=form.type.data, planned_start=form.planned_start.data,
        planned_end=form.planned_end.data, lead_auditor_id=form.lead_auditor_id.data, norms=form.norms.data or [],
        scope_codes=form.scope_codes.data or [], team_ids=form.team_ids.data or [],
        auditee_ids=form.auditee_ids.data or [], level=form.level.data or None, scope=form.scope.data or "",
        criteria=form.criteria.data or "", processes=form.processes.data,
        process_names=form.process_names.data or [], department_id=form.department_id.data,
        site_id=form.site_id.data, independence_note=form.independence_note.data)


@bp.route("/new", methods=["GET", "POST"])
@requires("audits.manage")
def new():
    form = _audit_form(None)
    if request.method == "GET":
        form.lead_auditor_id.data = current_user.id
    saved = on_submit(form, lambda: services.save_audit(None, _audit_data(form)),
                      done=lambda audit: _("Audit %(n)s is planned.", n=audit.number),
                      to=lambda audit: url_for("audits.detail", audit_id=audit.id))
    return saved or render_template("audits/form.html", form=form, audit=None)


@bp.route("/<int:audit_id>/edit", methods=["GET", "POST"])
@requires("audits.manage")
def edit(audit_id: int):
    audit = load_audit(audit_id)
    if audit.state not in rules.EDITABLE:
        flash(_("This audit has started; its plan can no longer be changed."), "error")
        return redirect(url_for("audits.detail", audit_id=audit.id))
    form = _audit_form(audit)
    saved = on_submit(form, lambda: services.save_audit(audit, _audit_data(form)),
                      done=lambda _saved: _("The plan of %(n)s was saved.", n=audit.number),
                      to=url_for("audits.detail", audit_id=audit.id))
    return saved or render_template("audits/form.html", form=form, audit=audit)


# --- one audit --------------------------------------------------------------------------------

def _detail(audit: Audit, question_form=None, move_form=None, status=200):
    checklist = services.items(audit)
    ncs = actions.for_sources(services.SOURCE_TYPE, [i.id for i in checklist if i.nonconformity_id])
    return render_template(
        "audits/detail.html", audit=audit, checklist=checklist, counts=services.result_counts(audit),
        question_form=question_form or QuestionForm(formdata=None), move_form=move_form or MoveForm(formdata=None),
        ncs=ncs, link_url=link_url, requirement_title=requirement_title, rules=rules, AuditState=AuditState,
        link_labels=LINK_LABELS, confirm_form=ConfirmForm(formdata=None),
        can_conduct=services.can_conduct(current_user, audit)), status


@bp.route("/<int:audit_id>")
@requires("audits.view")
def detail(audit_id: int):
    return _detail(load_audit(audit_id))


@bp.route("/finding/<int:item_id>")
@requires("audits.view")
def finding(item_id: int):
    item = get_row(AuditItem, item_id)
    if item is None:
        abort(404)
    return redirect(url_for("audits.detail", audit_id=item.audit_id, _anchor=f"item-{item.id}"))


@bp.route("/<int:audit_id>/checklist", methods=["POST"])
@requires("audits.manage")
def generate(audit_id: int):
    audit = load_audit(audit_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            count = services.generate_checklist(audit)
        except AuditError as error:
            refused(None, error)
        else:
            db.session.commit()
            flash(_("The checklist holds %(count)s questions from the catalogue.", count=count), "success")
    return redirect(url_for("audits.detail", audit_id=audit.id, _anchor="checklist"))


@bp.route("/<int:audit_id>/questions", methods=["POST"])
@requires("audits.manage")
def add_question(audit_id: int):
    audit = load_audit(audit_id)
    form = QuestionForm()
    saved = on_submit(form, lambda: services.add_question(audit, form.question.data),
                      done=_("Your question was added to the checklist."),
                      to=url_for("audits.detail", audit_id=audit.id, _anchor="checklist"))
    return saved or _detail(audit, question_form=form, status=400)


@bp.route("/<int:audit_id>/state", methods=["POST"])
@requires("audits.manage")
def move(audit_id: int):
    audit = load_audit(audit_id)
    if not services.can_conduct(current_user, audit):
        abort(403)
    form = MoveForm()
    if form.validate_on_submit():
        try:
            opened = services.move(audit, form.target.data, current_user, conclusion=form.conclusion.data)
        except AuditError as error:
            refused(form, error)
        else:
            db.session.commit()
            flash(_("Audit %(n)s is now: %(state)s.", n=audit.number, state=STATE_LABELS[audit.state]), "success")
            if opened:
                flash(ngettext("%(num)s nonconformity was opened from the findings.",
                               "%(num)s nonconformities were opened from the findings.", len(opened)), "info")
            return redirect(url_for("audits.detail", audit_id=audit.id))
    return _detail(audit, move_form=form, status=400)


@bp.route("/<int:audit_id>/report.pdf")
@requires("audits.view")
def report(audit_id: int):
    audit = load_audit(audit_id)
    checklist = services.items(audit)
    ncs = actions.for_sources(services.SOURCE_TYPE, [i.id for i in checklist if i.nonconformity_id])
    return exports.report_pdf(audit, checklist, services.result_counts(audit), ncs, requirement_title)


