"""VCA norm module: VGM Checklist Aannemers 2017/6.0, with 2008/5.1 kept for history.

Registers (toolbox meetings, workplace inspections, diplomas via qms.training, equipment and PPE, risk
assessments, the VGM policy statement), pure rules in ``rules.py``, and the hooks the core calls through the
registry: menu, KPIs, live evidence, the management review section and demo data."""
from flask_babel import lazy_gettext as _l

from qms.norms import Kpi, NavItem, Norm
from qms.permissions import ALL_ROLES, Role, define

define("vca.view", {Role.ADMIN, Role.COORDINATOR, Role.AUDITOR, Role.HR})
define("vca.manage", {Role.ADMIN, Role.COORDINATOR})
#: Sign one's own toolbox attendance; presenters record attendance of meetings they present.
define("vca.sign", ALL_ROLES)
#: Who gets the "Toolbox sign-in" menu entry (the others reach it through the VCA pages; the menu is full).
define("vca.sign_menu", {Role.STAFF})

from . import models  # noqa: E402,F401  (tables known to metadata before migrations and create_all)
from . import substances  # noqa: E402  (the hazardous substances register, its own tables and blueprint)
from .substances import evidence as substance_evidence  # noqa: E402
from . import figures  # noqa: E402
from .demo import add_vca_year  # noqa: E402
from .substances.demo import add_substances  # noqa: E402
from .views import bp  # noqa: E402


def _setup(app) -> None:
    from . import imports, integrations

    imports.init_app(app)
    integrations.register_inspection_source(app)
    substances.init_app(app)
    integrations.register_reminders(app, figures.collect_reminders)


norm = Norm(
    code="vca",
    title_nl="VCA",
    title_en="VCA",
    package=__name__,
    default_version="2017-6.0",
    blueprint=bp,
    kpis=[
        Kpi("vca.injury_frequency", lambda: str(_l("Injury frequency (IF, 12 months)")), figures.kpi_injury_frequency),
        Kpi("vca.toolbox", lambda: str(_l("Toolbox meetings this year")), figures.kpi_toolbox),
        Kpi("vca.attendance", lambda: str(_l("Toolbox attendance (12 months)")), figures.kpi_attendance),
        Kpi("vca.diplomas", lambda: str(_l("VCA diploma coverage")), figures.kpi_diplomas),
        Kpi("vca.overdue", lambda: str(_l("Overdue inspections and keuringen")), figures.kpi_overdue),
    ],
    evidence_providers=[figures.live_evidence, substance_evidence.live_evidence],
    review_sections=[figures.review_section],
    navigation=[
        NavItem("vca.index", lambda: str(_l("VCA")), "vca.view"),
        NavItem("vca.my_toolbox", lambda: str(_l("Toolbox sign-in")), "vca.sign_menu"),
        NavItem("substances.cards", lambda: str(_l("Work instruction cards")), "vca.substances.card_menu"),
    ],
    demo_steps=[add_vca_year, add_substances],
    setup=_setup,
)
