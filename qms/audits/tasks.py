"""Start-page tasks: audits I lead or take part in, to prepare (planned within a month) or to conduct."""
from __future__ import annotations

import datetime as dt

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import exists, or_, select

from ..core.tasks import first_rows, listed, urgency_of
from ..norms import Task, TaskSource
from .models import Audit, AuditMember
from .rules import AuditState

#: A planned audit shows as "to prepare" from this many days before its start.
PREPARE_DAYS = 30


def audit_tasks(user, today: dt.date):
    mine = or_(Audit.lead_auditor_id == user.id,
               exists().where(AuditMember.audit_id == Audit.id, AuditMember.user_id == user.id))
    stmt = (select(Audit.id, Audit.number, Audit.title, Audit.state, Audit.planned_start)
            .where(mine, or_(Audit.state.in_([AuditState.PREPARED, AuditState.IN_PROGRESS]),
                             (Audit.state == AuditState.PLANNED)
                             & (Audit.planned_start <= today + dt.timedelta(days=PREPARE_DAYS))))
            .order_by(Audit.planned_start, Audit.id))
    rows, total = first_rows(stmt)

    def make(r):
        if r.state is AuditState.PLANNED:
            label = _("Prepare audit %(number)s %(title)s", number=r.number, title=r.title)
        else:
            label = _("Conduct audit %(number)s %(title)s", number=r.number, title=r.title)
        return Task(label, url_for("audits.detail", audit_id=r.id), urgency=urgency_of(r.planned_start, today, 7),
                    due=r.planned_start)

    return listed(rows, total, make,
                  lambda n: Task(ngettext("%(num)s more audit", "%(num)s more audits", n), url_for("audits.index")))


SOURCE = TaskSource("audits", "audits.manage", audit_tasks, order=35)
