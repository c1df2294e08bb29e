from flask import Blueprint

from ..permissions import requires

bp = Blueprint("audit", __name__, url_prefix="/audit", template_folder="templates")


@bp.route("/")
@requires("audit_trail.view")
def index():
    return ""
