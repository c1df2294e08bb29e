"""Authentication rules: throttled login, password changes and ending sessions.

The throttles are counted in the database, so they hold across worker processes: an account locks after
LOGIN_MAX_FAILURES failures for LOGIN_LOCK_SECONDS, and one client address may fail LOGIN_IP_MAX_ATTEMPTS
times per LOGIN_IP_WINDOW_SECONDS (successful logins do not count, so a team behind one office address is
not locked out by its own colleagues).

Invitations and password resets use one-time links: the token is random, only its SHA-256 is stored, and it
expires after TOKEN_LIFETIME.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from flask import current_app, has_request_context, request
from sqlalchemy import delete, func, select, text

from ..audit import services as audit
from ..database import utcnow
from ..extensions import db
from .models import LoginAttempt, User
from .passwords import hash_password, needs_rehash, password_problem, verify_password


#: How long an invitation or password-reset link stays valid.
TOKEN_LIFETIME = dt.timedelta(hours=72)


class TooManyAttempts(Exception):
    """The client address has used up its login attempts for now."""


class WrongPassword(Exception):
    """The current password given to confirm a change is not the user's password."""


class InvalidToken(Exception):
    """A password link is unknown, already used, expired, or belongs to a deactivated account."""


class WeakPassword(Exception):
    """A new password breaks a rule; ``reason`` is "short", "common", "email" or "company"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class UseSingleSignOn(Exception):
    """The account signs in through the company's single sign-on, and local login is switched off for it."""


@dataclass
class LoginResult:
    user: User | None
    #: "ok", "invalid" (unknown account, wrong password, inactive or locked: never told apart to the user)
    outcome: str


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


#: First key of the two-key PostgreSQL advisory lock that serialises login attempts from one address (the
#: second key is a hash of the address). Two-key locks never collide with the audit chain's one-key lock.
_PG_LOGIN_LOCK_SPACE = 0x51A5


def _lock_address(ip: str) -> None:
    """Serialise the login attempts of one client address until the transaction ends, so counting the
    earlier failures and recording this attempt are one atomic step.

    On SQLite every transaction begins with BEGIN IMMEDIATE (qms/database.py) and so already holds the
    write lock; on PostgreSQL a transaction-level advisory lock per address does it (other addresses are
    not held up)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:space, hashtext(:ip))"),
                           {"space": _PG_LOGIN_LOCK_SPACE, "ip": ip})


def check_ip_allowance(ip: str) -> None:
    """Refuse the attempt when the address has used up its failures; holds the address's lock until commit."""
    cfg = current_app.config
    _lock_address(ip)
    since = utcnow() - dt.timedelta(seconds=cfg["LOGIN_IP_WINDOW_SECONDS"])
    count = db.session.scalar(
        select(func.count()).select_from(LoginAttempt)
        .where(LoginAttempt.ip == ip, LoginAttempt.at >= since, LoginAttempt.success.is_(False))
    )
    if count >= cfg["LOGIN_IP_MAX_ATTEMPTS"]:
        raise TooManyAttempts()


def authenticate(email: str, password: str, ip: str) -> LoginResult:
    """Check a login; records the attempt and the audit entry. The caller commits."""
    check_ip_allowance(ip)
    cfg = current_app.config
    now = utcnow()
    email = normalise_email(email)
    # Row lock on PostgreSQL, so concurrent failures in several processes are all counted.
    user = db.session.scalar(select(User).where(User.email == email).with_for_update())
    password_ok = verify_password(user.password_hash if user else None, password)
    locked = user is not None and user.locked_until is not None and user.locked_until > now
    ok = user is not None and user.active and password_ok and not locked
    if ok and not current_app.config["SSO_LOCAL_LOGIN"] and _has_external_identity(user):
        audit.record(db.session, "login_failed", "user", user.id, new={"email": email, "why": "sso only"})
        db.session.add(LoginAttempt(ip=ip, at=now, success=False))
        raise UseSingleSignOn()
    db.session.add(LoginAttempt(ip=ip, at=now, success=ok))
    if not ok:
        if user is not None and not locked:
            user.failed_logins += 1
            if user.failed_logins >= cfg["LOGIN_MAX_FAILURES"]:
                user.locked_until = now + dt.timedelta(seconds=cfg["LOGIN_LOCK_SECONDS"])
                user.failed_logins = 0
        why = ("unknown account" if user is None else "inactive" if not user.active
               else "locked" if locked else "wrong password")
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


