"""Business rules of the supplier register. Functions change state and flush, never commit."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Iterator

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from ..core.dates import today
from ..core.errors import FieldError
from ..core.loaders import get_row
from ..i18n import fmt_day
from ..auth.models import User, active_users_holding
from ..database import contains, utcnow, value_taken
from ..extensions import db
from ..permissions import PERMISSIONS
from .expiry import WARN_DAYS
from .models import Supplier, SupplierCertificate, scheme_label, schemes



class SupplierError(FieldError):
    """A business rule refused the change; ``field`` names the form field the message belongs to."""


def get(supplier_id: int) -> Supplier | None:
    return get_row(Supplier, supplier_id)


@dataclass
class SupplierData:
    name: str
    kvk_number: str | None = None
    city: str | None = None
    contact: str | None = None
    email: str | None = None
    phone: str | None = None
    supplies: str | None = None
    notes: str | None = None


def save_supplier(supplier: Supplier | None, data: SupplierData) -> Supplier:
    """Add a supplier (``supplier`` is None) or change one; names and KvK numbers are unique."""
    name = data.name.strip()
    if value_taken(Supplier.name, name, other_than=supplier):
        raise SupplierError("name", _("A supplier with this name is already in the register."))
    if data.kvk_number:
        if not re.fullmatch(r"\d{8}", data.kvk_number):
            raise SupplierError("kvk_number", _("A KvK number has exactly 8 digits."))
        if value_taken(Supplier.kvk_number, data.kvk_number, other_than=supplier):  # eight digits: case is moot
            raise SupplierError("kvk_number", _("Another supplier already has this KvK number."))
    if supplier is None:
        supplier = Supplier(active=True, created_at=utcnow())
        db.session.add(supplier)
    supplier.name = name
    for key in ("kvk_number", "city", "contact", "email", "phone", "supplies", "notes"):
        setattr(supplier, key, getattr(data, key) or None)
    db.session.flush()
    return supplier


def set_active(supplier: Supplier, active: bool) -> Supplier:
    """Stop or resume buying from a supplier; the record and its history stay."""
    supplier.active = active
    db.session.flush()
    return supplier


def add_certificate(supplier: Supplier, *, scheme: str, valid_until: dt.date,
                    level: str | None = None, number: str | None = None, issuer: str | None = None
                    ) -> SupplierCertificate:
    if scheme not in schemes():
        raise SupplierError("scheme", _("Choose one of the listed certificates."))
    certificate = SupplierCertificate(supplier=supplier, scheme=scheme, valid_until=valid_until,
                                      level=level or None, number=number or None, issuer=issuer or None)
    db.session.add(certificate)
    db.session.flush()
    return certificate


def update_certificate(certificate: SupplierCertificate, *, valid_until: dt.date, level: str | None = None,
                       issuer: str | None = None) -> SupplierCertificate:
    """A renewed or corrected certificate (scheme and number stay: they are what the certificate is)."""
    certificate.valid_until = valid_until
    certificate.level = level or None
    certificate.issuer = issuer or None
    db.session.flush()
    return certificate


def remove_certificate(certificate: SupplierCertificate) -> None:
    """Remove a certificate entered by mistake or replaced (the trail keeps what it said)."""
    db.session.delete(certificate)
    db.session.flush()


# --- reading ----------------------------------------------------------------------------------

def register_query(*, q: str | None = None, status: str | None = "active", scheme: str | None = None,
                   on: dt.date | None = None):
    """The register's select, filtered in the database; ``status``: active, inactive, expiring or all."""
    stmt = select(Supplier)
    if q:
        stmt = stmt.where(contains(q, Supplier.name, Supplier.city, Supplier.supplies, Supplier.kvk_number))
    if status == "active":
        stmt = stmt.where(Supplier.active.is_(True))
    elif status == "inactive":
        stmt = stmt.where(Supplier.active.is_(False))
    elif status == "expiring":
        limit = (on or today()) + dt.timedelta(days=WARN_DAYS)
        stmt = stmt.where(Supplier.active.is_(True), Supplier.id.in_(
            select(SupplierCertificate.supplier_id).where(SupplierCertificate.valid_until <= limit)))
    if scheme:
        stmt = stmt.where(Supplier.id.in_(
            select(SupplierCertificate.supplier_id).where(SupplierCertificate.scheme == scheme)))
    return stmt.order_by(func.lower(Supplier.name), Supplier.id)


def certificates_for(supplier_ids: list[int]) -> dict[int, list[SupplierCertificate]]:
    """Certificates of several suppliers in one query, by supplier id (for list pages)."""
    found: dict[int, list[SupplierCertificate]] = {i: [] for i in supplier_ids}
    if not supplier_ids:
        return found
    stmt = (select(SupplierCertificate).where(SupplierCertificate.supplier_id.in_(supplier_ids))
            .order_by(SupplierCertificate.valid_until))
    for certificate in db.session.scalars(stmt):
        found[certificate.supplier_id].append(certificate)
    return found


def expiring(within_days: int = WARN_DAYS, on: dt.date | None = None) -> list[SupplierCertificate]:
    """Certificates of active suppliers that have expired or expire within ``within_days``, soonest first.

    Only the newest certificate per supplier and scheme counts: a renewed certificate silences the old one."""
    on = on or today()
    newest = (select(SupplierCertificate.supplier_id, SupplierCertificate.scheme,
                     func.max(SupplierCertificate.valid_until).label("until"))
              .group_by(SupplierCertificate.supplier_id, SupplierCertificate.scheme).subquery())
    stmt = (select(SupplierCertificate).join(SupplierCertificate.supplier)
            .join(newest, (newest.c.supplier_id == SupplierCertificate.supplier_id)
                  & (newest.c.scheme == SupplierCertificate.scheme)
                  & (newest.c.until == SupplierCertificate.valid_until))
            .where(Supplier.active.is_(True),
                   SupplierCertificate.valid_until <= on + dt.timedelta(days=within_days))
            .options(contains_eager(SupplierCertificate.supplier))
            .order_by(SupplierCertificate.valid_until, SupplierCertificate.id))
    return list(db.session.scalars(stmt).unique())


def managers() -> list[User]:
    """Active users who hold ``suppliers.manage`` (they receive the expiry reminders)."""
    return active_users_holding(*PERMISSIONS["suppliers.manage"])


def reminders(on: dt.date) -> Iterator:
    """Notification reminders: one per certificate that expires within the warning period (or has expired)."""
    from flask import current_app, url_for
    from flask_babel import gettext

    from ..notifications import services as notifications

    users = managers()
    if not users:
        return
    for certificate in expiring(WARN_DAYS, on):
        supplier, until = certificate.supplier, certificate.valid_until
        scheme = certificate.scheme

        def subject(supplier=supplier, until=until, scheme=scheme):
            return gettext("Certificate %(scheme)s of %(supplier)s runs until %(date)s",
                           scheme=scheme_label(scheme), supplier=supplier.name, date=fmt_day(until))

        with current_app.test_request_context():  # the reminders run outside a request (cron)
            url = url_for("suppliers.detail", supplier_id=supplier.id)
        yield notifications.Reminder(
            users, subject, "", url,
            f"supplier-certificate-{certificate.id}-{until.isoformat()}")
