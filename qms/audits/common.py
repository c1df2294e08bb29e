"""The audits blueprint and what its pages share: loading an audit, where an evidence link points, the
requirement a question asks about. The programme pages (``views.py``) and conducting (``conduct.py``) both
build on this module, so neither imports the other."""
from __future__ import annotations

from flask import Blueprint, current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core.errors import show_refusal as refused  # noqa: F401  (the pages' refusal helper)
from ..core.loaders import get_or_404
from ..extensions import db
from ..norms import registry
from ..permissions import has_permission
from ..uploads.access import register_access_check
from . import services
from .forms import RESULT_LABELS, STATE_LABELS, TYPE_LABELS
from .models import Audit, AuditItemFile

bp = Blueprint("audits", __name__, url_prefix="/audits", template_folder="templates", static_folder="static")


@bp.record_once
def _setup(state) -> None:
    reg = registry(state.app)
    reg.add_action_source(services.SOURCE_TYPE, _l("Audit finding"), lambda id: url_for("audits.finding", item_id=int(id)))
    reg.add_reminders(services.collect_reminders)
    from .tasks import SOURCE

    reg.add_task_source(SOURCE)


@register_access_check
def _audit_files(user, stored_file) -> bool:
    """Photos and files of audit findings: whoever may read audits."""
    if not has_permission(user, "audits.view"):
        return False
    return db.session.scalar(select(AuditItemFile.id).where(AuditItemFile.stored_file_id == stored_file.id)
                             .limit(1)) is not None


@bp.app_context_processor
def _labels():
    return {"audit_state_label": lambda s: STATE_LABELS.get(s, s), "audit_type_label": lambda t: TYPE_LABELS.get(t, t),
            "audit_result_label": lambda r: RESULT_LABELS.get(r, r)}


def load_audit(audit_id: int) -> Audit:
    return get_or_404(Audit, audit_id)


def link_url(link) -> str | None:
    """Where an evidence link points, if the package that owns that record is installed."""
    endpoints = {"document": ("documents.detail", "document_id"), "incident": ("incidents.detail", "incident_id"),
                 "nonconformity": ("actions.nonconformity", "nc_id")}
    if link.kind not in endpoints or link.target_id is None:
        return None
    endpoint, arg = endpoints[link.kind]
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **{arg: link.target_id})


def requirement_hint(item) -> str:
    if item.requirement is None:
        return ""
    req = registry().requirement(item.norm, item.version, item.requirement)
    return req.hint if req is not None else ""


def requirement_title(item) -> str:
    if item.requirement is None:
        return item.question
    req = registry().requirement(item.norm, item.version, item.requirement)
    return req.title if req is not None else item.question
