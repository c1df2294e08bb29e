"""VCA norm module: VGM Checklist Aannemers 2017/6.0, with 2008/5.1 kept for history.

Registers (toolbox meetings, workplace inspections, diplomas via qms.training, equipment and PPE, risk
assessments, the VGM policy statement), pure rules in ``rules.py``, and the hooks the core calls through the
registry: menu, KPIs, live evidence, the management review section and demo data."""
from flask_babel import lazy_gettext as _l

from qms.norms import Kpi, NavItem, Norm, registry
from qms.permissions import ALL_ROLES, Role

#: The VCA permissions and the roles holding them (registered in the setup).
PERMISSIONS = {
    "vca.view": {Role.ADMIN, Role.COORDINATOR, Role.AUDITOR, Role.HR},
    "vca.manage": {Role.ADMIN, Role.COORDINATOR},
    #: Sign one's own toolbox attendance; presenters record attendance of meetings they present.
    "vca.sign": ALL_ROLES,
    #: Who gets the "Toolbox sign-in" menu entry (the others reach it through the VCA pages; the menu is full).
    "vca.sign_menu": {Role.STAFF},
}

from . import models  # noqa: E402  (tables known to metadata before migrations and create_all)
from . import substances  # noqa: E402  (the hazardous substances register, its own tables and blueprint)
from . import figures  # noqa: E402
from .demo import add_vca_year  # noqa: E402
from .substances.demo import add_substances  # noqa: E402
from .views import bp  # noqa: E402


def _setup(app) -> None:
    """Everything VCA plugs into the core, on this app's registry."""
    from flask import url_for

    from .views.inspections import vca_files

    reg = registry(app)
    for name, roles in PERMISSIONS.items():
        reg.add_permission(name, roles)
    for entity_type, label in models.RECORD_NAMES.items():
        reg.add_record_name(entity_type, label)
    reg.add_upload_check(vca_files)
    reg.set_cycle("vca", years=3, yearly_surveillance=True)
    for code, label in models.DIPLOMA_LABELS.items():
        reg.add_diploma_kind(code, label, valid_years=models.DIPLOMA_VALID_YEARS)
    reg.add_action_source("vca_inspection", _l("Workplace inspection"),
                          lambda id_: url_for("vca.inspection", inspection_id=int(id_)))
    reg.add_reminders(figures.collect_reminders)
    for kpi in (
        Kpi("vca.injury_frequency", lambda: str(_l("Injury frequency (IF, 12 months)")), figures.kpi_injury_frequency,
            permission="vca.view", endpoint="vca.index"),
        Kpi("vca.toolbox", lambda: str(_l("Toolbox meetings this year")), figures.kpi_toolbox,
            permission="vca.view", endpoint="vca.toolbox_index"),
        Kpi("vca.attendance", lambda: str(_l("Toolbox attendance (12 months)")), figures.kpi_attendance,
            permission="vca.view", endpoint="vca.attendance"),
        Kpi("vca.diplomas", lambda: str(_l("VCA diploma coverage")), figures.kpi_diplomas,
            permission="vca.view", endpoint="vca.diplomas"),
        Kpi("vca.overdue", lambda: str(_l("Overdue inspections and keuringen")), figures.kpi_overdue,
            permission="vca.view", endpoint="vca.inspections"),
    ):
        reg.add_kpi("vca", kpi)
    reg.add_live_evidence("vca", figures.live_evidence)
    reg.add_review_section("vca", figures.review_section)
    reg.add_menu_entry("vca", NavItem("vca.index", lambda: str(_l("VCA")), "vca.view"))
    reg.add_menu_entry("vca", NavItem("vca.my_toolbox", lambda: str(_l("Toolbox sign-in")), "vca.sign_menu"))
    from .tasks import SOURCES as TASK_SOURCES

    for source in TASK_SOURCES:
        reg.add_task_source(source)
    from ..offline import register_offline_page

    vca_css = (("vca.static", "vca.css"),)
    for path in ("/vca/inspections/*/carry-out", "/vca/my-toolbox", "/vca/toolbox/*/sign", "/vca/cards",
                 "/vca/cards/*.pdf"):
        register_offline_page(app, path, assets=vca_css)
    substances.setup(app)
    from . import imports

    imports.init_app(app)


norm = Norm(
    code="vca",
    title_nl="VCA",
    title_en="VCA",
    package=__name__,
    default_version="2017-6.0",
    blueprint=bp,
    demo_steps=[add_vca_year, add_substances],
    setup=_setup,
)
