"""Planning (6.1, 6.2, 9.1): risks and opportunities, quality objectives and their measurements."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, Numeric, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...core.enums import LabelledEnum, labels
from ...audit.models import Audited
from ...auth.models import User
from ...database import enum_column, utcnow
from ...extensions import db
from .. import scoring


class RiskKind(LabelledEnum):
    RISK = "risk"
    OPPORTUNITY = "opportunity"


labels(RiskKind, {RiskKind.RISK: _l("Risk"), RiskKind.OPPORTUNITY: _l("Opportunity")})


class RiskState(LabelledEnum):
    OPEN = "open"
    TREATED = "treated"
    CLOSED = "closed"


labels(RiskState, {RiskState.OPEN: _l("Not yet treated"), RiskState.TREATED: _l("Being treated"),
                   RiskState.CLOSED: _l("Closed")})


#: Allowed state changes of a risk or opportunity.
RISK_TRANSITIONS = {
    RiskState.OPEN: {RiskState.TREATED, RiskState.CLOSED},
    RiskState.TREATED: {RiskState.OPEN, RiskState.CLOSED},
    RiskState.CLOSED: {RiskState.OPEN},
}


class Risk(Audited, db.Model):
    """A risk or opportunity with its likelihood × impact, actions, owner and effectiveness review (6.1)."""

    __tablename__ = "iso_risk"
    __table_args__ = (Index("ix_iso_risk_state", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[RiskKind] = mapped_column(enum_column(RiskKind))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    #: 1 (rare) … 5 (almost certain)
    likelihood: Mapped[int] = mapped_column(SmallInteger)
    #: 1 (negligible) … 5 (severe)
    impact: Mapped[int] = mapped_column(SmallInteger)
    actions: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    #: When the effectiveness of the actions is to be reviewed next.
    review_on: Mapped[dt.date | None]
    #: Outcome of the latest effectiveness review.
    effectiveness: Mapped[str | None] = mapped_column(Text)
    effective: Mapped[bool | None]
    reviewed_on: Mapped[dt.date | None]
    state: Mapped[RiskState] = mapped_column(enum_column(RiskState), default=RiskState.OPEN)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    owner: Mapped[User | None] = relationship(lazy="joined")

    @property
    def score(self) -> int:
        """Likelihood × impact (1–25)."""
        return scoring.risk_score(self.likelihood, self.impact)

    @property
    def level(self) -> str:
        return scoring.risk_level(self.score)


class Direction(LabelledEnum):
    """Whether the target is a minimum (at least) or a maximum (at most)."""

    AT_LEAST = "at_least"
    AT_MOST = "at_most"


labels(Direction, {Direction.AT_LEAST: _l("At least"), Direction.AT_MOST: _l("At most")})


class ObjectiveState(LabelledEnum):
    ACTIVE = "active"
    ACHIEVED = "achieved"
    NOT_ACHIEVED = "not_achieved"


labels(ObjectiveState, {ObjectiveState.ACTIVE: _l("Running"), ObjectiveState.ACHIEVED: _l("Achieved"),
                        ObjectiveState.NOT_ACHIEVED: _l("Not achieved")})


#: An objective is closed once as achieved or not; a closed objective is a record and stays closed.
OBJECTIVE_TRANSITIONS = {
    ObjectiveState.ACTIVE: {ObjectiveState.ACHIEVED, ObjectiveState.NOT_ACHIEVED},
    ObjectiveState.ACHIEVED: set(),
    ObjectiveState.NOT_ACHIEVED: set(),
}


class Objective(Audited, db.Model):
    """A measurable quality objective (6.2) with owner, resources, deadline and evaluation method."""

    __tablename__ = "iso_objective"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    target: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    unit: Mapped[str] = mapped_column(String(40))
    direction: Mapped[Direction] = mapped_column(enum_column(Direction), default=Direction.AT_LEAST)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    resources: Mapped[str | None] = mapped_column(Text)
    deadline: Mapped[dt.date]
    #: How and how often results are evaluated (9.1).
    evaluation: Mapped[str] = mapped_column(Text)
    state: Mapped[ObjectiveState] = mapped_column(enum_column(ObjectiveState), default=ObjectiveState.ACTIVE)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    owner: Mapped[User | None] = relationship(lazy="joined")
    measurements: Mapped[list["Measurement"]] = relationship(
        back_populates="objective", order_by="(Measurement.measured_on, Measurement.id)")


class Measurement(Audited, db.Model):
    """One measured value of an objective. Measurements are frozen: a correction is a new measurement."""

    __tablename__ = "iso_measurement"
    __table_args__ = (Index("ix_iso_measurement_objective_on", "objective_id", "measured_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    objective_id: Mapped[int] = mapped_column(ForeignKey("iso_objective.id"))
    measured_on: Mapped[dt.date]
    value: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    note: Mapped[str | None] = mapped_column(String(500))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    objective: Mapped[Objective] = relationship(back_populates="measurements")
