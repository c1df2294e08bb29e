"""Suppliers (external providers) and the certificates they hold."""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..audit.models import Audited
from ..audit.services import name_entity_type
from ..database import utcnow
from ..extensions import db


#: The scheme of a certificate for a norm this installation does not know.
OTHER_SCHEME = "other"


def schemes() -> dict[str, str]:
    """Certificate schemes a supplier can hold: the enabled norms (by code), then "other"."""
    from ..norms import registry

    return {**{norm.code: norm.short_title for norm in registry()}, OTHER_SCHEME: str(_l("Other"))}


def scheme_label(code: str) -> str:
    """The scheme's name; a norm no longer enabled shows its stored code."""
    return schemes().get(code, code)


class Supplier(Audited, db.Model):
    """An external provider: a company we buy products or services from; norms add their own tables about them."""

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
    """A certificate a supplier holds (for a norm, by its code, or "other"), with its expiry date."""

    __tablename__ = "supplier_certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id", ondelete="CASCADE"), index=True)
    #: A norm code of :func:`schemes`, or "other".
    scheme: Mapped[str] = mapped_column(String(20))
    #: Level or variant of the certificate, as printed on it.
    level: Mapped[str | None] = mapped_column(String(60))
    number: Mapped[str | None] = mapped_column(String(80))
    #: Name of the certifying body.
    issuer: Mapped[str | None] = mapped_column(String(160))
    valid_until: Mapped[dt.date] = mapped_column(index=True)

    supplier: Mapped[Supplier] = relationship(back_populates="certificates")

    @property
    def scheme_label(self) -> str:
        return scheme_label(self.scheme)


name_entity_type("supplier", _l("Supplier"))
name_entity_type("supplier_certificate", _l("Supplier certificate"))
