"""Pages of cleaning quality measurement (Kwaliteitsmeting): locations and their inventory, plans, inspections
on a phone or tablet, results, trend, client report and the sampling tables."""
from __future__ import annotations

from flask import Blueprint, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ...core.loaders import get_or_404
from .. import services
from ..forms import PlanForm
from ..models import CATEGORIES, Inspection, Location

bp = Blueprint("measurement", __name__, url_prefix="/quality", template_folder="../templates",
               static_folder="../static")


@bp.record_once
def _register(state) -> None:
    from ...norms import registry

    reg = registry(state.app)
    reg.add_action_source(services.SOURCE_TYPE, _l("Cleaning quality inspection"),
                          lambda source_id: url_for("measurement.inspection", inspection_id=int(source_id)))
    from ...offline import register_offline_page

    register_offline_page(state.app, "/quality/inspections/*", assets=(("measurement.static", "measurement.css"),))


def _location(location_id: int) -> Location:
    return get_or_404(Location, location_id)


def _inspection(inspection_id: int) -> Inspection:
    return get_or_404(Inspection, inspection_id, lambda i: services.may_see_inspection(current_user, i))


def _categories() -> dict[str, str]:
    return {code: str(label) for code, label in CATEGORIES.items()}


def _plan_choices(form: PlanForm) -> None:
    form.aql.choices = [(a, a) for a in services.tables().aql_values]
    if not form.is_submitted():
        form.aql.data = form.aql.data or "4.0"


from . import inspections, locations, tables  # noqa: E402,F401  (their routes, on bp)
