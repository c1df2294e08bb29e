"""What ISO 9001 gives the shared views: KPIs, live evidence for readiness, management review sections."""
from __future__ import annotations

import datetime as dt

from flask_babel import format_decimal, gettext as _
from sqlalchemy import func, select

from ...extensions import db
from ...i18n import fmt_day, fmt_number
from ...norms import LiveEvidence, ReviewSection
from .. import scoring
from ...quality_measurement import services as measurement
from ..models import (ContextReview, Issue, Measurement, Objective, ObjectiveState, Risk, RiskKind, RiskState)
from . import competence, context, customers, planning, providers, today


def _year_start(on: dt.date) -> dt.date:
    return on.replace(month=1, day=1)


# --- KPIs -------------------------------------------------------------------------------------

def objectives_met() -> str:
    running = list(db.session.scalars(select(Objective).where(Objective.state == ObjectiveState.ACTIVE)))
    statuses = planning.objective_statuses(running)
    met = sum(1 for s in statuses.values() if s == scoring.ON_TARGET)
    return _("%(met)s of %(total)s", met=met, total=len(running))


def complaint_handling() -> str:
    on = today()
    average, answered = customers.handling_time(on - dt.timedelta(days=365), on)
    return _("%(days)s days", days=format_decimal(average, format="#,##0.0")) if average is not None else "—"


def supplier_scores() -> str:
    figures = providers.figures()
    if figures["average"] is None:
        return "—"
    return f"{format_decimal(figures['average'], format='#,##0.0')} / 100"


def open_nonconformities() -> str:
    from ...actions import services as actions

    counts = actions.counts()
    return str(sum(counts.get(state, 0) for state in ("open", "actions_planned", "awaiting_check")))


# --- live evidence ------------------------------------------------------------------------------

def _audit_programme(year: int) -> bool | None:
    """Whether the internal audit programme of ``year`` covers ISO 9001; None when qms.audits is not installed."""
    from ...audits.models import Audit, AuditNorm
    from ...audits.rules import AuditType

    stmt = (select(Audit.id).join(AuditNorm, AuditNorm.audit_id == Audit.id)
            .where(Audit.type == AuditType.INTERNAL, AuditNorm.norm == "iso9001",
                   Audit.planned_start >= dt.date(year, 1, 1), Audit.planned_start <= dt.date(year, 12, 31)))
    return db.session.scalar(stmt.limit(1)) is not None


def _review_held(since: dt.date) -> tuple[bool, dt.date | None] | None:
    """Whether a management review meeting was held since ``since``; None when qms.reviews is not installed."""
    from ...reviews.models import Review
    from ...reviews.rules import ReviewState

    last = db.session.scalar(select(func.max(Review.meeting_on)).where(
        Review.state.in_([ReviewState.HELD, ReviewState.CLOSED])))
    return (last is not None and last >= since), last


