"""Toolbox meetings: the yearly plan, holding a meeting, signed attendance and the follow-up of misses."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import contains_eager

from qms.core.changes import until_changed
from qms.core.loaders import get_row
from qms.core.transitions import can_move
from qms.extensions import db
from qms.organisation.models import Employee

from .. import integrations, rules
from ..models import (AttendanceMethod, MeetingMode, MeetingState, VcaToolboxAttendance, VcaToolboxMeeting,
                      VcaWorker)
from .common import VcaError, company_level, today

#: Allowed state changes of a meeting.
TRANSITIONS = {
    MeetingState.PLANNED: {MeetingState.HELD, MeetingState.CANCELLED},
    MeetingState.HELD: {MeetingState.CLOSED},
    MeetingState.CLOSED: set(),
    MeetingState.CANCELLED: set(),
}


def _move(meeting: VcaToolboxMeeting, to: MeetingState) -> None:
    if not can_move(TRANSITIONS, meeting.state, to):
        raise VcaError(_("This toolbox meeting cannot go from %(old)s to %(new)s.",
                         old=STATE_LABELS[meeting.state](), new=STATE_LABELS[to]()))
    meeting.state = to


STATE_LABELS = {
    MeetingState.PLANNED: lambda: _("planned"),
    MeetingState.HELD: lambda: _("held"),
    MeetingState.CLOSED: lambda: _("closed"),
    MeetingState.CANCELLED: lambda: _("cancelled"),
}


@dataclass
class MeetingData:
    planned_on: dt.date
    topic: str
    mode: str = "live"
    presenter_id: int | None = None
    document_id: int | None = None
    lessons: str | None = None
    notes: str | None = None


def _apply(meeting: VcaToolboxMeeting, data: MeetingData) -> None:
    if data.presenter_id is not None:
        presenter = get_row(Employee, data.presenter_id)
        if presenter is None:
            raise VcaError(_("Choose a presenter from the list."), "presenter_id")
    if data.document_id is not None and integrations.document(data.document_id) is None:
        raise VcaError(_("Choose a document from the list."), "document_id")
    meeting.planned_on = data.planned_on
    meeting.topic = data.topic.strip()
    meeting.mode = MeetingMode(data.mode)
    meeting.presenter_id = data.presenter_id
    meeting.document_id = data.document_id
    meeting.lessons = (data.lessons or "").strip() or None
    meeting.notes = (data.notes or "").strip() or None


def plan_meeting(data: MeetingData) -> VcaToolboxMeeting:
    meeting = VcaToolboxMeeting(state=MeetingState.PLANNED)
    _apply(meeting, data)
    db.session.add(meeting)
    db.session.flush()
    return meeting


def update_meeting(meeting: VcaToolboxMeeting, data: MeetingData) -> VcaToolboxMeeting:
    """Change a planned or running meeting; a closed or cancelled meeting is a record and stays as it is."""
    if meeting.state in (MeetingState.CLOSED, MeetingState.CANCELLED):
        raise VcaError(_("A closed or cancelled toolbox meeting cannot be changed."))
    _apply(meeting, data)
    db.session.flush()
    return meeting


def plan_year(year: int, topic: str) -> list[VcaToolboxMeeting]:
    """Add planned meetings so the year meets the level's minimum, spread over the months still empty."""
    minimum = rules.toolbox_minimum(company_level())
    existing = db.session.scalars(select(VcaToolboxMeeting).where(
        VcaToolboxMeeting.state != MeetingState.CANCELLED,
        VcaToolboxMeeting.planned_on >= dt.date(year, 1, 1), VcaToolboxMeeting.planned_on <= dt.date(year, 12, 31))).all()
    missing = minimum - len(existing)
    if missing <= 0:
        raise VcaError(_("The plan for %(year)s already has %(count)s meetings; the minimum is %(minimum)s.",
                         year=year, count=len(existing), minimum=minimum))
    dates = rules.plan_dates(year, minimum, [m.date for m in existing])[:missing]
    created = []
    for day in dates:
        created.append(plan_meeting(MeetingData(planned_on=day, topic=topic)))
    return created


def start(meeting: VcaToolboxMeeting) -> VcaToolboxMeeting:
    """Open the meeting for signing; it is held today unless a date was set."""
    _move(meeting, MeetingState.HELD)
    meeting.held_on = meeting.held_on or today()
    db.session.flush()
    return meeting


def cancel(meeting: VcaToolboxMeeting) -> VcaToolboxMeeting:
    _move(meeting, MeetingState.CANCELLED)
    db.session.flush()
    return meeting


def close(meeting: VcaToolboxMeeting, lesson_ids: list[int] | None = None) -> VcaToolboxMeeting:
    """Close the attendance list; incident lessons ticked as discussed are marked so in the incident log."""
    _move(meeting, MeetingState.CLOSED)
    if lesson_ids:
        integrations.mark_lessons_discussed(lesson_ids, meeting.held_on or today(), f"toolbox:{meeting.id}")
    db.session.flush()
    return meeting


