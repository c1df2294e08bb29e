"""Certification evidence: uploaded evidence files linked to requirements, links to records kept in the
system, own certificates, daily readiness snapshots and dossier jobs.

Requirements are referred to by their (norm, version, code) key, never by a foreign key into a norm."""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Date, Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..audit.models import Audited
from ..database import utcnow
from ..extensions import db
from ..jobs import JOB_TRANSITIONS, Job, JobState  # noqa: F401  (the dossier's states are the jobs' states)


class ReviewStatus(str, enum.Enum):
    """Whether someone checked that an evidence file really shows what it claims."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


#: Allowed review transitions: a pending file is accepted or rejected; either can be reopened for review.
REVIEW_TRANSITIONS: dict[ReviewStatus, frozenset[ReviewStatus]] = {
    ReviewStatus.PENDING: frozenset({ReviewStatus.ACCEPTED, ReviewStatus.REJECTED}),
    ReviewStatus.ACCEPTED: frozenset({ReviewStatus.PENDING}),
    ReviewStatus.REJECTED: frozenset({ReviewStatus.PENDING}),
}


class EvidenceItem(Audited, db.Model):
    """An uploaded evidence file with its validity and review status; serves one or more requirements."""

    __tablename__ = "evidence_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id"), index=True)
    #: Who keeps this evidence up to date (gets the expiry reminders).
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    #: Empty: valid until withdrawn.
    valid_until: Mapped[dt.date | None] = mapped_column(Date, index=True)
    review_status: Mapped[ReviewStatus] = mapped_column(
        Enum(ReviewStatus, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]),
        default=ReviewStatus.PENDING)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reviewed_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    file = relationship("StoredFile", lazy="joined")
    owner = relationship("User", foreign_keys=[owner_id], lazy="joined")
    requirements: Mapped[list["EvidenceRequirement"]] = relationship(
        back_populates="evidence", cascade="all, delete-orphan", order_by="EvidenceRequirement.id")
    #: Every file this evidence has had, newest first; the item's own file, dates and review are the newest's.
    revisions: Mapped[list["EvidenceRevision"]] = relationship(
        back_populates="evidence", cascade="all, delete-orphan", order_by="EvidenceRevision.number.desc()")


class EvidenceRevision(Audited, db.Model):
    """One file of an evidence item (the yearly renewal adds one), with its dates and who reviewed it.

    The file's SHA-256 is on its stored file. Revision 1 is the file the item was created with."""

    __tablename__ = "evidence_revision"
    __table_args__ = (UniqueConstraint("evidence_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence_item.id", ondelete="CASCADE"), index=True)
    #: 1, 2, 3, … per item.
    number: Mapped[int] = mapped_column(Integer)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id"), index=True)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    review_status: Mapped[ReviewStatus] = mapped_column(
        Enum(ReviewStatus, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]),
        default=ReviewStatus.PENDING)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reviewed_at: Mapped[dt.datetime | None]
    #: What changed, in the uploader's words ("renewed for 2027").
    note: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    evidence: Mapped[EvidenceItem] = relationship(back_populates="revisions")
    file = relationship("StoredFile", lazy="joined")
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id], lazy="joined")
    created_by = relationship("User", foreign_keys=[created_by_id], lazy="joined")


class EvidenceRequirement(Audited, db.Model):
    """Links one evidence file to one requirement (many-to-many between evidence and requirements)."""

    __tablename__ = "evidence_requirement"
    __table_args__ = (
        UniqueConstraint("evidence_id", "norm", "version", "code", name="uq_evidence_requirement"),
        Index("ix_evidence_requirement_key", "norm", "version", "code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence_item.id", ondelete="CASCADE"))
    norm: Mapped[str] = mapped_column(String(40))
    version: Mapped[str] = mapped_column(String(40))
    code: Mapped[str] = mapped_column(String(40))

    evidence: Mapped[EvidenceItem] = relationship(back_populates="requirements")


