"""Incidents, the persons involved, photos, site QR tokens, hours worked and the log's settings.

Personal details (names, the reporter) are ``__audit_secret__``: the trail records that they changed, never
their values, so the retention purge really removes them. No diagnosis is stored anywhere: only the kind
of incident, whether someone was hurt, and days of absence."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import partial

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..audit.models import Audited
from ..database import enum_column, utcnow
from ..extensions import db
from ..organisation.models import Department, Site
from ..uploads.models import StoredFile
from .workflow import (ArboMethod, ArboReason, HoursCategory, IncidentState, IncidentType, Method, PersonCategory,
                       Severity)


#: This package's enum columns: the member values in up to 24 characters, an unknown string refused.
_enum = partial(enum_column, length=24, strict=True)


class Incident(Audited, db.Model):
    """One reported event: an accident, near miss, unsafe situation or act, environmental incident or damage."""

    __tablename__ = "incident"
    __audit_secret__ = frozenset({"reporter_id", "reporter_name", "reporter_contact", "persons_text"})
    __table_args__ = (
        #: The log's order (newest first) without sorting the whole table.
        Index("ix_incident_occurred_at", "occurred_at", "id"),
        #: Covers the figures: every count and sum per period reads only this index.
        Index("ix_incident_figures", "occurred_on", "type", "lti_count", "lost_days"),
        Index("ix_incident_state", "state"),
        Index("ix_incident_type_occurred", "type", "occurred_on"),
        Index("ix_incident_arbowet", "on_arbowet_list", "occurred_on"),
        Index("ix_incident_arbo_pending", "arbo_reason", "arbo_notified_at"),
        #: Accidents still to report to the Arbeidsinspectie, oldest first (the start page's task, the reminder):
        #: only those rows, so the list never walks the whole log.
        Index("ix_incident_arbo_open", "occurred_at", "id",
              sqlite_where=text("arbo_reason IS NOT NULL AND arbo_notified_at IS NULL"),
              postgresql_where=text("arbo_reason IS NOT NULL AND arbo_notified_at IS NULL")),
        Index("ix_incident_toolbox", "lessons_for_toolbox", "lessons_discussed_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "INC-2026-0007": year of reporting and a sequence within that year.
    number: Mapped[str] = mapped_column(String(20), unique=True)
    type: Mapped[IncidentType] = mapped_column(_enum(IncidentType))
    state: Mapped[IncidentState] = mapped_column(_enum(IncidentState), default=IncidentState.REPORTED)
    severity: Mapped[Severity | None] = mapped_column(_enum(Severity))
    #: When it happened (UTC) and the local calendar day (Europe/Amsterdam) that the figures count on.
    occurred_at: Mapped[dt.datetime]
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"), index=True)
    #: Where exactly: floor, room, street (free text).
    location: Mapped[str | None] = mapped_column(String(255))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    #: Who was involved, as categories ("own_staff,visitor"): never names here.
    involved: Mapped[str] = mapped_column(String(120), default="")
    #: Number of people hurt (as the reporter saw it; the injured-person rows refine it).
    injured_count: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(Text)
    immediate_action: Mapped[str | None] = mapped_column(Text)
    #: Names of those involved as the reporter typed them: personal data, coordinator and HR only.
    persons_text: Mapped[str | None] = mapped_column(Text)
    #: The logged-in reporter; None for anonymous reports and after the retention purge.
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    #: Name and phone/e-mail a reporter without an account chose to give (optional).
    reporter_name: Mapped[str | None] = mapped_column(String(160))
    reporter_contact: Mapped[str | None] = mapped_column(String(160))
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Came in through a site's QR code (public form).
    via_qr: Mapped[bool] = mapped_column(Boolean, default=False)
    reported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: One-time token of the form that created it: a second submission of the same form finds this record.
    submission_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    # Triage
    triaged_at: Mapped[dt.datetime | None]
    #: Arbowet art. 9: must be reported to the Nederlandse Arbeidsinspectie; why; and when it was.
    arbo_reason: Mapped[ArboReason | None] = mapped_column(_enum(ArboReason))
    arbo_notified_at: Mapped[dt.datetime | None]
    arbo_reference: Mapped[str | None] = mapped_column(String(80))
    #: How it was reported (phone or the online form) and who made the report (a name as typed).
    arbo_method: Mapped[ArboMethod | None] = mapped_column(_enum(ArboMethod))
    arbo_reported_by: Mapped[str | None] = mapped_column(String(160))

    # Figures (kept up to date by the services from the injured-person rows)
    #: LTIs this incident counts for: one per injured person with at least one lost day.
    lti_count: Mapped[int] = mapped_column(Integer, default=0)
    #: Total working days lost over all injured persons.
    lost_days: Mapped[int] = mapped_column(Integer, default=0)
    #: Largest absence of one person: over 3 days puts the accident on the Arbowet list.
    max_lost_days: Mapped[int] = mapped_column(Integer, default=0)
    #: On the employer's Arbowet art. 9 list: reported to the Arbeidsinspectie or more than 3 days of absence.
    on_arbowet_list: Mapped[bool] = mapped_column(Boolean, default=False)

    # Investigation
    method: Mapped[Method | None] = mapped_column(_enum(Method))
    root_causes: Mapped[str | None] = mapped_column(Text)
    contributing_factors: Mapped[str | None] = mapped_column(Text)
    lessons: Mapped[str | None] = mapped_column(Text)
    #: Discuss the lessons in the next toolbox meeting (VCA 4.1); cleared by ``mark_lessons_discussed``.
    lessons_for_toolbox: Mapped[bool] = mapped_column(Boolean, default=False)
    lessons_discussed_on: Mapped[dt.date | None] = mapped_column(Date)
    lessons_meeting_ref: Mapped[str | None] = mapped_column(String(120))
    closed_at: Mapped[dt.datetime | None]
    #: When personal details were removed by the retention purge (statistics stay).
    purged_at: Mapped[dt.datetime | None]
    #: What the handler chose to tell the reporter (shown on the reporter's own page, "My reports"), and when.
    reporter_note: Mapped[str | None] = mapped_column(Text)
    reporter_note_at: Mapped[dt.datetime | None]

    site: Mapped[Site | None] = relationship(lazy="joined")
    department: Mapped[Department | None] = relationship(lazy="joined")
    persons: Mapped[list["IncidentPerson"]] = relationship(
        back_populates="incident", cascade="all, delete-orphan", order_by="IncidentPerson.id", lazy="selectin")
    photos: Mapped[list["IncidentPhoto"]] = relationship(
        back_populates="incident", cascade="all, delete-orphan", order_by="IncidentPhoto.id", lazy="selectin")

    @property
    def involved_categories(self) -> list[PersonCategory]:
        return [PersonCategory(v) for v in self.involved.split(",") if v in PersonCategory._value2member_map_]

    @property
    def arbo_pending(self) -> bool:
        return self.arbo_reason is not None and self.arbo_notified_at is None


class IncidentPerson(Audited, db.Model):
    """An injured person: category, absence in working days. The name is personal data (coordinator and HR)."""

    __tablename__ = "incident_person"
    __audit_secret__ = frozenset({"name", "employee_id"})

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id", ondelete="CASCADE"), index=True)
    category: Mapped[PersonCategory] = mapped_column(_enum(PersonCategory))
    name: Mapped[str | None] = mapped_column(String(160))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"), index=True)
    #: Working days of absence after the day of the accident (0: no lost time).
    lost_days: Mapped[int] = mapped_column(Integer, default=0)
    #: Absence still running: the lost days are not final yet.
    absence_ongoing: Mapped[bool] = mapped_column(Boolean, default=False)

    incident: Mapped[Incident] = relationship(back_populates="persons")


class IncidentPhoto(Audited, db.Model):
    __tablename__ = "incident_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id", ondelete="CASCADE"), index=True)
    stored_file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id"), unique=True)

    incident: Mapped[Incident] = relationship(back_populates="photos")
    stored_file: Mapped[StoredFile] = relationship(lazy="joined")


class IncidentSiteToken(Audited, db.Model):
    """The unguessable token in a site's QR code that opens the public report form."""

    __tablename__ = "incident_site_token"
    __audit_secret__ = frozenset({"token"})

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), unique=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    site: Mapped[Site] = relationship(lazy="joined")


class IncidentReportAttempt(db.Model):
    """A public report, counted for the rate limit: a keyed hash of the address and the hour only, so it
    cannot be tied to the report it belongs to."""

    __tablename__ = "incident_report_attempt"
    __table_args__ = (Index("ix_incident_report_attempt_key_hour", "key", "hour"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    hour: Mapped[dt.datetime]


class IncidentHours(Audited, db.Model):
    """Hours worked in one month by one group (own staff, temporary workers, subcontractors)."""

    __tablename__ = "incident_hours"
    __table_args__ = (UniqueConstraint("year", "month", "category", name="uq_incident_hours_month_category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    category: Mapped[HoursCategory] = mapped_column(_enum(HoursCategory))
    hours: Mapped[Decimal] = mapped_column(Numeric(12, 1))


class IncidentSettings(Audited, db.Model):
    """Settings of the incident log (one row)."""

    __tablename__ = "incident_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Months after the incident after which personal details are removed (statistics stay).
    retention_months: Mapped[int] = mapped_column(Integer, default=60)


from . import search  # noqa: E402,F401  (the full-text search objects, created with the incident table)
