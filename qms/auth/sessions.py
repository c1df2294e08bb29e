"""Server-side session records: every signed-in browser has one, which the user and an administrator can end.

The Flask session cookie carries a random token (only its SHA-256 is stored). The user loader accepts the
cookie only while its record is open, was used within SESSION_IDLE_MINUTES and is younger than
SESSION_ABSOLUTE_HOURS (ASVS 5.0 V7.3). ``last_seen_at`` is moved on at most once per SESSION_TOUCH_SECONDS,
so almost every page that only reads writes nothing; that one throttled update is the only write a GET may
make for it (tests/integration/test_get_never_writes.py).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from flask import current_app, request, session
from sqlalchemy import select, update

from ..audit import services as audit
from ..database import expect_writes, utcnow
from ..extensions import db
from .models import User, UserSession

#: Key of the session token in the Flask session.
SESSION_KEY = "sid"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _limits() -> tuple[dt.timedelta, dt.timedelta]:
    cfg = current_app.config
    return (dt.timedelta(minutes=cfg["SESSION_IDLE_MINUTES"]), dt.timedelta(hours=cfg["SESSION_ABSOLUTE_HOURS"]))


def start(user: User, method: str = "password", *, second_factor: bool = False,
          id_token: str | None = None) -> UserSession:
    """Open a session record for a login and put its token in the (fresh) Flask session. The caller commits."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    record = UserSession(user_id=user.id, token_hash=_hash(token), created_at=now, last_seen_at=now,
                         verified_at=now, second_factor_at=now if second_factor else None, method=method,
                         user_agent=(request.headers.get("User-Agent") or "")[:300],
                         ip=(request.remote_addr or "")[:64], id_token=id_token)
    db.session.add(record)
    session[SESSION_KEY] = token
    session.permanent = True
    return record


def current() -> UserSession | None:
    """The open record of this request's session cookie (cached for the request)."""
    from flask import g

    if "qms_user_session" in g:
        return g.qms_user_session
    token = session.get(SESSION_KEY)
    record = None
    if isinstance(token, str) and 20 <= len(token) <= 100:
        record = db.session.scalar(select(UserSession).where(UserSession.token_hash == _hash(token),
                                                             UserSession.ended_at.is_(None)))
    g.qms_user_session = record
    return record


def expired_reason(record: UserSession, now: dt.datetime | None = None) -> str | None:
    """"idle" or "lifetime" when the record has run out, else None (pure, for the loader and the tests)."""
    now = now or utcnow()
    idle, absolute = _limits()
    if now - record.created_at >= absolute:
        return "lifetime"
    if now - record.last_seen_at >= idle:
        return "idle"
    return None


def check(user: User) -> bool:
    """Whether this request's cookie belongs to an open, unexpired session of ``user``; moves last-seen on."""
    record = current()
    if record is None or record.user_id != user.id:
        return False
    now = utcnow()
    reason = expired_reason(record, now)
    if reason:
        _begin_write()
        _end(record, reason, now)
        db.session.commit()
        return False
    if (now - record.last_seen_at).total_seconds() >= current_app.config["SESSION_TOUCH_SECONDS"]:
        _begin_write()  # the throttled last-seen update (see the module docstring)
        db.session.execute(update(UserSession).where(UserSession.id == record.id).values(last_seen_at=now))
        db.session.commit()
    return True


def _begin_write() -> None:
    """End the reading transaction (nothing is pending in the user loader) so the write starts a transaction of
    its own, which on SQLite takes the write lock at once instead of upgrading a reader's snapshot."""
    expect_writes()
    db.session.commit()


def _end(record: UserSession, reason: str, now: dt.datetime | None = None) -> None:
    record.ended_at = now or utcnow()
    record.end_reason = reason
    audit.record(db.session, "session_ended", "user", record.user_id,
                 new={"session": record.id, "why": reason})


def end(record: UserSession, reason: str) -> None:
    if record.ended_at is None:
        _end(record, reason)


def end_all(user: User, reason: str, *, keep: UserSession | None = None) -> int:
    """End every open session of the user (except ``keep``); returns how many."""
    records = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id,
                                                           UserSession.ended_at.is_(None))).all()
    ended = 0
    for record in records:
        if keep is not None and record.id == keep.id:
            continue
        _end(record, reason)
        ended += 1
    return ended


def open_sessions(user: User) -> list[UserSession]:
    """The user's sessions that still count as open (idle and lifetime limits applied in the query)."""
    idle, absolute = _limits()
    now = utcnow()
    return list(db.session.scalars(
        select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None),
                                  UserSession.last_seen_at > now - idle, UserSession.created_at > now - absolute)
        .order_by(UserSession.last_seen_at.desc())))


def mark_verified(second_factor: bool) -> None:
    """The session just proved the password or a second factor again (step-up): it gets a new token, and the
    old one stops working (ASVS 7.2.4)."""
    record = current()
    if record is not None:
        now = utcnow()
        record.verified_at = now
        if second_factor:
            record.second_factor_at = now
        token = secrets.token_urlsafe(32)
        record.token_hash = _hash(token)
        session[SESSION_KEY] = token


def end_everyone(reason: str = "admin") -> int:
    """End every open session of every user (after a suspected break-in); returns how many."""
    records = db.session.scalars(select(UserSession).where(UserSession.ended_at.is_(None))).all()
    for record in records:
        _end(record, reason)
    return len(records)


def prune(older_than_days: int = 30) -> int:
    """Delete session records ended (or run out) more than the given days ago; run daily."""
    from sqlalchemy import delete, or_

    cutoff = utcnow() - dt.timedelta(days=older_than_days)
    return db.session.execute(delete(UserSession).where(or_(UserSession.ended_at < cutoff,
                                                            UserSession.last_seen_at < cutoff))).rowcount or 0


def device_label(user_agent: str) -> str:
    """A short device description from a User-Agent header ("Firefox on Windows")."""
    ua = user_agent or ""
    browser = next((name for key, name in (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
                                           ("Chromium/", "Chromium"), ("Safari/", "Safari")) if key in ua), "")
    system = next((name for key, name in (("Windows", "Windows"), ("Android", "Android"), ("iPhone", "iPhone"),
                                          ("iPad", "iPad"), ("Mac OS", "macOS"), ("Linux", "Linux")) if key in ua), "")
    if browser and system:
        return f"{browser} / {system}"
    return browser or system or (ua[:40] if ua else "?")
