"""The events a subscription can receive, and where each comes from.

Signals of the core (``qms.signals``) give ``incident.reported``, ``document.published`` and
``nonconformity.closed`` inside the transaction that caused them (sent only if it commits). The daily
reminders run (``flask --app wsgi qms reminders``) gives ``action.overdue`` and ``certificate.expiring``.
Payloads carry identifiers and codes, never names of persons.
"""
from __future__ import annotations

import datetime as dt

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import signals
from ..extensions import db
from . import services

EVENTS = {
    "incident.reported": _l("An incident was reported"),
    "document.published": _l("A document version was published"),
    "nonconformity.closed": _l("A nonconformity was closed"),
    "action.overdue": _l("An action is overdue"),
    "certificate.expiring": _l("A certificate expires within 90 or 30 days"),
    "ping": _l("Test message (sent from the subscription page)"),
}
#: Days before a certificate's expiry at which ``certificate.expiring`` is sent.
CERTIFICATE_NOTICE_DAYS = (90, 30)


def _enabled() -> bool:
    return "qms_webhooks" in current_app.extensions


def _on_incident(sender, incident, **kwargs) -> None:
    if _enabled():
        services.emit("incident.reported", f"incident.reported:{incident.id}", {
            "id": incident.id, "number": incident.number, "type": incident.type.value,
            "state": incident.state.value, "occurred_on": incident.occurred_on.isoformat(),
            "site_id": incident.site_id})


def _on_document(sender, version, superseded=None, **kwargs) -> None:
    if _enabled():
        document = version.document
        services.emit("document.published", f"document.published:{version.id}", {
            "document_id": document.id, "number": document.number, "title": document.title,
            "version_id": version.id, "version": f"{version.major}.{version.minor}",
            "superseded_version_id": superseded.id if superseded is not None else None})


def _on_nonconformity(sender, nonconformity, **kwargs) -> None:
    if _enabled():
        nc = nonconformity
        services.emit("nonconformity.closed", f"nonconformity.closed:{nc.id}:{nc.closed_on}", {
            "id": nc.id, "number": nc.number, "title": nc.title, "severity": nc.severity.value,
            "closed_on": nc.closed_on.isoformat() if nc.closed_on else None})


signals.incident_reported.connect(_on_incident, weak=False)
signals.document_published.connect(_on_document, weak=False)
signals.nonconformity_closed.connect(_on_nonconformity, weak=False)


def collect(today: dt.date):
    """The daily part (a reminders collector that reminds nobody): overdue actions and expiring certificates."""
    from ..actions.models import CorrectiveAction
    from ..evidence.models import Certificate

    actions = db.session.scalars(select(CorrectiveAction).where(
        CorrectiveAction.done_at.is_(None), CorrectiveAction.due_date < today).order_by(CorrectiveAction.id))
    for action in actions:
        services.emit("action.overdue", f"action.overdue:{action.id}:{action.due_date}", {
            "id": action.id, "nonconformity_id": action.nonconformity_id, "kind": action.kind.value,
            "due_date": action.due_date.isoformat(), "owner_id": action.owner_id})
    latest = max(CERTIFICATE_NOTICE_DAYS)
    certificates = db.session.scalars(select(Certificate).where(
        Certificate.expires_on >= today, Certificate.expires_on <= today + dt.timedelta(days=latest))
        .order_by(Certificate.id))
    for certificate in certificates:
        left = (certificate.expires_on - today).days
        stage = min(d for d in CERTIFICATE_NOTICE_DAYS if left <= d)
        services.emit("certificate.expiring", f"certificate.expiring:{certificate.id}:{stage}", {
            "id": certificate.id, "norm": certificate.norm, "level": certificate.level,
            "number": certificate.number, "expires_on": certificate.expires_on.isoformat(), "days_left": left})
    return ()