def evidence(version: str, level: str = "") -> list[LiveEvidence]:
    """Rules evaluated now for the 2015 catalogue (the 2008 catalogue carries over through its cross-reference).
    ISO 9001 has no levels: ``level`` does not change a rule."""
    if version != "2015":
        return []
    on = today()
    year = on.year
    found: list[LiveEvidence] = []
    review = context.latest_review()
    found.append(LiveEvidence(
        "4.1", _("Context reviewed this year"), fmt_day(review.reviewed_on) if review else _("never"),
        review is not None and review.reviewed_on.year == year, "iso9001.context"))
    statement = context.statement()
    determined = statement is not None and statement.climate_relevant is not None and bool(statement.climate_reasoning)
    found.append(LiveEvidence(
        "4.1", _("Climate change determination recorded (Amd 1:2024)"),
        (_("relevant") if statement.climate_relevant else _("not relevant")) if determined else _("missing"),
        determined, "iso9001.context"))
    risks = db.session.scalar(select(func.count()).select_from(Risk).where(Risk.state != RiskState.CLOSED)) or 0
    overdue = db.session.scalar(select(func.count()).select_from(Risk).where(
        Risk.state != RiskState.CLOSED, Risk.review_on < on)) or 0
    found.append(LiveEvidence("6.1.1", _("Risks and opportunities identified, reviews on time"),
                              _("%(n)s current, %(late)s reviews overdue", n=risks, late=overdue),
                              risks > 0 and overdue == 0, "iso9001.risks"))
    running = db.session.scalar(select(func.count()).select_from(Objective).where(
        Objective.state == ObjectiveState.ACTIVE)) or 0
    measured = db.session.scalar(select(func.count(func.distinct(Measurement.objective_id))).join(Measurement.objective)
                                 .where(Objective.state == ObjectiveState.ACTIVE,
                                        Measurement.measured_on >= on - dt.timedelta(days=120))) or 0
    found.append(LiveEvidence("6.2.1", _("Quality objectives measured in the last four months"),
                              _("%(n)s of %(total)s", n=measured, total=running),
                              running > 0 and measured == running, "iso9001.objectives"))
    supplier = providers.figures(on)
    found.append(LiveEvidence("8.4.1", _("Suppliers evaluated and re-evaluated on time"),
                              _("%(n)s of %(total)s up to date", n=supplier["suppliers"] - supplier["due"],
                                total=supplier["suppliers"]),
                              supplier["suppliers"] > 0 and supplier["due"] == 0, "iso9001.suppliers"))
    numbers = customers.figures(on - dt.timedelta(days=365), on)
    found.append(LiveEvidence("9.1.2", _("Customer satisfaction measured in the last 12 months"),
                              _("%(n)s results, average %(avg)s", n=numbers["surveys"],
                                avg=fmt_number(numbers["satisfaction"], 1) if numbers["satisfaction"] else "—"),
                              numbers["surveys"] > 0, "iso9001.complaints"))
    cleaning = measurement.period_summary(on - dt.timedelta(days=91), on)
    found.append(LiveEvidence("8.5.1", _("Cleaning quality measured by sampling in the last 3 months"),
                              _("%(n)s inspections, %(a)s lots accepted", n=cleaning.inspections, a=cleaning.accepted),
                              cleaning.inspections > 0, "measurement.index"))
    yearly = measurement.period_summary(on - dt.timedelta(days=365), on)
    found.append(LiveEvidence("9.1.2", _("Client-accepted cleaning lots in the last 12 months (at least 80 %)"),
                              _("%(pct)s of %(n)s inspections", pct=fmt_number(yearly.acceptance_rate, 0) + " %"
                                if yearly.acceptance_rate is not None else "—", n=yearly.inspections),
                              yearly.inspections > 0 and (yearly.acceptance_rate or 0) >= 80, "measurement.index"))
    matrix = competence.summary(on)
    found.append(LiveEvidence("7.2", _("Competence matrix without missing competences"),
                              _("%(missing)s missing, %(expiring)s expiring", missing=matrix[scoring.MISSING],
                                expiring=matrix[scoring.EXPIRING]),
                              matrix[scoring.MISSING] == 0 and sum(matrix.values()) > 0, "iso9001.competence"))
    programme = _audit_programme(year)
    if programme is not None:
        found.append(LiveEvidence("9.2.1", _("Internal audit programme for %(year)s present", year=year),
                                  _("present") if programme else _("missing"), programme, "audits.index"))
    held = _review_held(on - dt.timedelta(days=365))
    if held is not None:
        ok, last = held
        found.append(LiveEvidence("9.3.1", _("Management review held in the last 12 months"),
                                  fmt_day(last) if last else _("never"), ok, "reviews.index"))
    return found


# --- management review input (9.3.2) --------------------------------------------------------------

def review_context(start: dt.date, end: dt.date) -> ReviewSection:
    issues = db.session.scalar(select(func.count()).select_from(Issue).where(Issue.active.is_(True))) or 0
    reviews = db.session.scalar(select(func.count()).select_from(ContextReview).where(
        ContextReview.reviewed_on >= start, ContextReview.reviewed_on <= end)) or 0
    statement = context.statement()
    climate = "—"
    if statement is not None and statement.climate_relevant is not None:
        climate = _("relevant") if statement.climate_relevant else _("not relevant")
    return ReviewSection("iso9001.context", _("Changes in external and internal issues"), rows=[
        (_("Current issues"), str(issues)), (_("Context reviews in the period"), str(reviews)),
        (_("Climate change"), climate)], order=20, endpoint="iso9001.context")


