"""A test-only fourth norm: proves that adding a norm is a package plus a line in QMS_NORMS."""
from flask import Blueprint

from qms.norms import Kpi, NavItem, Norm, registry
from qms.permissions import Role, requires

bp = Blueprint("testnorm", __name__, url_prefix="/testnorm")


@bp.route("/")
@requires("iso14001.view")
def index():
    return "ISO 14001 test module"


def setup(app) -> None:
    """Everything the norm plugs in, in one place: its app's registry."""
    reg = registry(app)
    reg.add_permission("iso14001.view", set(Role))
    reg.set_cycle("iso14001", years=3, yearly_surveillance=True)
    reg.add_kpi("iso14001", Kpi("iso14001.aspects", lambda: "Environmental aspects", lambda: 7))
    reg.add_menu_entry("iso14001", NavItem("testnorm.index", lambda: "ISO 14001", "iso14001.view"))


norm = Norm(
    code="iso14001",
    title_nl="ISO 14001 (test)",
    title_en="ISO 14001 (test)",
    package=__name__,
    default_version="2015",
    blueprint=bp,
    setup=setup,
)
