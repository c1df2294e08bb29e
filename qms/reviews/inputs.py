"""Review input the shared workflows hold together: adequacy of resources (ISO 9001 9.3.2 e) and opportunities
for improvement (9.3.2 f). Only what the system records is shown; what it does not know is not guessed."""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, or_, select

from ..actions.models import CorrectiveAction
from ..actions.workflow import ActionKind
from ..auth.models import User
from ..extensions import db
from ..i18n import fmt_number
from ..norms import ReviewSection
from ..organisation.models import Employee
from ..organisation.services import today
from ..signals import review_input_requested

#: How many action owners the resources section lists (the busiest first).
OWNERS_LISTED = 10


def _employed_on(day: dt.date):
    return and_(Employee.hired_on <= day, or_(Employee.left_on.is_(None), Employee.left_on >= day))


@review_input_requested.connect
def resources_section(sender, start: dt.date, end: dt.date, **kwargs) -> ReviewSection:
    """Staffing, training and the load of open actions per owner."""
    from ..training.models import TrainingRecord

    count = lambda stmt: db.session.scalar(stmt) or 0  # noqa: E731
    staff = count(select(func.count()).select_from(Employee).where(_employed_on(end)))
    hired = count(select(func.count()).select_from(Employee).where(Employee.hired_on.between(start, end)))
    left = count(select(func.count()).select_from(Employee).where(Employee.left_on.between(start, end)))
    trained = count(select(func.count()).select_from(TrainingRecord).where(
        TrainingRecord.completed_on.between(start, end)))
    expired = count(select(func.count()).select_from(TrainingRecord).join(
        Employee, Employee.id == TrainingRecord.employee_id).where(
        _employed_on(end), TrainingRecord.valid_until.is_not(None), TrainingRecord.valid_until < end))
    rows = [(_("Employees at the end of the period"), fmt_number(staff)),
            (_("Hired / left in the period"), f"{fmt_number(hired)} / {fmt_number(left)}"),
            (_("Training records completed in the period"), fmt_number(trained)),
            (_("Training records of current staff past their validity"), fmt_number(expired))]
    on = today()
    overdue = func.sum(case((CorrectiveAction.due_date < on, 1), else_=0))
    load = db.session.execute(
        select(User.name, func.count(CorrectiveAction.id), overdue)
        .join(CorrectiveAction, CorrectiveAction.owner_id == User.id)
        .where(CorrectiveAction.done_at.is_(None))
        .group_by(User.id, User.name).order_by(func.count(CorrectiveAction.id).desc(), User.name)
        .limit(OWNERS_LISTED)).all()
    rows += [(_("%(name)s: open actions, of which overdue", name=name), f"{fmt_number(n)} / {fmt_number(late or 0)}")
             for name, n, late in load]
    return ReviewSection(key="resources", title=_("Adequacy of resources: people, training and workload"),
                         rows=rows, order=74, endpoint="actions.all_actions")


@review_input_requested.connect
def improvement_section(sender, start: dt.date, end: dt.date, **kwargs) -> ReviewSection:
    """Improvement actions and improvement points found in audits (findings come through their own section)."""
    improvement = CorrectiveAction.kind == ActionKind.IMPROVEMENT
    count = lambda stmt: db.session.scalar(stmt) or 0  # noqa: E731
    open_now = count(select(func.count()).select_from(CorrectiveAction).where(
        improvement, CorrectiveAction.done_at.is_(None)))
    done = count(select(func.count()).select_from(CorrectiveAction).where(
        improvement, CorrectiveAction.done_at.is_not(None),
        CorrectiveAction.done_at >= dt.datetime.combine(start, dt.time.min),
        CorrectiveAction.done_at <= dt.datetime.combine(end, dt.time.max)))
    rows = [(_("Improvement actions open"), fmt_number(open_now)),
            (_("Improvement actions done in the period"), fmt_number(done))]
    for extra in review_improvement_rows(start, end):
        rows.append(extra)
    return ReviewSection(key="improvement", title=_("Opportunities for improvement"), rows=rows, order=90,
                         endpoint="actions.all_actions")


def review_improvement_rows(start: dt.date, end: dt.date) -> list[tuple[str, str]]:
    """Improvement points from internal audits in the period."""
    from ..audits.models import Audit, AuditItem
    from ..audits.rules import Result

    n = db.session.scalar(select(func.count()).select_from(AuditItem).join(Audit, Audit.id == AuditItem.audit_id)
                          .where(Audit.planned_start.between(start, end),
                                 AuditItem.result == Result.IMPROVEMENT)) or 0
    return [(_("Opportunities for improvement found in audits"), fmt_number(n))]
