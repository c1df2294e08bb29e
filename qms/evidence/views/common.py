"""Loaders and helpers shared by the evidence views."""
from __future__ import annotations

from flask import abort, current_app
from flask_babel import gettext as _
from wtforms import SelectChoice

from ...extensions import db
from ...norms import registry
from ..services import possible_owners
from ...database import MAX_ID



def load(model, object_id: int):
    obj = db.session.get(model, object_id) if 0 < object_id <= MAX_ID else None
    if obj is None:
        abort(404)
    return obj


def load_version(norm: str, version: str):
    """The norm and catalogue version, or 404 when the norm is not enabled or has no such version."""
    found = registry().get(norm)
    if found is None or version not in found.versions:
        abort(404)
    return found, found.versions[version]


def refused(form, error) -> None:
    """Show a business rule's refusal next to its field; nothing is kept."""
    db.session.rollback()
    target = getattr(form, error.field, None)
    if target is None:
        form.form_errors.append(error.message)
    else:
        target.errors = list(target.errors) + [error.message]


def owner_choices() -> list[SelectChoice]:

    users = possible_owners()
    return [SelectChoice("", _("— nobody —"))] + [SelectChoice(str(u.id), u.name) for u in users]


def per_page() -> int:
    return current_app.config["ITEMS_PER_PAGE"]
