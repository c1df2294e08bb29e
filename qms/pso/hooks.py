"""What PSO gives the shared workflows: KPI, live evidence, management-review section, demo data, setup."""
from __future__ import annotations

import datetime as dt

from flask import Flask
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from qms.norms import Kpi, LiveEvidence, ReviewSection
from qms.permissions import Role

#: Record types holding special personal data (target-group status, contract forms that reveal it).
RESTRICTED = ("pso_target_status", "pso_conversation", "pso_employment")
NAMES = {
    "pso_target_status": _l("PSO target-group status"),
    "pso_conversation": _l("PSO conversation"),
    "pso_employment": _l("PSO employment period"),
    "pso_hours": _l("PSO hours worked"),
    "pso_purchase": _l("PSO purchase"),
    "pso_measurement": _l("PSO measurement"),
    "pso_planned_hire": _l("PSO planned hire"),
    "pso_reference_version": _l("PSO reference data"),
    "pso_certificate_extension": _l("Extension of a PSO Aspirant-status"),
}


def _pct(value: float) -> str:
    return format_decimal(value, format="#,##0.0") + " %"


def level_label(level: str | None) -> str:
    labels = {"trede1": _("Level 1"), "trede2": _("Level 2"), "trede3": _("Level 3")}
    return labels.get(level or "", _("no level"))


def _last_year_score():
    from . import services

    return services.score(services.today().year - 1)


def kpi_score() -> str:
    current = _last_year_score()
    if current.result is None:
        return "—"
    return f"{_pct(current.result.total_pct)} · {level_label(current.result.level)}"


def live_evidence(version: str, level: str = ""):
    """Rules evaluated on the register for last year's peiljaar. The rules report the measured score and the
    trede it reaches; the level being assessed does not change them."""
    from .models import MeasurementState, PsoMeasurement
    from qms.extensions import db
    from sqlalchemy import select

    current = _last_year_score()
    r = current.result
    year = current.year
    if r is None:
        return [LiveEvidence("Q.3", _("Total FTE in %(year)s", year=year), str(current.error), False, "pso.index")]
    submitted = db.session.scalar(select(PsoMeasurement.id).where(
        PsoMeasurement.year == year, PsoMeasurement.state == MeasurementState.SUBMITTED).limit(1))
    items = [
        LiveEvidence("Q.2", _("Measurement of %(year)s frozen and submitted", year=year),
                     _("yes") if submitted else _("not yet"), bool(submitted), "pso.measurements"),
        LiveEvidence("Q.3", _("Total FTE in %(year)s", year=year), format_decimal(r.total_fte, format="#,##0.00"),
                     not r.below_minimum, "pso.index", {"year": year}),
        LiveEvidence("Q.4.4", _("Direct contribution"), _pct(r.direct_pct), r.direct_pct > 0, "pso.index",
                     {"year": year}),
        LiveEvidence("Q.5.3", _("Indirect contribution within the cap"),
                     _pct(r.indirect_pct) + (" (" + _("capped") + ")" if r.indirect_capped else ""), True,
                     "pso.index", {"year": year}),
        LiveEvidence("Q.6", _("Total contribution against the norm"),
                     f"{_pct(r.total_pct)} · {level_label(r.level)}", r.level_quantitative is not None,
                     "pso.index", {"year": year}),
        LiveEvidence("K.3", _("Dossiers with a documented conversation"),
                     _pct(100 * (r.conversation_share or 0)) if r.dossiers else "—",
                     bool(r.dossiers) and (r.conversation_share or 0) >= current.reference.conversation_share,
                     "pso.index", {"year": year}),
        LiveEvidence("P30.2", _("Target-group share under the PSO 30+ rules"), _pct(r.pso30plus_pct),
                     r.pso30plus_pct >= current.reference.pso30_threshold, "pso.index", {"year": year}),
    ]
    return items


