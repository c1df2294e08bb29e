"""Start-page tasks of the evidence register: files expired or expiring, and files waiting for review."""
from __future__ import annotations

import datetime as dt

from flask import url_for
from flask_babel import ngettext
from sqlalchemy import case, func, select

from ..extensions import db
from ..norms import Task, TaskSource
from . import readiness
from .models import EvidenceItem, ReviewStatus


def evidence_tasks(user, today: dt.date):
    soon = today + dt.timedelta(days=readiness.SOON_DAYS)
    expired, expiring, pending = db.session.execute(select(
        func.coalesce(func.sum(case((EvidenceItem.valid_until < today, 1), else_=0)), 0),
        func.coalesce(func.sum(case(((EvidenceItem.valid_until >= today) & (EvidenceItem.valid_until <= soon), 1),
                                    else_=0)), 0),
        func.coalesce(func.sum(case((EvidenceItem.review_status == ReviewStatus.PENDING, 1), else_=0)), 0),
    )).one()
    tasks = []
    if expired:
        tasks.append(Task(ngettext("%(num)s evidence file has expired", "%(num)s evidence files have expired", expired),
                          url_for("evidence.items", status="expired"), urgency="overdue"))
    if expiring:
        tasks.append(Task(ngettext("%(num)s evidence file expires within %(days)s days",
                                   "%(num)s evidence files expire within %(days)s days", expiring,
                                   days=readiness.SOON_DAYS),
                          url_for("evidence.items", status="expiring"), urgency="due"))
    if pending:
        tasks.append(Task(ngettext("%(num)s evidence file to review", "%(num)s evidence files to review", pending),
                          url_for("evidence.items", status="pending")))
    return tasks


SOURCE = TaskSource("evidence", "evidence.manage", evidence_tasks, order=60)
