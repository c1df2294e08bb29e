"""The VCA pages: one blueprint, split by register (overview, toolbox, people, registers, inspections)."""
from flask import Blueprint

bp = Blueprint("vca", "qms.vca", url_prefix="/vca", template_folder="templates", static_folder="static",
               static_url_path="/static")

from . import inspections, overview, people, registers, toolbox  # noqa: E402,F401


@bp.context_processor
def _helpers():
    from ..figures import _pct
    from .people import gap_label
    from .toolbox import state_label

    return {"pct": _pct, "gap_label": gap_label, "meeting_state_label": state_label}
