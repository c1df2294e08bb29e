"""Taking in a report: from the logged-in form or a site's QR code, once per form, with photos."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from flask_babel import to_user_timezone, to_utc
from sqlalchemy import delete, func, select

from ...auth.models import User, active_users_holding
from ...core import numbering
from ...core.loaders import get_row
from ...database import MAX_ID, lock_writers, utcnow
from ...extensions import db
from ...organisation.models import Employee, Site
from ...permissions import Role
from ...signals import incident_reported
from ...uploads import services as uploads
from .. import figures
from ..models import Incident, IncidentPhoto, IncidentReportAttempt, IncidentSiteToken
from ..workflow import ArboReason, IncidentType, PersonCategory
from .errors import IncidentError

MAX_PHOTOS = 5


@dataclass
class ReportData:
    type: IncidentType
    #: Local wall-clock time (Europe/Amsterdam) as the reporter typed it.
    occurred_at: dt.datetime
    description: str
    site_id: int | None = None
    location: str | None = None
    involved: list[str] = field(default_factory=list)
    injured_count: int = 0
    immediate_action: str | None = None
    persons_text: str | None = None
    reporter_name: str | None = None
    reporter_contact: str | None = None
    #: The reporter says someone died, was admitted to hospital or was permanently injured (Arbowet art. 9).
    arbo_reason: ArboReason | None = None


def new_submission_token() -> str:
    """The one-time token a report form carries: a second submission of that form finds the first record."""
    return secrets.token_urlsafe(24)


#: The shape of a one-time token, from the server or made on the phone (qms/static/offline.js, 24 random
#: bytes in base64url, like :func:`new_submission_token`): any other value is replaced.
SUBMISSION_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def is_submission_token(value: str | None) -> bool:
    return bool(value) and SUBMISSION_TOKEN.fullmatch(value) is not None


def local_now() -> dt.datetime:
    return to_user_timezone(utcnow()).replace(tzinfo=None)


def next_number(year: int) -> str:
    """``INC-2026-0042``: drawn from the core counter, never twice (also under concurrent reports)."""
    return numbering.next_number("INC", year, Incident.number)


def find_by_token(token: str | None) -> Incident | None:
    if not token:
        return None
    return db.session.scalar(select(Incident).where(Incident.submission_token == token))


def _check(data: ReportData) -> None:
    if data.occurred_at > local_now() + dt.timedelta(minutes=10):
        raise IncidentError("occurred_at", _("The time lies in the future. When did it happen?"))
    if data.occurred_at < local_now() - dt.timedelta(days=3 * 366):
        raise IncidentError("occurred_at", _("This date is more than three years ago. Please check it."))
    if data.site_id is not None:
        site = get_row(Site, data.site_id)
        if site is None:
            raise IncidentError("site_id", _("Choose a place from the list."))
    unknown = [v for v in data.involved if v not in PersonCategory._value2member_map_]
    if unknown:
        raise IncidentError("involved", _("Choose who was involved from the list."))
    if data.arbo_reason is not None and not data.type.is_accident:
        raise IncidentError("arbo_reason", _("Death, hospital admission or permanent injury: choose an accident "
                                             "under “What happened?”."))
    if data.type.is_accident and data.injured_count < 1:
        raise IncidentError("injured_count", _("Someone was hurt in an accident: how many people?"))


def report(data: ReportData, *, reporter: User | None, token: str | None, photos=(), via_qr: bool = False,
           anonymous: bool = False) -> tuple[Incident, bool]:
    """Record a report with its photos; returns (incident, created). A form sent twice gives the first record.

    ``reporter`` None with ``anonymous`` True keeps no trace of the sender in the record."""
    lock_writers(db.session.connection())  # the same form sent twice at once: the second finds the first
    existing = find_by_token(token)
    if existing is not None:
        return existing, False
    _check(data)
    photos = [p for p in photos if p is not None and getattr(p, "filename", "")]
    if len(photos) > MAX_PHOTOS:
        raise IncidentError("photos", _("Add at most %(n)s photos.", n=MAX_PHOTOS))
    occurred_utc = to_utc(data.occurred_at).replace(tzinfo=None)
    incident = Incident(
        number=next_number(local_now().year), type=data.type, occurred_at=occurred_utc,
        occurred_on=data.occurred_at.date(), site_id=data.site_id, location=data.location or None,
        involved=",".join(sorted(set(data.involved))), injured_count=data.injured_count,
        description=data.description, immediate_action=data.immediate_action or None,
        persons_text=data.persons_text or None,
        reporter_id=None if anonymous or reporter is None else reporter.id,
        reporter_name=None if anonymous else (data.reporter_name or None),
        reporter_contact=None if anonymous else (data.reporter_contact or None),
        anonymous=anonymous, via_qr=via_qr, reported_at=utcnow(), submission_token=token or None,
        lti_count=figures.lti_count([], data.injured_count, data.type is IncidentType.LTI),
        arbo_reason=data.arbo_reason,
        on_arbowet_list=figures.on_arbowet_list(data.type.is_accident, data.arbo_reason is not None, 0))
    db.session.add(incident)
    db.session.flush()
    for upload in photos:
        if anonymous:
            upload.filename = "photo" + _suffix(upload.filename)  # the original name may name the sender
        stored = uploads.store(upload, allowed={"image"})
        db.session.add(IncidentPhoto(incident_id=incident.id, stored_file_id=stored.id))
    db.session.flush()
    _announce(incident)
    return incident, True


def _suffix(filename: str) -> str:
    dot = filename.rfind(".")
    return filename[dot:][:6] if dot > 0 else ".jpg"


def detail_path(incident_id: int) -> str:
    """The incident's page, also outside a request (CLI, demo data, the daily reminders)."""
    return current_app.url_map.bind("localhost").build("incidents.detail", {"incident_id": incident_id})


