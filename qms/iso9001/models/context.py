"""Context of the organisation (4.1–4.4): issues, interested parties, scope, exclusions, processes."""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...core.enums import LabelledEnum, labels
from ...audit.models import Audited
from ...auth.models import User
from ...database import enum_column, utcnow
from ...extensions import db


class IssueKind(LabelledEnum):
    INTERNAL = "internal"
    EXTERNAL = "external"


labels(IssueKind, {IssueKind.INTERNAL: _l("Internal"), IssueKind.EXTERNAL: _l("External")})


class ContextStatement(Audited, db.Model):
    """The one QMS scope text (4.3) and the climate-change determination (4.1, Amd 1:2024)."""

    __tablename__ = "iso_context_statement"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str | None] = mapped_column(Text)
    #: Whether climate change is a relevant issue; None while not yet determined.
    climate_relevant: Mapped[bool | None] = mapped_column(Boolean)
    climate_reasoning: Mapped[str | None] = mapped_column(Text)
    climate_determined_on: Mapped[dt.date | None]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ContextReview(Audited, db.Model):
    """A dated review of the whole context (issues, parties, scope, processes)."""

    __tablename__ = "iso_context_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    reviewed_on: Mapped[dt.date] = mapped_column(index=True)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    note: Mapped[str | None] = mapped_column(Text)

    reviewed_by: Mapped[User | None] = relationship(lazy="joined")


class Issue(Audited, db.Model):
    """An internal or external issue relevant to the purpose of the company (4.1)."""

    __tablename__ = "iso_issue"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[IssueKind] = mapped_column(enum_column(IssueKind))
    description: Mapped[str] = mapped_column(String(500))
    #: How the issue affects the QMS and what we do about it.
    effect: Mapped[str | None] = mapped_column(Text)
    climate_related: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class InterestedParty(Audited, db.Model):
    """An interested party and its relevant requirements (4.2)."""

    __tablename__ = "iso_interested_party"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    requirements: Mapped[str] = mapped_column(Text)
    #: How we keep track of these requirements.
    monitoring: Mapped[str | None] = mapped_column(Text)
    climate_related: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Exclusion(Audited, db.Model):
    """A requirement of the catalogue that does not apply, with its justification (4.3)."""

    __tablename__ = "iso_exclusion"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Catalogue version and requirement code, e.g. ("2015", "8.3").
    norm_version: Mapped[str] = mapped_column(String(20))
    requirement: Mapped[str] = mapped_column(String(20))
    justification: Mapped[str] = mapped_column(Text)


class Process(Audited, db.Model):
    """A process of the QMS with its owner (4.4)."""

    __tablename__ = "iso_process"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    #: management, core or support
    category: Mapped[str] = mapped_column(String(20), default="core")
    description: Mapped[str | None] = mapped_column(Text)
    inputs_outputs: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    owner: Mapped[User | None] = relationship(lazy="joined")