# --- attendance -------------------------------------------------------------------------------

def workers_query(day: dt.date):
    """Employees expected at a meeting on ``day``: employed and on risky work by then."""
    return (select(Employee).join(VcaWorker, VcaWorker.employee_id == Employee.id)
            .where(VcaWorker.risky_work_since.is_not(None), VcaWorker.risky_work_since <= day,
                   Employee.hired_on <= day, Employee.left_on.is_(None) | (Employee.left_on > day))
            .order_by(Employee.last_name, Employee.first_name))


def _on_list(meeting: VcaToolboxMeeting):
    return exists().where(VcaToolboxAttendance.meeting_id == meeting.id,
                          VcaToolboxAttendance.employee_id == Employee.id)


def attendance_query(meeting: VcaToolboxMeeting):
    """The attendance list of a meeting with each person, by name (to page in the database)."""
    return (select(VcaToolboxAttendance).join(Employee, Employee.id == VcaToolboxAttendance.employee_id)
            .where(VcaToolboxAttendance.meeting_id == meeting.id)
            .options(contains_eager(VcaToolboxAttendance.employee))
            .order_by(Employee.last_name, Employee.first_name, Employee.id))


def missed_query(meeting: VcaToolboxMeeting, text: str | None = None):
    """People expected at the meeting who are not on its list, by name; ``text`` narrows to a name or number."""
    stmt = workers_query(meeting.date).where(~_on_list(meeting))
    if text and text.strip():
        from qms.core.lookup import employee_matches

        stmt = stmt.where(employee_matches(text.strip()))
    return stmt


def list_counts(meeting: VcaToolboxMeeting) -> tuple[int, int]:
    """(people on the attendance list, people expected at the meeting), counted in the database."""
    expected = select(func.count()).select_from(workers_query(meeting.date).order_by(None).subquery())
    present = select(func.count()).select_from(VcaToolboxAttendance).where(
        VcaToolboxAttendance.meeting_id == meeting.id)
    return db.session.scalar(present) or 0, db.session.scalar(expected) or 0


def attendance_of(meeting: VcaToolboxMeeting, employee: Employee | None) -> VcaToolboxAttendance | None:
    """The person's line on the meeting's attendance list, if any."""
    if employee is None:
        return None
    return db.session.scalar(select(VcaToolboxAttendance).where(
        VcaToolboxAttendance.meeting_id == meeting.id, VcaToolboxAttendance.employee_id == employee.id))


def _add(meeting: VcaToolboxMeeting, employee: Employee, method: AttendanceMethod, user) -> VcaToolboxAttendance:
    present = db.session.scalar(select(VcaToolboxAttendance).where(
        VcaToolboxAttendance.meeting_id == meeting.id, VcaToolboxAttendance.employee_id == employee.id))
    if present is not None:
        raise VcaError(_("%(name)s is already on the attendance list.", name=employee.full_name))
    row = VcaToolboxAttendance(meeting_id=meeting.id, employee_id=employee.id, method=method,
                               recorded_by_id=getattr(user, "id", None))
    db.session.add(row)
    db.session.flush()
    return row


def sign(meeting: VcaToolboxMeeting, employee: Employee | None, user) -> VcaToolboxAttendance:
    """The attendee confirms their own attendance while the meeting is open for signing."""
    if employee is None:
        raise VcaError(_("Your account is not linked to an employee, so you cannot sign."))
    if meeting.state is not MeetingState.HELD:
        raise VcaError(_("This meeting is not open for signing."))
    return _add(meeting, employee, AttendanceMethod.SIGNED, user)


def record(meeting: VcaToolboxMeeting, employee_ids: list[int], user) -> int:
    """The presenter or coordinator ticks attendees off a list; people already present are skipped."""
    if meeting.state is not MeetingState.HELD:
        raise VcaError(_("This meeting is not open for signing."))
    wanted = [i for i in set(employee_ids) if 0 < i < 2**31]
    present = set(db.session.scalars(select(VcaToolboxAttendance.employee_id).where(
        VcaToolboxAttendance.meeting_id == meeting.id, VcaToolboxAttendance.employee_id.in_(wanted or [0]))))
    added = 0
    for employee_id in sorted(set(employee_ids)):
        if employee_id in present:
            continue
        employee = get_row(Employee, employee_id)
        if employee is None:
            raise VcaError(_("Choose people from the list."))
        _add(meeting, employee, AttendanceMethod.RECORDED, user)
        added += 1
    if not added:
        raise VcaError(_("Tick at least one person who is not on the list yet."))
    return added


def catch_up(meeting: VcaToolboxMeeting, employee: Employee, user) -> VcaToolboxAttendance:
    """Follow-up of a miss: the person went through the material afterwards (recorded, not rewritten)."""
    if meeting.state not in (MeetingState.HELD, MeetingState.CLOSED):
        raise VcaError(_("Only a meeting that was held can be caught up on."))
    return _add(meeting, employee, AttendanceMethod.CATCH_UP, user)


