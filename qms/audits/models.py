"""Audits, their norms, scope, team and auditees, checklist items with results, files and evidence links."""
from __future__ import annotations

import datetime as dt
from functools import partial

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..audit.models import Audited
from ..auth.models import User
from ..database import enum_column, utcnow
from ..extensions import db
from ..organisation.models import Department, Employee, Site
from ..uploads.models import StoredFile
from .rules import AuditState, AuditType, Result


#: This package's enum columns: the member values, an unknown string refused.
_enum = partial(enum_column, strict=True)


class Audit(Audited, db.Model):
    """One planned or conducted audit; planned audits of a year form that year's programme."""

    __tablename__ = "audit_audit"
    __table_args__ = (Index("ix_audit_audit_planned_start", "planned_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "AU-2026-03": year of the planned start and a sequence within that year.
    number: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    type: Mapped[AuditType] = mapped_column(_enum(AuditType), default=AuditType.INTERNAL)
    state: Mapped[AuditState] = mapped_column(_enum(AuditState), default=AuditState.PLANNED)
    #: Certification level where relevant (a level code of the norm's catalogue, e.g. "vca2").
    level: Mapped[str | None] = mapped_column(String(20))
    scope: Mapped[str] = mapped_column(Text, default="")
    criteria: Mapped[str] = mapped_column(Text, default="")
    #: Processes audited, as written in the programme ("Inkoop, Planning").
    processes: Mapped[str | None] = mapped_column(String(255))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"))
    planned_start: Mapped[dt.date] = mapped_column(Date)
    planned_end: Mapped[dt.date | None] = mapped_column(Date)
    lead_auditor_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    #: Why an auditor audits their own department or process anyway (the independence rule was overridden).
    independence_note: Mapped[str | None] = mapped_column(Text)
    conclusion: Mapped[str | None] = mapped_column(Text)
    conducted_on: Mapped[dt.date | None] = mapped_column(Date)
    reported_on: Mapped[dt.date | None] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    lead_auditor: Mapped[User] = relationship(foreign_keys=[lead_auditor_id], lazy="joined")
    department: Mapped[Department | None] = relationship(lazy="joined")
    site: Mapped[Site | None] = relationship(lazy="joined")
    norms: Mapped[list["AuditNorm"]] = relationship(back_populates="audit", cascade="all, delete-orphan",
                                                    lazy="selectin", order_by="AuditNorm.id")
    scope_items: Mapped[list["AuditScope"]] = relationship(back_populates="audit", cascade="all, delete-orphan",
                                                           lazy="selectin", order_by="AuditScope.id")
    members: Mapped[list["AuditMember"]] = relationship(back_populates="audit", cascade="all, delete-orphan",
                                                        lazy="selectin", order_by="AuditMember.id")
    auditees: Mapped[list["AuditAuditee"]] = relationship(back_populates="audit", cascade="all, delete-orphan",
                                                          lazy="selectin", order_by="AuditAuditee.id")

    @property
    def team(self) -> list[User]:
        return [m.user for m in self.members]


class AuditNorm(Audited, db.Model):
    """A norm version the audit is held against."""

    __tablename__ = "audit_norm"
    __table_args__ = (UniqueConstraint("audit_id", "norm", name="uq_audit_norm_audit_norm"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit_audit.id", ondelete="CASCADE"), index=True)
    norm: Mapped[str] = mapped_column(String(20))
    version: Mapped[str] = mapped_column(String(20))
    audit: Mapped[Audit] = relationship(back_populates="norms")


class AuditScope(Audited, db.Model):
    """A chapter or requirement selected for the audit (a chapter brings all its requirements)."""

    __tablename__ = "audit_scope"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit_audit.id", ondelete="CASCADE"), index=True)
    norm: Mapped[str] = mapped_column(String(20))
    version: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(40))
    audit: Mapped[Audit] = relationship(back_populates="scope_items")


class AuditMember(Audited, db.Model):
    """An auditor in the audit team (the lead auditor is on the audit itself)."""

    __tablename__ = "audit_member"
    __table_args__ = (UniqueConstraint("audit_id", "user_id", name="uq_audit_member_audit_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit_audit.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    audit: Mapped[Audit] = relationship(back_populates="members")
    user: Mapped[User] = relationship(lazy="joined")


class AuditAuditee(Audited, db.Model):
    """A person interviewed or observed during the audit."""

    __tablename__ = "audit_auditee"
    __table_args__ = (UniqueConstraint("audit_id", "employee_id", name="uq_audit_auditee_audit_employee"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit_audit.id", ondelete="CASCADE"), index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    audit: Mapped[Audit] = relationship(back_populates="auditees")
    employee: Mapped[Employee] = relationship(lazy="joined")


class AuditItem(Audited, db.Model):
    """One checklist question: from a catalogue requirement or the auditor's own; its result is a finding."""

    __tablename__ = "audit_item"
    __table_args__ = (Index("ix_audit_item_requirement", "norm", "requirement"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit_audit.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    norm: Mapped[str | None] = mapped_column(String(20))
    version: Mapped[str | None] = mapped_column(String(20))
    #: Requirement code in the catalogue; None for the auditor's own questions.
    requirement: Mapped[str | None] = mapped_column(String(40))
    question: Mapped[str] = mapped_column(Text)
    #: A must-question at the audit's level (VCA): can never be not applicable.
    must: Mapped[bool] = mapped_column(Boolean, default=False)
    result: Mapped[Result | None] = mapped_column(_enum(Result))
    #: Why the item is not applicable (required for that result).
    justification: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    answered_at: Mapped[dt.datetime | None]
    nonconformity_id: Mapped[int | None] = mapped_column(ForeignKey("nonconformity.id"))

    files: Mapped[list["AuditItemFile"]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                        order_by="AuditItemFile.id")
    links: Mapped[list["AuditItemLink"]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                        order_by="AuditItemLink.id")


class AuditItemFile(Audited, db.Model):
    """A photo or file taken as evidence for a checklist item."""

    __tablename__ = "audit_item_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("audit_item.id", ondelete="CASCADE"), index=True)
    stored_file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id"), index=True)
    stored_file: Mapped[StoredFile] = relationship(lazy="joined")


class AuditItemLink(Audited, db.Model):
    """A reference to an existing record as evidence: a document, an incident, a nonconformity or other."""

    __tablename__ = "audit_item_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("audit_item.id", ondelete="CASCADE"), index=True)
    #: document, incident, nonconformity or other.
    kind: Mapped[str] = mapped_column(String(20))
    #: Id of the record (document, incident, nonconformity); None for "other".
    target_id: Mapped[int | None]
    #: What the auditor saw: a number, title or short reference.
    label: Mapped[str] = mapped_column(String(255))


def _name_entity_types() -> None:
    from flask_babel import lazy_gettext as _l

    from ..audit.services import name_entity_type

    for key, label in {"audit_audit": _l("Audit"), "audit_norm": _l("Norm of an audit"),
                       "audit_scope": _l("Scope of an audit"), "audit_member": _l("Audit team member"),
                       "audit_auditee": _l("Auditee"), "audit_item": _l("Audit finding"),
                       "audit_item_file": _l("File of an audit finding"),
                       "audit_item_link": _l("Evidence of an audit finding")}.items():
        name_entity_type(key, label)


_name_entity_types()
