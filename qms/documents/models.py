"""Documents, their versions and signatures, requirement links, distribution, read confirmations and reviews."""
from __future__ import annotations

import datetime as dt
import enum
from functools import partial

from sqlalchemy import DDL, Boolean, ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..audit.models import Audited
from ..database import enum_column, utcnow
from ..extensions import db


#: This package's enum columns: the member values, an unknown string refused.
_enum = partial(enum_column, strict=True)


class DocumentType(str, enum.Enum):
    POLICY = "policy"
    PROCEDURE = "procedure"
    WORK_INSTRUCTION = "work_instruction"
    FORM = "form"
    EXTERNAL = "external"
    RECORD_TEMPLATE = "record_template"


class VersionState(str, enum.Enum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"
    WITHDRAWN = "withdrawn"


class SignatureMeaning(str, enum.Enum):
    REVIEWED = "reviewed"
    APPROVED = "approved"


class ReviewOutcome(str, enum.Enum):
    CONFIRMED = "confirmed"
    NEW_VERSION = "new_version"


class TargetKind(str, enum.Enum):
    ROLE = "role"
    USER = "user"
    DEPARTMENT = "department"
    SITE = "site"


class Document(Audited, db.Model):
    """A controlled document in the register; its content lives in versions."""

    __tablename__ = "document"
    __audit_ignore__ = frozenset({"search_text"})
    #: The register lists documents of one status in number order: one index serves filter and order.
    __table_args__ = (Index("ix_document_status_number", "status", "number"),
                      Index("ix_document_type_status_review", "type", "status", "next_review_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Register number: prefix, dash, digits (PR-012, WI-034, F-007).
    number: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(200), index=True)
    type: Mapped[DocumentType] = mapped_column(_enum(DocumentType))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"), index=True)
    #: How long records made with this document are kept, in years (None: not set).
    retention_years: Mapped[int | None]
    review_interval_months: Mapped[int] = mapped_column(default=12)
    next_review_on: Mapped[dt.date | None] = mapped_column(index=True)
    #: Denormalised state of the newest version (draft … withdrawn), for filtering the register.
    status: Mapped[VersionState] = mapped_column(_enum(VersionState), default=VersionState.DRAFT)
    #: Number, title and authored text of the newest version: what full-text search reads.
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    owner = relationship("User", foreign_keys=[owner_id], lazy="joined")
    department = relationship("Department", lazy="joined")
    site = relationship("Site", lazy="joined")
    versions: Mapped[list["DocumentVersion"]] = relationship(
        back_populates="document", order_by="DocumentVersion.id", lazy="selectin")
    requirements: Mapped[list["DocumentRequirement"]] = relationship(
        back_populates="document", cascade="all, delete-orphan", lazy="selectin",
        order_by="(DocumentRequirement.norm, DocumentRequirement.requirement)")
    targets: Mapped[list["DistributionTarget"]] = relationship(
        back_populates="document", cascade="all, delete-orphan", lazy="selectin")


class DocumentVersion(Audited, db.Model):
    __tablename__ = "document_version"
    __table_args__ = (UniqueConstraint("document_id", "major", "minor", name="uq_document_version_label"),)
    __audit_ignore__ = frozenset({"lock_version"})

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    major: Mapped[int]
    minor: Mapped[int]
    #: No index of its own: six values, and an index on it misleads SQLite's planner away from document_id.
    state: Mapped[VersionState] = mapped_column(_enum(VersionState), default=VersionState.DRAFT)
    #: Authored content (Markdown); None when the content is an uploaded file.
    content_markdown: Mapped[str | None] = mapped_column(Text)
    stored_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"))
    change_summary: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    #: SHA-256 of the exact content (the Markdown text, or the stored file's bytes): what signatures sign.
    sha256: Mapped[str] = mapped_column(String(64), default="")
    effective_date: Mapped[dt.date | None]
    #: Comment of the last rejection (shown on the draft until it is submitted again).
    reject_comment: Mapped[str | None] = mapped_column(Text)
    withdraw_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    published_at: Mapped[dt.datetime | None]
    retired_at: Mapped[dt.datetime | None]
    #: Optimistic concurrency: every save increments it; a save carrying an older value is refused.
    lock_version: Mapped[int] = mapped_column(default=1)

    document: Mapped[Document] = relationship(back_populates="versions")
    author = relationship("User", foreign_keys=[author_id], lazy="joined")
    approver = relationship("User", foreign_keys=[approver_id], lazy="joined")
    stored_file = relationship("StoredFile", lazy="joined")
    reviewers: Mapped[list["VersionReviewer"]] = relationship(
        back_populates="version", cascade="all, delete-orphan", lazy="selectin")
    signatures: Mapped[list["Signature"]] = relationship(
        back_populates="version", order_by="Signature.signed_at", lazy="selectin")

    __mapper_args__ = {"version_id_col": lock_version}

    @property
    def label(self) -> str:
        return f"{self.major}.{self.minor}"

    @property
    def is_retired(self) -> bool:
        return self.state in (VersionState.SUPERSEDED, VersionState.WITHDRAWN)

    @property
    def valid_signatures(self) -> list["Signature"]:
        return [s for s in self.signatures if not s.void]


class VersionReviewer(Audited, db.Model):
    """A person asked to review a version before it can be approved."""

    __tablename__ = "document_reviewer"

    version_id: Mapped[int] = mapped_column(ForeignKey("document_version.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)

    version: Mapped[DocumentVersion] = relationship(back_populates="reviewers")
    user = relationship("User", lazy="joined")


class Signature(Audited, db.Model):
    """An electronic signature: who, meaning, when (UTC) and the hash of the exact content signed."""

    __tablename__ = "document_signature"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("document_version.id"), index=True)
    signer_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    #: The signer's name at the time of signing.
    signer_name: Mapped[str] = mapped_column(String(200))
    meaning: Mapped[SignatureMeaning] = mapped_column(_enum(SignatureMeaning))
    signed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sha256: Mapped[str] = mapped_column(String(64))
    #: Set when the content changed after signing: the signature no longer holds.
    void: Mapped[bool] = mapped_column(Boolean, default=False)
    voided_at: Mapped[dt.datetime | None]

    version: Mapped[DocumentVersion] = relationship(back_populates="signatures")


class DocumentRequirement(Audited, db.Model):
    """A requirement of any norm's catalogue that the document serves, by (norm, version, code)."""

    __tablename__ = "document_requirement"
    __table_args__ = (
        UniqueConstraint("document_id", "norm", "norm_version", "requirement", name="uq_document_requirement"),
        Index("ix_document_requirement_key", "norm", "norm_version", "requirement"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    norm: Mapped[str] = mapped_column(String(20))
    norm_version: Mapped[str] = mapped_column(String(20))
    requirement: Mapped[str] = mapped_column(String(40))

    document: Mapped[Document] = relationship(back_populates="requirements")


class DistributionTarget(Audited, db.Model):
    """Who must read a document: everyone with a role, one user, everyone in a department or everyone whose
    usual work location is a site."""

    __tablename__ = "document_target"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    kind: Mapped[TargetKind] = mapped_column(_enum(TargetKind))
    role: Mapped[str | None] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"), index=True)

    document: Mapped[Document] = relationship(back_populates="targets")
    user = relationship("User", lazy="joined")
    department = relationship("Department", lazy="joined")
    site = relationship("Site", lazy="joined")


class ReadConfirmation(Audited, db.Model):
    """A user confirmed having read a published version."""

    __tablename__ = "document_read"
    __table_args__ = (UniqueConstraint("user_id", "version_id", name="uq_document_read"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("document_version.id"), index=True)
    #: Denormalised for the "has this person read the current major version" question.
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    major: Mapped[int]
    confirmed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ReviewRecord(Audited, db.Model):
    """A periodic review: the version was confirmed as still right, or a new version was started."""

    __tablename__ = "document_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("document_version.id"))
    reviewed_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    reviewed_on: Mapped[dt.date]
    outcome: Mapped[ReviewOutcome] = mapped_column(_enum(ReviewOutcome))
    note: Mapped[str] = mapped_column(Text, default="")

    reviewed_by = relationship("User", lazy="joined")


#: Full-text search over ``document.search_text``: an FTS5 table on SQLite (kept in sync by the service), an
#: expression GIN index on PostgreSQL. The migration creates the same objects.
SEARCH_DDL = {
    "sqlite": ["CREATE VIRTUAL TABLE document_fts USING fts5(body)"],
    "postgresql": ["CREATE INDEX ix_document_search ON document "
                   "USING gin (to_tsvector('simple', coalesce(search_text, '')))"],
}
SEARCH_DROP = {
    "sqlite": ["DROP TABLE IF EXISTS document_fts"],
    "postgresql": ["DROP INDEX IF EXISTS ix_document_search"],
}

for _dialect, _statements in SEARCH_DDL.items():
    for _sql in _statements:
        event.listen(Document.__table__, "after_create", DDL(_sql).execute_if(dialect=_dialect))
for _dialect, _statements in SEARCH_DROP.items():
    for _sql in _statements:
        event.listen(Document.__table__, "before_drop", DDL(_sql).execute_if(dialect=_dialect))

#: The FTS5 table (with its shadow tables) and the GIN index are not mapped; the schema comparison in the tests
#: leaves them out.
db.metadata.info.setdefault("unmapped_tables", set()).add("document_fts")
db.metadata.info.setdefault("unmapped_indexes", set()).add("ix_document_search")


def _name_entity_types() -> None:
    """Readable record-type names in the audit trail."""
    from flask_babel import lazy_gettext as _l

    from ..audit.services import name_entity_type

    for entity_type, label in {
        "document": _l("Document"), "document_version": _l("Document version"),
        "document_signature": _l("Electronic signature"), "document_reviewer": _l("Reviewer of a document version"),
        "document_requirement": _l("Requirement served by a document"),
        "document_target": _l("Reader group of a document"), "document_read": _l("Read confirmation"),
        "document_review": _l("Periodic review of a document"),
    }.items():
        name_entity_type(entity_type, label)


_name_entity_types()
