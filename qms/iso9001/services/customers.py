"""Customer feedback and complaints (9.1.2, 8.7) and customer satisfaction results."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select

from ...core import numbering
from ...core.changes import until_changed
from ...core.transitions import can_move
from ...i18n import fmt_day
from ...database import contains
from ...extensions import db
from ...organisation.models import Site
from .. import scoring
from ..models import Channel, Complaint, ComplaintState, FeedbackKind, SatisfactionResult
from ..models.customers import COMPLAINT_TRANSITIONS
from . import IsoError, get, today, user_or_error

SOURCE_TYPE = "complaint"


def next_number(year: int) -> str:
    """``KL-2026-0004``: drawn from the core counter, never twice."""
    return numbering.next_number("KL", year, Complaint.number)


def log_complaint(*, kind: str, channel: str, received_on: dt.date, client: str, description: str,
                  site_id: int | None = None, contact: str | None = None, deadline: dt.date | None = None,
                  owner_id: int | None = None, reported_by=None) -> Complaint:
    """Log feedback from any channel; without a deadline the default handling time applies."""
    if received_on > today():
        raise IsoError("received_on", _("The date received cannot lie in the future."))
    if site_id is not None and get(Site, site_id) is None:
        raise IsoError("site_id", _("Choose a site from the list."))
    kind = FeedbackKind(kind)
    deadline = deadline or scoring.default_deadline(kind.value, received_on)
    if deadline < received_on:
        raise IsoError("deadline", _("The deadline cannot lie before the date received."))
    owner = user_or_error(owner_id, "owner_id")
    complaint = Complaint(number=next_number(received_on.year), kind=kind, channel=Channel(channel),
                          received_on=received_on, client=client, description=description, site_id=site_id,
                          contact=contact or None, deadline=deadline, state=ComplaintState.RECEIVED,
                          owner=owner, reported_by_id=reported_by.id if reported_by else None)
    db.session.add(complaint)
    db.session.flush()
    if owner is not None:
        _notify(owner, lambda: _("Complaint %(n)s is yours to handle by %(date)s", n=complaint.number,
                                 date=fmt_day(deadline)), complaint, f"iso-complaint-{complaint.id}-owner-{owner.id}")
    return complaint


def _notify(user, subject, complaint: Complaint, key: str) -> None:
    from flask import current_app, has_request_context, url_for

    from ...notifications import services as notifications

    if has_request_context():
        url = url_for("iso9001.complaint", complaint_id=complaint.id)
    else:  # CLI, demo
        with current_app.test_request_context():
            url = url_for("iso9001.complaint", complaint_id=complaint.id)
    notifications.notify(user, subject, complaint.client, url=url, key=key)


def assign(complaint: Complaint, *, owner_id: int | None, deadline: dt.date) -> Complaint:
    """Hand a complaint to someone and/or move its deadline; the new owner hears of it."""
    if complaint.state == ComplaintState.CLOSED:
        raise IsoError(None, _("A closed complaint is a record and cannot be changed."))
    if deadline < complaint.received_on:
        raise IsoError("deadline", _("The deadline cannot lie before the date received."))
    owner = user_or_error(owner_id, "owner_id")
    changed_owner = owner is not None and owner.id != complaint.owner_id
    complaint.owner = owner
    complaint.deadline = deadline
    db.session.flush()
    if changed_owner:
        _notify(owner, lambda: _("Complaint %(n)s is yours to handle by %(date)s", n=complaint.number,
                                 date=fmt_day(deadline)), complaint, f"iso-complaint-{complaint.id}-owner-{owner.id}")
    return complaint


def move(complaint: Complaint, target: str, *, response: str | None = None, on: dt.date | None = None) -> Complaint:
    """Move a complaint along its workflow. Answering and closing need the response to the client."""
    target = ComplaintState(target)
    if not can_move(COMPLAINT_TRANSITIONS, complaint.state, target):
        raise IsoError(None, _("This change of status is not possible."))
    on = on or today()
    if response is not None and response.strip():
        complaint.response = response.strip()
    if target in (ComplaintState.ANSWERED, ComplaintState.CLOSED) and not complaint.response \
            and complaint.kind == FeedbackKind.COMPLAINT:
        raise IsoError("response", _("Write down what was done and answered to the client first."))
    if target == ComplaintState.ANSWERED:
        complaint.answered_on = on
    if target == ComplaintState.CLOSED:
        complaint.closed_on = on
        complaint.answered_on = complaint.answered_on or on
    if target == ComplaintState.IN_PROGRESS:
        complaint.answered_on = None
    complaint.state = target
    db.session.flush()
    return complaint


def to_nonconformity(complaint: Complaint, *, user, severity: str, action: str, owner_id: int | None,
                     due_date: dt.date | None):
    """Turn a complaint into a nonconformity (10.2) with a corrective action (qms.actions)."""
    from ...actions import services as actions

    if complaint.state == ComplaintState.CLOSED:
        raise IsoError(None, _("A closed complaint is a record and cannot be changed."))
    owner = user_or_error(owner_id, "owner_id")
    if owner is None:
        raise IsoError("owner_id", _("Choose who carries out the action."))
    if due_date is None:
        raise IsoError("due_date", _("Enter a due date."))
    try:
        nc = actions.open_nonconformity(
            title=f"{complaint.number}: {complaint.client}"[:200],
            description=complaint.description, source_type=SOURCE_TYPE, source_id=complaint.id, severity=severity,
            requirement=("iso9001", "2015", "8.7.1"), owner=owner, opened_by=user)
        actions.add_action(nc, kind="corrective", description=action, owner=owner, due_date=due_date)
    except actions.ActionError as error:
        raise IsoError(error.field, error.message) from None
    if complaint.state == ComplaintState.RECEIVED:
        complaint.state = ComplaintState.IN_PROGRESS
    db.session.flush()
    return nc


def nonconformities(complaint: Complaint) -> list:
    from ...actions import services as actions

    return actions.for_source(SOURCE_TYPE, complaint.id)


def complaints_query(*, q: str | None = None, state: str | None = "open", kind: str | None = None,
                     overdue_only: bool = False, on: dt.date | None = None):
    stmt = select(Complaint)
    if q:
        stmt = stmt.where(contains(q, Complaint.client, Complaint.number, Complaint.description))
    if state == "open":
        stmt = stmt.where(Complaint.state != ComplaintState.CLOSED)
    elif state:
        stmt = stmt.where(Complaint.state == ComplaintState(state))
    if kind:
        stmt = stmt.where(Complaint.kind == FeedbackKind(kind))
    if overdue_only:
        stmt = stmt.where(Complaint.state != ComplaintState.CLOSED, Complaint.answered_on.is_(None),
                          Complaint.deadline < (on or today()))
    return stmt.order_by(Complaint.received_on.desc(), Complaint.id.desc())


def handling_time(start: dt.date, end: dt.date) -> tuple[Decimal | None, int]:
    """Average days from receipt to answer of complaints answered in the period, and how many."""
    rows = db.session.execute(select(Complaint.received_on, Complaint.answered_on).where(
        Complaint.kind == FeedbackKind.COMPLAINT, Complaint.answered_on.is_not(None),
        Complaint.answered_on >= start, Complaint.answered_on <= end)).all()
    return scoring.average_days(scoring.handling_days(r, a) for r, a in rows), len(rows)


@until_changed(Complaint, SatisfactionResult)
def figures(start: dt.date, end: dt.date) -> dict:
    """Counts for the management review and the status report (kept until a complaint or survey changes)."""
    by_kind = dict(db.session.execute(select(Complaint.kind, func.count()).where(
        Complaint.received_on >= start, Complaint.received_on <= end).group_by(Complaint.kind)).all())
    open_now = db.session.scalar(select(func.count()).select_from(Complaint).where(
        Complaint.state != ComplaintState.CLOSED)) or 0
    late = db.session.scalar(select(func.count()).select_from(Complaint).where(
        Complaint.state != ComplaintState.CLOSED, Complaint.answered_on.is_(None), Complaint.deadline < today())) or 0
    average, answered = handling_time(start, end)
    sat_avg, sat_n = db.session.execute(select(func.avg(SatisfactionResult.score), func.count()).where(
        SatisfactionResult.surveyed_on >= start, SatisfactionResult.surveyed_on <= end)).one()
    return {"complaints": by_kind.get(FeedbackKind.COMPLAINT, 0), "feedback": by_kind.get(FeedbackKind.FEEDBACK, 0),
            "compliments": by_kind.get(FeedbackKind.COMPLIMENT, 0), "open": open_now, "overdue": late,
            "average_days": average, "answered": answered,
            "satisfaction": Decimal(sat_avg).quantize(Decimal("0.1")) if sat_avg is not None else None,
            "surveys": sat_n}


def add_satisfaction(*, surveyed_on: dt.date, client: str, score: Decimal, method: str | None,
                     remarks: str | None) -> SatisfactionResult:
    if not Decimal(1) <= score <= Decimal(10):
        raise IsoError("score", _("Give a score from 1 to 10."))
    if surveyed_on > today():
        raise IsoError("surveyed_on", _("The date cannot lie in the future."))
    result = SatisfactionResult(surveyed_on=surveyed_on, client=client, score=score, method=method or None,
                                remarks=remarks or None)
    db.session.add(result)
    db.session.flush()
    return result
