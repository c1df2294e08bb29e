"""The shared workflows VCA uses (documents, incidents, corrective actions, notifications), each behind one
small function."""
from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

from flask import url_for
from werkzeug.routing import BuildError


def _module(name: str):
    return importlib.import_module(name)


# --- documents (materials, policy statement, RI&E) --------------------------------------------

def document(document_id: int | None):
    """The controlled document with this id, or None."""
    models = _module("qms.documents.models")
    if models is None or not document_id or not 0 < document_id < 2**31:
        return None
    from qms.extensions import db

    return db.session.get(models.Document, document_id)


def document_choices() -> list[tuple[int, str]]:
    """(id, "number title") of every document, for a select; empty without document control."""
    models = _module("qms.documents.models")
    if models is None:
        return []
    from sqlalchemy import select

    from qms.extensions import db

    rows = db.session.execute(select(models.Document.id, models.Document.number, models.Document.title)
                              .order_by(models.Document.number))
    return [(row.id, f"{row.number} {row.title}") for row in rows]


def document_link(document_id: int | None) -> tuple[str, str | None] | None:
    """(label, url) of a document for display, or None."""
    found = document(document_id)
    if found is None:
        return None
    try:
        url = url_for("documents.detail", document_id=found.id)
    except BuildError:
        url = None
    return f"{found.number} {found.title}", url


def document_published(document_id: int | None) -> bool:
    found = document(document_id)
    services = _module("qms.documents.services")
    if found is None or services is None:
        return False
    return services.current_version(found) is not None


# --- incidents --------------------------------------------------------------------------------

def open_toolbox_lessons() -> list[Any]:
    services = _module("qms.incidents.services")
    return list(services.open_toolbox_lessons()) if services else []


def mark_lessons_discussed(incident_ids: list[int], on_date: dt.date, meeting_ref: str) -> int:
    services = _module("qms.incidents.services")
    return services.mark_lessons_discussed(incident_ids, on_date, meeting_ref) if services else 0


def rolling_injury_frequency(on: dt.date):
    """The incident log's injury frequency over the rolling 12 months (``injury_frequency``, ``months``,
    ``without_hours``), the same figure the incident log shows; None without the incident log."""
    services = _module("qms.incidents.services")
    return services.rolling(on) if services else None


# --- corrective actions -----------------------------------------------------------------------

def actions_available() -> bool:
    return _module("qms.actions.services") is not None


def open_nonconformity(**kwargs):
    """Open a nonconformity in the shared corrective-action workflow; None when it is not installed."""
    services = _module("qms.actions.services")
    return services.open_nonconformity(**kwargs) if services else None


def nonconformity_link(nc_id: int | None) -> str | None:
    if not nc_id:
        return None
    try:
        return url_for("actions.nonconformity", nc_id=nc_id)
    except BuildError:
        return None


# --- notifications ----------------------------------------------------------------------------

def reminder(users, subject, body, url, key):
    services = _module("qms.notifications.services")
    return services.Reminder(users, subject, body, url, key) if services else None


# --- readiness (qms.evidence) -----------------------------------------------------------------

def readiness(version: str, level: str | None, live) -> dict | None:
    """The shared readiness of the chosen level (must-questions, supplementary questions), fed with this
    module's live evidence; None without the evidence workflow or a level."""
    services = _module("qms.evidence.services")
    if services is None or not level:
        return None
    grouped: dict[str, list] = {}
    for item in live:
        grouped.setdefault(item.requirement, []).append(item)
    result, _views = services.assess("vca", version, level, live=grouped)
    try:
        url = url_for("evidence.norm", norm="vca", version=version)
    except BuildError:
        url = None
    return {"percent": result.percent, "must_missing": len(result.must_missing), "must_total": result.must_total,
            "supplementary_short": result.supplementary_short, "supplementary_needed": result.supplementary_needed,
            "url": url}