class EvidenceRecordLink(Audited, db.Model):
    """Links a record kept elsewhere in the system (document, incident, audit, review, register entry)
    to a requirement, by a generic (record_type, record_id) resolved through the record-type registry."""

    __tablename__ = "evidence_record_link"
    __table_args__ = (
        UniqueConstraint("norm", "version", "code", "record_type", "record_id", name="uq_evidence_record_link"),
        Index("ix_evidence_record_link_key", "norm", "version", "code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    norm: Mapped[str] = mapped_column(String(40))
    version: Mapped[str] = mapped_column(String(40))
    code: Mapped[str] = mapped_column(String(40))
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(40))
    #: The record's readable name when it was linked (shown if its package no longer describes it).
    label: Mapped[str] = mapped_column(String(255))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Certificate(Audited, db.Model):
    """One of the company's own certificates, for one of the enabled norms (and a level of it)."""

    __tablename__ = "certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    norm: Mapped[str] = mapped_column(String(40), index=True)
    #: Level code of the norm's catalogue (e.g. "vca2", "trede3"); empty for norms without levels.
    level: Mapped[str | None] = mapped_column(String(40))
    #: Catalogue version the certificate was issued against (e.g. "2017-6.0"); empty when not recorded.
    version: Mapped[str | None] = mapped_column(String(40))
    certifying_body: Mapped[str] = mapped_column(String(200))
    number: Mapped[str] = mapped_column(String(80))
    scope: Mapped[str | None] = mapped_column(Text)
    issued_on: Mapped[dt.date] = mapped_column(Date)
    expires_on: Mapped[dt.date] = mapped_column(Date, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ReadinessSnapshot(Audited, db.Model):
    """Readiness of one norm version and level on one day (the chart of readiness over time)."""

    __tablename__ = "evidence_readiness_snapshot"
    __table_args__ = (UniqueConstraint("norm", "version", "level", "on_date", name="uq_evidence_snapshot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    norm: Mapped[str] = mapped_column(String(40))
    version: Mapped[str] = mapped_column(String(40))
    #: Level code, or "" for the norm as a whole.
    level: Mapped[str] = mapped_column(String(40), default="")
    on_date: Mapped[dt.date] = mapped_column(Date)
    #: Readiness in whole percent (0–100).
    percent: Mapped[int] = mapped_column(Integer)
    required: Mapped[int] = mapped_column(Integer)
    covered: Mapped[int] = mapped_column(Integer)
    missing: Mapped[int] = mapped_column(Integer)
    expired: Mapped[int] = mapped_column(Integer)
    expiring: Mapped[int] = mapped_column(Integer)


class DossierJob(Job):
    """A certification dossier (PDF + ZIP) for one norm, built by the job worker with visible progress."""

    __tablename__ = "evidence_dossier_job"
    __audit_ignore__ = Job.__audit_ignore__

    id: Mapped[int] = mapped_column(ForeignKey("job.id"), primary_key=True)
    norm: Mapped[str] = mapped_column(String(40))
    version: Mapped[str] = mapped_column(String(40))
    level: Mapped[str] = mapped_column(String(40), default="")
    #: Key figures and live evidence as seen when the dossier was requested (JSON).
    figures: Mapped[str | None] = mapped_column(Text)
    #: File names inside the dossier folder, set when done.
    pdf_name: Mapped[str | None] = mapped_column(String(120))
    zip_name: Mapped[str | None] = mapped_column(String(120))

    __mapper_args__ = {"polymorphic_identity": "evidence.dossier"}


from flask_babel import lazy_gettext as _l  # noqa: E402

from ..audit.services import name_entity_type  # noqa: E402

for _type, _label in {
    "evidence_item": _l("Evidence"), "evidence_requirement": _l("Evidence for a requirement"),
    "evidence_record_link": _l("Record as evidence"), "certificate": _l("Certificate"),
    "evidence_readiness_snapshot": _l("Readiness snapshot"), "evidence_dossier_job": _l("Certification dossier"),
}.items():
    name_entity_type(_type, _label)
