"""Creating, checking and revoking personal access tokens. Services: they flush, never commit."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets

from flask_babel import gettext as _
from sqlalchemy import select

from ..database import utcnow
from ..extensions import db
from .models import ApiToken

#: Every token starts with this, so a leaked one is recognisable (secret scanners, logs).
TOKEN_PREFIX = "qms_"
#: The longest a token may live.
MAX_DAYS = 366
#: The last use is written at most this often per token (a busy script would otherwise write on every call).
TOUCH_EVERY = dt.timedelta(minutes=1)


class TokenError(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def hash_token(plain: str) -> str:
    return hashlib.sha256(plain.encode("utf-8")).hexdigest()


def create(user, name: str, scopes: set[str], expires_on: dt.date, offered: set[str],
           today: dt.date | None = None) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the row and the plain token (shown once, never stored).

    ``offered`` are the scopes the user's roles allow: asking for any other one is refused, so a token
    never holds more than its user."""
    today = today or utcnow().date()
    name = (name or "").strip()
    if not name:
        raise TokenError("name", _("Give the token a name, so you recognise it later."))
    if not scopes:
        raise TokenError("scopes", _("Choose at least one scope."))
    if not scopes <= offered:
        raise TokenError("scopes", _("You cannot give a token rights that you do not have yourself."))
    if expires_on <= today:
        raise TokenError("expires_on", _("Choose an expiry date after today."))
    if expires_on > today + dt.timedelta(days=MAX_DAYS):
        raise TokenError("expires_on", _("A token lives at most a year: choose an earlier expiry date."))
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name[:80], prefix=plain[:12], token_hash=hash_token(plain),
                     scopes=json.dumps(sorted(scopes)),
                     expires_at=dt.datetime.combine(expires_on, dt.time(23, 59, 59)))
    db.session.add(token)
    db.session.flush()
    return token, plain


def revoke(token: ApiToken, by) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        token.revoked_by_id = by.id
        db.session.flush()
    return token


def authenticate(plain: str | None) -> ApiToken | None:
    """The usable token behind ``plain``, or None (unknown, expired, revoked, or its user deactivated)."""
    if not plain or not plain.startswith(TOKEN_PREFIX) or len(plain) > 200:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(plain)))
    if token is None or not token.usable():
        return None
    return token


def touch(token: ApiToken) -> bool:
    """Record the last use (at most once a minute); returns whether anything was written."""
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_EVERY:
        return False
    token.last_used_at = now
    return True


def actor_label(token: ApiToken) -> str:
    """How the audit trail names a call made with the token: the user, via which token."""
    return f"{token.user.email} via API token {token.prefix}… ({token.name})"


def tokens_of(user) -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))
