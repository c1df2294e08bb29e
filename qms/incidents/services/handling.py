"""Handling a report: triage, the Arbeidsinspectie notification, injured persons, investigation, prevention
actions (qms.actions) and closing. Every function flushes, never commits; a closed incident never changes, except the
lost days of a person whose absence ran on after closing (confirmed when closing, recorded in the audit trail)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import to_utc

from ...auth.models import User
from ...database import MAX_ID, utcnow
from ...extensions import db
from ...organisation.models import Department, Employee, Site
from .. import figures
from ..models import Incident, IncidentPerson
from ..workflow import ArboMethod, ArboReason, IncidentState, IncidentType, Method, PersonCategory, Severity, can_move
from .errors import IncidentError

SOURCE_TYPE = "incident"


def _open(incident: Incident) -> None:
    if incident.state is IncidentState.CLOSED:
        raise IncidentError("", _("This incident is closed and can no longer be changed."))


class OpenAbsence(IncidentError):
    """Closing while an injured person is still absent: allowed only when confirmed."""


def move(incident: Incident, target: IncidentState, *, confirm_open_absence: bool = False) -> Incident:
    """Change the state along the allowed-transition table only. Closing while someone is still absent needs
    ``confirm_open_absence``; the lost days stay editable after closing (:func:`save_person`)."""
    if not can_move(incident.state, target):
        raise IncidentError("", _("The incident cannot go from “%(current)s” to “%(target)s”.",
                                  current=incident.state.label, target=target.label))
    if target is IncidentState.CLOSED:
        _check_closable(incident)
        if any(p.absence_ongoing for p in incident.persons) and not confirm_open_absence:
            raise OpenAbsence("confirm_absence", _(
                "Someone is still absent: the lost days are not final. Confirm that you close the incident "
                "anyway; the lost days can still be updated afterwards."))
        incident.closed_at = utcnow()
    incident.state = target
    db.session.flush()
    return incident


# --- triage ------------------------------------------------------------------------------------------

@dataclass
class TriageData:
    type: IncidentType
    severity: Severity
    site_id: int | None
    department_id: int | None
    arbo_reason: ArboReason | None
    location: str | None = None


def triage(incident: Incident, data: TriageData) -> Incident:
    """Classify the report; a new report moves to 'triaged', a later one is corrected in place."""
    _open(incident)
    if data.site_id is not None and (not 0 < data.site_id <= MAX_ID or db.session.get(Site, data.site_id) is None):
        raise IncidentError("site_id", _("Choose a place from the list."))
    if data.department_id is not None and (
            not 0 < data.department_id <= MAX_ID or db.session.get(Department, data.department_id) is None):
        raise IncidentError("department_id", _("Choose a department from the list."))
    if data.arbo_reason is not None and not data.type.is_accident:
        raise IncidentError("arbo_reason", _("Only an accident with an injured person is reported to the "
                                             "Arbeidsinspectie. Change the type first."))
    newly_serious = data.arbo_reason is not None and data.arbo_reason is not incident.arbo_reason
    incident.type = data.type
    incident.severity = data.severity
    incident.site_id = data.site_id
    incident.department_id = data.department_id
    incident.location = data.location or incident.location
    incident.arbo_reason = data.arbo_reason
    if data.arbo_reason is None:
        incident.arbo_notified_at = None
        incident.arbo_reference = None
        incident.arbo_method = None
        incident.arbo_reported_by = None
    _recount(incident)
    if incident.state is IncidentState.REPORTED:
        incident.triaged_at = utcnow()
        move(incident, IncidentState.TRIAGED)
    db.session.flush()
    if newly_serious and incident.arbo_notified_at is None:
        from .arbo import alert

        alert(incident)
    return incident


def record_arbo_notification(incident: Incident, notified_at_local: dt.datetime, reference: str | None,
                             method: ArboMethod | None = None, reported_by: str | None = None) -> Incident:
    """Record when (local time), how and by whom the accident was reported to the Nederlandse Arbeidsinspectie,
    and the reference received."""
    _open(incident)
    if incident.arbo_reason is None:
        raise IncidentError("notified_at", _("This incident does not have to be reported to the Arbeidsinspectie."))
    notified = to_utc(notified_at_local).replace(tzinfo=None)
    if notified < incident.occurred_at - dt.timedelta(minutes=1):
        raise IncidentError("notified_at", _("The report cannot be made before the accident happened."))
    if notified > utcnow() + dt.timedelta(minutes=10):
        raise IncidentError("notified_at", _("The time lies in the future."))
    incident.arbo_notified_at = notified
    incident.arbo_reference = reference or None
    incident.arbo_method = method
    incident.arbo_reported_by = reported_by or None
    db.session.flush()
    return incident


#: "Immediately" read as within this many hours of the accident.
ARBO_HOURS = 24


def share_with_reporter(incident: Incident, note: str | None) -> Incident:
    """Set (or clear, with an empty note) what the reporter sees about the handling on their own page."""
    note = (note or "").strip() or None
    if note == incident.reporter_note:
        return incident
    incident.reporter_note = note
    incident.reporter_note_at = utcnow() if note else None
    db.session.flush()
    return incident


def arbo_deadline(incident: Incident) -> dt.datetime | None:
    """'Immediately' read as within 24 hours of the accident (UTC); None when no report is due."""
    if incident.arbo_reason is None:
        return None
    return incident.occurred_at + dt.timedelta(hours=ARBO_HOURS)


# --- injured persons and lost days ---------------------------------------------------------------------

@dataclass
class PersonData:
    category: PersonCategory
    lost_days: int
    absence_ongoing: bool = False
    name: str | None = None
    employee_id: int | None = None


def _recount(incident: Incident) -> None:
    """The incident's figures from its injured persons, or from the report while none are recorded."""
    days = [p.lost_days for p in incident.persons]
    incident.lti_count = figures.lti_count([(p.category.value, p.lost_days) for p in incident.persons],
                                           incident.injured_count, incident.type is IncidentType.LTI)
    incident.lost_days = sum(days)
    incident.max_lost_days = max(days, default=0)
    if incident.lti_count and incident.type.is_accident and incident.type is not IncidentType.LTI:
        incident.type = IncidentType.LTI  # lost time makes it an LTI, whatever the first report said
    _place_on_arbowet_list(incident)


