"""Evidence pages: readiness overview and per norm, requirements with their evidence, evidence files,
own certificates with the audit calendar, and dossiers."""
from flask import Blueprint

from ...norms import registry
from .. import reminders, review  # noqa: F401  (review: the management review section)

bp = Blueprint("evidence", __name__, url_prefix="/evidence", template_folder="../templates",
               static_folder="../static")
bp.record_once(lambda state: registry(state.app).add_reminders(reminders.collect))


def _register_tasks(state) -> None:
    from ..tasks import SOURCE

    registry(state.app).add_task_source(SOURCE)


bp.record_once(_register_tasks)

from . import certificates, dossiers, items, overview  # noqa: E402,F401  (routes)
