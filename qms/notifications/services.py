"""Notify users in the app and by e-mail; collect and send reminders."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from flask import current_app, has_request_context, request
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import event, func, insert, select, update
from sqlalchemy.orm import Session

from ..auth.models import User
from ..database import chunked, utcnow
from ..extensions import db
from ..mail import send_many
from ..i18n import fmt_day
from ..urls import safe_next
from .models import Delivery, Notification, NotificationPreference, ReminderSent

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


def is_loopback(url: str) -> bool:
    """True when the address only works on this computer (localhost, 127.x, ::1): a phone that scans it finds
    nothing, so a QR code is never printed with it."""
    import ipaddress
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@event.listens_for(Session, "after_commit")
def _send_outbox(session: Session) -> None:
    outbox = session.info.pop(_OUTBOX, None)
    if outbox:
        send_many(outbox)


@event.listens_for(Session, "after_rollback")
def _drop_outbox(session: Session) -> None:
    session.info.pop(_OUTBOX, None)


# --- reminders ----------------------------------------------------------------------------------

Collector = Callable[[dt.date], Iterable[Reminder]]


def run_reminders(today: dt.date | None = None) -> int:
    """Ask every collector what is due and tell each user: one digest a day for those who keep the default, a
    notification per reminder for those who chose immediate delivery. Returns how many notifications were
    made (digests count one each). No commit."""
    today = today or utcnow().date()
    chosen = dict(db.session.execute(select(NotificationPreference.user_id, NotificationPreference.reminders)).all())
    by_default = default_delivery() is Delivery.IMMEDIATE

    def immediate(user: User) -> bool:
        choice = chosen.get(user.id)
        return by_default if choice is None else choice == Delivery.IMMEDIATE.value

    made = 0
    waiting: dict[int, tuple[User, list[Reminder]]] = {}
    from ..norms import registry

    for collector in registry().reminders:
        for reminder in collector(today):
            recipients = _recipients(reminder.users)
            now = [u for u in recipients if immediate(u)]
            if now:
                made += notify(now, reminder.subject, reminder.body, reminder.url, reminder.key)
            for user in recipients:
                if user not in now:
                    waiting.setdefault(user.id, (user, []))[1].append(reminder)
    return made + send_digests(waiting, today)


#: Reminders listed by name per kind in a digest; the rest of the kind is counted.
DIGEST_ITEMS_PER_KIND = 5
_KEY_DETAIL = re.compile(r"[-:_]?\d[\d:_-]*.*$")


def reminder_kind(key: str | None) -> str:
    """The kind of a reminder, from its once-only key without ids and dates ("vca:diploma:12:2026-06-01" →
    "vca:diploma"); a digest counts reminders per kind."""
    return _KEY_DETAIL.sub("", key or "") or "other"


def digest_path() -> str:
    return current_app.url_map.bind("localhost").build("notifications.index", {})


def send_digests(waiting: dict[int, tuple[User, list[Reminder]]], today: dt.date) -> int:
    """One digest per user and day (an in-app notification and one e-mail) with what is new since the last
    one: reminders already sent (in a digest or on their own) are left out; a user with nothing new gets none."""
    if not waiting:
        return 0
    seen: set[tuple[int, str]] = set()
    for part in chunked(sorted(waiting)):
        seen.update(tuple(row) for row in db.session.execute(
            select(ReminderSent.user_id, ReminderSent.key).where(ReminderSent.user_id.in_(part))))
        seen.update(tuple(row) for row in db.session.execute(
            select(Notification.user_id, Notification.key).where(Notification.user_id.in_(part),
                                                                 Notification.key.is_not(None))))
    day_key = f"digest:{today.isoformat()}"
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    rendered: dict[tuple[int, str], str] = {}  # a reminder's subject per language, rendered once
    sent_rows, made = [], 0
    for user_id, (user, reminders) in waiting.items():
        if (user_id, day_key) in seen:
            continue
        fresh, keys = [], set()
        for reminder in reminders:
            if reminder.key is not None and ((user_id, reminder.key) in seen or reminder.key in keys):
                continue
            fresh.append(reminder)
            if reminder.key is not None:
                keys.add(reminder.key)
        if not fresh:
            continue
        locale = user.locale or default
        kinds: dict[str, list[Reminder]] = {}
        for reminder in fresh:
            kinds.setdefault(reminder_kind(reminder.key), []).append(reminder)
        with force_locale(locale):
            lines = []
            for items in kinds.values():
                shown = items[:DIGEST_ITEMS_PER_KIND]
                for reminder in shown:
                    text = rendered.get((id(reminder), locale))
                    if text is None:
                        text = rendered[(id(reminder), locale)] = _render(reminder.subject)[:300]
                    link = f" — {absolute_url(safe_next(reminder.url) or '')}" if reminder.url else ""
                    lines.append(f"- {text}{link}")
                if len(items) > len(shown):
                    lines.append("  " + _("… and %(count)s more of this kind", count=len(items) - len(shown)))
                lines.append("")
            subject = _("Your reminders of %(date)s: %(count)s", date=fmt_day(today), count=len(fresh))
            counts = "; ".join(_("%(count)s × %(example)s", count=len(items), example=rendered[(id(items[0]), locale)])
                               for items in kinds.values())
            body = counts + "\n\n" + "\n".join(lines).rstrip()
        url = digest_path()
        db.session.add(Notification(user_id=user_id, key=day_key, subject=subject[:300], body=body, url=url))
        if user.email:
            db.session.info.setdefault(_OUTBOX, []).append((user.email, subject[:300],
                                                             body + f"\n\n{absolute_url(url)}\n"))
        sent_rows += [{"user_id": user_id, "key": key, "sent_on": today} for key in sorted(keys)]
        made += 1
    if sent_rows:
        db.session.execute(insert(ReminderSent), sent_rows)
    db.session.flush()
    return made


def default_delivery() -> Delivery:
    """The delivery of users who have not chosen (REMINDER_DELIVERY; the digest unless configured)."""
    try:
        return Delivery(current_app.config.get("REMINDER_DELIVERY", Delivery.DIGEST.value))
    except ValueError:
        return Delivery.DIGEST


def delivery_of(user: User) -> Delivery:
    found = db.session.get(NotificationPreference, user.id)
    return Delivery(found.reminders) if found else default_delivery()


def set_delivery(user: User, delivery: str) -> NotificationPreference:
    """Store the user's choice (immediate or digest); the trail records the change."""
    value = Delivery(delivery).value
    found = db.session.get(NotificationPreference, user.id)
    if found is None:
        found = NotificationPreference(user_id=user.id, reminders=value)
        db.session.add(found)
    else:
        found.reminders = value
    db.session.flush()
    return found


# --- reading ------------------------------------------------------------------------------------

#: The unread badge counts up to this many and then shows "99+": every page asks, and a coordinator who lets
#: notifications pile up would otherwise have thousands counted on each page.
UNREAD_SHOWN = 99


def unread_count(user: User, at_most: int | None = UNREAD_SHOWN + 1) -> int:
    """Unread notifications of ``user``, counted up to ``at_most`` (None: all of them)."""
    unread = select(Notification.id).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if at_most is not None:
        unread = unread.limit(at_most)
    return db.session.scalar(select(func.count()).select_from(unread.subquery())) or 0


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
