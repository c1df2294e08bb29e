"""A test-only fourth norm: proves that adding a norm is a package plus a line in QMS_NORMS."""
from flask import Blueprint

from qms.norms import Kpi, NavItem, Norm

bp = Blueprint("testnorm", __name__, url_prefix="/testnorm")


@bp.route("/")
def index():
    return "ISO 14001 test module"


index._qms_permission = "catalogue.view"

norm = Norm(
    code="iso14001",
    title_nl="ISO 14001 (test)",
    title_en="ISO 14001 (test)",
    package=__name__,
    default_version="2015",
    blueprint=bp,
    kpis=[Kpi("iso14001.aspects", lambda: "Environmental aspects", lambda: 7)],
    navigation=[NavItem("testnorm.index", lambda: "ISO 14001", "catalogue.view")],
)
