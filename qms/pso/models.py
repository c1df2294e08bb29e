"""PSO tables: reference versions, the register (employment, hours, target-group status, conversations),
purchases, planned hires and frozen measurements. Target-group status is special personal data (AVG art. 9):
its record types are restricted in the audit trail and only the HR/PSO role reads them."""
from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import Enum, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..audit.models import Audited
from ..database import utcnow
from ..extensions import db
from ..organisation.models import Employee
from ..uploads.models import StoredFile


class PsoReferenceVersion(Audited, db.Model):
    """One handbook version's reference data (weights, windows, norm table), as loaded."""

    __tablename__ = "pso_reference_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    effective: Mapped[dt.date]
    title_nl: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    #: The checked reference as JSON (qms.pso.reference.Reference.to_json).
    data: Mapped[str] = mapped_column(Text)
    #: "shipped" or the name of the file an administrator uploaded.
    source: Mapped[str] = mapped_column(String(255))
    loaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PsoEmployment(Audited, db.Model):
    """An employment period as PSO counts it: contract type and contracted hours."""

    __tablename__ = "pso_employment"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    start: Mapped[dt.date]
    end: Mapped[dt.date | None]
    #: Contract type code of the reference data (regular, supported, secondment, internship, …).
    contract_type: Mapped[str] = mapped_column(String(40))
    hours_per_week: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    #: CAO norm week of this person; None: the company's norm week.
    norm_week_hours: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))

    employee: Mapped[Employee] = relationship(lazy="joined")


class PsoHours(Audited, db.Model):
    """Hours actually worked by one employee in one peiljaar (entered or imported from payroll)."""

    __tablename__ = "pso_hours"
    __table_args__ = (UniqueConstraint("employee_id", "year", name="uq_pso_hours_employee_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    year: Mapped[int]
    hours_worked: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    #: "entered" or "import".
    source: Mapped[str] = mapped_column(String(20), default="entered")


class PsoTargetStatus(Audited, db.Model):
    """Target-group status at intake, apprenticeship details and the qualitative-criteria dossier."""

    __tablename__ = "pso_target_status"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), unique=True)
    #: Starting-position code of the reference data (wsw, participatiewet, wia_wajong, bbl2, …).
    starting_position: Mapped[str] = mapped_column(String(40))
    intake_date: Mapped[dt.date]
    #: End of the Wsw indication, wage subsidy or training, where relevant.
    status_until: Mapped[dt.date | None]
    #: Decision letter or municipal statement.
    evidence_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"))
    #: Apprentices: "bbl" or "bol", level 1-4, school and practice agreement.
    education_route: Mapped[str | None] = mapped_column(String(3))
    education_level: Mapped[int | None]
    school: Mapped[str | None] = mapped_column(String(160))
    agreement_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"))
    #: Qualitative criteria: how work fits, integration, and support (empty: not documented).
    suitable_work: Mapped[str | None] = mapped_column(Text)
    integration: Mapped[str | None] = mapped_column(Text)
    support_needed: Mapped[bool] = mapped_column(default=True)
    support: Mapped[str | None] = mapped_column(Text)
    job_coach: Mapped[str | None] = mapped_column(String(160))

    employee: Mapped[Employee] = relationship(lazy="joined")
    evidence_file: Mapped[StoredFile | None] = relationship(foreign_keys=[evidence_file_id])
    agreement_file: Mapped[StoredFile | None] = relationship(foreign_keys=[agreement_file_id])
    conversations: Mapped[list["PsoConversation"]] = relationship(
        back_populates="status", cascade="all, delete-orphan", order_by="PsoConversation.held_on.desc()")


class ConversationKind(str, enum.Enum):
    PERFORMANCE = "performance"
    DEVELOPMENT = "development"


class PsoConversation(Audited, db.Model):
    """A performance or development conversation held with a target-group employee."""

    __tablename__ = "pso_conversation"

    id: Mapped[int] = mapped_column(primary_key=True)
    status_id: Mapped[int] = mapped_column(ForeignKey("pso_target_status.id"), index=True)
    held_on: Mapped[dt.date]
    kind: Mapped[ConversationKind] = mapped_column(Enum(ConversationKind, native_enum=False, length=20))
    summary: Mapped[str] = mapped_column(Text)
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"))

    status: Mapped[PsoTargetStatus] = relationship(back_populates="conversations")