def review_section(start: dt.date, end: dt.date):
    current = _last_year_score()
    if current.result is None:
        return ReviewSection("pso", _("PSO social contribution"), text=str(current.error), order=60,
                             endpoint="pso.index")
    r = current.result
    rows = [(_("Peiljaar"), str(current.year)), (_("Total contribution"), _pct(r.total_pct)),
            (_("Level reached"), level_label(r.level)), (_("PSO 30+"), _("yes") if r.pso30plus else _("no"))]
    return ReviewSection("pso", _("PSO social contribution"), rows=rows, order=60, endpoint="pso.index",
                         endpoint_args={"year": current.year})


def demo_step(demo) -> None:
    from .demo import add_pso_demo

    add_pso_demo(demo)


def _is_register_file(stored) -> bool:
    from qms.extensions import db
    from sqlalchemy import or_, select

    from .models import PsoConversation, PsoTargetStatus

    found = db.session.scalar(select(PsoTargetStatus.id).where(or_(
        PsoTargetStatus.evidence_file_id == stored.id, PsoTargetStatus.agreement_file_id == stored.id)).limit(1))
    if found:
        return True
    return db.session.scalar(select(PsoConversation.id).where(PsoConversation.file_id == stored.id).limit(1)) is not None


def _file_restriction(stored) -> str | None:
    """Files of the target-group register are special personal data: HR/PSO officers only, administrators too."""
    return "target_group.view" if _is_register_file(stored) else None


def _file_check(user, stored) -> bool:
    """HR/PSO officers read the evidence files of the target-group register."""
    from qms.permissions import has_permission

    return has_permission(user, "target_group.view") and _is_register_file(stored)


#: The PSO permissions and the roles holding them.
PERMISSIONS = {
    "pso.view": {Role.ADMIN, Role.COORDINATOR, Role.AUDITOR, Role.HR},
    "pso.manage": {Role.HR},
    "pso.reference": {Role.ADMIN},
}


def setup(app: Flask) -> None:
    """Everything PSO plugs into the core, on this app's registry."""
    from qms.norms import NavItem, registry

    from . import api, certificates, cli, imports, models  # noqa: F401  (tables known to migrations and create_all)

    reg = registry(app)
    for name, roles in PERMISSIONS.items():
        reg.add_permission(name, roles)
    for entity_type, label in NAMES.items():
        reg.add_record_name(entity_type, label,
                            restricted_by="target_group.view" if entity_type in RESTRICTED else None)
    reg.add_upload_check(_file_check)
    reg.add_upload_restriction(_file_restriction)
    reg.add_certificate_extension(certificates.EXTENSION)
    reg.add_job(imports.CHECK, imports.check)
    reg.add_job(imports.IMPORT, imports.import_rows)
    #: A PSO certificate is valid at most two years and is renewed by a new assessment (no surveillance).
    reg.set_cycle("pso", years=2, yearly_surveillance=False)
    reg.add_kpi("pso", Kpi("pso.score", lambda: str(_l("PSO score")), kpi_score, permission="pso.view",
                               endpoint="pso.index"))
    reg.add_live_evidence("pso", live_evidence)
    reg.add_review_section("pso", review_section)
    reg.add_menu_entry("pso", NavItem("pso.index", lambda: str(_l("PSO")), "pso.view"))
    reg.add_catalogue_usage(submitted_measurements)
    cli.register(app)
    api.register(app)


def submitted_measurements(norm: str, version: str) -> int:
    """How many submitted (frozen) measurements were computed under this handbook version (catalogue check)."""
    if norm != "pso":
        return 0
    from sqlalchemy import func, select

    from qms.extensions import db

    from .models import MeasurementState, PsoMeasurement

    return db.session.scalar(select(func.count()).select_from(PsoMeasurement).where(
        PsoMeasurement.reference_code == version, PsoMeasurement.state == MeasurementState.SUBMITTED)) or 0