def _place_on_arbowet_list(incident: Incident) -> None:
    incident.on_arbowet_list = figures.on_arbowet_list(
        incident.type.is_accident, incident.arbo_reason is not None, incident.max_lost_days or 0)


def save_person(incident: Incident, person: IncidentPerson | None, data: PersonData) -> IncidentPerson:
    """Add or change an injured person (category, lost days, name for coordinator/HR).

    On a closed incident only the absence of a person already recorded may change (lost days, still absent):
    an absence that runs on after closing must still reach the figures. The audit trail records the change."""
    if incident.state is IncidentState.CLOSED:
        if person is None or data.category is not person.category or (data.name or None) != person.name \
                or data.employee_id != person.employee_id:
            raise IncidentError("", _("This incident is closed: only the lost days of an injured person can "
                                      "still be updated."))
    if not incident.type.is_accident:
        raise IncidentError("category", _("Injured persons belong to an accident. Change the type in the triage first."))
    if not 0 <= data.lost_days <= 1000:
        raise IncidentError("lost_days", _("Enter a number of days between 0 and 1000."))
    if data.employee_id is not None and (
            not 0 < data.employee_id <= MAX_ID or db.session.get(Employee, data.employee_id) is None):
        raise IncidentError("employee_id", _("Choose an employee from the list."))
    if person is None:
        person = IncidentPerson(incident=incident)
        db.session.add(person)
    person.category = data.category
    person.lost_days = data.lost_days
    person.absence_ongoing = data.absence_ongoing
    person.name = data.name or None
    person.employee_id = data.employee_id
    db.session.flush()
    db.session.refresh(incident, ["persons"])
    _recount(incident)
    incident.injured_count = max(incident.injured_count, len(incident.persons))
    db.session.flush()
    return person


