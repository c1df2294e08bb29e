"""The audit programme, the coverage of every requirement in scope, and the reminders before an audit."""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import func, select

from ...extensions import db
from ...norms import registry
from ...organisation.models import Company
from ...organisation.services import today
from .. import rules
from ..models import Audit, AuditItem, AuditNorm
from ..rules import AuditState, Result


# --- programme and coverage -------------------------------------------------------------------

def programme_query(year: int):
    return (select(Audit)
            .where(Audit.planned_start >= dt.date(year, 1, 1), Audit.planned_start <= dt.date(year, 12, 31))
            .order_by(Audit.planned_start, Audit.id))


def scope_targets() -> list[tuple]:
    """(norm, catalogue version, level code or None) for each norm the company certifies against (all enabled
    norms when no targets are set)."""
    company = db.session.scalar(select(Company).order_by(Company.id).limit(1))
    targets = company.targets if company else {}
    out = []
    for norm in registry():
        if targets and norm.code not in targets:
            continue
        target = targets.get(norm.code)
        # The version audits use today: VCA 2026/6.1 from 1 July 2026 (the catalogue's audits_from date).
        version = target if target in norm.versions else norm.version_for(today())
        cat = norm.versions[version]
        level = target if target and cat.level(target) else None
        out.append((norm, cat, level))
    return out


def coverage(on: dt.date | None = None) -> list[dict]:
    """Per norm in scope: requirements and when each was last audited, against the three-year cycle."""
    on = on or today()
    start = rules.cycle_start(on)
    result = []
    for norm, cat, level in scope_targets():
        codes = [r.code for r in cat.requirements.values()
                 if r.kind == "requirement" and (level is None or r.applicability.get(level) != "na")]
        audited_on = func.coalesce(Audit.conducted_on, Audit.planned_start)
        last = dict(db.session.execute(
            select(AuditItem.requirement, func.max(audited_on))
            .join(Audit, Audit.id == AuditItem.audit_id)
            .where(AuditItem.norm == norm.code, AuditItem.result.is_not(None),
                   AuditItem.result != Result.NOT_APPLICABLE,
                   Audit.state.in_([AuditState.REPORTED, AuditState.CLOSED]), audited_on >= start)
            .group_by(AuditItem.requirement)).all())
        rows = rules.coverage(codes, last, on)
        result.append({"norm": norm, "catalogue": cat, "level": cat.level(level) if level else None, "rows": rows,
                       "percent": rules.coverage_percent(rows), "planned": _planned(norm.code, cat, codes, on),
                       "gaps": [r for r in rows if not r.covered]})
    return result


def _planned(norm_code: str, cat, codes: list[str], on: dt.date) -> dict[str, dt.date]:
    """Requirement code → date of the first audit not yet under way that will cover it."""
    audits = db.session.scalars(
        select(Audit).join(AuditNorm, AuditNorm.audit_id == Audit.id)
        .where(AuditNorm.norm == norm_code, AuditNorm.version == cat.code, Audit.planned_start >= on,
               Audit.state.in_([AuditState.PLANNED, AuditState.PREPARED]))
        .order_by(Audit.planned_start)).all()
    planned: dict[str, dt.date] = {}
    for audit in audits:
        selected = {s.code for s in audit.scope_items if s.norm == norm_code}
        for code in codes:
            ancestor, covered = code, not selected
            while ancestor and not covered:
                covered = ancestor in selected
                ancestor = cat.requirements[ancestor].parent
            if covered:
                planned.setdefault(code, audit.planned_start)
    return planned


# --- reminders --------------------------------------------------------------------------------

#: Days before an audit's planned date at which the lead auditor and the team are reminded.
REMIND_BEFORE_DAYS = 7


def collect_reminders(on: dt.date):
    """Audits that start within a week and are not yet under way: remind the lead auditor and the team."""
    from ...notifications import services as notifications

    stmt = (select(Audit).where(Audit.state.in_([AuditState.PLANNED, AuditState.PREPARED]),
                                Audit.planned_start >= on,
                                Audit.planned_start <= on + dt.timedelta(days=REMIND_BEFORE_DAYS))
            .order_by(Audit.planned_start, Audit.id))
    for audit in db.session.scalars(stmt):
        start = audit.planned_start.isoformat()
        yield notifications.Reminder(
            [audit.lead_auditor, *audit.team],
            lambda n=audit.number, d=start: _("Audit %(n)s starts on %(date)s", n=n, date=d),
            audit.title, f"/audits/{audit.id}", f"audit-{audit.id}-start-{start}")