def year_meetings(year: int, held_only: bool = True) -> list[VcaToolboxMeeting]:
    states = (MeetingState.HELD, MeetingState.CLOSED) if held_only else (
        MeetingState.PLANNED, MeetingState.HELD, MeetingState.CLOSED)
    start_, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    stmt = select(VcaToolboxMeeting).where(VcaToolboxMeeting.state.in_(states))
    if held_only:
        stmt = stmt.where(VcaToolboxMeeting.held_on >= start_, VcaToolboxMeeting.held_on <= end)
    else:
        stmt = stmt.where(db.func.coalesce(VcaToolboxMeeting.held_on, VcaToolboxMeeting.planned_on) >= start_,
                          db.func.coalesce(VcaToolboxMeeting.held_on, VcaToolboxMeeting.planned_on) <= end)
    return list(db.session.scalars(stmt.order_by(VcaToolboxMeeting.planned_on)))


def held_between(start_: dt.date, end: dt.date) -> list[VcaToolboxMeeting]:
    return list(db.session.scalars(select(VcaToolboxMeeting).where(
        VcaToolboxMeeting.state.in_((MeetingState.HELD, MeetingState.CLOSED)),
        VcaToolboxMeeting.held_on >= start_, VcaToolboxMeeting.held_on <= end).order_by(VcaToolboxMeeting.held_on)))


@dataclass(frozen=True)
class Attendee:
    """A person on risky work in the attendance overview: what its rows show."""

    id: int
    first_name: str
    last_name: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


def summary(meetings: list[VcaToolboxMeeting]) -> tuple[list[Attendee], dict[int, rules.AttendanceRow]]:
    """Attendance per person on risky work over ``meetings``, in three queries of plain columns, kept until a
    meeting, a signature, a VCA worker or a person changes."""
    if not meetings:
        return [], {}
    return _summary(tuple((m.id, m.date) for m in meetings))


@until_changed(VcaToolboxMeeting, VcaToolboxAttendance, VcaWorker, Employee)
def _summary(meetings: tuple[tuple[int, dt.date], ...]) -> tuple[list[Attendee], dict[int, rules.AttendanceRow]]:
    first, last = min(day for _, day in meetings), max(day for _, day in meetings)
    people = db.session.execute(
        select(Employee.id, Employee.first_name, Employee.last_name, Employee.hired_on, Employee.left_on,
               VcaWorker.risky_work_since).join(VcaWorker, VcaWorker.employee_id == Employee.id)
        .where(VcaWorker.risky_work_since.is_not(None), VcaWorker.risky_work_since <= last,
               Employee.hired_on <= last, Employee.left_on.is_(None) | (Employee.left_on > first))
        .order_by(Employee.last_name, Employee.first_name)).all()
    ids = [meeting_id for meeting_id, _ in meetings]
    marks = {(meeting_id, employee_id): method.value for meeting_id, employee_id, method in db.session.execute(
        select(VcaToolboxAttendance.meeting_id, VcaToolboxAttendance.employee_id, VcaToolboxAttendance.method)
        .where(VcaToolboxAttendance.meeting_id.in_(ids)))}
    facts = [rules.Attendee(p.id, p.risky_work_since, p.hired_on, p.left_on) for p in people]
    return ([Attendee(p.id, p.first_name, p.last_name) for p in people],
            rules.attendance_summary(list(meetings), facts, marks))


@until_changed(VcaToolboxMeeting, VcaToolboxAttendance, VcaWorker, Employee)
def attendance_totals(start_: dt.date, end: dt.date) -> tuple[int, int]:
    """(attended or caught up, expected) over the meetings held between ``start_`` and ``end``, counted in the
    database: the same pairs ``rules.attendance_summary`` counts (``rules.expected_at``: employed that day and
    on risky work by then), without loading the attendance rows."""
    meeting, worker, person = VcaToolboxMeeting, VcaWorker, Employee
    day = func.coalesce(meeting.held_on, meeting.planned_on)
    expected = (select(func.count()).select_from(meeting)
                .join(worker, and_(worker.risky_work_since.is_not(None), worker.risky_work_since <= day))
                .join(person, and_(person.id == worker.employee_id, person.hired_on <= day,
                                   or_(person.left_on.is_(None), person.left_on > day)))
                .where(meeting.state.in_((MeetingState.HELD, MeetingState.CLOSED)),
                       meeting.held_on >= start_, meeting.held_on <= end))
    attended = expected.join(VcaToolboxAttendance, and_(VcaToolboxAttendance.meeting_id == meeting.id,
                                                        VcaToolboxAttendance.employee_id == person.id))
    return db.session.scalar(attended) or 0, db.session.scalar(expected) or 0
