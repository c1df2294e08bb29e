"""Records kept elsewhere in the system that can serve as evidence, by a generic (record_type, record_id).

A package that keeps such records (documents, incidents, audits, management reviews, a norm's registers)
registers its type once per app on the app's registry, so a link can show a readable label and lead back to
the record::

    registry(app).add_record_type("vca_toolbox", _l("Toolbox meeting"), url=lambda id: url_for(...),
                                  describe=lambda ids: {id: label, ...}, find=lambda text: (id, label) | None)

``describe`` answers for many ids at once (one query), ``find`` turns what a user typed (a number such as
"INC-2026-0003", or an id) into a record. Core packages that exist are registered by this package itself.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Callable

from flask import Flask, current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, cast, func, or_, select
from werkzeug.routing import BuildError

from ..extensions import db
from ..norms import registry

EXTENSION = "qms_evidence_record_types"


@dataclass
class RecordType:
    code: str
    label: Any
    url: Callable[[str], str | None]
    describe: Callable[[list[str]], dict[str, str]]
    find: Callable[[str], tuple[str, str] | None]


def record_types() -> dict[str, RecordType]:
    """Every registered record type; the core packages' types are added on first use (all blueprints exist by then)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not app.extensions.get(EXTENSION + ".core"):
        app.extensions[EXTENSION + ".core"] = True
        register_core_types(app)
    return registry(app).record_types


def describe(links) -> dict[tuple[str, str], tuple[str, str | None]]:
    """{(record_type, record_id): (label, url)} for many links, one query per record type."""
    wanted: dict[str, set[str]] = {}
    for link in links:
        wanted.setdefault(link.record_type, set()).add(link.record_id)
    types = record_types()
    out: dict[tuple[str, str], tuple[str, str | None]] = {}
    for code, ids in wanted.items():
        kind = types.get(code)
        labels = kind.describe(sorted(ids)) if kind else {}
        for record_id in ids:
            url = None
            if kind is not None and record_id in labels:
                try:
                    url = kind.url(record_id)
                except (BuildError, RuntimeError):  # no such page, or no request to build a URL in
                    url = None
            out[(code, record_id)] = (labels.get(record_id, ""), url)
    return out


# --- core record types, registered when their package is installed ------------------------------

#: (type code, label, module, model class, endpoint, URL argument)
CORE_TYPES = [
    ("document", _l("Document"), "qms.documents.models", "Document", "documents.detail", "document_id"),
    ("incident", _l("Incident"), "qms.incidents.models", "Incident", "incidents.detail", "incident_id"),
    ("audit", _l("Internal audit"), "qms.audits.models", "Audit", "audits.detail", "audit_id"),
    ("review", _l("Management review"), "qms.reviews.models", "Review", "reviews.detail", "review_id"),
    ("nonconformity", _l("Nonconformity"), "qms.actions.models", "Nonconformity", "actions.nonconformity", "nc_id"),
    ("supplier", _l("Supplier"), "qms.suppliers.models", "Supplier", "suppliers.detail", "supplier_id"),
]


def _model_label(obj) -> str:
    number = getattr(obj, "number", None)
    title = getattr(obj, "title", None) or getattr(obj, "name", None)
    parts = [str(p) for p in (number, title) if p]
    return " · ".join(parts) or f"#{obj.id}"


def model_record_type(model, endpoint: str, argument: str):
    """``url``, ``describe`` and ``find`` for a model with an integer id and optionally a ``number`` or ``name``
    (found by id, number or exact name)."""

    def url(record_id: str) -> str | None:
        return url_for(endpoint, **{argument: int(record_id)})

    def describe_ids(ids: list[str]) -> dict[str, str]:
        numeric = [int(i) for i in ids if i.isdigit()]
        if not numeric:
            return {}
        rows = db.session.scalars(select(model).where(model.id.in_(numeric))).all()
        return {str(row.id): _model_label(row) for row in rows}

    def find(text: str) -> tuple[str, str] | None:
        text = text.strip()
        if not text:
            return None
        conditions = []
        if text.isdigit() and len(text) < 10:
            conditions.append(model.id == int(text))
        if hasattr(model, "number"):
            conditions.append(func.upper(cast(model.number, String)) == text.upper())
        if hasattr(model, "name"):
            conditions.append(func.lower(model.name) == text.lower())
        if not conditions:
            return None
        row = db.session.scalars(select(model).where(or_(*conditions)).limit(1)).first()
        return (str(row.id), _model_label(row)) if row is not None else None

    return url, describe_ids, find


def register_core_types(app: Flask) -> None:
    """Register the core packages' records that exist in this installation (each is optional)."""
    for code, label, module_name, class_name, endpoint, argument in CORE_TYPES:
        if endpoint not in app.view_functions or code in registry(app).record_types:
            continue
        try:
            model = getattr(importlib.import_module(module_name), class_name)
        except (ImportError, AttributeError):
            continue
        url, describe_ids, find = model_record_type(model, endpoint, argument)
        registry(app).add_record_type(code, label, url=url, describe=describe_ids, find=find)
