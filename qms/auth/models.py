"""Users and their roles, the login attempts that throttling counts, server-side session records, second
factors (TOTP, passkeys, recovery codes) and links to an external identity (OpenID Connect, LDAP)."""
import datetime as dt

from sqlalchemy import Boolean, Enum, ForeignKey, Index, LargeBinary, String, UniqueConstraint, and_, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..audit.models import Audited
from ..database import enum_column, utcnow
from ..extensions import db
from ..permissions import Role


class User(Audited, db.Model):
    __tablename__ = "user"
    __audit_secret__ = frozenset({"password_hash", "invite_token_hash"})
    __audit_ignore__ = frozenset({"last_login_at", "failed_logins", "session_version"})

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Preferred interface language ("nl" or "en"); None follows the browser, then Dutch.
    locale: Mapped[str | None] = mapped_column(String(5))
    #: Bumped on password change and deactivation: sessions carrying an older value are ended.
    session_version: Mapped[int] = mapped_column(default=1)
    #: Failed logins since the last success; locks the account at LOGIN_MAX_FAILURES.
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[dt.datetime | None]
    last_login_at: Mapped[dt.datetime | None]
    #: SHA-256 of the one-time token of an open invitation or password reset.
    invite_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    invite_expires_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    roles: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin", order_by="UserRole.role"
    )

    @property
    def role_set(self) -> frozenset[Role]:
        return frozenset(r.role for r in self.roles)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.role_set & set(roles))

    # Flask-Login protocol ------------------------------------------------------------------
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class UserRole(Audited, db.Model):
    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = mapped_column(
        enum_column(Role, strict=True),
        primary_key=True,
    )
    user: Mapped[User] = relationship(back_populates="roles")


def active_holding(*roles: Role):
    """Where-clause for active users who hold any of ``roles`` (an EXISTS, so a user is listed once)."""
    return and_(User.active.is_(True), User.roles.any(UserRole.role.in_(roles)))


def active_users_holding(*roles: Role) -> list[User]:
    """Active users who hold any of ``roles``, by id: who gets a notification or a reminder meant for a role."""
    return list(db.session.scalars(select(User).where(active_holding(*roles)).order_by(User.id)))


class LoginAttempt(db.Model):
    """One login attempt; counted per client address for the per-IP limit (holds across processes)."""

    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_ip_at", "ip", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    success: Mapped[bool] = mapped_column(Boolean, default=False)


def _role_enum() -> Enum:
    return enum_column(Role, strict=True)


class UserSession(db.Model):
    """One signed-in browser: the cookie carries a random token, only its SHA-256 is kept here.

    Ended at logout, by the user from their session list, by an administrator, on a password change, after
    SESSION_IDLE_MINUTES without a request and SESSION_ABSOLUTE_HOURS after login (qms/auth/sessions.py)."""

    __tablename__ = "user_session"
    __table_args__ = (Index("ix_user_session_user_ended", "user_id", "ended_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: Updated at most once per SESSION_TOUCH_SECONDS, so reading pages hardly ever writes.
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: Last time this session proved the password or a second factor (for step-up).
    verified_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: Last time this session proved a second factor; None when it never did.
    second_factor_at: Mapped[dt.datetime | None]
    #: "password", "oidc" or "ldap".
    method: Mapped[str] = mapped_column(String(10), default="password")
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    ip: Mapped[str] = mapped_column(String(64), default="")
    ended_at: Mapped[dt.datetime | None]
    #: "logout", "user", "admin", "password", "locked", "idle", "lifetime".
    end_reason: Mapped[str | None] = mapped_column(String(10))
    #: The OpenID provider's id token, for its logout (single sign-on sessions only).
    id_token: Mapped[str | None] = mapped_column(String(4000))

    user: Mapped[User] = relationship()


class TotpSecret(Audited, db.Model):
    """The authenticator-app secret of a user; confirmed once a first code from the app matched."""

    __tablename__ = "user_totp"
    __audit_secret__ = frozenset({"secret"})
    __audit_ignore__ = frozenset({"last_step"})

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))
    confirmed_at: Mapped[dt.datetime | None]
    #: The 30-second time step of the last accepted code: a code is accepted once.
    last_step: Mapped[int] = mapped_column(default=0)


class RecoveryCode(Audited, db.Model):
    """One of the ten one-time recovery codes of a user (argon2id hash; the code is shown once)."""

    __tablename__ = "user_recovery_code"
    __audit_secret__ = frozenset({"code_hash"})

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    used_at: Mapped[dt.datetime | None]


class WebAuthnCredential(Audited, db.Model):
    """A passkey or security key registered by a user (WebAuthn)."""

    __tablename__ = "user_webauthn"
    __audit_secret__ = frozenset({"public_key", "credential_id"})
    __audit_ignore__ = frozenset({"sign_count", "last_used_at"})

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    credential_id: Mapped[bytes] = mapped_column(LargeBinary(1024), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(2048))
    sign_count: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[dt.datetime | None]


class ExternalIdentity(Audited, db.Model):
    """The account of a user at the company's OpenID provider or directory (LDAP / Active Directory)."""

    __tablename__ = "user_external_identity"
    __table_args__ = (UniqueConstraint("provider", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    #: "oidc" or "ldap".
    provider: Mapped[str] = mapped_column(String(10))
    #: The provider's stable id: issuer and "sub" for OpenID Connect, the entry's DN for LDAP.
    subject: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class TwoFactorPolicy(Audited, db.Model):
    """Whether a role must use a second factor; a role without a row follows MFA_REQUIRED_ROLES."""

    __tablename__ = "two_factor_policy"

    role: Mapped[Role] = mapped_column(_role_enum(), primary_key=True)
    required: Mapped[bool] = mapped_column(Boolean)
