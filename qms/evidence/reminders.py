"""Reminders before evidence expires and before external audits (fed to the daily reminders run).

The run also writes the day's readiness snapshots, so the chart over time has a point per day even when
nobody opens the overview."""
from __future__ import annotations

import datetime as dt
from contextlib import nullcontext

from flask import current_app, has_request_context, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from ..auth.models import User, UserRole
from ..extensions import db
from ..norms import registry
from ..notifications.services import Reminder
from ..permissions import PERMISSIONS
from . import cycles, readiness, services

#: Days before an external audit or certificate expiry at which a reminder goes out.
AUDIT_NOTICE_DAYS = (90, 30)


def _managers() -> list[User]:
    roles = PERMISSIONS["evidence.manage"]
    return list(db.session.scalars(
        select(User).join(UserRole).where(User.active.is_(True), UserRole.role.in_(roles)).order_by(User.id)).unique())


def collect(today: dt.date):
    """Reminders due on ``today``: evidence expiring within 60 days or expired, audits within 90/30 days."""
    context = nullcontext() if has_request_context() else current_app.test_request_context("/")
    with context:
        managers = _managers()
        services.record_snapshots(today)  # the chart's daily point (pages that show readiness never write)
        for item in services.expiring_evidence(today, readiness.SOON_DAYS, limit=None):
            expired = item.valid_until < today
            users = list({u.id: u for u in [item.owner, *managers] if u is not None}.values())
            title, until = item.title, item.valid_until
            if expired:
                subject = lambda title=title: _("Evidence expired: %(title)s", title=title)  # noqa: E731
            else:
                subject = lambda title=title, until=until: _(  # noqa: E731
                    "Evidence expires on %(date)s: %(title)s", date=format_date(until), title=title)
            yield Reminder(users, subject,
                           lambda: _("Upload a current version or extend its validity, so the requirements it "
                                     "serves stay covered."),
                           url=url_for("evidence.item", item_id=item.id),
                           key=f"evidence:{item.id}:{'expired' if expired else 'expiring'}:{until.isoformat()}")
        for entry in services.audit_calendar(today):
            days = (entry.date.due - today).days
            notice = next((d for d in AUDIT_NOTICE_DAYS if days <= d), None)
            if notice is None:
                continue
            cert, kind, due = entry.certificate, entry.date.kind, entry.date.due
            yield Reminder(managers, lambda cert=cert, kind=kind, due=due: _(
                "%(what)s %(norm)s on %(date)s", what=kind_label(kind), norm=norm_title(cert.norm),
                date=format_date(due)),
                lambda: _("Check readiness and prepare the dossier in time."),
                url=url_for("evidence.certificates"),
                key=f"evidence-audit:{cert.id}:{kind}:{due.isoformat()}:{notice}")


def kind_label(kind: str) -> str:
    return {cycles.SURVEILLANCE: _("Surveillance audit"), cycles.RECERTIFICATION: _("Recertification audit"),
            cycles.EXPIRY: _("Certificate expires")}.get(kind, kind)


def norm_title(code: str) -> str:
    norm = registry().get(code)
    return norm.title if norm else code
