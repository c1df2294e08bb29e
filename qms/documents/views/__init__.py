"""Document control pages: the register, a document and its versions, the workflow, reading and review.

Every view loads through :func:`load_document` / :func:`load_version` (object-level access, 404 otherwise),
calls one service function, commits once, flashes and redirects.
"""
from flask import Blueprint, abort, current_app, flash, redirect, request
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError
from flask_login import current_user

from ...core.errors import show_refusal as refused  # noqa: F401  (the views refuse through it)
from ...core.loaders import get_or_404
from ...database import utcnow
from ...extensions import db
from ...norms import registry
from ...organisation.services import today
from ...permissions import Role, has_permission, require
from ..labels import MEANING_LABELS, OUTCOME_LABELS, STATE_BADGES, STATE_LABELS, TYPE_LABELS
from ..models import Document, DocumentVersion, VersionState
from ..services import reading

bp = Blueprint("documents", __name__, url_prefix="/documents", template_folder="../templates",
               static_folder="../static", static_url_path="/static")
bp.record_once(lambda state: registry(state.app).add_reminders(reading.collect_reminders))


def _register_tasks(state) -> None:
    from ..tasks import register

    register(state.app)


bp.record_once(_register_tasks)


def _register_offline(state) -> None:
    """The reading list and a version's reading view, readable without a connection once opened."""
    from ...offline import register_offline_page

    css = (("documents.static", "documents.css"),)
    register_offline_page(state.app, "/documents/to-read", assets=css)
    register_offline_page(state.app, "/documents/*/versions/*/read", assets=css)


bp.record_once(_register_offline)



def can_see_history(user=None) -> bool:
    return has_permission(user or current_user, "documents.view_history")


def can_see_version(version: DocumentVersion, user=None) -> bool:
    """Published versions for everyone; drafts, retired versions for history roles, and a version in
    review for its reviewers and approver."""
    user = user or current_user
    if version.state is VersionState.PUBLISHED or can_see_history(user):
        return True
    if version.state in (VersionState.IN_REVIEW, VersionState.APPROVED):
        return user.id == version.approver_id or any(r.user_id == user.id for r in version.reviewers)
    return False


def load_document(document_id: int) -> Document:
    return get_or_404(Document, document_id,
                      lambda document: can_see_history() or any(can_see_version(v) for v in document.versions))


def load_version(document_id: int, version_id: int) -> DocumentVersion:
    document = load_document(document_id)
    version = next((v for v in document.versions if v.id == version_id), None)
    if version is None:
        abort(404)
    require(can_see_version(version))
    return version


def per_page() -> int:
    return current_app.config["ITEMS_PER_PAGE"]


@bp.errorhandler(StaleDataError)
def _changed_meanwhile(error):
    """Two people acted on the same version at the same moment: the later one tries again, nothing is half done."""
    db.session.rollback()
    flash(_("Someone else changed this version at the same moment. Please check it and try again."), "error")
    return redirect(request.path.rsplit("/", 1)[0] if request.method == "POST" else request.path)


@bp.app_template_global("document_labels")
def document_labels():
    """Every enum label translated once per page (not once per table cell)."""
    def translated(labels):
        return {key: str(label) for key, label in labels.items()}

    return {"type": translated(TYPE_LABELS), "state": translated(STATE_LABELS), "badge": STATE_BADGES,
            "meaning": translated(MEANING_LABELS), "outcome": translated(OUTCOME_LABELS),
            "role": {r.value: r.label for r in Role}}


@bp.context_processor
def _helpers():
    return {"can_see_version": can_see_version, "today": today(), "now": utcnow()}


from .. import review  # noqa: E402,F401  (management review section)
from . import reading_views, register_views, version_views  # noqa: E402,F401
