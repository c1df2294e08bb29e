"""The demo password and the list of demo logins that ``qms demo`` prints on every start.

The password comes from QMS_DEMO_PASSWORD, or is generated once and kept in the instance folder
(``demo-password.txt``, readable by the owner only) so later starts can show it again.
"""
from __future__ import annotations

import os
import pathlib
import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..auth.models import User
from ..permissions import Role
from .company import demo_email

ENV_VAR = "QMS_DEMO_PASSWORD"
FILE_NAME = "demo-password.txt"


def password_file() -> pathlib.Path:
    """Where a generated password is kept (QMS_DEMO_PASSWORD_FILE overrides, for tests)."""
    configured = current_app.config.get("QMS_DEMO_PASSWORD_FILE")
    return pathlib.Path(configured) if configured else pathlib.Path(current_app.instance_path) / FILE_NAME


def password_from_environment() -> str | None:
    return os.environ.get(ENV_VAR) or None


def generate_password() -> str:
    """About 120 bits from the system's random source, in characters that survive copy and paste."""
    return secrets.token_urlsafe(15)


def write_password_file(path: pathlib.Path, password: str) -> None:
    """Write the password readable by the owner only (mode 0600, also when the file existed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, (password + "\n").encode("utf-8"))
    finally:
        os.close(fd)


def read_password_file(path: pathlib.Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


@dataclass(frozen=True)
class DemoLogin:
    role: Role
    email: str


def existing_logins(session: Session) -> list[DemoLogin]:
    """The demo users present in the database, in role order."""
    from .company import PEOPLE

    emails = {demo_email(role): role for role in Role}
    emails.update({person.email: person.role for person in PEOPLE if person.login and person.role})
    found = set(session.scalars(select(User.email).where(User.email.in_(emails))).all())
    return [DemoLogin(role, email) for email, role in emails.items() if email in found]


def login_lines(logins: list[DemoLogin], password: str | None = None, where: str | None = None) -> list[str]:
    """The lines printed at the end of ``qms demo``: role, e-mail and the password or where it is."""
    if not logins:
        return ["No demo logins in this database."]
    shown = password if password is not None else (where or "unknown (set one with the admin screens)")
    width = max(28, *(len(login.email) for login in logins))
    lines = ["Demo logins:"]
    lines += [f"  {login.role.value:<12} {login.email:<{width}} password: {shown}" for login in logins]
    return lines
