"""Operations on nonconformities and actions. Each changes state and flushes, never commits.

Other packages open nonconformities with :func:`open_nonconformity` and register their source type on the
app's registry (``registry(app).add_action_source``) so a nonconformity links back to the record it came from.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Iterable

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..core.errors import DomainError
from ..i18n import fmt_day
from ..auth.models import User
from ..core import numbering
from ..database import MAX_ID, contains, utcnow
from ..extensions import db
from ..organisation.services import today
from ..signals import nonconformity_closed
from . import workflow
from .models import CorrectiveAction, EffectivenessCheck, Nonconformity
from .workflow import ActionKind, NcState, Severity



class ActionError(DomainError):
    """A rule of the nonconformity cycle refused the change; ``field`` names the form field it concerns."""


# --- sources ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Source:
    label: object
    url_for_id: Callable[[str], str] | None


def _sources(app) -> dict[str, Source]:
    from ..norms import registry

    return registry(app).action_sources


def source_link(source_type: str | None, source_id: str | None) -> tuple[str, str | None]:
    """(label, url or None) of a source; unknown types show their raw name, a failing link shows no link."""
    if not source_type:
        return "", None
    source = _sources(current_app).get(source_type)
    if source is None:
        return source_type, None
    url = None
    if source.url_for_id is not None and source_id:
        try:
            url = source.url_for_id(source_id)
        except Exception:  # a source whose package changed must not break the nonconformity page
            current_app.logger.warning("no link for %s %s", source_type, source_id)
    return str(source.label), url


def source_choices() -> list[tuple[str, str]]:
    return sorted(((key, str(s.label)) for key, s in _sources(current_app).items()), key=lambda kv: kv[1])


BUILTIN_SOURCES = {
    "manual": _l("Reported by hand"),
    "complaint": _l("Customer complaint"),
    "inspection": _l("Workplace inspection"),
    "review": _l("Management review"),
}


def register_builtin_sources(app) -> None:
    for key, label in BUILTIN_SOURCES.items():
        _sources(app).setdefault(key, Source(label, None))


# --- notifications -----------------------------------------------------------------------------------

def notify(users, subject, body="", url=None, key=None) -> int:
    from ..notifications import services as notifications

    users = [u for u in ([users] if isinstance(users, User) else users) if u is not None and u.active]
    if not users:
        return 0
    return notifications.notify(users, subject, body, url=url, key=key)


# --- nonconformities --------------------------------------------------------------------------

def next_number(year: int) -> str:
    """``NC-2026-0007``: drawn from the core counter, never twice."""
    return workflow.format_number(year, numbering.next_value("NC", year, Nonconformity.number))


def open_nonconformity(*, title: str, description: str, source_type: str, source_id=None,
                       severity: str | Severity = "minor", requirement: tuple[str, str, str] | None = None,
                       owner: User | None = None, opened_by: User | None = None,
                       opened_on: dt.date | None = None) -> Nonconformity:
    """Register a nonconformity found anywhere; the owner hears of it."""
    try:
        severity = Severity(severity)
    except ValueError:
        raise ActionError(_("Choose a severity from the list."), "severity") from None
    if not (title or "").strip():
        raise ActionError(_("Give the nonconformity a title."), "title")
    opened_on = opened_on or today()
    nc = Nonconformity(number=next_number(opened_on.year), title=title.strip()[:200], description=description or "",
                       source_type=source_type, source_id=str(source_id) if source_id is not None else None,
                       severity=severity, state=NcState.OPEN, owner=owner, opened_on=opened_on,
                       opened_by_id=opened_by.id if opened_by is not None else None)
    if requirement is not None:
        nc.norm, nc.norm_version, nc.requirement = requirement
    db.session.add(nc)
    db.session.flush()
    if owner is not None:
        notify(owner, lambda: _("Nonconformity %(n)s is yours to handle", n=nc.number), nc.title,
               url=_nc_url(nc), key=f"nc-{nc.id}-owner-{owner.id}")
    return nc


def _nc_url(nc: Nonconformity) -> str:
    try:
        return url_for("actions.nonconformity", nc_id=nc.id)
    except RuntimeError:  # outside a request (the reminders command): the same path by hand
        return f"/actions/nc/{nc.id}"


def _refuse_closed(nc: Nonconformity) -> None:
    if nc.state is NcState.CLOSED:
        raise ActionError(_("This nonconformity is closed; it can no longer be changed."))


def _move(nc: Nonconformity, target: NcState) -> None:
    if nc.state is target:
        return
    if not workflow.can_move(nc.state, target):
        raise ActionError(_("This step is not possible in the current state."))
    nc.state = target


def _settle(nc: Nonconformity) -> None:
    open_count = sum(1 for a in nc.actions if not a.done)
    target = workflow.state_after_actions(nc.state, len(nc.actions), open_count)
    if target is NcState.OPEN and nc.state is NcState.OPEN:
        return
    _move(nc, target)


def update_analysis(nc: Nonconformity, *, title: str, description: str, severity: str, correction: str | None,
                    root_cause: str | None, owner: User | None) -> Nonconformity:
    """Record the correction and root cause analysis (and adjust title, severity, owner) while not closed."""
    _refuse_closed(nc)
    try:
        nc.severity = Severity(severity)
    except ValueError:
        raise ActionError(_("Choose a severity from the list."), "severity") from None
    previous_owner = nc.owner_id
    nc.title = title
    nc.description = description or ""
    nc.correction = correction or None
    nc.root_cause = root_cause or None
    nc.owner = owner
    db.session.flush()
    if owner is not None and owner.id != previous_owner:
        notify(owner, lambda: _("Nonconformity %(n)s is yours to handle", n=nc.number), nc.title,
               url=_nc_url(nc), key=f"nc-{nc.id}-owner-{owner.id}")
    return nc


def add_action(nc: Nonconformity | None, *, kind: str | ActionKind, description: str, owner: User | None,
               due_date: dt.date | None, source_type: str | None = None, source_id=None) -> CorrectiveAction:
    """Plan an action for a nonconformity (or, with ``nc`` None, a stand-alone action from ``source_type``)."""
    if nc is not None:
        _refuse_closed(nc)
    try:
        kind = ActionKind(kind)
    except ValueError:
        raise ActionError(_("Choose a kind of action from the list."), "kind") from None
    if owner is None:
        raise ActionError(_("Choose who carries out the action."), "owner_id")
    if due_date is None:
        raise ActionError(_("Enter a due date."), "due_date")
    if not (description or "").strip():
        raise ActionError(_("Describe the action."), "description")
    if nc is None and not source_type:
        raise ActionError(_("An action without a nonconformity needs a source."))
    action = CorrectiveAction(kind=kind, description=description.strip(), owner=owner, due_date=due_date,
                              source_type=source_type, source_id=str(source_id) if source_id is not None else None)
    if nc is not None:
        nc.actions.append(action)
    db.session.add(action)
    db.session.flush()
    if nc is not None:
        _settle(nc)
        db.session.flush()
    notify(owner, lambda: _("New action for you, due %(date)s", date=fmt_day(due_date)), action.description,
           url=_action_url(action), key=f"action-{action.id}-assigned")
    return action


def _action_url(action: CorrectiveAction) -> str:
    if action.nonconformity_id:
        return f"/actions/nc/{action.nonconformity_id}#action-{action.id}"
    return "/actions/"


def complete_action(action: CorrectiveAction, user: User, note: str) -> CorrectiveAction:
    """Mark an action done with a note on what was done; a nonconformity whose actions are all done awaits its check."""
    if action.done:
        raise ActionError(_("This action is already done."))
    if action.nonconformity is not None:
        _refuse_closed(action.nonconformity)
    if not (note or "").strip():
        raise ActionError(_("Say briefly what was done."), "note")
    action.done_at = utcnow()
    action.done_by_id = user.id
    action.done_note = note.strip()
    db.session.flush()
    nc = action.nonconformity
    if nc is not None:
        _settle(nc)
        db.session.flush()
        if nc.state is NcState.AWAITING_CHECK and nc.owner is not None:
            notify(nc.owner, lambda: _("%(n)s: every action is done; check whether it worked", n=nc.number),
                   nc.title, url=_nc_url(nc), key=f"nc-{nc.id}-check-{len(nc.checks)}")
    return action


def record_effectiveness(nc: Nonconformity, user: User, *, effective: bool, note: str,
                         checked_on: dt.date | None = None) -> EffectivenessCheck:
    """Record whether the actions worked: effective closes the nonconformity, ineffective reopens it."""
    _refuse_closed(nc)
    if not (note or "").strip():
        raise ActionError(_("Describe how effectiveness was checked."), "note")
    open_count = sum(1 for a in nc.actions if not a.done)
    if nc.state is not NcState.AWAITING_CHECK or not nc.actions or open_count:
        raise ActionError(_("Effectiveness can be checked once every action is done."))
    checked_on = checked_on or today()
    if checked_on > today():
        raise ActionError(_("The check date cannot lie in the future."), "checked_on")
    check = EffectivenessCheck(checked_by_id=user.id, checked_on=checked_on, effective=effective, note=note.strip())
    nc.checks.append(check)
    db.session.add(check)
    if workflow.may_close(len(nc.actions), open_count, effective):
        _move(nc, NcState.CLOSED)
        nc.closed_on = checked_on
    else:
        _move(nc, NcState.OPEN)
    db.session.flush()
    if nc.state is NcState.CLOSED:
        nonconformity_closed.send(current_app._get_current_object(), nonconformity=nc)
    elif nc.owner is not None:
        notify(nc.owner, lambda: _("%(n)s was reopened: the actions did not work", n=nc.number), note,
               url=_nc_url(nc), key=f"nc-{nc.id}-reopened-{check.id}")
    return check


# --- queries ----------------------------------------------------------------------------------

def for_source(source_type: str, source_id) -> list[Nonconformity]:
    return list(db.session.scalars(
        select(Nonconformity).where(Nonconformity.source_type == source_type,
                                    Nonconformity.source_id == str(source_id)).order_by(Nonconformity.id)))


def for_sources(source_type: str, source_ids: Iterable) -> dict[str, list[Nonconformity]]:
    """Nonconformities of many source records in one query, by source id."""
    ids = [str(i) for i in source_ids]
    found: dict[str, list[Nonconformity]] = {}
    if not ids:
        return found
    for nc in db.session.scalars(select(Nonconformity).where(
            Nonconformity.source_type == source_type, Nonconformity.source_id.in_(ids)).order_by(Nonconformity.id)):
        found.setdefault(nc.source_id, []).append(nc)
    return found


def similar_cases(nc: Nonconformity, limit: int = 10) -> list[Nonconformity]:
    """Earlier nonconformities on the same requirement of the same norm (any catalogue version)."""
    if not (nc.norm and nc.requirement):
        return []
    stmt = (select(Nonconformity)
            .where(Nonconformity.norm == nc.norm, Nonconformity.requirement == nc.requirement,
                   Nonconformity.id != nc.id, Nonconformity.opened_on <= nc.opened_on)
            .order_by(Nonconformity.opened_on.desc(), Nonconformity.id.desc()).limit(limit))
    return list(db.session.scalars(stmt))


def actions_query(*, owner_id: int | None = None, status: str = "open", kind: str | None = None):
    """Select of actions for the lists and exports; ``status`` is open, overdue, done or all."""
    stmt = select(CorrectiveAction).outerjoin(CorrectiveAction.nonconformity)
    if owner_id is not None:
        stmt = stmt.where(CorrectiveAction.owner_id == owner_id)
    if status == "open":
        stmt = stmt.where(CorrectiveAction.done_at.is_(None))
    elif status == "overdue":
        stmt = stmt.where(CorrectiveAction.done_at.is_(None), CorrectiveAction.due_date < today())
    elif status == "done":
        stmt = stmt.where(CorrectiveAction.done_at.is_not(None))
    if kind:
        stmt = stmt.where(CorrectiveAction.kind == ActionKind(kind))
    from sqlalchemy.orm import contains_eager
    return stmt.options(contains_eager(CorrectiveAction.nonconformity)).order_by(
        CorrectiveAction.due_date, CorrectiveAction.id)


def nonconformities_query(*, state: str | None = None, severity: str | None = None, source_type: str | None = None,
                          text: str | None = None):
    stmt = select(Nonconformity)
    if state == "active":
        stmt = stmt.where(Nonconformity.state != NcState.CLOSED)
    elif state:
        stmt = stmt.where(Nonconformity.state == NcState(state))
    if severity:
        stmt = stmt.where(Nonconformity.severity == Severity(severity))
    if source_type:
        stmt = stmt.where(Nonconformity.source_type == source_type)
    if text:
        stmt = stmt.where(contains(text, Nonconformity.title, Nonconformity.number, Nonconformity.requirement))
    return stmt.order_by(Nonconformity.opened_on.desc(), Nonconformity.id.desc())


def counts(start: dt.date | None = None, end: dt.date | None = None) -> dict[str, int]:
    """Figures for the dashboard and the management review."""
    period = []
    if start is not None:
        period.append(Nonconformity.opened_on >= start)
    if end is not None:
        period.append(Nonconformity.opened_on <= end)
    by_state = dict(db.session.execute(select(Nonconformity.state, func.count()).where(*period)
                                       .group_by(Nonconformity.state)).all())
    overdue = db.session.scalar(select(func.count()).select_from(CorrectiveAction).where(
        CorrectiveAction.done_at.is_(None), CorrectiveAction.due_date < today())) or 0
    open_actions = db.session.scalar(select(func.count()).select_from(CorrectiveAction).where(
        CorrectiveAction.done_at.is_(None))) or 0
    closed_in = db.session.scalar(select(func.count()).select_from(Nonconformity).where(
        Nonconformity.closed_on.is_not(None),
        *([Nonconformity.closed_on >= start] if start else []),
        *([Nonconformity.closed_on <= end] if end else []))) or 0
    return {"opened": sum(by_state.values()), "closed_in_period": closed_in,
            **{state.value: by_state.get(state, 0) for state in NcState},
            "open_actions": open_actions, "overdue_actions": overdue}


# --- reminders --------------------------------------------------------------------------------

def collect_reminders(on: dt.date):
    """Reminders for open actions before and after their due date (qms.notifications runs them once per key)."""
    from ..notifications import services as notifications

    stmt = (select(CorrectiveAction).outerjoin(CorrectiveAction.nonconformity)
            .where(CorrectiveAction.done_at.is_(None),
                   CorrectiveAction.due_date <= on + dt.timedelta(days=workflow.REMIND_BEFORE_DAYS))
            .order_by(CorrectiveAction.id))
    for action in db.session.scalars(stmt):
        url = _action_url(action)
        for stage in workflow.reminder_stages(action.due_date, on):
            due = action.due_date
            if stage == "soon":
                subject = lambda due=due: _("Action due on %(date)s", date=fmt_day(due))  # noqa: E731
            elif stage == "due":
                subject = lambda: _("Action due today")  # noqa: E731
            elif stage == "overdue":
                subject = lambda due=due: _("Action overdue since %(date)s", date=due)  # noqa: E731
            else:
                nc = action.nonconformity
                if nc is None or nc.owner is None or nc.owner_id == action.owner_id:
                    continue
                subject = lambda due=due, n=nc.number: _(  # noqa: E731
                    "%(n)s: an action is two weeks overdue (due %(date)s)", n=n, date=due)
                yield notifications.Reminder(nc.owner, subject, action.description, url,
                                             f"action-{action.id}-{stage}-{due}")
                continue
            yield notifications.Reminder(action.owner, subject, action.description, url,
                                         f"action-{action.id}-{stage}-{due}")


def load_user(user_id: int | None) -> User | None:
    if user_id is None or not 0 < user_id <= MAX_ID:
        return None
    user = db.session.get(User, user_id)
    return user if user is not None and user.active else None
