"""User administration rules: invitations, roles, deactivation and password links.

Nobody can lock the organisation out of its own system: an administrator cannot deactivate themselves or
drop their own administrator role, and the last active administrator keeps that role and stays active.
Functions change state and flush; the caller commits.
"""
from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..auth.models import User, UserRole
from ..auth.services import issue_password_token, normalise_email
from ..extensions import db
from ..permissions import Role


class UserRuleError(Exception):
    """A user-administration rule refused the change; ``message`` says why, for the screen."""

    message = _l("This change is not allowed.")

    def __init__(self, message=None):
        super().__init__()
        if message is not None:
            self.message = message


class EmailTaken(UserRuleError):
    message = _l("There is already a user with this e-mail address.")


class CannotChangeOwnAccess(UserRuleError):
    message = _l("You cannot deactivate yourself or remove your own administrator role.")


class LastAdministrator(UserRuleError):
    message = _l("This is the last active administrator. Make someone else administrator first.")


class UserInactive(UserRuleError):
    message = _l("This account is deactivated. Reactivate it first.")


def _active_admin_count() -> int:
    return db.session.scalar(
        select(func.count()).select_from(User).join(UserRole)
        .where(User.active.is_(True), UserRole.role == Role.ADMIN)
    ) or 0


def _is_active_admin(user: User) -> bool:
    return user.active and Role.ADMIN in user.role_set


def _set_roles(user: User, roles: Iterable[Role]) -> None:
    """Remove and add individual role rows, so each change is its own entry in the audit trail."""
    wanted = set(roles)
    for link in list(user.roles):
        if link.role not in wanted:
            user.roles.remove(link)
    for role in sorted(wanted - user.role_set, key=lambda r: r.value):
        user.roles.append(UserRole(role=role))


def invite_user(name: str, email: str, roles: Iterable[Role]) -> tuple[User, str]:
    """Create an account without a password; returns the user and the token of their one-time link."""
    email = normalise_email(email)
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None:
        raise EmailTaken()
    user = User(email=email, name=name.strip(), active=True)
    _set_roles(user, roles)
    token = issue_password_token(user)
    try:
        with db.session.begin_nested():  # another admin inviting the same address at the same moment
            db.session.add(user)
            db.session.flush()
    except IntegrityError:
        raise EmailTaken() from None
    return user, token


def update_user(actor: User, user: User, name: str, roles: Iterable[Role]) -> None:
    roles = set(roles)
    if Role.ADMIN in user.role_set and Role.ADMIN not in roles:
        if user.id == actor.id:
            raise CannotChangeOwnAccess()
        if user.active and _active_admin_count() <= 1:
            raise LastAdministrator()
    user.name = name.strip()
    _set_roles(user, roles)
    db.session.flush()


def deactivate_user(actor: User, user: User) -> None:
    """Block the account and end every session of it; an open password link is withdrawn."""
    if user.id == actor.id:
        raise CannotChangeOwnAccess()
    if not user.active:
        return
    if _is_active_admin(user) and _active_admin_count() <= 1:
        raise LastAdministrator()
    user.active = False
    user.session_version += 1
    user.invite_token_hash = None
    user.invite_expires_at = None
    db.session.flush()


def reactivate_user(user: User) -> None:
    if user.active:
        return
    user.active = True
    user.failed_logins = 0
    user.locked_until = None
    db.session.flush()


def issue_password_link(user: User) -> str:
    """A new one-time link (invitation or reset) for an active user; the old link stops working."""
    if not user.active:
        raise UserInactive()
    token = issue_password_token(user)
    db.session.flush()
    return token
