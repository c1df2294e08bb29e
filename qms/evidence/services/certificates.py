"""The company's own certificates and the external audit calendar derived from them."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from ...extensions import db
from ...norms import registry
from .. import cycles
from ..models import Certificate
from .common import EvidenceError, today

# --- own certificates --------------------------------------------------------------------------------

@dataclass
class CertificateData:
    norm: str
    level: str | None
    certifying_body: str
    number: str
    scope: str | None
    issued_on: dt.date
    expires_on: dt.date
    #: The certificate this one extends, where a norm allows that (``registry().certificate_extensions``).
    extends_id: int | None = None
    #: The catalogue version of the norm it was issued against (None: not recorded).
    version: str | None = None


def _check_certificate(data: CertificateData) -> None:
    norm = registry().get(data.norm)
    if norm is None:
        raise EvidenceError("norm", _("Choose one of the enabled norms."))
    levels = {lv.code for cat in norm.versions.values() for lv in cat.levels}
    if data.level and data.level not in levels:
        raise EvidenceError("level", _("This level does not exist for the chosen norm."))
    if levels and not data.level:
        raise EvidenceError("level", _("Choose the certified level."))
    if data.version and data.version not in norm.versions:
        raise EvidenceError("version", _("This version does not exist for the chosen norm."))
    if data.expires_on <= data.issued_on:
        raise EvidenceError("expires_on", _("The expiry date must be after the issue date."))
    latest = cycles.latest_expiry(cycles.cycle_for(data.norm), data.issued_on)
    if data.expires_on > latest:
        raise EvidenceError("expires_on", _("A %(norm)s certificate is valid for at most %(years)s years: "
                                            "at the latest until %(date)s.", norm=norm.title,
                                            years=cycles.cycle_for(data.norm).years, date=latest.isoformat()))


def _check_extension(data: CertificateData, cert: Certificate | None) -> None:
    extensions = registry().certificate_extensions
    if data.extends_id is not None and not extensions:
        raise EvidenceError("extends_id", _("Choose one of the listed certificates."))
    for extension in extensions:
        extension.check(data, cert)


def _save_extension(cert: Certificate, data: CertificateData) -> None:
    for extension in registry().certificate_extensions:
        extension.save(cert, data.extends_id)


def extension_badges(certificate_ids: list[int]) -> dict[int, str]:
    """What each listed certificate extends, as the enabled norms describe it."""
    found: dict[int, str] = {}
    for extension in registry().certificate_extensions:
        found.update(extension.badges(certificate_ids))
    return found


def add_certificate(data: CertificateData) -> Certificate:
    _check_certificate(data)
    _check_extension(data, None)
    cert = Certificate(norm=data.norm, level=data.level or None, certifying_body=data.certifying_body,
                       number=data.number, scope=data.scope or None, issued_on=data.issued_on,
                       expires_on=data.expires_on, version=data.version)
    db.session.add(cert)
    db.session.flush()
    _save_extension(cert, data)
    return cert


def update_certificate(cert: Certificate, data: CertificateData) -> Certificate:
    _check_certificate(data)
    _check_extension(data, cert)
    cert.norm, cert.level = data.norm, data.level or None
    cert.certifying_body, cert.number, cert.scope = data.certifying_body, data.number, data.scope or None
    cert.issued_on, cert.expires_on = data.issued_on, data.expires_on
    cert.version = data.version
    db.session.flush()
    _save_extension(cert, data)
    return cert


@dataclass
class CalendarEntry:
    certificate: Certificate
    date: cycles.AuditDate


def audit_calendar(on: dt.date | None = None, limit: int | None = None) -> list[CalendarEntry]:
    """Upcoming external audits and expiries of the current certificates, soonest first."""
    on = on or today()
    certificates = db.session.scalars(select(Certificate).where(Certificate.expires_on >= on)
                                      .order_by(Certificate.expires_on)).all()
    entries = [CalendarEntry(c, d) for c in certificates
               for d in cycles.upcoming(cycles.audit_dates(cycles.cycle_for(c.norm), c.issued_on, c.expires_on), on)]
    entries.sort(key=lambda e: (e.date.due, e.certificate.norm))
    return entries[:limit] if limit else entries


def certificate_level_name(cert: Certificate) -> str:
    norm = registry().get(cert.norm)
    if norm is None or not cert.level:
        return cert.level or ""
    for cat in norm.versions.values():
        lv = cat.level(cert.level)
        if lv:
            return lv.name
    return cert.level


def certificate_version_title(cert: Certificate) -> str:
    """The title of the norm version a certificate names ("" when not recorded)."""
    norm = registry().get(cert.norm)
    cat = norm.versions.get(cert.version) if norm is not None and cert.version else None
    return cat.title if cat is not None else (cert.version or "")
