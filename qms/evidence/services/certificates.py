"""The company's own certificates and the external audit calendar derived from them."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from ...i18n import fmt_day
from ...extensions import db
from ...norms import registry
from .. import aspirant, cycles
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
    #: The certificate this one extends (only a PSO Aspirant-status, at most twice).
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
    latest = cycles.latest_expiry(data.norm, data.issued_on)
    if data.expires_on > latest:
        raise EvidenceError("expires_on", _("A %(norm)s certificate is valid for at most %(years)s years: "
                                            "at the latest until %(date)s.", norm=norm.title,
                                            years=cycles.cycle_for(data.norm).years, date=latest.isoformat()))


def extension_parents() -> dict[int, int | None]:
    """Which certificate extends which, for every certificate that is part of an extension chain (one query)."""
    rows = db.session.execute(select(Certificate.id, Certificate.extends_id).where(
        (Certificate.extends_id.is_not(None)) | (Certificate.level == aspirant.EXTENDABLE[1]))).all()
    return {row.id: row.extends_id for row in rows}


def extension_positions() -> dict[int, int]:
    """Place in its chain (1, 2) of every certificate that extends another."""
    parents = extension_parents()
    return {cid: aspirant.position(cid, parents) for cid, parent in parents.items() if parent is not None}


def extendable_certificates(exclude: int | None = None) -> list[Certificate]:
    """Aspirant-status certificates another certificate may name as the one it extends, newest first."""
    norm, level = aspirant.EXTENDABLE
    query = select(Certificate).where(Certificate.norm == norm, Certificate.level == level)
    if exclude is not None:
        query = query.where(Certificate.id != exclude)
    return list(db.session.scalars(query.order_by(Certificate.issued_on.desc(), Certificate.id.desc())))


_EXTENSION_MESSAGES = {
    "cycle": lambda: _("A certificate cannot extend itself or one of its own extensions."),
    "not_aspirant": lambda: _("Only a PSO Aspirant-status can be extended."),
    "level": lambda: _("An extension of an Aspirant-status is itself a PSO Aspirant-status: choose that norm "
                       "and level."),
    "taken": lambda: _("This certificate has already been extended: extend the latest extension instead."),
    "too_many": lambda: _("An Aspirant-status can be extended at most %(n)s times; this chain has no extensions "
                          "left.", n=aspirant.MAX_EXTENSIONS),
}


def _check_extension(data: CertificateData, cert: Certificate | None) -> None:
    parents = extension_parents()
    has_extensions = cert is not None and any(p == cert.id for p in parents.values())
    if has_extensions and not aspirant.is_extendable(data.norm, data.level):
        raise EvidenceError("level", _("This certificate has been extended: it stays a PSO Aspirant-status."))
    if data.extends_id is None:
        return
    base = db.session.get(Certificate, data.extends_id) if 0 < data.extends_id <= 2**31 - 1 else None
    if base is None:
        raise EvidenceError("extends_id", _("Choose one of the listed certificates."))
    own_id = cert.id if cert is not None else None
    if own_id is not None:
        parents[own_id] = None  # the chain as it would be with this certificate's new choice
    cycle = own_id is not None and (base.id == own_id or own_id in aspirant.ancestors(base.id, parents))
    taken = any(child != own_id and parent == base.id for child, parent in parents.items())
    problem = aspirant.extension_problem(
        norm=data.norm, level=data.level, base_norm=base.norm, base_level=base.level,
        base_position=aspirant.position(base.id, parents), base_taken=taken, cycle=cycle,
        extensions_below=aspirant.descendants(own_id, parents) if own_id is not None else 0)
    if problem:
        raise EvidenceError("extends_id", _EXTENSION_MESSAGES[problem]())
    if data.issued_on < base.issued_on:
        raise EvidenceError("issued_on", _("An extension cannot be issued before the certificate it extends "
                                           "(%(date)s).", date=fmt_day(base.issued_on)))


def add_certificate(data: CertificateData) -> Certificate:
    _check_certificate(data)
    _check_extension(data, None)
    cert = Certificate(norm=data.norm, level=data.level or None, certifying_body=data.certifying_body,
                       number=data.number, scope=data.scope or None, issued_on=data.issued_on,
                       expires_on=data.expires_on, extends_id=data.extends_id, version=data.version)
    db.session.add(cert)
    db.session.flush()
    return cert


def update_certificate(cert: Certificate, data: CertificateData) -> Certificate:
    _check_certificate(data)
    _check_extension(data, cert)
    cert.norm, cert.level, cert.extends_id = data.norm, data.level or None, data.extends_id
    cert.certifying_body, cert.number, cert.scope = data.certifying_body, data.number, data.scope or None
    cert.issued_on, cert.expires_on = data.issued_on, data.expires_on
    cert.version = data.version
    db.session.flush()
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
               for d in cycles.upcoming(cycles.audit_dates(c.norm, c.issued_on, c.expires_on), on)]
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
