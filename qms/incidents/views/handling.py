"""The log, one incident with its triage, persons, investigation and actions, and the Arbowet list."""
from __future__ import annotations

import datetime as dt

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...auth.models import User
from ...core import exports as tabular
from ...core.loaders import get_row
from ...core.submit import on_submit
from ...database import paginate
from ...extensions import db
from ...permissions import has_permission, requires
from .. import services
from ..forms import (ActionForm, ArboForm, InvestigationForm, LogFilterForm, PersonForm, ReporterNoteForm, StateForm,
                     TriageForm)
from ..models import Incident, IncidentPerson
from ..search import search_clause
from ..services import IncidentError, InvestigationData, PersonData, TriageData
from ..workflow import (TRANSITIONS, ArboMethod, ArboReason, IncidentState, IncidentType, Method, PersonCategory,
                        Severity)
from . import bp
from .common import MAX_ID, department_choices, load_incident, show_error


# --- the log -----------------------------------------------------------------------------------------------

def _filtered(form: LogFilterForm):
    stmt = select(Incident)
    if (q := form.valid_value("q")) is not None:
        stmt = stmt.where(search_clause(q))
    if (kind := form.valid_value("type")) is not None:
        stmt = stmt.where(Incident.type == IncidentType(kind))
    if (state := form.valid_value("state")) is not None:
        stmt = stmt.where(Incident.state == IncidentState(state))
    if (site := form.valid_value("site")) is not None and site <= MAX_ID:
        stmt = stmt.where(Incident.site_id == site)
    if (year := form.valid_value("year")) is not None:
        stmt = stmt.where(Incident.occurred_on >= dt.date(year, 1, 1), Incident.occurred_on <= dt.date(year, 12, 31))
    return stmt.order_by(Incident.occurred_at.desc(), Incident.id.desc())


def _filter_form() -> LogFilterForm:
    form = LogFilterForm(request.args)
    form.validate()
    for field in form:  # a filter left empty is no error
        if not request.args.get(field.name):
            field.errors = []
    return form


@bp.route("/")
@requires("incidents.view")
def index():
    form = _filter_form()
    page = paginate(_filtered(form), request.args.get("page"), current_app.config["ITEMS_PER_PAGE"])
    return render_template("incidents/index.html", form=form, page=page, pending=services.arbo_pending(),
                           lessons=services.toolbox_lessons_count())


@bp.route("/export.csv")
@requires("incidents.view")
def export_csv():
    return _export("csv")


@bp.route("/export.xlsx")
@requires("incidents.view")
def export_xlsx():
    return _export("xlsx")


def _export(fmt: str) -> Response:
    """The log with the page's filters. The rows are read from the database while a CSV body is sent, after the
    view has returned: the export module's stream_with_context keeps the request (session, user, locale) open."""
    form = _filter_form()
    names = services.may_see_persons(current_user)
    stmt = _filtered(form).execution_options(yield_per=1000)
    header = [_("Number"), _("Date"), _("Type"), _("State"), _("Severity"), _("Site"), _("Where exactly"),
              _("Department"), _("Involved"), _("Injured"), _("LTIs"), _("Lost days"), _("Arbeidsinspectie"),
              _("What happened"), _("Immediate action")] + ([_("Names")] if names else []) + [
              _("Type (code)"), _("State (code)"), _("Severity (code)")]

    def rows():
        for i in db.session.scalars(stmt):
            yield [i.number, i.occurred_on, i.type.label, i.state.label, i.severity.label if i.severity else "",
                   i.site.name if i.site else "", i.location, i.department.name if i.department else "",
                   ", ".join(c.label for c in i.involved_categories), i.injured_count, i.lti_count, i.lost_days,
                   i.arbo_reason.label if i.arbo_reason else "", i.description, i.immediate_action
                   ] + ([_names(i)] if names else []) + [
                   i.type.value, i.state.value, i.severity.value if i.severity else ""]

    return tabular.response(fmt, header, rows(), "incidents", _("Incidents"))


def _names(incident: Incident) -> str:
    parts = [p.name for p in incident.persons if p.name]
    if incident.persons_text:
        parts.append(incident.persons_text)
    return "; ".join(parts)


# --- one incident ------------------------------------------------------------------------------------------

