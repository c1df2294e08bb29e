"""The supplier register with its certificates in and out of a spreadsheet: one row per certificate (or one
row for a supplier without any), the supplier's own columns repeated on each. A supplier is found by its
name, a certificate by its supplier, scheme and number; rows are saved by the register's services."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core.imports import (CREATED, UNCHANGED, UPDATED, Column, Importer, RowRejected, choice, date, email,
                            rows_per_child, text)
from ..extensions import db
from . import services
from .models import Supplier, SupplierCertificate, scheme_label, schemes
from .services import SupplierData, SupplierError

_SUPPLIER_FIELDS = ("kvk_number", "city", "contact", "email", "phone", "supplies")


@dataclass
class _Lookups:
    suppliers: dict[str, Supplier]


def _lookups() -> _Lookups:
    stmt = select(Supplier).options(selectinload(Supplier.certificates))
    return _Lookups({s.name.casefold(): s for s in db.session.scalars(stmt)})


def _save(values: dict, lookups: _Lookups) -> str:
    supplier = lookups.suppliers.get(values["name"].casefold())
    data = SupplierData(name=values["name"], notes=supplier.notes if supplier is not None else None,
                        **{key: values[key] or None for key in _SUPPLIER_FIELDS})
    outcome = UNCHANGED
    if supplier is None:
        supplier = services.save_supplier(None, data)
        lookups.suppliers[supplier.name.casefold()] = supplier
        outcome = CREATED
    elif supplier.name != data.name or any(getattr(supplier, k) != getattr(data, k) for k in _SUPPLIER_FIELDS):
        services.save_supplier(supplier, data)
        outcome = UPDATED
    if values["scheme"] is None:
        if any(values[k] for k in ("number", "level", "issuer", "valid_until")):
            raise RowRejected(_("A certificate needs its scheme."))
        return outcome
    if values["valid_until"] is None:
        raise RowRejected(_("A certificate needs the date until which it is valid."))
    number = values["number"] or None
    certificate = next((c for c in supplier.certificates
                        if c.scheme == values["scheme"] and (c.number or None) == number), None)
    if certificate is None:
        services.add_certificate(supplier, scheme=values["scheme"], valid_until=values["valid_until"],
                                 level=values["level"], number=number, issuer=values["issuer"])
        return CREATED if outcome == CREATED else UPDATED
    if (certificate.valid_until, certificate.level, certificate.issuer) != (
            values["valid_until"], values["level"] or None, values["issuer"] or None):
        services.update_certificate(certificate, valid_until=values["valid_until"], level=values["level"],
                                    issuer=values["issuer"])
        return UPDATED
    return outcome


def _values(row: tuple[Supplier, SupplierCertificate | None]) -> dict:
    supplier, certificate = row
    values = {"name": supplier.name, **{k: getattr(supplier, k) or "" for k in _SUPPLIER_FIELDS}}
    if certificate is not None:
        values.update(scheme=scheme_label(certificate.scheme), number=certificate.number or "",
                      level=certificate.level or "", issuer=certificate.issuer or "",
                      valid_until=certificate.valid_until)
    return values


def rows(suppliers) -> list[tuple[Supplier, SupplierCertificate | None]]:
    """One (supplier, certificate) pair per certificate, (supplier, None) for a supplier without any."""
    return rows_per_child(suppliers, lambda s: sorted(s.certificates, key=lambda c: (c.scheme, c.number or "", c.id)))


SUPPLIERS = Importer(
    name="suppliers",
    title=_l("Suppliers"),
    permission="suppliers.manage",
    key=("name", "scheme", "number"),
    columns=(
        Column("name", _l("Supplier"), text, required=True, max_length=200),
        Column("kvk_number", _l("KvK number"), text, max_length=8),
        Column("city", _l("City"), text, max_length=100),
        Column("contact", _l("Contact person"), text, max_length=160),
        Column("email", _l("E-mail"), email, max_length=255),
        Column("phone", _l("Phone"), text, max_length=40),
        Column("supplies", _l("What we buy"), text, max_length=255),
        Column("scheme", _l("Certificate"), choice(schemes)),
        Column("number", _l("Certificate number"), text, max_length=80),
        Column("level", _l("Level or version"), text, max_length=60),
        Column("issuer", _l("Certifying body"), text, max_length=160),
        Column("valid_until", _l("Valid until"), date),
    ),
    save=_save,
    context=_lookups,
    errors=(SupplierError,),
    values=_values,
    list_endpoint="suppliers.index",
    hint=_l("One row per certificate; a supplier with several certificates has several rows, a supplier without "
            "one row with the certificate columns empty. The supplier's name finds a supplier already in the "
            "register."),
)
