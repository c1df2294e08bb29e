from flask import Blueprint, abort, render_template, request

from ..norms import registry
from ..permissions import requires

bp = Blueprint("catalogue", __name__, url_prefix="/norms", template_folder="templates")


@bp.route("/")
@requires("catalogue.view")
def index():
    return render_template("catalogue/index.html", norms=list(registry()))


@bp.route("/<norm>/<version>")
@requires("catalogue.view")
def version(norm: str, version: str):
    found = registry().get(norm)
    if found is None or version not in found.versions:
        abort(404)
    cat = found.versions[version]
    q = request.args.get("q", "")[:100]
    return render_template("catalogue/version.html", norm=found, cat=cat, q=q, items=cat.search(q))