class SupplierKind(str, enum.Enum):
    PSO = "pso"
    SW = "sw"


class PsoPurchase(Audited, db.Model):
    """Purchases in one peiljaar at a PSO-certified supplier or an SW company (indirect contribution)."""

    __tablename__ = "pso_purchase"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    #: The shared supplier register's record (qms/suppliers), when the supplier is there.
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("supplier.id"), index=True)
    supplier_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[SupplierKind] = mapped_column(Enum(SupplierKind, native_enum=False, length=10))
    certificate_number: Mapped[str | None] = mapped_column(String(60))
    invoice_value: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    supplier_turnover: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    supplier_target_fte: Mapped[Decimal] = mapped_column(Numeric(10, 2))


class PsoPlannedHire(Audited, db.Model):
    """A hire planned for a coming peiljaar, used by the forecast only."""

    __tablename__ = "pso_planned_hire"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(120))
    start: Mapped[dt.date]
    contract_type: Mapped[str] = mapped_column(String(40))
    hours_per_week: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    starting_position: Mapped[str | None] = mapped_column(String(40))


class MeasurementState(str, enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    DISCARDED = "discarded"


#: Allowed state changes of a measurement. A submitted measurement never changes again.
MEASUREMENT_TRANSITIONS = {
    MeasurementState.DRAFT: {MeasurementState.SUBMITTED, MeasurementState.DISCARDED},
    MeasurementState.SUBMITTED: set(),
    MeasurementState.DISCARDED: set(),
}


class PsoMeasurement(Audited, db.Model):
    """A frozen snapshot of one peiljaar: inputs (pseudonymised), results and the reference version used."""

    __tablename__ = "pso_measurement"
    #: One submitted measurement per peiljaar; every later submission is a correction linked to the one it
    #: corrects, and each measurement is corrected by at most one submitted correction (a chain, one head).
    __table_args__ = (
        Index("uq_pso_measurement_submitted_year", "year", unique=True,
              sqlite_where=text("state = 'SUBMITTED' AND corrects_id IS NULL"),
              postgresql_where=text("state = 'SUBMITTED' AND corrects_id IS NULL")),
        Index("uq_pso_measurement_submitted_correction", "corrects_id", unique=True,
              sqlite_where=text("state = 'SUBMITTED'"), postgresql_where=text("state = 'SUBMITTED'")),
    )
    __audit_ignore__ = frozenset({"inputs", "results"})  # the trail keeps their SHA-256 instead

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    reference_code: Mapped[str] = mapped_column(String(20))
    state: Mapped[MeasurementState] = mapped_column(
        Enum(MeasurementState, native_enum=False, length=20), default=MeasurementState.DRAFT)
    #: Calculator input JSON (CALCULATE.md), employees under their pseudonyms.
    inputs: Mapped[str] = mapped_column(Text)
    results: Mapped[str] = mapped_column(Text)
    #: SHA-256 over inputs and results: proves in the trail what was frozen.
    content_sha256: Mapped[str] = mapped_column(String(64))
    total_pct: Mapped[Decimal] = mapped_column(Numeric(8, 4))
    level: Mapped[str | None] = mapped_column(String(20))
    #: The submitted measurement this one corrects.
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("pso_measurement.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    submitted_at: Mapped[dt.datetime | None]

    corrects: Mapped["PsoMeasurement | None"] = relationship(remote_side=[id])


class PsoCertificateExtension(Audited, db.Model):
    """That one of the company's certificates (qms.evidence) extends an earlier PSO Aspirant-status: the chain
    original → extension 1 → extension 2 (rules in ``aspirant.py``)."""

    __tablename__ = "pso_certificate_extension"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The extension: a certificate of the shared register (one row per certificate at most).
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificate.id", ondelete="CASCADE"), unique=True)
    #: The certificate it extends.
    extends_id: Mapped[int] = mapped_column(ForeignKey("certificate.id", ondelete="CASCADE"), index=True)
