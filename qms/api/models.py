"""Personal access tokens for the REST API."""
from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..audit.models import Audited
from ..auth.models import User
from ..database import utcnow
from ..extensions import db


class ApiToken(Audited, db.Model):
    """A token a user made for themselves: never more rights than the user, narrowed further by its scopes."""

    __tablename__ = "api_token"
    __audit_secret__ = frozenset({"token_hash"})
    #: The last use is bookkeeping, not a change of the token.
    __audit_ignore__ = frozenset({"last_used_at"})

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    #: The first characters of the token, shown in lists so a user recognises it (not enough to use it).
    prefix: Mapped[str] = mapped_column(String(16))
    #: SHA-256 (hex) of the whole token; the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: JSON list of "area:read" / "area:write".
    scopes: Mapped[str] = mapped_column(Text, default="[]")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(json.loads(self.scopes or "[]"))

    def usable(self, now: dt.datetime | None = None) -> bool:
        now = now or utcnow()
        return self.revoked_at is None and self.expires_at > now and self.user.active