def remove_person(incident: Incident, person: IncidentPerson) -> None:
    _open(incident)
    incident.persons.remove(person)
    db.session.flush()
    _recount(incident)
    db.session.flush()


# --- investigation ---------------------------------------------------------------------------------------

@dataclass
class InvestigationData:
    method: Method
    root_causes: str
    contributing_factors: str | None
    lessons: str | None
    lessons_for_toolbox: bool


def save_investigation(incident: Incident, data: InvestigationData) -> Incident:
    """Record the analysis; a triaged incident moves on to 'under investigation'."""
    _open(incident)
    if incident.state is IncidentState.REPORTED:
        raise IncidentError("", _("Triage the report first."))
    if data.lessons_for_toolbox and not data.lessons:
        raise IncidentError("lessons", _("Write down the lessons to discuss in the toolbox meeting."))
    incident.method = data.method
    incident.root_causes = data.root_causes
    incident.contributing_factors = data.contributing_factors or None
    if data.lessons_for_toolbox and (data.lessons != incident.lessons or not incident.lessons_for_toolbox):
        incident.lessons_discussed_on = None  # new or changed lessons go to the next toolbox meeting
        incident.lessons_meeting_ref = None
    incident.lessons = data.lessons or None
    incident.lessons_for_toolbox = data.lessons_for_toolbox
    if incident.state is IncidentState.TRIAGED:
        move(incident, IncidentState.INVESTIGATING)
    db.session.flush()
    return incident


# --- prevention actions through qms.actions ---------------------------------------------------------------

def _actions():
    """The shared corrective-action services (qms.actions)."""
    from ...actions import services as actions

    return actions


NC_SEVERITY = {Severity.SEVERE: "major", Severity.HIGH: "major", Severity.MEDIUM: "minor", Severity.LOW: "minor"}


def nonconformities(incident: Incident) -> list:
    return _actions().for_source(SOURCE_TYPE, str(incident.id))


def add_prevention_action(incident: Incident, *, description: str, owner: User, due_date: dt.date,
                          kind: str = "preventive"):
    """An action against recurrence: opens the incident's nonconformity the first time, then adds to it."""
    _open(incident)
    if incident.state not in (IncidentState.INVESTIGATING, IncidentState.ACTIONS):
        raise IncidentError("", _("Investigate the causes first; actions follow from the root causes."))
    if not incident.root_causes:
        raise IncidentError("", _("Write down the root causes first."))
    if due_date < utcnow().date() - dt.timedelta(days=1):
        raise IncidentError("due_date", _("The due date lies in the past."))
    actions = _actions()
    existing = [nc for nc in nonconformities(incident) if nc.state.value != "closed"]
    try:
        if existing:
            nc = existing[0]
        else:
            nc = actions.open_nonconformity(
                title=_("Incident %(number)s: prevent recurrence", number=incident.number)[:200],
                description=incident.description, source_type=SOURCE_TYPE, source_id=str(incident.id),
                severity=NC_SEVERITY.get(incident.severity, "minor"), owner=owner)
            nc.root_cause = incident.root_causes
            nc.correction = incident.immediate_action
        action = actions.add_action(nc, kind=kind, description=description, owner=owner, due_date=due_date)
    except actions.ActionError as error:
        raise IncidentError(getattr(error, "field", "") or "", str(getattr(error, "message", error))) from None
    if incident.state is IncidentState.INVESTIGATING:
        move(incident, IncidentState.ACTIONS)
    db.session.flush()
    return action


def _check_closable(incident: Incident) -> None:
    if incident.arbo_pending:
        raise IncidentError("", _("Record when the accident was reported to the Arbeidsinspectie first."))
    ncs = nonconformities(incident)
    if not ncs:
        raise IncidentError("", _("Add at least one action to prevent recurrence before closing."))
    if any(nc.state.value != "closed" for nc in ncs):
        raise IncidentError("", _("The actions must be done and checked for effectiveness before closing."))


def close(incident: Incident) -> Incident:
    return move(incident, IncidentState.CLOSED)
