"""The start page's "my tasks": every task source the user may see (the core packages' and the norms', all
registered on the app's registry), sorted with a legal deadline first, then what is overdue, then what is due
soon, then the rest."""
from __future__ import annotations

import datetime as dt

from ..norms import TASK_URGENCIES, Task, registry
from ..permissions import has_permission

#: How many records of one kind a source lists by name; the rest are one "… more" task to the list.
SHOWN = 3


def tasks_for(user, today: dt.date) -> list[Task]:
    """The user's tasks from every source whose permission they hold (a source they cannot see is never run)."""
    found = []
    for number, source in enumerate(registry().task_sources):
        if not has_permission(user, source.permission):
            continue
        for task in source.collect(user, today):
            task.kind = task.kind or source.key
            found.append(((TASK_URGENCIES.index(task.urgency), _day(task.due), source.order, number), task))
    found.sort(key=lambda pair: pair[0])
    return [task for _key, task in found]


def _day(due) -> dt.date:
    if due is None:
        return dt.date.max
    return due.date() if isinstance(due, dt.datetime) else due


def urgency_of(due: dt.date | None, today: dt.date, soon_days: int = 14) -> str:
    """"overdue" before today, "due" within ``soon_days``, else "todo"."""
    if due is None:
        return "todo"
    if due < today:
        return "overdue"
    return "due" if due <= today + dt.timedelta(days=soon_days) else "todo"


def listed(rows, total: int, make, more) -> list[Task]:
    """Tasks for the first :data:`SHOWN` rows (``make(row)``) and, when there are more, one ``more(n)`` task."""
    tasks = [make(row) for row in rows[:SHOWN]]
    if total > SHOWN:
        tasks.append(more(total - SHOWN))
    return tasks


def first_rows(stmt, limit: int = SHOWN):
    """(the first ``limit`` rows of a column select, how many rows it has in all): one query, the total
    counted by the database beside the rows (a window count, evaluated before the limit)."""
    from sqlalchemy import func

    from ..extensions import db

    rows = db.session.execute(stmt.add_columns(func.count().over().label("task_total")).limit(limit)).all()
    return rows, (rows[0].task_total if rows else 0)
