"""What the core asks of VCA through the registry: KPIs, live evidence, the review section, reminders,
and the figures of the status report. Each reads the registers with a few aggregate queries."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import func, select

from qms.extensions import db
from qms.norms import LiveEvidence, ReviewSection
from qms.requestcache import per_request

from ..i18n import fmt_day
from . import integrations, rules
from .codes import code
from .models import (AssessmentKind, InspectionState, MeetingState, VcaEquipment, VcaInspection, VcaLmraCard,
                     VcaPpeIssue, VcaRiskAssessment, VcaRiskMeasure, VcaToolboxMeeting)
from .services import common, people, registers, toolbox


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{format_decimal(value, format='#,##0.#')}%"


@dataclass
class Figures:
    """A snapshot of the VCA registers on one day."""

    today: dt.date
    level: str | None
    version: str
    minimum: int
    spread: rules.SpreadCheck
    held_12m: int
    attendance_12m: tuple[int, int]
    coverage: tuple[int, int]
    supervisors: tuple[int, int]
    gaps: list
    overdue_inspections: int
    inspections_12m: int
    overdue_keuringen: int
    equipment: int
    stale_tras: int
    tras: int
    ries: int
    overdue_measures: int
    lmra_cards: int
    ppe_issued: int
    policy_signed_on: dt.date | None
    policy_due: dt.date | None
    #: The incident log's rolling-12-months injury frequency (None without the incident log).
    injury: object | None

    @property
    def injury_frequency(self) -> float | None:
        return None if self.injury is None else self.injury.injury_frequency

    @property
    def injury_text(self) -> str:
        return if_text(self.injury)


def if_text(injury) -> str:
    """The rolling IF as VCA shows it everywhere: "69,1 · dec 2025 – nov 2026", months without hours named."""
    if injury is None:
        return "—"
    value = injury.injury_frequency
    text = _("no hours registered") if value is None else format_decimal(value, format="#,##0.0")
    text += f" · {injury.months}"
    if injury.without_hours:
        text += " (" + _("no hours registered for %(months)s", months=injury.without_hours) + ")"
    return text


def _count(stmt) -> int:
    return db.session.scalar(stmt) or 0


def collect(on: dt.date | None = None, level: str | None = None) -> Figures:
    """The registers on ``on``, judged against ``level`` (the level being viewed; the company's target when
    not given, as on the VCA pages)."""
    return _collect(on or common.today(), level or common.company_level())


@per_request
def _collect(on: dt.date, level: str | None) -> Figures:
    """:func:`collect` once per request for each (day, level): a page and its live evidence share it."""
    minimum = rules.toolbox_minimum(level)
    year_start = on - dt.timedelta(days=365)
    planned = toolbox.year_meetings(on.year, held_only=False)
    held = toolbox.held_between(year_start, on)
    attended, expected = toolbox.attendance_totals(year_start, on)
    diplomas = people.diploma_figures(on)
    profile = common.current_profile()
    tras = list(db.session.scalars(select(VcaRiskAssessment.assessed_on).where(
        VcaRiskAssessment.kind == AssessmentKind.TRA, VcaRiskAssessment.active.is_(True))))
    return Figures(
        today=on, level=level, version=common.version(), minimum=minimum,
        spread=rules.toolbox_spread([m.date for m in planned], on.year, minimum),
        held_12m=len(held), attendance_12m=(attended, expected),
        coverage=diplomas.coverage, supervisors=diplomas.supervisors, gaps=diplomas.gaps,
        overdue_inspections=_count(select(func.count()).select_from(VcaInspection).where(
            VcaInspection.state == InspectionState.PLANNED, VcaInspection.planned_on < on)),
        inspections_12m=_count(select(func.count()).select_from(VcaInspection).where(
            VcaInspection.state == InspectionState.DONE, VcaInspection.done_on >= year_start)),
        overdue_keuringen=_count(select(func.count()).select_from(VcaEquipment).where(
            VcaEquipment.active.is_(True), VcaEquipment.next_keuring_on < on)),
        equipment=_count(select(func.count()).select_from(VcaEquipment).where(VcaEquipment.active.is_(True))),
        stale_tras=sum(1 for d in tras if rules.tra_is_stale(d, on)), tras=len(tras),
        ries=_count(select(func.count()).select_from(VcaRiskAssessment).where(
            VcaRiskAssessment.kind != AssessmentKind.TRA, VcaRiskAssessment.active.is_(True))),
        overdue_measures=_count(select(func.count()).select_from(VcaRiskMeasure).where(
            VcaRiskMeasure.done_on.is_(None), VcaRiskMeasure.due_on < on)),
        lmra_cards=_count(select(func.count()).select_from(VcaLmraCard).where(VcaLmraCard.active.is_(True))),
        ppe_issued=_count(select(func.count()).select_from(VcaPpeIssue).where(VcaPpeIssue.issued_on >= year_start)),
        policy_signed_on=profile.policy_signed_on if profile else None,
        policy_due=rules.policy_evaluation_due(profile.policy_signed_on, profile.policy_evaluated_on) if profile else None,
        injury=integrations.rolling_injury_frequency(on),
    )


# --- KPIs -------------------------------------------------------------------------------------

def kpi_injury_frequency() -> str:
    return if_text(integrations.rolling_injury_frequency(common.today()))


def kpi_toolbox() -> str:
    on = common.today()
    held = len(toolbox.year_meetings(on.year))
    return _("%(held)s of %(minimum)s", held=held, minimum=rules.toolbox_minimum(common.company_level()))


def kpi_attendance() -> str:
    on = common.today()
    return _pct(rules.rate(*toolbox.attendance_totals(on - dt.timedelta(days=365), on)))


def kpi_diplomas() -> str:
    on = common.today()
    ok, total = people.diploma_figures(on).coverage
    return _("%(ok)s of %(total)s", ok=ok, total=total)


def kpi_overdue() -> str:
    on = common.today()
    return str(len(registers.overdue_inspections(on)) + len(registers.overdue_equipment(on)))


# --- live evidence ----------------------------------------------------------------------------

def live_evidence(version: str, level: str, f: Figures | None = None) -> list[LiveEvidence]:
    """Rules evaluated now for the questions of ``version`` the VCA registers provide evidence for, against
    ``level`` (the toolbox minimum is 4 for VCA*, 10 for VCA**)."""
    if version not in ("2017-6.0", "2008-5.1"):
        return []
    if f is None or (level and f.level != level):
        f = collect(level=level or None)
    out: list[LiveEvidence] = []

    def add(key, label, value, ok, endpoint=None, **args):
        found = code(version, key)
        if found:
            out.append(LiveEvidence(found, label, value, ok, endpoint, args))

    due = f.policy_due
    add("policy", _("VGM policy statement signed and evaluated within 3 years"),
        _("evaluation due %(date)s", date=fmt_day(due)) if due else _("not signed"),
        due is not None and due >= f.today, "vca.policy")
    add("rie", _("RI&E present, no overdue measures in the plan of action"),
        _("%(count)s RI&E, %(overdue)s measures overdue", count=f.ries, overdue=f.overdue_measures),
        f.ries > 0 and f.overdue_measures == 0, "vca.risks")
    add("tra", _("TRAs less than 12 months old"),
        _("%(count)s TRAs, %(stale)s older than 12 months", count=f.tras, stale=f.stale_tras),
        f.tras > 0 and f.stale_tras == 0, "vca.risks", kind="tra")
    add("lmra", _("LMRA cards available"), str(f.lmra_cards), f.lmra_cards > 0, "vca.cards")
    ok, total = f.coverage
    add("b_vca", _("Valid VCA diploma for everyone on risky work over 3 months"),
        _("%(ok)s of %(total)s", ok=ok, total=total), total > 0 and ok == total, "vca.diplomas")
    vol_ok, supervisors = f.supervisors
    add("vol_vca", _("Valid VOL-VCA for every operational supervisor"),
        _("%(ok)s of %(total)s", ok=vol_ok, total=supervisors), vol_ok == supervisors, "vca.diplomas")
    add("toolbox", _("Toolbox meetings in the last 12 months, spread over the year"),
        _("%(held)s of %(minimum)s", held=f.held_12m, minimum=f.minimum),
        f.held_12m >= f.minimum and f.spread.spread, "vca.toolbox_index")
    add("inspections", _("Workplace inspections carried out, none overdue"),
        _("%(done)s in 12 months, %(overdue)s overdue", done=f.inspections_12m, overdue=f.overdue_inspections),
        f.inspections_12m > 0 and f.overdue_inspections == 0, "vca.inspections")
    add("keuring", _("Every item of equipment within its keuring date"),
        _("%(count)s items, %(overdue)s overdue", count=f.equipment, overdue=f.overdue_keuringen),
        f.equipment > 0 and f.overdue_keuringen == 0, "vca.equipment")
    add("ppe", _("PPE issue recorded"), _("%(count)s issued in 12 months", count=f.ppe_issued),
        f.ppe_issued > 0, "vca.ppe")
    if f.injury is not None:
        add("incidents", _("Injury frequency over the last 12 months"), f.injury_text, f.injury_frequency is not None)
    return out


def all_live_evidence(version: str, level: str, f: Figures | None = None) -> list[LiveEvidence]:
    """The registers' rules and the hazardous substances register's: what the registry gives the evidence pages."""
    from ..norms import carryover, registry
    from .substances import evidence as substances

    versions = registry().get("vca").versions
    found = (carryover.carried(lambda v, lv: live_evidence(v, lv, f), versions, version, level)
             + carryover.carried(substances.live_evidence, versions, version, level))
    return sorted(found,
                  key=lambda e: [int(p) if p.isdigit() else p for p in e.requirement.split(".")])


# --- management review ------------------------------------------------------------------------

def review_section(start: dt.date, end: dt.date) -> ReviewSection:
    held = toolbox.held_between(start, end)
    f = collect(end)
    ok, total = f.coverage
    figures_ = [
        (_("Toolbox meetings held"), _("%(held)s (minimum %(minimum)s a year)", held=len(held), minimum=f.minimum)),
        (_("Toolbox attendance"), _pct(rules.rate(*toolbox.attendance_totals(start, end)))),
        (_("VCA diploma coverage"), _("%(ok)s of %(total)s", ok=ok, total=total)),
        (_("Workplace inspections overdue"), str(f.overdue_inspections)),
        (_("Keuringen overdue"), str(f.overdue_keuringen)),
        (_("TRAs older than 12 months"), str(f.stale_tras)),
    ]
    from .substances import register as substances

    sheets = substances.figures(end)
    figures_ += [
        (_("Safety data sheets current"), _("%(current)s of %(products)s sheets current",
                                            current=sheets.sheets_current, products=sheets.products)),
        (_("CMR products registered"), _("%(done)s of %(total)s CMR products",
                                         done=min(sheets.cmr_registered, sheets.cmr_substitution_decided),
                                         total=sheets.cmr_products)),
    ]
    if f.injury is not None:
        figures_.insert(0, (_("Injury frequency (IF, 12 months)"), f.injury_text))
    return ReviewSection(key="vca", title=_("VCA: safety, health and environment"), rows=figures_, order=55,
                         endpoint="vca.index")


# --- reminders --------------------------------------------------------------------------------

def _coordinators():
    from qms.auth.models import active_users_holding
    from qms.permissions import Role

    return active_users_holding(Role.COORDINATOR)


def collect_reminders(today: dt.date):
    """Diplomas expiring within 90 days, overdue keuringen and TRAs past 12 months, to the coordinators."""
    from flask import current_app, has_request_context
    from flask import url_for as _url_for

    def url_for(endpoint: str, **values) -> str:
        """A site-relative URL, also outside a request (the daily reminder run from the command line)."""
        if has_request_context():
            return _url_for(endpoint, **values)
        root = current_app.config.get("APPLICATION_ROOT") or "/"
        return current_app.url_map.bind("localhost", script_name=root).build(endpoint, values)

    from qms.training import services as training

    users = _coordinators()
    if not users:
        return
    for record in training.expiring(rules.WARNING_DAYS, today):
        if record.kind not in ("b_vca", "vol_vca", "vil_vcu"):
            continue
        name, until = record.employee.full_name, record.valid_until
        item = integrations.reminder(
            users, lambda name=name: _("VCA diploma of %(name)s expires soon", name=name),
            lambda until=until: _("Valid until %(date)s.", date=fmt_day(until)),
            url_for("training.employee", employee_id=record.employee_id), f"vca:diploma:{record.id}:{until}")
        if item is not None:
            yield item
    for item_ in registers.overdue_equipment(today):
        name, due = item_.name, item_.next_keuring_on
        found = integrations.reminder(
            users, lambda name=name: _("Keuring of %(name)s is overdue", name=name),
            lambda due=due: _("It was due on %(date)s.", date=fmt_day(due)),
            url_for("vca.equipment_detail", equipment_id=item_.id), f"vca:keuring:{item_.id}:{due}")
        if found is not None:
            yield found
    profile = common.current_profile()
    due = rules.policy_evaluation_due(profile.policy_signed_on, profile.policy_evaluated_on) if profile else None
    if due is not None and due <= today + dt.timedelta(days=60):
        found = integrations.reminder(
            users, lambda due=due: _("The VGM policy statement is to be evaluated by %(date)s", date=fmt_day(due)),
            "", url_for("vca.policy"), f"vca:policy:{due}")
        if found is not None:
            yield found
    for tra in registers.stale_tras(today):
        title = tra.title
        found = integrations.reminder(
            users, lambda title=title: _("TRA %(title)s is older than 12 months", title=title), "",
            url_for("vca.assessment", assessment_id=tra.id), f"vca:tra:{tra.id}:{tra.assessed_on}")
        if found is not None:
            yield found
    from .substances import register as substances

    for product, status in substances.sheets_needing_attention(today):
        name = product.name
        message = (lambda name=name: _("The safety data sheet of %(name)s is missing", name=name)) \
            if status.code == "missing" else (lambda name=name: _("The safety data sheet of %(name)s is to be "
                                                                   "replaced or checked", name=name))
        found = integrations.reminder(users, message, "", url_for("substances.product", product_id=product.id),
                                      f"vca:sds:{product.id}:{status.code}:{status.due}")
        if found is not None:
            yield found
