"""The incident log's background work: telling the coordinators of a new report after the reporter's request
has answered (at 60 coordinators the notifications and e-mails would otherwise hold the request)."""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from .. import jobs
from ..extensions import db
from ..jobs import Job
from .models import Incident

ANNOUNCE = "incidents.announce"


def submit_announcement(incident: Incident) -> Job | None:
    """Queue the notification of a new report (flushed; queued when the report commits). Where jobs run in
    the request anyway (JOBS_IMMEDIATE: development and tests, no worker), the coordinators are told in the
    report's own transaction instead of through a job that would take a second database connection."""
    if current_app.config.get("JOBS_IMMEDIATE"):
        notify_coordinators(incident)
        return None
    return jobs.submit(Job(task=ANNOUNCE), incident_id=incident.id)


@jobs.handler(ANNOUNCE)
def announce(job: Job) -> dict:
    """Notify and e-mail every coordinator of the report, in each one's language (once: a repeated run finds
    the notification key and skips those who had it)."""
    incident = db.session.get(Incident, job.data.get("incident_id"))
    return {"notified": notify_coordinators(incident) if incident is not None else 0}


def notify_coordinators(incident: Incident) -> int:
    from ..notifications import services as notifications
    from .services.reporting import coordinators, detail_path

    kind, number = incident.type, incident.number
    where = incident.site.name if incident.site else (incident.location or "")
    return notifications.notify(
        coordinators(),
        lambda: _("New incident %(number)s: %(type)s", number=number, type=kind.label),
        lambda: _("Where: %(where)s. Please triage it.", where=where or "—"),
        url=detail_path(incident.id),
        key=f"incident-reported-{incident.id}")