def record_failure(user: User, why: str) -> None:
    """A failed second factor or step-up counts like a wrong password: the account locks at the limit."""
    cfg = current_app.config
    now = utcnow()
    db.session.add(LoginAttempt(ip=(request.remote_addr or "?") if has_request_context() else "?", at=now,
                                success=False))
    user.failed_logins += 1
    if user.failed_logins >= cfg["LOGIN_MAX_FAILURES"]:
        user.locked_until = now + dt.timedelta(seconds=cfg["LOGIN_LOCK_SECONDS"])
        user.failed_logins = 0
    audit.record(db.session, "login_failed", "user", user.id, new={"email": user.email, "why": why})


def _has_external_identity(user: User) -> bool:
    from .models import ExternalIdentity

    return db.session.scalar(select(ExternalIdentity.id).where(ExternalIdentity.user_id == user.id).limit(1)) \
        is not None


def end_sessions(user: User, reason: str = "admin") -> None:
    """End every session of the user, on every device: each session record is closed, and the session cookie
    carries the user's ``session_version``, which the user loader also compares."""
    from . import sessions

    user.session_version += 1
    sessions.end_all(user, reason)


def log_out(user: User) -> None:
    """Logout ends this session on the server too, so a copied session cookie stops working with it."""
    from . import sessions

    record = sessions.current()
    if record is not None:
        sessions.end(record, "logout")
    audit.record(db.session, "logout", "user", user.id)


def check_new_password(user: User, password: str) -> None:
    """Refuse a new password that is too short, common, or the account's e-mail or the company's name."""
    from ..organisation.services import company

    profile = company()
    reason = password_problem(password, email=user.email, company=profile.name if profile else "")
    if reason:
        raise WeakPassword(reason)


def set_password(user: User, password: str) -> None:
    """Store a new password and end every existing session of the user."""
    check_new_password(user, password)
    user.password_hash = hash_password(password)
    end_sessions(user, "password")
    user.failed_logins = 0
    user.locked_until = None
    user.invite_token_hash = None
    user.invite_expires_at = None


def change_password(user: User, current_password: str, new_password: str) -> None:
    """The user's own change: confirmed with the current password; ends every other session."""
    if not verify_password(user.password_hash, current_password):
        raise WrongPassword()
    set_password(user, new_password)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def issue_password_token(user: User) -> str:
    """Open a one-time link for an invitation or reset; returns the token, of which only the hash is kept.

    A new link replaces any earlier one of the same user.
    """
    token = secrets.token_urlsafe(32)
    user.invite_token_hash = hash_token(token)
    user.invite_expires_at = utcnow() + TOKEN_LIFETIME
    return token


def user_for_token(token: str) -> User | None:
    """The active user whose open, unexpired link carries ``token``; None otherwise."""
    if not token or len(token) > 200:
        return None
    user = db.session.scalar(select(User).where(User.invite_token_hash == hash_token(token)))
    if user is None or not user.active or user.invite_expires_at is None or user.invite_expires_at <= utcnow():
        return None
    return user


def set_password_with_token(token: str, password: str) -> User:
    """Choose a password through a one-time link: the link is used up and older sessions end."""
    user = user_for_token(token)
    if user is None:
        raise InvalidToken()
    audit.set_actor(user.id, user.email)
    set_password(user, password)
    user.last_login_at = utcnow()
    db.session.flush()
    audit.record(db.session, "login", "user", user.id, new={"via": "password link"})
    return user


def prune_login_attempts(older_than_days: int = 7) -> int:
    """Delete login attempts older than the given days (never ones the per-address window still counts);
    run daily by ``qms reminders``. Returns how many went."""
    keep = max(dt.timedelta(days=older_than_days),
               dt.timedelta(seconds=current_app.config["LOGIN_IP_WINDOW_SECONDS"]))
    cutoff = utcnow() - keep
    return db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < cutoff)).rowcount or 0
