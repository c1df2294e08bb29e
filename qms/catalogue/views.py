"""The catalogue browser: each enabled norm's requirement tree, per version, searchable and bilingual."""
from flask import Blueprint, abort, render_template, request
from flask_babel import lazy_gettext as _l

from ..norms import CatalogueVersion, Norm, Requirement, registry
from ..permissions import requires
from .forms import CatalogueFilterForm

bp = Blueprint("catalogue", __name__, url_prefix="/norms", template_folder="templates")

STATUS_LABELS = {"current": _l("Current"), "legacy": _l("Legacy"), "provisional": _l("Provisional")}
APPLICABILITY_LABELS = {"must": _l("Must"), "supplementary": _l("Supplementary"), "na": _l("n.a.")}


@bp.route("/")
@requires("catalogue.view")
def index():
    return render_template("catalogue/index.html", norms=list(registry()), status_labels=STATUS_LABELS)


@bp.route("/<norm>/<version>")
@requires("catalogue.view")
def version(norm: str, version: str):
    found, cat = _load_version(norm, version)
    form = CatalogueFilterForm(request.args, cat)
    q = form.valid_value("q") or ""
    level = form.valid_value("level") if cat.has_applicability else None
    items = cat.search(q)
    return render_template(
        "catalogue/version.html", norm=found, cat=cat, form=form, q=q, level=level,
        hits=cat.matches(q) if q else None, children=_children(items),
        status_labels=STATUS_LABELS, applicability_labels=APPLICABILITY_LABELS,
    )


def _load_version(norm_code: str, version_code: str) -> tuple[Norm, CatalogueVersion]:
    norm = registry().get(norm_code)
    if norm is None or version_code not in norm.versions:
        abort(404)
    return norm, norm.versions[version_code]


def _children(items: list[Requirement]) -> dict[str | None, list[Requirement]]:
    """The shown rows grouped by parent code (None: the top level), in catalogue order."""
    tree: dict[str | None, list[Requirement]] = {}
    for item in items:
        tree.setdefault(item.parent, []).append(item)
    return tree


@bp.before_app_request
def _imported_versions() -> None:
    """Lay imported catalogue versions over this app's registry (a read; at most every few seconds)."""
    from . import store

    store.refresh()



@bp.app_template_global()
def catalogue_version(norm_code: str, version_code: str) -> CatalogueVersion | None:
    """A catalogue version by its key, for templates that show the provisional notice of what they use."""
    found = registry().get(norm_code)
    return found.versions.get(version_code) if found is not None else None


from . import admin, transition  # noqa: E402,F401  (their routes live on this blueprint)