def review_customers(start: dt.date, end: dt.date) -> ReviewSection:
    f = customers.figures(start, end)
    return ReviewSection("iso9001.customers", _("Customer satisfaction and feedback"), rows=[
        (_("Complaints received"), str(f["complaints"])), (_("Other feedback and compliments"),
                                                             str(f["feedback"] + f["compliments"])),
        (_("Average handling time"), _("%(days)s days", days=fmt_number(f["average_days"], 1, trim=True))
         if f["average_days"] is not None else "—"),
        (_("Open now, of which overdue"), f"{f['open']} / {f['overdue']}"),
        (_("Satisfaction (average score 1–10)"), fmt_number(f["satisfaction"], 1) if f["satisfaction"] else "—"),
        (_("Satisfaction results"), str(f["surveys"]))], order=30, endpoint="iso9001.complaints")


def review_objectives(start: dt.date, end: dt.date) -> ReviewSection:
    objectives = list(db.session.scalars(select(Objective).where(Objective.created_at <= dt.datetime.combine(
        end, dt.time.max)).order_by(Objective.deadline)))
    statuses = planning.objective_statuses(objectives)
    labels = {scoring.ON_TARGET: _("on target"), scoring.OFF_TARGET: _("not on target"), scoring.NO_DATA: _("no data")}
    rows = [(o.title, f"{labels[statuses[o.id]]} · {o.state.label}") for o in objectives]
    return ReviewSection("iso9001.objectives", _("Quality objectives"), rows=rows, order=40,
                         endpoint="iso9001.objectives")


def review_suppliers(start: dt.date, end: dt.date) -> ReviewSection:
    f = providers.figures(end)
    return ReviewSection("iso9001.suppliers", _("Performance of external providers"), rows=[
        (_("Active suppliers"), str(f["suppliers"])), (_("Evaluated"), str(f["evaluated"])),
        (_("Average score"), f"{fmt_number(f['average'], 1, trim=True)} / 100" if f["average"] is not None else "—"),
        (_("Not approved"), str(f["not_approved"])), (_("Re-evaluation due"), str(f["due"]))],
        order=70, endpoint="iso9001.suppliers")


def review_risks(start: dt.date, end: dt.date) -> ReviewSection:
    reviewed = list(db.session.scalars(select(Risk).where(Risk.reviewed_on >= start, Risk.reviewed_on <= end)))
    effective = sum(1 for r in reviewed if r.effective)
    current = db.session.execute(select(Risk.kind, func.count()).where(Risk.state != RiskState.CLOSED)
                                 .group_by(Risk.kind)).all()
    by_kind = dict(current)
    return ReviewSection("iso9001.risks", _("Effectiveness of actions on risks and opportunities"), rows=[
        (_("Current risks"), str(by_kind.get(RiskKind.RISK, 0))),
        (_("Current opportunities"), str(by_kind.get(RiskKind.OPPORTUNITY, 0))),
        (_("Reviewed in the period, effective"), f"{len(reviewed)} / {effective}")], order=80,
        endpoint="iso9001.risks")


def review_competence(start: dt.date, end: dt.date) -> ReviewSection:
    counts = competence.summary(end)
    return ReviewSection("iso9001.competence", _("Adequacy of resources: competence"), rows=[
        (_("Functions held with all competences"), str(counts[scoring.MET])),
        (_("With competences expiring"), str(counts[scoring.EXPIRING])),
        (_("With competences missing"), str(counts[scoring.MISSING]))], order=75, endpoint="iso9001.competence")


def review_cleaning_quality(start: dt.date, end: dt.date) -> ReviewSection:
    """Customer satisfaction and process performance input: the cleaning measured at clients' locations."""
    f = measurement.period_summary(start, end)
    return ReviewSection("iso9001.cleaning_quality", _("Process performance: cleaning quality measured"), rows=[
        (_("Inspections"), str(f.inspections)), (_("Lots accepted"), str(f.accepted)),
        (_("Lots rejected"), str(f.rejected)),
        (_("Accepted lots"), fmt_number(f.acceptance_rate, 0) + " %" if f.acceptance_rate is not None else "—"),
        (_("Defects per inspected room"), fmt_number(f.defects_per_room, 2)
         if f.defects_per_room is not None else "—")], order=35, endpoint="measurement.index")


REVIEW_SECTIONS = [review_context, review_customers, review_cleaning_quality, review_objectives, review_competence, review_suppliers,
                   review_risks]
