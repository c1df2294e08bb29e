"""Hazardous substances register: products with their safety data sheet, hazard codes and substances,
the reference lists (hazard code texts, CMR substances), the extra registration of CMR products, instruction
confirmations and links to incidents and toolbox meetings. The tables point at core tables, never the reverse."""
import datetime as dt
import enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qms.audit.models import Audited
from qms.database import enum_column, utcnow
from qms.extensions import db
from qms.organisation.models import Site
from qms.suppliers.models import Supplier
from qms.uploads.models import StoredFile


def split_codes(value: str | None) -> list[str]:
    """The codes of a comma-separated column ("GHS05,GHS07" → ["GHS05", "GHS07"])."""
    return [part.strip() for part in (value or "").split(",") if part.strip()]


class HazardKind(str, enum.Enum):
    PICTOGRAM = "pictogram"
    HAZARD = "hazard"
    PRECAUTION = "precaution"


class SignalWord(str, enum.Enum):
    NONE = "none"
    WARNING = "warning"
    DANGER = "danger"


class QuantityBand(str, enum.Enum):
    """Yearly use of the product."""

    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"
    BULK = "bulk"


class ConcentrationBand(str, enum.Enum):
    BELOW_1 = "lt1"
    FROM_1 = "1_5"
    FROM_5 = "5_10"
    FROM_10 = "10_25"
    FROM_25 = "25_50"
    ABOVE_50 = "gt50"


class Substitution(str, enum.Enum):
    """Outcome of the substitution check of a CMR product."""

    OPEN = "open"
    SUBSTITUTED = "substituted"
    NOT_POSSIBLE = "not_possible"
    PLANNED = "planned"


class VcaSubstanceSettings(Audited, db.Model):
    """Settings of the register (one row)."""

    __tablename__ = "vca_substance_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: A safety data sheet older than this many years needs a check with the supplier.
    sds_max_age_years: Mapped[int] = mapped_column(Integer, default=3)


class VcaHazardCode(Audited, db.Model):
    """Reference data: a GHS pictogram, H or EUH statement or P statement with a short text in our own words."""

    __tablename__ = "vca_hazard_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[HazardKind] = mapped_column(enum_column(HazardKind), index=True)
    text_nl: Mapped[str] = mapped_column(String(300))
    text_en: Mapped[str] = mapped_column(String(300))
    #: Version of the data file the row came from.
    source_version: Mapped[str | None] = mapped_column(String(40))


class VcaCmrSubstance(Audited, db.Model):
    """Reference data: a carcinogenic, mutagenic or reprotoxic substance of the published (SZW) list."""

    __tablename__ = "vca_cmr_substance"

    id: Mapped[int] = mapped_column(primary_key=True)
    cas: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: Letters C, M and/or R, e.g. "C" or "MR".
    category: Mapped[str] = mapped_column(String(3))
    #: Where the row comes from ("SZW-lijst") and the publication date of that list.
    source: Mapped[str | None] = mapped_column(String(120))
    version_date: Mapped[dt.date | None] = mapped_column(Date)


