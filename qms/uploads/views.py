"""The generic download route: any stored file, for whoever the access registry admits."""
from flask import Blueprint
from flask_login import current_user

from ..core.loaders import get_or_404
from ..permissions import require, requires
from . import services
from .access import can_read
from .models import StoredFile

bp = Blueprint("uploads", __name__, url_prefix="/files")


def load_readable(file_id: int) -> StoredFile:
    return get_or_404(StoredFile, file_id, lambda stored: can_read(current_user, stored))


@bp.route("/<int:file_id>")
@requires("authenticated")
def download(file_id: int):
    return services.send(load_readable(file_id))
