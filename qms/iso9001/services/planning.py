"""Risks and opportunities (6.1) and quality objectives with measurements (6.2, 9.1)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select

from ...core.transitions import can_move
from ...extensions import db
from .. import scoring
from ..models import (Direction, Measurement, Objective, ObjectiveState, Risk, RiskKind, RiskState)
from ..models.planning import OBJECTIVE_TRANSITIONS, RISK_TRANSITIONS
from . import IsoError, today, user_or_error


# --- risks ------------------------------------------------------------------------------------

def save_risk(risk: Risk | None, *, kind: str, title: str, description: str | None, likelihood: int,
              impact: int, actions: str | None, owner_id: int | None, review_on: dt.date | None) -> Risk:
    for field, value in (("likelihood", likelihood), ("impact", impact)):
        if value not in scoring.SCALE:
            raise IsoError(field, _("Choose a value from 1 to 5."))
    owner = user_or_error(owner_id, "owner_id")
    if risk is None:
        risk = Risk(state=RiskState.OPEN)
        db.session.add(risk)
    risk.kind = RiskKind(kind)
    risk.title = title
    risk.description = description or None
    risk.likelihood, risk.impact = likelihood, impact
    risk.actions = actions or None
    risk.owner = owner
    risk.review_on = review_on
    db.session.flush()
    return risk


def review_risk(risk: Risk, *, effective: bool, effectiveness: str, next_review: dt.date | None,
                on: dt.date | None = None) -> Risk:
    """Record the effectiveness review of a risk's actions (6.1.2 b, 9.3.2 e)."""
    if not (effectiveness or "").strip():
        raise IsoError("effectiveness", _("Describe what the review found."))
    on = on or today()
    if next_review is not None and next_review <= on:
        raise IsoError("next_review", _("The next review must lie after today."))
    risk.effective = effective
    risk.effectiveness = effectiveness.strip()
    risk.reviewed_on = on
    risk.review_on = next_review
    db.session.flush()
    return risk


def move_risk(risk: Risk, target: str) -> Risk:
    target = RiskState(target)
    if not can_move(RISK_TRANSITIONS, risk.state, target):
        raise IsoError(None, _("This change of status is not possible."))
    risk.state = target
    db.session.flush()
    return risk


def risks_query(*, kind: str | None = None, state: str | None = "current", level: str | None = None):
    stmt = select(Risk)
    if kind:
        stmt = stmt.where(Risk.kind == RiskKind(kind))
    if state == "current":
        stmt = stmt.where(Risk.state != RiskState.CLOSED)
    elif state:
        stmt = stmt.where(Risk.state == RiskState(state))
    score = Risk.likelihood * Risk.impact
    if level in scoring.LEVEL_RANGES:
        stmt = stmt.where(score.between(*scoring.LEVEL_RANGES[level]))
    return stmt.order_by(score.desc(), Risk.id)


def matrix(kind: str = "risk") -> list:
    """Counts per cell of current (not closed) risks or opportunities, counted in the database."""
    rows = db.session.execute(
        select(Risk.likelihood, Risk.impact, func.count()).where(Risk.state != RiskState.CLOSED,
                                                                 Risk.kind == RiskKind(kind))
        .group_by(Risk.likelihood, Risk.impact)).all()
    pairs = [(likelihood, impact) for likelihood, impact, n in rows for _ in range(n)]
    return scoring.risk_matrix(pairs)


# --- objectives -------------------------------------------------------------------------------

def save_objective(objective: Objective | None, *, title: str, target: Decimal, unit: str, direction: str,
                   owner_id: int | None, resources: str | None, deadline: dt.date, evaluation: str) -> Objective:
    if objective is not None and objective.state != ObjectiveState.ACTIVE:
        raise IsoError(None, _("A closed objective is a record and cannot be changed."))
    owner = user_or_error(owner_id, "owner_id")
    if objective is None:
        objective = Objective(state=ObjectiveState.ACTIVE)
        db.session.add(objective)
    objective.title = title
    objective.target = target
    objective.unit = unit
    objective.direction = Direction(direction)
    objective.owner = owner
    objective.resources = resources or None
    objective.deadline = deadline
    objective.evaluation = evaluation
    db.session.flush()
    return objective


def add_measurement(objective: Objective, *, measured_on: dt.date, value: Decimal, note: str | None,
                    user) -> Measurement:
    """Add a measured value. Measurements are never changed; a wrong value is corrected by a new one."""
    if objective.state != ObjectiveState.ACTIVE:
        raise IsoError(None, _("A closed objective takes no new measurements."))
    if measured_on > today():
        raise IsoError("measured_on", _("A measurement cannot lie in the future."))
    measurement = Measurement(objective=objective, measured_on=measured_on, value=value, note=note or None,
                              recorded_by_id=user.id if user else None)
    db.session.add(measurement)
    db.session.flush()
    return measurement


def close_objective(objective: Objective, target: str) -> Objective:
    target = ObjectiveState(target)
    if not can_move(OBJECTIVE_TRANSITIONS, objective.state, target):
        raise IsoError(None, _("This change of status is not possible."))
    objective.state = target
    db.session.flush()
    return objective


def latest_values(objective_ids: list[int]) -> dict[int, list[tuple[dt.date, Decimal]]]:
    """Measurements per objective (oldest first), in one query."""
    found: dict[int, list[tuple[dt.date, Decimal]]] = {i: [] for i in objective_ids}
    if objective_ids:
        stmt = (select(Measurement.objective_id, Measurement.measured_on, Measurement.value)
                .where(Measurement.objective_id.in_(objective_ids))
                .order_by(Measurement.measured_on, Measurement.id))
        for objective_id, day, value in db.session.execute(stmt):
            found[objective_id].append((day, value))
    return found


def objective_statuses(objectives: list[Objective]) -> dict[int, str]:
    values = latest_values([o.id for o in objectives])
    return {o.id: scoring.objective_status(o.direction.value, o.target, [v for _, v in values[o.id]])
            for o in objectives}


def reminders(on: dt.date):
    """Reminders to owners: a risk whose effectiveness review is due, a running objective past its deadline."""
    from flask import current_app, url_for
    from flask_babel import gettext

    from ...notifications import services as notifications

    due_risks = db.session.scalars(select(Risk).where(Risk.state != RiskState.CLOSED, Risk.owner_id.is_not(None),
                                                      Risk.review_on <= on))
    for risk in due_risks:
        with current_app.test_request_context():
            url = url_for("iso9001.risk", risk_id=risk.id)
        yield notifications.Reminder(
            risk.owner, lambda title=risk.title: gettext("Review the actions on \"%(title)s\"", title=title), "", url,
            f"iso-risk-review-{risk.id}-{risk.review_on}")
    late = db.session.scalars(select(Objective).where(Objective.state == ObjectiveState.ACTIVE,
                                                      Objective.owner_id.is_not(None), Objective.deadline < on))
    for objective in late:
        with current_app.test_request_context():
            url = url_for("iso9001.objective", objective_id=objective.id)
        yield notifications.Reminder(
            objective.owner, lambda title=objective.title: gettext(
                "The deadline of objective \"%(title)s\" has passed: evaluate and close it", title=title), "", url,
            f"iso-objective-deadline-{objective.id}-{objective.deadline}")