class VcaProduct(Audited, db.Model):
    """A cleaning product in use, with its current safety data sheet and what is on it."""

    __tablename__ = "vca_product"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), index=True)
    #: What the product is for ("Sanitairreiniger", "Vloerstripper").
    purpose: Mapped[str | None] = mapped_column(String(160))
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("supplier.id"), index=True)
    #: Functions that use the product, comma-separated (the function names of the employee register).
    functions: Mapped[str | None] = mapped_column(String(500))
    quantity_band: Mapped[QuantityBand] = mapped_column(enum_column(QuantityBand), default=QuantityBand.SMALL)
    signal_word: Mapped[SignalWord] = mapped_column(enum_column(SignalWord), default=SignalWord.NONE)
    #: Codes from the reference data, comma-separated: "GHS05,GHS07", "H314,H290", "P280,P305+P351+P338".
    pictograms: Mapped[str | None] = mapped_column(String(100))
    hazard_statements: Mapped[str | None] = mapped_column(String(500))
    precaution_statements: Mapped[str | None] = mapped_column(String(500))
    #: PPE keys (qms.vca.substances.rules.PPE), comma-separated.
    ppe: Mapped[str | None] = mapped_column(String(200))
    do_text: Mapped[str | None] = mapped_column(Text)
    dont_text: Mapped[str | None] = mapped_column(Text)
    first_aid: Mapped[str | None] = mapped_column(Text)
    disposal: Mapped[str | None] = mapped_column(Text)
    # The current safety data sheet (veiligheidsinformatieblad).
    sds_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"))
    sds_issued_on: Mapped[dt.date | None] = mapped_column(Date)
    sds_language: Mapped[str | None] = mapped_column(String(5))
    sds_revision: Mapped[str | None] = mapped_column(String(20))
    #: When we last checked the sheet against the supplier's latest.
    sds_reviewed_on: Mapped[dt.date | None] = mapped_column(Date)
    #: The supplier announced a newer revision on this date (cleared when that sheet is uploaded).
    newer_revision_on: Mapped[dt.date | None] = mapped_column(Date)
    #: The RI&E in which the product is assessed as a risk (qms.vca), with its plan of action.
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("vca_risk_assessment.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    supplier: Mapped[Supplier | None] = relationship(lazy="joined")
    sds_file: Mapped[StoredFile | None] = relationship()
    substances: Mapped[list["VcaProductSubstance"]] = relationship(
        order_by="VcaProductSubstance.id", back_populates="product", cascade="all, delete-orphan")
    sites: Mapped[list[Site]] = relationship(secondary="vca_product_site", order_by=Site.name, viewonly=True)

    @property
    def pictogram_list(self) -> list[str]:
        return split_codes(self.pictograms)

    @property
    def hazard_list(self) -> list[str]:
        return split_codes(self.hazard_statements)

    @property
    def precaution_list(self) -> list[str]:
        return split_codes(self.precaution_statements)

    @property
    def ppe_list(self) -> list[str]:
        return split_codes(self.ppe)

    @property
    def function_list(self) -> list[str]:
        return split_codes(self.functions)


class VcaProductSite(Audited, db.Model):
    """Where a product is used."""

    __tablename__ = "vca_product_site"
    __table_args__ = (UniqueConstraint("product_id", "site_id", name="uq_vca_product_site"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("vca_product.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)


class VcaProductSubstance(Audited, db.Model):
    """A substance of a product as listed in section 3 of its safety data sheet."""

    __tablename__ = "vca_product_substance"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("vca_product.id", ondelete="CASCADE"), index=True)
    cas: Mapped[str | None] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(200))
    concentration: Mapped[ConcentrationBand] = mapped_column(enum_column(ConcentrationBand))

    product: Mapped[VcaProduct] = relationship(back_populates="substances")


class VcaCmrRegistration(Audited, db.Model):
    """The extra registration of a product with a CMR substance: exposure, measures and the substitution check."""

    __tablename__ = "vca_cmr_registration"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("vca_product.id"), unique=True)
    #: Who is exposed (functions or names of workers).
    exposed: Mapped[str | None] = mapped_column(Text)
    #: How long and how often ("15 minutes, twice a week").
    exposure: Mapped[str | None] = mapped_column(String(300))
    measures: Mapped[str | None] = mapped_column(Text)
    substitution: Mapped[Substitution] = mapped_column(enum_column(Substitution), default=Substitution.OPEN)
    substitution_reason: Mapped[str | None] = mapped_column(Text)
    substitution_planned_on: Mapped[dt.date | None] = mapped_column(Date)
    checked_on: Mapped[dt.date | None] = mapped_column(Date)


class VcaProductInstruction(Audited, db.Model):
    """A person confirmed being instructed on a product (its work instruction card)."""

    __tablename__ = "vca_product_instruction"
    __table_args__ = (UniqueConstraint("product_id", "user_id", name="uq_vca_product_instruction"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("vca_product.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    confirmed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class VcaProductIncident(Audited, db.Model):
    """An incident (core table) in which the product was involved."""

    __tablename__ = "vca_product_incident"
    __table_args__ = (UniqueConstraint("product_id", "incident_id", name="uq_vca_product_incident"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("vca_product.id"), index=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)


class VcaProductToolbox(Audited, db.Model):
    """A toolbox meeting that discussed the product."""

    __tablename__ = "vca_product_toolbox"
    __table_args__ = (UniqueConstraint("product_id", "meeting_id", name="uq_vca_product_toolbox"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("vca_product.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("vca_toolbox_meeting.id"), index=True)


#: Readable names of the tables in the audit trail (registered in the norm's setup).
RECORD_NAMES = {
    "vca_substance_settings": _l("Hazardous substances settings"), "vca_hazard_code": _l("Hazard code"),
    "vca_cmr_substance": _l("CMR substance (reference list)"), "vca_product": _l("Cleaning product"),
    "vca_product_substance": _l("Substance of a product"), "vca_cmr_registration": _l("CMR registration"),
    "vca_product_instruction": _l("Instruction on a product"), "vca_product_incident": _l("Product in an incident"),
    "vca_product_toolbox": _l("Product in a toolbox meeting"),
}
