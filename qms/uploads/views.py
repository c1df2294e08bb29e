"""The generic download route: any stored file, for whoever the access registry admits."""
from flask import Blueprint, abort
from flask_login import current_user

from ..extensions import db
from ..permissions import require, requires
from . import services
from .access import can_read
from .models import StoredFile
from ..database import MAX_ID

bp = Blueprint("uploads", __name__, url_prefix="/files")


def load_readable(file_id: int) -> StoredFile:
    stored = db.session.get(StoredFile, file_id) if 0 < file_id <= MAX_ID else None
    if stored is None:
        abort(404)
    require(can_read(current_user, stored))
    return stored


@bp.route("/<int:file_id>")
@requires("authenticated")
def download(file_id: int):
    return services.send(load_readable(file_id))
