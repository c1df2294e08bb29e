"""Authentication rules: throttled login, password changes and ending sessions.

The throttles are counted in the database, so they hold across worker processes: an account locks after
LOGIN_MAX_FAILURES failures for LOGIN_LOCK_SECONDS, and one client address may try LOGIN_IP_MAX_ATTEMPTS
times per LOGIN_IP_WINDOW_SECONDS.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import delete, func, select

from ..audit import services as audit
from ..database import utcnow
from ..extensions import db
from .models import LoginAttempt, User
from .passwords import hash_password, needs_rehash, verify_password


class TooManyAttempts(Exception):
    """The client address has used up its login attempts for now."""


@dataclass
class LoginResult:
    user: User | None
    #: "ok", "invalid" (unknown account, wrong password, inactive or locked: never told apart to the user)
    outcome: str


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def check_ip_allowance(ip: str) -> None:
    cfg = current_app.config
    since = utcnow() - dt.timedelta(seconds=cfg["LOGIN_IP_WINDOW_SECONDS"])
    count = db.session.scalar(
        select(func.count()).select_from(LoginAttempt).where(LoginAttempt.ip == ip, LoginAttempt.at >= since)
    )
    if count >= cfg["LOGIN_IP_MAX_ATTEMPTS"]:
        raise TooManyAttempts()


def authenticate(email: str, password: str, ip: str) -> LoginResult:
    """Check a login; records the attempt and the audit entry. The caller commits."""
    check_ip_allowance(ip)
    cfg = current_app.config
    now = utcnow()
    email = normalise_email(email)
    user = db.session.scalar(select(User).where(User.email == email))
    password_ok = verify_password(user.password_hash if user else None, password)
    locked = user is not None and user.locked_until is not None and user.locked_until > now
    ok = user is not None and user.active and password_ok and not locked
    db.session.add(LoginAttempt(ip=ip, at=now, success=ok))
    if not ok:
        if user is not None and not locked:
            user.failed_logins += 1
            if user.failed_logins >= cfg["LOGIN_MAX_FAILURES"]:
                user.locked_until = now + dt.timedelta(seconds=cfg["LOGIN_LOCK_SECONDS"])
                user.failed_logins = 0
        why = "unknown account" if user is None else "inactive" if not user.active else "locked" if locked else "wrong password"
        audit.record(db.session, "login_failed", "user", user.id if user else None,
                     new={"email": email, "why": why})
        return LoginResult(None, "invalid")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    audit.set_actor(user.id, user.email)
    audit.record(db.session, "login", "user", user.id)
    return LoginResult(user, "ok")


def set_password(user: User, password: str) -> None:
    """Store a new password and end every existing session of the user."""
    user.password_hash = hash_password(password)
    user.session_version += 1
    user.failed_logins = 0
    user.locked_until = None


def prune_login_attempts(older_than_days: int = 7) -> int:
    cutoff = utcnow() - dt.timedelta(days=older_than_days)
    return db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < cutoff)).rowcount or 0
