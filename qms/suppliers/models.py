"""Suppliers (external providers) and the certificates they hold."""
from __future__ import annotations

import datetime as dt
import enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..audit.models import Audited
from ..audit.services import name_entity_type
from ..database import utcnow
from ..extensions import db


class CertificateScheme(str, enum.Enum):
    ISO9001 = "iso9001"
    VCA = "vca"
    PSO = "pso"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(SCHEME_LABELS[self])


SCHEME_LABELS = {
    CertificateScheme.ISO9001: _l("ISO 9001"),
    CertificateScheme.VCA: _l("VCA"),
    CertificateScheme.PSO: _l("PSO"),
    CertificateScheme.OTHER: _l("Other"),
}


class Supplier(Audited, db.Model):
    """An external provider: a company we buy products or services from (8.4), also PSO purchasing."""

    __tablename__ = "supplier"
    __table_args__ = (Index("ix_supplier_name", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    #: Chamber of Commerce (KvK) number: 8 digits.
    kvk_number: Mapped[str | None] = mapped_column(String(8))
    city: Mapped[str | None] = mapped_column(String(100))
    #: Contact person.
    contact: Mapped[str | None] = mapped_column(String(160))
    email: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(40))
    #: What we buy from them (cleaning agents, machines, temporary staff …).
    supplies: Mapped[str | None] = mapped_column(String(255))
    notes: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    certificates: Mapped[list["SupplierCertificate"]] = relationship(
        back_populates="supplier", order_by="SupplierCertificate.valid_until", cascade="all, delete-orphan")


class SupplierCertificate(Audited, db.Model):
    """A certificate a supplier holds (ISO 9001, VCA, PSO or other), with its expiry date."""

    __tablename__ = "supplier_certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id", ondelete="CASCADE"), index=True)
    scheme: Mapped[CertificateScheme] = mapped_column(
        Enum(CertificateScheme, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]))
    #: Level or variant, e.g. "VCA**", "trede 2", "2015".
    level: Mapped[str | None] = mapped_column(String(60))
    number: Mapped[str | None] = mapped_column(String(80))
    #: Name of the certifying body.
    issuer: Mapped[str | None] = mapped_column(String(160))
    valid_until: Mapped[dt.date] = mapped_column(index=True)

    supplier: Mapped[Supplier] = relationship(back_populates="certificates")


name_entity_type("supplier", _l("Supplier"))
name_entity_type("supplier_certificate", _l("Supplier certificate"))
