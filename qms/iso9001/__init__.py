"""ISO 9001 norm module: ISO 9001:2015 (with Amd 1:2024) as working version, 2008 kept for history.

Registers: context (4.1–4.4), risks and opportunities (6.1), quality objectives (6.2, 9.1), customer feedback
and complaints (9.1.2, 8.7), supplier evaluation on the core supplier register (8.4) and competence with
learning paths (7.2). It plugs into the core only through the ``Norm`` hooks below and the core's services.
"""
from flask import Flask
from flask_babel import lazy_gettext as _l

from qms.norms import Kpi, NavItem, Norm

from . import permissions  # noqa: F401  (defines the permission names before the views declare them)
from . import models  # noqa: F401  (tables known to the metadata)
from .services import figures
from .views import bp


def _setup(app: Flask) -> None:
    from flask import url_for

    from ..suppliers.views import add_detail_panel
    from .services import planning, providers
    from .views.suppliers import supplier_panel

    add_detail_panel(app, supplier_panel)
    from ..audits.processes import register_process_source
    from .services.context import audit_processes

    register_process_source(app, audit_processes)
    try:
        from ..actions import services as actions
    except ImportError:  # pragma: no cover - corrective actions not installed
        actions = None
    if actions is not None:
        actions.register_source(app, "complaint", _l("Customer complaint"),
                                lambda source_id: url_for("iso9001.complaint", complaint_id=int(source_id)))
    try:
        from ..notifications import services as notifications
    except ImportError:  # pragma: no cover
        return
    notifications.register_reminders(app, providers.reminders)
    notifications.register_reminders(app, planning.reminders)


def _demo(demo) -> None:
    from .demo import add_iso9001

    add_iso9001(demo)


norm = Norm(
    code="iso9001",
    title_nl="ISO 9001",
    title_en="ISO 9001",
    package=__name__,
    default_version="2015",
    blueprint=bp,
    kpis=[
        Kpi("iso9001.objectives_met", lambda: str(_l("Quality objectives on target")), figures.objectives_met,
            permission="iso9001.view"),
        Kpi("iso9001.complaint_handling", lambda: str(_l("Complaint handling time (12 months)")),
            figures.complaint_handling, permission="iso9001.view"),
        Kpi("iso9001.supplier_score", lambda: str(_l("Average supplier score")), figures.supplier_scores,
            permission="iso9001.view"),
        Kpi("iso9001.open_nonconformities", lambda: str(_l("Open nonconformities")), figures.open_nonconformities,
            permission="iso9001.view"),
    ],
    evidence_providers=[figures.evidence],
    review_sections=list(figures.REVIEW_SECTIONS),
    navigation=[
        NavItem("iso9001.index", lambda: str(_l("ISO 9001")), "iso9001.view"),
        NavItem("iso9001.competence", lambda: str(_l("Competence")), "iso9001.menu.competence"),
        NavItem("iso9001.learning", lambda: str(_l("Learning paths")), "iso9001.menu.staff"),
        NavItem("iso9001.report_feedback", lambda: str(_l("Log customer feedback")), "iso9001.menu.staff"),
    ],
    demo_steps=[_demo],
    setup=_setup,
)
