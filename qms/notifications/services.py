"""Notify users in the app and by e-mail; collect and send reminders."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from flask import current_app, has_request_context, request
from flask_babel import force_locale
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from ..auth.models import User
from ..database import utcnow
from ..extensions import db
from ..mail import send_mail
from ..urls import safe_next
from .models import Notification

Text = str | Callable[[], Any]
_OUTBOX = "qms_notification_outbox"


@dataclass
class Reminder:
    """Something due that a collector wants users told about."""

    users: Any
    subject: Text
    body: Text = ""
    url: str | None = None
    #: Once-only key; include the due date so a moved deadline reminds again.
    key: str | None = None


def _render(text: Text) -> str:
    return str(text() if callable(text) else text)


def _recipients(users: Any) -> list[User]:
    if users is None:
        return []
    if isinstance(users, User):
        users = [users]
    unique: dict[int, User] = {}
    for user in users:
        if user is not None and user.active:
            unique.setdefault(user.id, user)
    return list(unique.values())


def notify(users: Any, subject: Text, body: Text = "", url: str | None = None, key: str | None = None,
           email: bool = True) -> int:
    """Add one notification per active recipient (skipping those who had ``key`` already); mail after commit.

    ``subject`` and ``body`` may be callables, evaluated per recipient in the recipient's language."""
    recipients = _recipients(users)
    if not recipients:
        return 0
    url = safe_next(url) if url else None
    if key is not None:
        had = set(db.session.scalars(select(Notification.user_id).where(
            Notification.key == key, Notification.user_id.in_([u.id for u in recipients]))))
        recipients = [u for u in recipients if u.id not in had]
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    for user in recipients:
        with force_locale(user.locale or default):
            text_subject, text_body = _render(subject)[:300], _render(body)
        db.session.add(Notification(user_id=user.id, key=key, subject=text_subject, body=text_body, url=url))
        if email and user.email:
            message = text_body + (f"\n\n{absolute_url(url)}\n" if url else "")
            db.session.info.setdefault(_OUTBOX, []).append((user.email, text_subject, message))
    db.session.flush()
    return len(recipients)


def mail_after_commit(to: str, subject: str, body: str) -> None:
    """E-mail an address that has no account (a configured one), once the transaction commits."""
    db.session.info.setdefault(_OUTBOX, []).append((to, subject[:300], body))


def absolute_url(path: str) -> str:
    """A link for an e-mail: PUBLIC_URL, else the current request's host, else the bare path."""
    base = current_app.config.get("PUBLIC_URL", "").rstrip("/")
    if not base and has_request_context():
        base = request.host_url.rstrip("/")
    return base + path


@event.listens_for(Session, "after_commit")
def _send_outbox(session: Session) -> None:
    outbox = session.info.pop(_OUTBOX, None)
    for to, subject, body in outbox or ():
        send_mail(to, subject, body)


@event.listens_for(Session, "after_rollback")
def _drop_outbox(session: Session) -> None:
    session.info.pop(_OUTBOX, None)


# --- reminders ----------------------------------------------------------------------------------

Collector = Callable[[dt.date], Iterable[Reminder]]


def run_reminders(today: dt.date | None = None) -> int:
    """Ask every collector what is due and notify; returns how many notifications were made. No commit."""
    today = today or utcnow().date()
    made = 0
    from ..norms import registry

    for collector in registry().reminders:
        for reminder in collector(today):
            made += notify(reminder.users, reminder.subject, reminder.body, reminder.url, reminder.key)
    return made


# --- reading ------------------------------------------------------------------------------------

def unread_count(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def for_user(user: User):
    return select(Notification).where(Notification.user_id == user.id).order_by(
        Notification.read_at.is_not(None), Notification.created_at.desc(), Notification.id.desc())


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = utcnow()


def mark_all_read(user: User) -> int:
    result = db.session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=utcnow()))
    return result.rowcount or 0
