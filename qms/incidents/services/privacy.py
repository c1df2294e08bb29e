"""Who sees names, and the retention purge that removes personal details while the statistics stay."""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from ...database import utcnow
from ...extensions import db
from ...permissions import has_permission
from ...uploads import services as uploads
from .. import figures
from ..models import Incident, IncidentSettings
from .errors import IncidentError

PERSONS_PERMISSION = "incidents.view_persons"
_PURGED_FILES = "incident_purged_files"


def _remove_after_commit(path) -> None:
    """The photo's file goes once the purge is committed (a rolled-back purge keeps it)."""
    db.session.info.setdefault(_PURGED_FILES, []).append(path)


@event.listens_for(Session, "after_commit")
def _unlink_purged(session) -> None:
    for path in session.info.pop(_PURGED_FILES, ()):
        path.unlink(missing_ok=True)


@event.listens_for(Session, "after_rollback")
def _keep_purged(session) -> None:
    session.info.pop(_PURGED_FILES, None)


def may_see_persons(user) -> bool:
    """Names of involved persons and of the reporter: coordinator and HR only."""
    return has_permission(user, PERSONS_PERMISSION)


def settings() -> IncidentSettings:
    """The settings row, or the defaults (not stored: reading the settings never writes)."""
    found = db.session.scalar(select(IncidentSettings).order_by(IncidentSettings.id).limit(1))
    return found if found is not None else IncidentSettings(retention_months=60)


def set_retention(months: int) -> IncidentSettings:
    if not 12 <= months <= 600:
        raise IncidentError("retention_months", _("Choose between 12 and 600 months."))
    current = settings()
    if current.id is None:
        db.session.add(current)
    current.retention_months = months
    db.session.flush()
    return current


def retention_cutoff(today: dt.date, months: int) -> dt.date:
    year, month = figures.shift_month(today.year, today.month, -months)
    return dt.date(year, month, 1)


def purge(today: dt.date) -> int:
    """Remove names, reporter and photos of incidents older than the retention period; figures stay.

    Open incidents are kept whole until they are closed."""
    cutoff = retention_cutoff(today, settings().retention_months)
    rows = db.session.scalars(select(Incident).where(
        Incident.occurred_on < cutoff, Incident.purged_at.is_(None), Incident.state == "closed"))
    count = 0
    for incident in rows:
        incident.reporter_id = None
        incident.reporter_name = None
        incident.reporter_contact = None
        incident.persons_text = None
        incident.reporter_note = None
        incident.submission_token = None
        for person in incident.persons:
            person.name = None
            person.employee_id = None
        for photo in list(incident.photos):
            stored = photo.stored_file
            incident.photos.remove(photo)
            db.session.flush()
            _remove_after_commit(uploads.path_of(stored))
            db.session.delete(stored)
        incident.purged_at = utcnow()
        count += 1
    db.session.flush()
    return count
