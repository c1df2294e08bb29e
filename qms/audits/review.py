"""The audit results section of the management review input pack (ISO 9001 9.3.2 c 6)."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..extensions import db
from ..norms import ReviewSection
from ..signals import review_input_requested
from .forms import RESULT_LABELS
from .models import Audit, AuditItem
from .rules import AuditState, Result


@review_input_requested.connect
def audits_section(sender, start, end, **kwargs) -> ReviewSection:
    in_period = (Audit.planned_start >= start) & (Audit.planned_start <= end)
    by_state = dict(db.session.execute(select(Audit.state, func.count()).where(in_period)
                                       .group_by(Audit.state)).all())
    results = dict(db.session.execute(
        select(AuditItem.result, func.count()).join(Audit, Audit.id == AuditItem.audit_id)
        .where(in_period, Audit.state.in_([AuditState.REPORTED, AuditState.CLOSED]), AuditItem.result.is_not(None))
        .group_by(AuditItem.result)).all())
    done = by_state.get(AuditState.REPORTED, 0) + by_state.get(AuditState.CLOSED, 0)
    rows = [(_("Audits planned in the period"), str(sum(by_state.values()))),
            (_("Audits reported or closed"), str(done))]
    rows += [(str(RESULT_LABELS[r]), str(results.get(r, 0))) for r in Result if results.get(r)]
    from .services import coverage

    for row in coverage(end):
        rows.append((_("Coverage of %(norm)s in the cycle", norm=row["norm"].title),
                     f"{row['percent']}%" if row["percent"] is not None else "—"))
    return ReviewSection(key="audits", title=_("Audit results"), rows=rows, order=60, endpoint="audits.index")


@review_input_requested.connect
def process_performance_section(sender, start, end, **kwargs) -> ReviewSection:
    """Process performance and conformity of services (ISO 9001 9.3.2 c 3), as far as audits measured them:
    per audited process the audits reported in the period, the questions answered conform and the
    nonconformities found."""
    from ..i18n import fmt_number, fmt_percent
    from . import processes as audit_processes

    reported = list(db.session.execute(
        select(Audit.id, Audit.processes).where(Audit.planned_start >= start, Audit.planned_start <= end,
                                                Audit.state.in_([AuditState.REPORTED, AuditState.CLOSED]))))
    tallies = dict(((audit_id, result), n) for audit_id, result, n in db.session.execute(
        select(AuditItem.audit_id, AuditItem.result, func.count())
        .where(AuditItem.audit_id.in_([a for a, _p in reported] or [-1]), AuditItem.result.is_not(None))
        .group_by(AuditItem.audit_id, AuditItem.result)))
    known = audit_processes.known_processes()
    per_process: dict[str, list[int]] = {}
    for audit_id, text in reported:
        chosen, rest = audit_processes.split(text, known)
        names = chosen + ([rest] if rest else []) or [_("(no process named)")]
        for name in names:
            per_process.setdefault(name, []).append(audit_id)
    rows = []
    for name in sorted(per_process, key=str.casefold):
        ids = per_process[name]
        answered = sum(n for (a, r), n in tallies.items() if a in ids and r is not Result.NOT_APPLICABLE)
        conform = sum(n for (a, r), n in tallies.items() if a in ids and r is Result.CONFORM)
        ncs = sum(n for (a, r), n in tallies.items() if a in ids and r in (Result.MAJOR, Result.MINOR))
        rows.append((_("%(process)s: audits · conform · nonconformities", process=name),
                     f"{fmt_number(len(ids))} · {fmt_percent(100 * conform / answered) if answered else '—'} · "
                     f"{fmt_number(ncs)}"))
    return ReviewSection(key="process_performance", title=_("Process performance and conformity of services"),
                         rows=rows, text="" if rows else _("No audit was reported in the period."), order=42,
                         endpoint="audits.index")
