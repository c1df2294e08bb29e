"""Nonconformities, their actions and effectiveness checks: one action model for every source."""
from __future__ import annotations

import datetime as dt
from functools import partial

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..audit.models import Audited
from ..auth.models import User
from ..database import enum_column, utcnow
from ..extensions import db
from .workflow import ActionKind, NcState, Severity


#: This package's enum columns: the member values, an unknown string refused.
_enum = partial(enum_column, strict=True)


class Nonconformity(Audited, db.Model):
    """A deviation from a requirement (or an improvement point), wherever it was found."""

    __tablename__ = "nonconformity"
    __table_args__ = (
        Index("ix_nonconformity_source", "source_type", "source_id"),
        Index("ix_nonconformity_requirement", "norm", "requirement"),
        Index("ix_nonconformity_state", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "NC-2026-0007": year of opening and a sequence within that year.
    number: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    #: Kind of record it came from ("audit_finding", "incident", "complaint", "review", "manual", …).
    source_type: Mapped[str] = mapped_column(String(40))
    #: Id of that record as text (None for nonconformities entered by hand).
    source_id: Mapped[str | None] = mapped_column(String(80))
    #: The requirement it deviates from, as the catalogue key (norm, version, code), if any.
    norm: Mapped[str | None] = mapped_column(String(20))
    norm_version: Mapped[str | None] = mapped_column(String(20))
    requirement: Mapped[str | None] = mapped_column(String(40))
    severity: Mapped[Severity] = mapped_column(_enum(Severity), default=Severity.MINOR)
    state: Mapped[NcState] = mapped_column(_enum(NcState), default=NcState.OPEN)
    #: What was done straight away to contain the effect.
    correction: Mapped[str | None] = mapped_column(Text)
    #: Why it happened (root cause analysis).
    root_cause: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    opened_on: Mapped[dt.date] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id], lazy="joined")
    actions: Mapped[list["CorrectiveAction"]] = relationship(
        back_populates="nonconformity", order_by="CorrectiveAction.id", lazy="selectin")
    checks: Mapped[list["EffectivenessCheck"]] = relationship(
        back_populates="nonconformity", order_by="EffectivenessCheck.id", lazy="selectin")

    @property
    def requirement_key(self) -> tuple[str, str, str] | None:
        if self.norm and self.norm_version and self.requirement:
            return (self.norm, self.norm_version, self.requirement)
        return None


class CorrectiveAction(Audited, db.Model):
    """One thing someone must do by a date: for a nonconformity, or on its own (a review decision)."""

    __tablename__ = "corrective_action"
    __table_args__ = (
        Index("ix_corrective_action_open_due", "done_at", "due_date"),
        Index("ix_corrective_action_source", "source_type", "source_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nonconformity_id: Mapped[int | None] = mapped_column(ForeignKey("nonconformity.id"), index=True)
    #: For actions without a nonconformity (management review decisions): where they came from.
    source_type: Mapped[str | None] = mapped_column(String(40))
    source_id: Mapped[str | None] = mapped_column(String(80))
    kind: Mapped[ActionKind] = mapped_column(_enum(ActionKind), default=ActionKind.CORRECTIVE)
    description: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    due_date: Mapped[dt.date] = mapped_column(Date)
    done_at: Mapped[dt.datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    done_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    nonconformity: Mapped[Nonconformity | None] = relationship(back_populates="actions")
    owner: Mapped[User] = relationship(foreign_keys=[owner_id], lazy="joined")

    @property
    def done(self) -> bool:
        return self.done_at is not None


class EffectivenessCheck(Audited, db.Model):
    """The verdict on whether the actions of a nonconformity worked (who, when, result)."""

    __tablename__ = "effectiveness_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    nonconformity_id: Mapped[int] = mapped_column(ForeignKey("nonconformity.id"), index=True)
    checked_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    checked_on: Mapped[dt.date] = mapped_column(Date)
    effective: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text)

    nonconformity: Mapped[Nonconformity] = relationship(back_populates="checks")
    checked_by: Mapped[User] = relationship(lazy="joined")


def _name_entity_types() -> None:
    from flask_babel import lazy_gettext as _l

    from ..audit.services import name_entity_type

    name_entity_type("nonconformity", _l("Nonconformity"))
    name_entity_type("corrective_action", _l("Action"))
    name_entity_type("effectiveness_check", _l("Effectiveness check"))


_name_entity_types()
