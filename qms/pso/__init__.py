"""PSO norm module: Prestatieladder Socialer Ondernemen (PSO handleiding in force).

The register of target-group employees (HR/PSO officer only), the score calculation (``scoring.py``, pure),
versioned reference data (``reference/<version>.toml``), measurements, forecast and the dossier PDF. Plugs
into the core through the Norm hooks below; the core never imports this package.
"""
from flask_babel import lazy_gettext as _l

from qms.norms import Kpi, NavItem, Norm
from qms.permissions import Role, define

define("pso.view", {Role.ADMIN, Role.COORDINATOR, Role.AUDITOR, Role.HR})
define("pso.manage", {Role.HR})
define("pso.reference", {Role.ADMIN})

from . import hooks  # noqa: E402
from .views import bp  # noqa: E402

norm = Norm(
    code="pso",
    title_nl="PSO (Prestatieladder Socialer Ondernemen)",
    title_en="PSO (Social Enterprise Performance Ladder)",
    package=__name__,
    default_version="1.9",
    blueprint=bp,
    kpis=[Kpi("pso.score", lambda: str(_l("PSO score")), hooks.kpi_score, permission="pso.view")],
    evidence_providers=[hooks.live_evidence],
    review_sections=[hooks.review_section],
    navigation=[NavItem("pso.index", lambda: str(_l("PSO")), "pso.view")],
    demo_steps=[hooks.demo_step],
    setup=hooks.setup,
)