def _forms(incident: Incident, **given):
    forms = {
        "triage": given.get("triage") or TriageForm(formdata=None, data={
            "type": incident.type.value, "severity": incident.severity.value if incident.severity else "medium",
            "site_id": incident.site_id, "department_id": incident.department_id, "location": incident.location,
            "arbo_reason": incident.arbo_reason.value if incident.arbo_reason else ""}),
        "arbo": given.get("arbo") or ArboForm(formdata=None, data={
            "method": (incident.arbo_method or ArboMethod.PHONE).value,
            "reported_by": incident.arbo_reported_by or current_user.name,
            "reference": incident.arbo_reference}),
        "person": given.get("person") or PersonForm(formdata=None),
        "investigation": given.get("investigation") or InvestigationForm(formdata=None, data={
            "method": incident.method.value if incident.method else "five_whys",
            "root_causes": incident.root_causes, "contributing_factors": incident.contributing_factors,
            "lessons": incident.lessons, "lessons_for_toolbox": incident.lessons_for_toolbox}),
        "action": given.get("action") or ActionForm(formdata=None),
        "state": StateForm(formdata=None),
        "reporter_note": given.get("reporter_note") or ReporterNoteForm(formdata=None,
                                                                        data={"note": incident.reporter_note}),
    }
    forms["triage"].department_id.choices = department_choices(label=_("Unknown"))
    return forms


def _nonconformities(incident: Incident) -> list:
    return services.nonconformities(incident)


def _detail(incident: Incident, status: int = 200, **given):
    return render_template(
        "incidents/detail.html", incident=incident, forms=_forms(incident, **given),
        show_persons=services.may_see_persons(current_user), manage=has_permission(current_user, "incidents.manage"),
        transitions=sorted((s for s in TRANSITIONS[incident.state] if s is not IncidentState.TRIAGED),
                           key=lambda s: list(IncidentState).index(s)),
        nonconformities=_nonconformities(incident), deadline=services.arbo_deadline(incident),
        assistant=services.arbo_assistant(incident) if incident.arbo_pending else None,
        reporter=db.session.get(User, incident.reporter_id) if incident.reporter_id else None), status


@bp.route("/<int:incident_id>")
@requires("incidents.view")
def detail(incident_id: int):
    return _detail(load_incident(incident_id))


def _detail_url(incident: Incident, anchor: str = "") -> str:
    return url_for("incidents.detail", incident_id=incident.id) + anchor


def _done(incident: Incident, message: str, anchor: str = ""):
    db.session.commit()
    flash(message, "success")
    return redirect(_detail_url(incident, anchor))


@bp.route("/<int:incident_id>/triage", methods=["POST"])
@requires("incidents.manage")
def triage(incident_id: int):
    incident = load_incident(incident_id)
    form = _forms(incident, triage=TriageForm())["triage"]
    saved = on_submit(form, lambda: services.triage(incident, TriageData(
                          type=IncidentType(form.type.data), severity=Severity(form.severity.data),
                          site_id=form.site_id.data, department_id=form.department_id.data, location=form.location.data,
                          arbo_reason=ArboReason(form.arbo_reason.data) if form.arbo_reason.data else None)),
                      done=_("The triage was saved."), to=_detail_url(incident, "#triage"), on_form=True)
    return saved or _detail(incident, 400, triage=form)


@bp.route("/<int:incident_id>/arbo", methods=["POST"])
@requires("incidents.manage")
def arbo(incident_id: int):
    incident = load_incident(incident_id)
    form = ArboForm()
    saved = on_submit(form, lambda: services.record_arbo_notification(incident, form.notified_at.data,
                                                                      form.reference.data, ArboMethod(form.method.data),
                                                                      form.reported_by.data),
                      done=_("The report to the Arbeidsinspectie was recorded."),
                      to=_detail_url(incident, "#triage"), on_form=True)
    return saved or _detail(incident, 400, arbo=form)


@bp.route("/<int:incident_id>/reporter-note", methods=["POST"])
@requires("incidents.manage")
def reporter_note(incident_id: int):
    """What the handler shares with the reporter: shown on the reporter's own page (in the audit trail)."""
    incident = load_incident(incident_id)
    form = ReporterNoteForm()
    if form.validate_on_submit():
        services.share_with_reporter(incident, form.note.data)
        return _done(incident, _("The reporter sees this message on their own page.") if form.note.data
                     else _("Nothing is shared with the reporter now."), "#reporter")
    return _detail(incident, 400, reporter_note=form)


def _person_data(form: PersonForm) -> PersonData:
    return PersonData(category=PersonCategory(form.category.data), lost_days=form.lost_days.data or 0,
                      absence_ongoing=form.absence_ongoing.data, name=form.name.data,
                      employee_id=form.employee_id.data)


def _load_person(incident: Incident, person_id: int) -> IncidentPerson:
    person = next((p for p in incident.persons if p.id == person_id), None)
    if person is None:
        from flask import abort

        abort(404)
    return person


@bp.route("/<int:incident_id>/persons", methods=["POST"])
@bp.route("/<int:incident_id>/persons/<int:person_id>", methods=["POST"])
@requires("incidents.manage")
def person(incident_id: int, person_id: int | None = None):
    incident = load_incident(incident_id)
    existing = _load_person(incident, person_id) if person_id is not None else None
    form = _forms(incident, person=PersonForm())["person"]
    if not services.may_see_persons(current_user):
        form.name.data, form.employee_id.data = (existing.name, existing.employee_id) if existing else (None, None)
    saved = on_submit(form, lambda: services.save_person(incident, existing, _person_data(form)),
                      done=_("The injured person was saved."), to=_detail_url(incident, "#persons"), on_form=True)
    return saved or _detail(incident, 400, person=form)