def coordinators() -> list[User]:
    return active_users_holding(Role.COORDINATOR)


def _announce(incident: Incident) -> None:
    """Tell the coordinators (in the app and by e-mail: a job, after the response) and the rest of the system.
    An accident the Arbeidsinspectie must hear of is alerted at once, in the request."""
    from ..jobs import submit_announcement

    submit_announcement(incident)
    if incident.arbo_reason is not None:
        from .arbo import alert

        alert(incident)
    incident_reported.send(current_app._get_current_object(), incident=incident)


# --- the public form: site tokens and the rate limit --------------------------------------------------

def site_token(site: Site, *, create: bool = True) -> IncidentSiteToken | None:
    token = db.session.scalar(select(IncidentSiteToken).where(IncidentSiteToken.site_id == site.id))
    if token is None and create:
        token = IncidentSiteToken(site_id=site.id, token=secrets.token_urlsafe(24))
        db.session.add(token)
        db.session.flush()
    return token


def tokens_for(site_ids: list[int]) -> dict[int, str]:
    """The QR tokens of these sites (sites without a poster yet have none), in one query."""
    if not site_ids:
        return {}
    rows = db.session.execute(select(IncidentSiteToken.site_id, IncidentSiteToken.token)
                              .where(IncidentSiteToken.site_id.in_(site_ids)))
    return {site_id: token for site_id, token in rows}


def renew_site_token(site: Site) -> IncidentSiteToken:
    """A new QR code for the site; the old code stops working (a poster that went missing)."""
    token = site_token(site)
    token.token = secrets.token_urlsafe(24)
    token.created_at = utcnow()
    db.session.flush()
    return token


def site_for_token(token: str) -> Site | None:
    if not token or len(token) > 64:
        return None
    found = db.session.scalar(select(IncidentSiteToken).where(IncidentSiteToken.token == token))
    if found is None or not found.site.active:
        return None
    return found.site


def active_site(site_id: int | None) -> Site | None:
    """The site with this id when it is still in use, else None (an old QR code, a typed address)."""
    if site_id is None or not 0 < site_id <= MAX_ID:
        return None
    site = db.session.get(Site, site_id)
    return site if site is not None and site.active else None


def usual_site_id(user: User) -> int | None:
    """The reporter's usual work site (their employee record's), when it is still in use."""
    return db.session.scalar(select(Site.id).join(Employee, Employee.site_id == Site.id)
                             .where(Employee.user_id == user.id, Site.active.is_(True)).limit(1))


def _attempt_key(ip: str | None) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, (ip or "unknown").encode(), hashlib.sha256).hexdigest()


class RateLimited(Exception):
    """Too many public reports from one address within the hour."""


def check_public_allowance(ip: str | None) -> None:
    """Count this public report against the address's hourly limit (keyed hash and hour only)."""
    now = utcnow()
    hour = now.replace(minute=0, second=0, microsecond=0)
    key = _attempt_key(ip)
    limit = current_app.config.get("INCIDENT_PUBLIC_MAX_PER_HOUR", 10)
    lock_writers(db.session.connection())  # counted and added as one step: two at once cannot both pass
    db.session.execute(delete(IncidentReportAttempt).where(IncidentReportAttempt.hour < hour - dt.timedelta(days=1)))
    used = db.session.scalar(select(func.count()).select_from(IncidentReportAttempt)
                             .where(IncidentReportAttempt.key == key, IncidentReportAttempt.hour >= hour)) or 0
    if used >= limit:
        raise RateLimited()
    db.session.add(IncidentReportAttempt(key=key, hour=hour))
    db.session.flush()
