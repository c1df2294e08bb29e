"""Accounts that sign in through the company's OpenID provider or directory: linking, just-in-time accounts
and roles from groups. Shared by qms/auth/sso.py and qms/auth/directory.py; changes flush, the caller commits.
"""
from __future__ import annotations

from sqlalchemy import func, select

from ..audit import services as audit
from ..database import utcnow
from ..extensions import db
from ..permissions import Role
from .models import ExternalIdentity, User, UserRole


class NoAccount(Exception):
    """The person is not known here and just-in-time accounts are off (or the account is deactivated, or it is
    already linked to another external identity)."""

    def __init__(self, reason: str = "no account here"):
        super().__init__(reason)
        self.reason = reason


def parse_role_map(text: str) -> dict[str, Role]:
    """"group=role" pairs, comma-separated; the role is the part after the last "=". Unknown roles are skipped."""
    out: dict[str, Role] = {}
    for part in (text or "").split(","):
        group, sep, role = part.strip().rpartition("=")
        if sep and group.strip() and role.strip() in {r.value for r in Role}:
            out[group.strip()] = Role(role.strip())
    return out


def roles_for(groups: list[str], role_map: dict[str, Role]) -> set[Role]:
    return {role_map[g] for g in groups if g in role_map}


def sign_in(provider: str, subject: str, email: str, name: str, groups: list[str] | None, role_map_text: str,
            *, email_verified: bool = True) -> User:
    """The user behind an external identity, linked by subject (or, the first time, by verified e-mail)."""
    from flask import current_app

    link = db.session.scalar(select(ExternalIdentity).where(ExternalIdentity.provider == provider,
                                                            ExternalIdentity.subject == subject))
    user = db.session.get(User, link.user_id) if link else None
    email = (email or "").strip().lower()
    if user is None and email and email_verified:
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        # An account that already signs in through an external identity (another provider, or another subject
        # of this one) is never taken over by a second one carrying the same e-mail address (ASVS 5.0 6.8.1).
        if user is not None and db.session.scalar(
                select(ExternalIdentity.id).where(ExternalIdentity.user_id == user.id).limit(1)) is not None:
            raise NoAccount("account already linked to another external identity")
    role_map = parse_role_map(role_map_text)
    if user is None:
        if not current_app.config["SSO_JIT_ACCOUNTS"] or not email:
            raise NoAccount()
        user = User(email=email, name=(name or email)[:200], active=True)
        user.roles = [UserRole(role=r) for r in sorted(roles_for(groups or [], role_map) or {Role.STAFF},
                                                       key=lambda r: r.value)]
        db.session.add(user)
        db.session.flush()
        audit.record(db.session, "account_created", "user", user.id, new={"via": provider})
    if not user.active:
        raise NoAccount()
    if link is None:
        db.session.add(ExternalIdentity(user_id=user.id, provider=provider, subject=subject[:500]))
    if role_map and groups is not None:
        _sync_roles(user, roles_for(groups, role_map), set(role_map.values()))
    user.last_login_at = utcnow()
    audit.set_actor(user.id, user.email)
    audit.record(db.session, "login", "user", user.id, new={"via": provider})
    db.session.flush()
    return user


def _sync_roles(user: User, wanted: set[Role], managed: set[Role]) -> None:
    """Roles the mapping manages follow the groups; roles it does not mention stay as an administrator set
    them. Each added or removed role is its own audit entry (UserRole is audited)."""
    for link in list(user.roles):
        if link.role in managed and link.role not in wanted:
            user.roles.remove(link)
    for role in sorted(wanted - user.role_set, key=lambda r: r.value):
        user.roles.append(UserRole(role=role))
