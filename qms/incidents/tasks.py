"""Start-page tasks of the incident log: accidents still to be reported to the Arbeidsinspectie (on top, with
their deadline) and reports waiting for triage."""
from __future__ import annotations

import datetime as dt

from flask import url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from ..core.tasks import first_rows, listed
from ..extensions import db
from ..norms import Task, TaskSource
from .models import Incident
from .services.handling import ARBO_HOURS
from .services.reporting import local_now
from .workflow import IncidentState


def incident_tasks(user, today: dt.date):
    pending = (select(Incident.id, Incident.number, Incident.occurred_at)
               .where(Incident.arbo_reason.is_not(None), Incident.arbo_notified_at.is_(None))
               .order_by(Incident.occurred_at, Incident.id))
    rows, total = first_rows(pending)
    now = local_now()  # the time of the accident is kept in local time

    def alarm(r):
        deadline = r.occurred_at + dt.timedelta(hours=ARBO_HOURS)
        when = format_datetime(deadline, "short", rebase=False)
        detail = (_("Deadline %(when)s has passed: report it now", when=when) if deadline < now
                  else _("Deadline: %(when)s", when=when))
        return Task(_("Report accident %(number)s to the Arbeidsinspectie", number=r.number),
                    url_for("incidents.detail", incident_id=r.id), urgency="alarm", detail=detail)

    tasks = listed(rows, total, alarm,
                   lambda n: Task(ngettext("%(num)s more accident to report to the Arbeidsinspectie",
                                           "%(num)s more accidents to report to the Arbeidsinspectie", n),
                                  url_for("incidents.index"), urgency="alarm"))
    waiting = db.session.scalar(select(func.count()).select_from(Incident)
                                .where(Incident.state == IncidentState.REPORTED)) or 0
    if waiting:
        tasks.append(Task(ngettext("%(num)s report to triage", "%(num)s reports to triage", waiting),
                          url_for("incidents.index", state=IncidentState.REPORTED.value), urgency="due"))
    return tasks


SOURCE = TaskSource("incidents", "incidents.manage", incident_tasks, order=10)
