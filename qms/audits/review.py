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
