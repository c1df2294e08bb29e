"""Pages of the incident log: reporting (logged in and public), handling, figures and output."""
from flask import Blueprint

bp = Blueprint("incidents", __name__, url_prefix="/incidents", template_folder="../templates",
               static_folder="../static")

from . import figures, handling, public, reporting  # noqa: E402,F401  (routes register on import)
from .. import jobs  # noqa: E402,F401  (the job handlers register on import)


@bp.record_once
def _setup(state) -> None:
    from .. import hooks
    from ...offline import register_offline_page

    hooks.init_app(state.app)
    assets = (("incidents.static", "incidents.css"), ("incidents.static", "incidents.js"))
    register_offline_page(state.app, "/incidents/report", assets=assets)
    register_offline_page(state.app, "/incidents/qr/*", assets=assets)
