"""Start-page tasks: my open actions, overdue and due soon first (one query)."""
from __future__ import annotations

import datetime as dt

from flask import url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from ..core.tasks import first_rows, listed, urgency_of
from ..norms import Task, TaskSource
from .models import CorrectiveAction, Nonconformity

#: Actions due within this many days are listed; later ones wait on the actions page.
SOON_DAYS = 14


def action_tasks(user, today: dt.date):
    stmt = (select(CorrectiveAction.id, CorrectiveAction.description, CorrectiveAction.due_date,
                   Nonconformity.number)
            .outerjoin(Nonconformity, Nonconformity.id == CorrectiveAction.nonconformity_id)
            .where(CorrectiveAction.owner_id == user.id, CorrectiveAction.done_at.is_(None),
                   CorrectiveAction.due_date <= today + dt.timedelta(days=SOON_DAYS))
            .order_by(CorrectiveAction.due_date, CorrectiveAction.id))
    rows, total = first_rows(stmt)

    def make(r):
        text = r.description if len(r.description) <= 80 else r.description[:79] + "…"
        return Task(text, url_for("actions.index", status="open") + f"#action-{r.id}",
                    urgency=urgency_of(r.due_date, today, SOON_DAYS), due=r.due_date,
                    detail=r.number or _("Action"))

    return listed(rows, total, make,
                  lambda n: Task(ngettext("%(num)s more action due", "%(num)s more actions due", n),
                                 url_for("actions.index", status="open"), urgency="due",
                                 detail=_("due before %(date)s", date=format_date(today + dt.timedelta(days=SOON_DAYS)))))


SOURCE = TaskSource("actions", "actions.own", action_tasks, order=20)
