"""ISO 9001 norm module: ISO 9001:2015 (with Amd 1:2024) as working version, 2008 kept for history.

Registers: context (4.1–4.4), risks and opportunities (6.1), quality objectives (6.2, 9.1), customer feedback
and complaints (9.1.2, 8.7), supplier evaluation on the core supplier register (8.4) and competence with
learning paths (7.2). It plugs into the core only through the ``Norm`` hooks below and the core's services.
"""
from flask import Flask
from flask_babel import lazy_gettext as _l

from qms.norms import Kpi, NavItem, Norm, registry

from . import models
from .permissions import PERMISSIONS
from .services import figures
from .views import bp


def _setup(app: Flask) -> None:
    """Everything ISO 9001 plugs into the core, on this app's registry."""
    from flask import url_for

    from .services import context, planning, providers
    from .views.suppliers import supplier_panel

    reg = registry(app)
    for name, roles in PERMISSIONS.items():
        reg.add_permission(name, roles)
    for entity_type, label in models.RECORD_NAMES.items():
        reg.add_record_name(entity_type, label)
    reg.set_cycle("iso9001", years=3, yearly_surveillance=True)
    reg.add_supplier_panel(supplier_panel)
    reg.add_process_source(context.audit_processes)
    reg.add_action_source("complaint", _l("Customer complaint"),
                          lambda source_id: url_for("iso9001.complaint", complaint_id=int(source_id)))
    reg.add_reminders(providers.reminders)
    reg.add_reminders(planning.reminders)
    for kpi in (
        Kpi("iso9001.objectives_met", lambda: str(_l("Quality objectives on target")), figures.objectives_met,
            permission="iso9001.view", endpoint="iso9001.objectives"),
        Kpi("iso9001.complaint_handling", lambda: str(_l("Complaint handling time (12 months)")),
            figures.complaint_handling, permission="iso9001.view", endpoint="iso9001.complaints"),
        Kpi("iso9001.supplier_score", lambda: str(_l("Average supplier score")), figures.supplier_scores,
            permission="iso9001.view", endpoint="iso9001.suppliers"),
        Kpi("iso9001.open_nonconformities", lambda: str(_l("Open nonconformities")), figures.open_nonconformities,
            permission="iso9001.view", endpoint="actions.nonconformities"),
    ):
        reg.add_kpi("iso9001", kpi)
    from .tasks import SOURCES as TASK_SOURCES

    for source in TASK_SOURCES:
        reg.add_task_source(source)
    reg.add_live_evidence("iso9001", figures.evidence)
    for section in figures.REVIEW_SECTIONS:
        reg.add_review_section("iso9001", section)
    for item in (
        NavItem("iso9001.index", lambda: str(_l("ISO 9001")), "iso9001.view"),
        NavItem("iso9001.competence", lambda: str(_l("Competence")), "iso9001.menu.competence"),
        NavItem("iso9001.learning", lambda: str(_l("Learning paths")), "iso9001.menu.staff"),
        NavItem("iso9001.report_feedback", lambda: str(_l("Log customer feedback")), "iso9001.menu.staff"),
    ):
        reg.add_menu_entry("iso9001", item)


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
    demo_steps=[_demo],
    setup=_setup,
)
