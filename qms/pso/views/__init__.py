"""PSO pages: score and measurements (aggregates for pso.view), the register (HR only), reference data."""
from __future__ import annotations

from functools import partial

from flask import Blueprint, request
from flask_babel import gettext as _
from flask_login import current_user

from ...core.errors import show_refusal
from ...core.loaders import get_or_404
from ...organisation.services import today
from ...permissions import has_permission

bp = Blueprint("pso", __name__, url_prefix="/pso", template_folder="../templates", static_folder="../static",
               static_url_path="/static/pso")


def load(model, object_id: int):
    """One PSO record or 404 (ids beyond the column's range included)."""
    return get_or_404(model, object_id)


#: A rule's refusal next to its field, or at the top of the form; nothing of the change is kept.
refused = partial(show_refusal, on_form=True)


def selected_year() -> int:
    """The peiljaar asked for in ?year=, else last calendar year."""
    default = today().year - 1
    try:
        year = int(request.args.get("year", default))
    except (TypeError, ValueError):
        return default
    return year if 1990 <= year <= 2200 else default


def sees_names() -> bool:
    return has_permission(current_user, "target_group.view")


def position_label(ref, code: str | None) -> str:
    if not code:
        return "—"
    position = ref.positions.get(code)
    if position is None:
        return code
    from flask_babel import get_locale

    return position.label_nl if str(get_locale()) == "nl" else position.label_en


def contract_label(ref, code: str) -> str:
    contract = ref.contracts.get(code)
    if contract is None:
        return code
    from flask_babel import get_locale

    return contract.label_nl if str(get_locale()) == "nl" else contract.label_en


def unconfirmed_label(note: str, ref=None) -> str:
    kind, _sep, code = note.partition(":")
    labels = {"norm_table": _("the norm table (published selection, version date not stated)"),
              "indirect_cap": _("the cap on indirect contribution"),
              "weights_multiply": _("multiplying the two weights"),
              "pso30plus": _("the PSO 30+ counting rules")}
    if kind == "position":
        return _("the weight of starting position %(code)s", code=position_label(ref, code) if ref else code)
    if kind == "contract":
        return _("the weight of contract type %(code)s", code=contract_label(ref, code) if ref else code)
    return labels.get(kind, note)


from . import admin, register, score  # noqa: E402,F401  (routes)
