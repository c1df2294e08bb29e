"""Loading, refusing and choice lists shared by the VCA views."""
from flask import current_app
from flask_babel import gettext as _
from wtforms import SelectChoice

from qms.core.errors import show_refusal as refused
from qms.core.loaders import get_or_404

from .. import integrations


def load(model, object_id: int):
    """One record or a 404 (ids beyond the column's range included)."""
    return get_or_404(model, object_id)


def per_page() -> int:
    return current_app.config["ITEMS_PER_PAGE"]



def document_choices() -> list[SelectChoice]:
    return [SelectChoice("", _("No document"))] + [SelectChoice(i, label) for i, label in integrations.document_choices()]
