"""Loaders and helpers shared by the evidence views."""
from __future__ import annotations

from functools import partial

from flask import abort, current_app
from flask_babel import gettext as _
from wtforms import SelectChoice

from ...core.errors import show_refusal
from ...core.loaders import get_or_404
from ...norms import registry
from ..services import possible_owners
from ...database import MAX_ID



def load(model, object_id: int):
    return get_or_404(model, object_id)


def load_version(norm: str, version: str):
    """The norm and catalogue version, or 404 when the norm is not enabled or has no such version."""
    found = registry().get(norm)
    if found is None or version not in found.versions:
        abort(404)
    return found, found.versions[version]


#: A rule's refusal next to its field, or at the top of the form; nothing of the change is kept.
refused = partial(show_refusal, on_form=True)


def owner_choices() -> list[SelectChoice]:

    users = possible_owners()
    return [SelectChoice("", _("— nobody —"))] + [SelectChoice(str(u.id), u.name) for u in users]


def per_page() -> int:
    return current_app.config["ITEMS_PER_PAGE"]
