from flask import Blueprint, render_template

from ..permissions import requires

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


@bp.route("/users")
@requires("users.manage")
def users():
    return render_template("admin/users.html")
