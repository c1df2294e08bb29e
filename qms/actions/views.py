"""Pages of the nonconformity cycle: my actions, the registers, one nonconformity, exports."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from ..core.errors import show_refusal as _refused
from ..core.loaders import get_or_404
from ..core import exports as tabular
from ..database import paginate
from ..extensions import db
from ..norms import registry
from ..organisation.services import today
from ..permissions import has_permission, require, requires
from . import exports, review, services  # noqa: F401  (review: the input-pack section)
from .forms import (KIND_LABELS, SEVERITY_LABELS, STATE_LABELS, ActionFilterForm, ActionForm, AnalysisForm,
                    CheckForm, CompleteForm, NcFilterForm, NonconformityForm)
from .models import CorrectiveAction, Nonconformity
from .services import ActionError
from .workflow import NcState, is_overdue
from ..core.submit import on_submit

bp = Blueprint("actions", __name__, url_prefix="/actions", template_folder="templates", static_folder="static")


@bp.record_once
def _setup(state) -> None:
    from ..norms import registry

    services.register_builtin_sources(state.app)
    registry(state.app).add_reminders(services.collect_reminders)
    from .tasks import SOURCE

    registry(state.app).add_task_source(SOURCE)


@bp.app_context_processor
def _labels():
    return {"nc_state_label": lambda s: STATE_LABELS.get(s, s),
            "nc_severity_label": lambda s: SEVERITY_LABELS.get(s, s),
            "action_kind_label": lambda k: KIND_LABELS.get(k, k),
            "action_overdue": lambda a, today: is_overdue(a.due_date, a.done, today)}


def _per_page() -> int:
    return current_app.config["ITEMS_PER_PAGE"]


def _may_see(nc: Nonconformity) -> bool:
    if has_permission(current_user, "actions.view"):
        return True
    return nc.owner_id == current_user.id or any(a.owner_id == current_user.id for a in nc.actions)


def load_nc(nc_id: int) -> Nonconformity:
    return get_or_404(Nonconformity, nc_id, _may_see)


def load_action(action_id: int) -> CorrectiveAction:
    return get_or_404(CorrectiveAction, action_id,
                      lambda action: action.owner_id == current_user.id or has_permission(current_user, "actions.view"))


def _owner(user_id: int | None, held=None):
    """The chosen owner: the one the record already has (kept, even if the account was switched off since) or
    an active user (the form's ``Usable`` check refused any other)."""
    if held is not None and user_id == held.id:
        return held
    return services.load_user(user_id)


def _requirement_choices() -> list[SelectChoice]:
    choices = [SelectChoice("", _("No particular requirement"))]
    for norm in registry():
        version = norm.versions[norm.default_version]
        for req in version.requirements.values():
            if req.kind == "requirement":
                choices.append(SelectChoice(f"{norm.code}|{version.code}|{req.code}",
                                            f"{norm.title} {req.code} · {req.title}"))
    return choices


def requirement_title(nc) -> str:
    key = nc.requirement_key
    if key is None:
        return ""
    req = registry().requirement(*key)
    return req.title if req is not None else ""


# --- lists ------------------------------------------------------------------------------------

@bp.route("/")
@requires("actions.own")
def index():
    form = ActionFilterForm(request.args)
    form.validate()
    stmt = services.actions_query(owner_id=current_user.id, status=form.valid_value("status") or "open",
                                  kind=form.valid_value("kind"))
    page = paginate(stmt, request.args.get("page"), _per_page())
    figures = services.counts() if has_permission(current_user, "actions.view") else None
    return render_template("actions/index.html", page=page, form=form, figures=figures, today=today(),
                           source_link=services.source_link, mine=True)


@bp.route("/all")
@requires("actions.view")
def all_actions():
    form = ActionFilterForm(request.args)
    form.validate()
    stmt = services.actions_query(owner_id=form.valid_value("owner"), status=form.valid_value("status") or "open",
                                  kind=form.valid_value("kind"))
    page = paginate(stmt, request.args.get("page"), _per_page())
    return render_template("actions/index.html", page=page, form=form, figures=None, today=today(),
                           source_link=services.source_link, mine=False)


@bp.route("/export.<any(csv, xlsx, pdf):fmt>")
@requires("actions.own")
def export(fmt: str):
    """The action list as CSV, XLSX or PDF, with the filters of the page it was asked from."""
    form = ActionFilterForm(request.args)
    everyone = has_permission(current_user, "actions.view") and request.args.get("scope") == "all"
    form.validate()
    owner_id = form.valid_value("owner") if everyone else current_user.id
    stmt = services.actions_query(owner_id=owner_id, status=form.valid_value("status") or "open",
                                  kind=form.valid_value("kind"))
    actions = db.session.scalars(stmt.limit(exports.MAX_ROWS)).unique().all()
    if fmt in ("csv", "xlsx"):
        return exports.actions_table(actions, fmt)
    return exports.actions_pdf(actions, title=_("Actions"))


@bp.route("/nc")
@requires("actions.view")
def nonconformities():
    form = NcFilterForm(request.args)
    form.source.choices = [SelectChoice("", _("All"))] + [SelectChoice(k, v) for k, v in services.source_choices()]
    form.validate()
    page = paginate(_nc_query(form), request.args.get("page"), _per_page())
    return render_template("actions/nonconformities.html", page=page, form=form)


def _nc_query(form: NcFilterForm):
    return services.nonconformities_query(state=form.valid_value("state") if "state" in request.args else "active",
                                          severity=form.valid_value("severity"), source_type=form.valid_value("source"),
                                          text=form.valid_value("q"))


@bp.route("/nc/export.<any(csv, xlsx):fmt>")
@requires("actions.view")
def nonconformities_export(fmt: str):
    """The nonconformity register with the page's filters."""
    form = NcFilterForm(request.args)
    form.source.choices = [SelectChoice("", _("All"))] + [SelectChoice(k, v) for k, v in services.source_choices()]
    form.validate()
    header = [_("Number"), _("Title"), _("Requirement"), _("Severity"), _("State"), _("Opened on")]
    rows = ([nc.number, nc.title, f"{nc.norm} {nc.requirement}" if nc.requirement else "",
             SEVERITY_LABELS.get(nc.severity, nc.severity), STATE_LABELS.get(nc.state, nc.state), nc.opened_on]
            for nc in db.session.scalars(_nc_query(form).limit(tabular.MAX_ROWS)).unique())
    return tabular.response(fmt, header, rows, "nonconformities", _("Nonconformities"))


# --- one nonconformity ------------------------------------------------------------------------

@bp.route("/nc/new", methods=["GET", "POST"])
@requires("actions.manage")
def new_nonconformity():
    form = NonconformityForm()
    form.source_type.choices = [SelectChoice(k, v) for k, v in services.source_choices()
                                if k in services.BUILTIN_SOURCES]
    form.requirement.choices = _requirement_choices()
    if request.method == "GET":
        form.source_type.data = "manual"
    if form.validate_on_submit():
        requirement = tuple(form.requirement.data.split("|")) if form.requirement.data else None
        try:
            nc = services.open_nonconformity(
                title=form.title.data, description=form.description.data, source_type=form.source_type.data,
                severity=form.severity.data, requirement=requirement, owner=services.load_user(form.owner_id.data),
                opened_by=current_user)
        except ActionError as error:
            _refused(form, error)
        else:
            db.session.commit()
            flash(_("Nonconformity %(n)s was registered.", n=nc.number), "success")
            return redirect(url_for("actions.nonconformity", nc_id=nc.id))
    return render_template("actions/nc_form.html", form=form, nc=None)


def _detail(nc: Nonconformity, action_form=None, check_form=None, complete_forms=None, status=200):
    action_form = action_form or ActionForm(formdata=None)
    check_form = check_form or CheckForm(formdata=None, checked_on=today())
    source_label, source_url = services.source_link(nc.source_type, nc.source_id)
    return render_template(
        "actions/nonconformity.html", nc=nc, action_form=action_form, check_form=check_form,
        complete_form=CompleteForm(formdata=None), complete_forms=complete_forms or {},
        similar=services.similar_cases(nc), source_label=source_label, source_url=source_url,
        requirement_title=requirement_title(nc), today=today(), NcState=NcState,
        can_manage=has_permission(current_user, "actions.manage"),
    ), status


@bp.route("/nc/<int:nc_id>")
@requires("actions.own")
def nonconformity(nc_id: int):
    return _detail(load_nc(nc_id))


@bp.route("/nc/<int:nc_id>/edit", methods=["GET", "POST"])
@requires("actions.manage")
def edit_nonconformity(nc_id: int):
    nc = load_nc(nc_id)
    if nc.state is NcState.CLOSED:
        flash(_("This nonconformity is closed; it can no longer be changed."), "error")
        return redirect(url_for("actions.nonconformity", nc_id=nc.id))
    form = AnalysisForm(obj=nc)
    if request.method == "GET":
        form.severity.data = nc.severity.value
    saved = on_submit(form, lambda: services.update_analysis(nc, title=form.title.data,
                                                             description=form.description.data,
                                                             severity=form.severity.data,
                                                             correction=form.correction.data,
                                                             root_cause=form.root_cause.data,
                                                             owner=_owner(form.owner_id.data, nc.owner)),
                      done=lambda _saved: _("The analysis of %(n)s was saved.", n=nc.number),
                      to=url_for("actions.nonconformity", nc_id=nc.id))
    return saved or render_template("actions/nc_form.html", form=form, nc=nc)


@bp.route("/nc/<int:nc_id>/actions", methods=["POST"])
@requires("actions.manage")
def add_action(nc_id: int):
    nc = load_nc(nc_id)
    form = ActionForm()
    saved = on_submit(form, lambda: services.add_action(nc, kind=form.kind.data, description=form.description.data,
                                                        owner=services.load_user(form.owner_id.data),
                                                        due_date=form.due_date.data),
                      done=_("The action was planned."),
                      to=url_for("actions.nonconformity", nc_id=nc.id))
    return saved or _detail(nc, action_form=form, status=400)


@bp.route("/<int:action_id>/complete", methods=["POST"])
@requires("actions.own")
def complete(action_id: int):
    action = load_action(action_id)
    if action.owner_id != current_user.id and not has_permission(current_user, "actions.manage"):
        abort(403)
    form = CompleteForm()
    back = request.form.get("back") == "index"
    if form.validate_on_submit():
        try:
            services.complete_action(action, current_user, form.note.data)
        except ActionError as error:
            _refused(form, error)
        else:
            db.session.commit()
            flash(_("The action is marked as done."), "success")
            if back or action.nonconformity_id is None:
                return redirect(url_for("actions.index"))
            return redirect(url_for("actions.nonconformity", nc_id=action.nonconformity_id))
    if action.nonconformity_id is None or back:
        for error in form.note.errors:
            flash(_("Action not completed: %(error)s", error=error), "error")
        return redirect(url_for("actions.index"))
    return _detail(action.nonconformity, complete_forms={action.id: form}, status=400)


@bp.route("/nc/<int:nc_id>/check", methods=["POST"])
@requires("actions.manage")
def check(nc_id: int):
    nc = load_nc(nc_id)
    form = CheckForm()
    if form.validate_on_submit():
        try:
            result = services.record_effectiveness(nc, current_user, effective=form.effective.data == "yes",
                                                   note=form.note.data, checked_on=form.checked_on.data)
        except ActionError as error:
            _refused(form, error)
        else:
            db.session.commit()
            if result.effective:
                flash(_("%(n)s is closed: the actions worked.", n=nc.number), "success")
            else:
                flash(_("%(n)s is reopened: plan new actions.", n=nc.number), "warning")
            return redirect(url_for("actions.nonconformity", nc_id=nc.id))
    return _detail(nc, check_form=form, status=400)
