"""Extending a PSO Aspirant-status in the shared certificate register (qms.evidence): the chain of extensions
lives in PSO's own table (``pso_certificate_extension``), the rules in ``aspirant.py``. Registered in the
setup as the register's certificate extension; functions flush, never commit."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select

from qms.core.loaders import get_row
from qms.evidence.models import Certificate
from qms.evidence.services import EvidenceError
from qms.extensions import db
from qms.i18n import fmt_day
from qms.norms import CertificateExtension

from . import aspirant
from .models import PsoCertificateExtension


def extension_parents() -> dict[int, int | None]:
    """Which certificate extends which, for every certificate that is part of an extension chain (one query)."""
    norm, level = aspirant.EXTENDABLE
    rows = db.session.execute(
        select(Certificate.id, PsoCertificateExtension.extends_id)
        .outerjoin(PsoCertificateExtension, PsoCertificateExtension.certificate_id == Certificate.id)
        .where(PsoCertificateExtension.id.is_not(None) | ((Certificate.norm == norm) & (Certificate.level == level)))
    ).all()
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


def choices(exclude: int | None) -> list[tuple[int, str]]:
    return [(c.id, f"{c.number} · {c.issued_on.isoformat()} – {c.expires_on.isoformat()}")
            for c in extendable_certificates(exclude)]


_MESSAGES = {
    "cycle": lambda limit: _("A certificate cannot extend itself or one of its own extensions."),
    "not_aspirant": lambda limit: _("Only a PSO Aspirant-status can be extended."),
    "level": lambda limit: _("An extension of an Aspirant-status is itself a PSO Aspirant-status: choose that norm "
                             "and level."),
    "taken": lambda limit: _("This certificate has already been extended: extend the latest extension instead."),
    "too_many": lambda limit: ngettext("An Aspirant-status can be extended at most %(num)s time under this PSO handbook; "
                                       "this chain has no extensions left.",
                                       "An Aspirant-status can be extended at most %(num)s times; this chain has no "
                                       "extensions left.", limit),
}


def check(data, cert: Certificate | None) -> None:
    """Refuse a certificate (``data``: qms.evidence.services.CertificateData) that may not extend the one it names,
    or an extended certificate that would stop being an Aspirant-status."""
    parents = extension_parents()
    has_extensions = cert is not None and any(p == cert.id for p in parents.values())
    if has_extensions and not aspirant.is_extendable(data.norm, data.level):
        raise EvidenceError("level", _("This certificate has been extended: it stays a PSO Aspirant-status."))
    if data.extends_id is None:
        return
    base = get_row(Certificate, data.extends_id)
    if base is None:
        raise EvidenceError("extends_id", _("Choose one of the listed certificates."))
    own_id = cert.id if cert is not None else None
    if own_id is not None:
        parents[own_id] = None  # the chain as it would be with this certificate's new choice
    cycle = own_id is not None and (base.id == own_id or own_id in aspirant.ancestors(base.id, parents))
    taken = any(child != own_id and parent == base.id for child, parent in parents.items())
    limit = max_extensions_on(data.issued_on)
    problem = aspirant.extension_problem(
        norm=data.norm, level=data.level, base_norm=base.norm, base_level=base.level,
        base_position=aspirant.position(base.id, parents), base_taken=taken, cycle=cycle, limit=limit,
        extensions_below=aspirant.descendants(own_id, parents) if own_id is not None else 0)
    if problem:
        raise EvidenceError("extends_id", _MESSAGES[problem](limit))
    if data.issued_on < base.issued_on:
        raise EvidenceError("issued_on", _("An extension cannot be issued before the certificate it extends "
                                           "(%(date)s).", date=fmt_day(base.issued_on)))


def max_extensions_on(day) -> int:
    """How often an Aspirant-status may be extended under the handbook in force on ``day`` (1.9: twice, 2.1:
    once): the handbook's own reference data decides (``qms.pso.versions``)."""
    from . import services, versions

    ref = versions.version_for_application(services.references(), day)
    return ref.max_aspirant_extensions if ref is not None else aspirant.MAX_EXTENSIONS


def _row(cert: Certificate) -> PsoCertificateExtension | None:
    return db.session.scalar(select(PsoCertificateExtension).where(PsoCertificateExtension.certificate_id == cert.id))


def current(cert: Certificate) -> int | None:
    """The certificate ``cert`` extends, or None."""
    row = _row(cert)
    return row.extends_id if row is not None else None


def save(cert: Certificate, extends_id: int | None) -> None:
    """Record (or clear) what ``cert`` extends; the change goes to the audit trail."""
    row = _row(cert)
    if extends_id is None:
        if row is not None:
            db.session.delete(row)
    elif row is None:
        db.session.add(PsoCertificateExtension(certificate_id=cert.id, extends_id=extends_id))
    elif row.extends_id != extends_id:
        row.extends_id = extends_id
    db.session.flush()


def badges(certificate_ids: list[int]) -> dict[int, str]:
    """"extension 1 of 2 of ASP-0" for each listed certificate that extends another (two queries)."""
    positions = {cid: n for cid, n in extension_positions().items() if cid in set(certificate_ids)}
    if not positions:
        return {}
    parents = dict(db.session.execute(select(PsoCertificateExtension.certificate_id, PsoCertificateExtension.extends_id)
                                      .where(PsoCertificateExtension.certificate_id.in_(positions))).all())
    numbers = dict(db.session.execute(select(Certificate.id, Certificate.number)
                                      .where(Certificate.id.in_(set(parents.values())))).all())
    issued = dict(db.session.execute(select(Certificate.id, Certificate.issued_on)
                                     .where(Certificate.id.in_(positions))).all())
    limits = {day: max_extensions_on(day) for day in set(issued.values())}
    return {cid: _("extension %(n)s of %(max)s", n=n, max=limits[issued[cid]]) + " " +
            _("of %(number)s", number=numbers.get(parents.get(cid), "")) for cid, n in positions.items()}


EXTENSION = CertificateExtension(
    label=_l("Extends the Aspirant-status"),
    description=_l("Only for an extension of a PSO Aspirant-status (handbook 2.1: at most once; 1.9: at most twice)."),
    choices=choices, check=check, current=current, save=save, badges=badges,
)