@bp.route("/<int:incident_id>/persons/<int:person_id>/remove", methods=["POST"])
@requires("incidents.manage")
def remove_person(incident_id: int, person_id: int):
    incident = load_incident(incident_id)
    existing = _load_person(incident, person_id)
    form = StateForm()
    form.target.data = "x"
    if form.validate_on_submit():
        try:
            services.remove_person(incident, existing)
        except IncidentError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            return _done(incident, _("The injured person was removed."), "#persons")
    return redirect(url_for("incidents.detail", incident_id=incident.id) + "#persons")


@bp.route("/<int:incident_id>/investigation", methods=["POST"])
@requires("incidents.manage")
def investigation(incident_id: int):
    incident = load_incident(incident_id)
    form = InvestigationForm()
    saved = on_submit(form, lambda: services.save_investigation(incident, InvestigationData(
                          method=Method(form.method.data), root_causes=form.root_causes.data,
                          contributing_factors=form.contributing_factors.data, lessons=form.lessons.data,
                          lessons_for_toolbox=form.lessons_for_toolbox.data)),
                      done=_("The investigation was saved."), to=_detail_url(incident, "#investigation"), on_form=True)
    return saved or _detail(incident, 400, investigation=form)


@bp.route("/<int:incident_id>/actions", methods=["POST"])
@requires("incidents.manage")
def add_action(incident_id: int):
    incident = load_incident(incident_id)
    form = _forms(incident, action=ActionForm())["action"]
    if form.validate_on_submit():
        owner = get_row(User, form.owner_id.data)
        if owner is None or not owner.active:
            form.owner_id.errors = [_("Choose who does it.")]
        else:
            try:
                services.add_prevention_action(incident, description=form.description.data, owner=owner,
                                               due_date=form.due_date.data, kind=form.kind.data)
            except IncidentError as error:
                show_error(form, error)
            else:
                return _done(incident, _("The action was added."), "#actions")
    return _detail(incident, 400, action=form)


@bp.route("/<int:incident_id>/state", methods=["POST"])
@requires("incidents.manage")
def change_state(incident_id: int):
    incident = load_incident(incident_id)
    form = StateForm()
    target = form.target_state() if form.validate_on_submit() else None
    if target is None:
        flash(_("The request could not be processed; please try again."), "error")
        return redirect(url_for("incidents.detail", incident_id=incident.id))
    try:
        services.move(incident, target, confirm_open_absence=form.confirm_absence.data)
    except IncidentError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("incidents.detail", incident_id=incident.id))
    return _done(incident, _("The incident is now: %(state)s.", state=target.label))


# --- the Arbowet list ----------------------------------------------------------------------------------------

@bp.route("/arbowet")
@requires("incidents.arbowet")
def arbowet():
    page = paginate(services.arbowet_statement(), request.args.get("page"), current_app.config["ITEMS_PER_PAGE"])
    return render_template("incidents/arbowet.html", page=page, show_persons=services.may_see_persons(current_user))


@bp.route("/arbowet.csv")
@requires("incidents.arbowet")
def arbowet_csv():
    return _arbowet_export("csv")


@bp.route("/arbowet.xlsx")
@requires("incidents.arbowet")
def arbowet_xlsx():
    return _arbowet_export("xlsx")


def _arbowet_export(fmt: str) -> Response:
    names = services.may_see_persons(current_user)
    header = [_("Number"), _("Date"), _("Type"), _("Site"), _("Reported to the Arbeidsinspectie because"),
              _("Reported on"), _("How"), _("Reported by"), _("Reference"), _("Injured"), _("Most days of absence"), _("Lost days")]
    header += [_("Names")] if names else []

    def rows():
        for i in db.session.scalars(services.arbowet_statement().execution_options(yield_per=1000)):
            yield [i.number, i.occurred_on, i.type.label, i.site.name if i.site else "",
                   i.arbo_reason.label if i.arbo_reason else "",
                   format_datetime(i.arbo_notified_at, "yyyy-MM-dd HH:mm") if i.arbo_notified_at else "",
                   i.arbo_method.label if i.arbo_method else "", i.arbo_reported_by, i.arbo_reference,
                   i.injured_count, i.max_lost_days, i.lost_days] + ([_names(i)] if names else [])

    return tabular.response(fmt, header, rows(), "arbowet-list", _("Arbowet list"))


@bp.app_template_filter("incident_date")
def incident_date(value):
    return format_date(value, "medium") if value else "—"
