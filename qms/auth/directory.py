"""LDAP / Active Directory bind (ldap3) for companies without an OpenID provider.

The service account (LDAP_BIND_DN) looks the person up by e-mail under LDAP_BASE_DN, then the person's own
DN is bound with the password they typed: the password never leaves the bind and is never stored. Groups
(groupOfNames or AD groups whose ``member`` is the person's DN) under LDAP_GROUP_BASE_DN give roles through
LDAP_ROLE_MAP ("cn=role" pairs).
"""
from __future__ import annotations

from flask import current_app
from ldap3 import Connection, Server
from ldap3.core.exceptions import LDAPException
from ldap3.utils.conv import escape_filter_chars

from ..audit import services as audit
from ..extensions import db
from . import external
from .models import User


def _server() -> Server:
    return Server(current_app.config["LDAP_URL"], connect_timeout=5)


def find_person(email: str) -> tuple[str, dict] | None:
    """The DN and attributes of the directory entry with this e-mail address."""
    cfg = current_app.config
    with Connection(_server(), cfg["LDAP_BIND_DN"] or None, cfg["LDAP_BIND_PASSWORD"] or None,
                    auto_bind=True, receive_timeout=10) as conn:
        conn.search(cfg["LDAP_BASE_DN"], cfg["LDAP_USER_FILTER"].format(email=escape_filter_chars(email)),
                    attributes=["mail", "cn", "displayName"])
        if len(conn.entries) != 1:
            return None
        entry = conn.entries[0]
        return entry.entry_dn, entry.entry_attributes_as_dict


def groups_of(dn: str) -> list[str]:
    cfg = current_app.config
    if not cfg["LDAP_GROUP_BASE_DN"]:
        return []
    with Connection(_server(), cfg["LDAP_BIND_DN"] or None, cfg["LDAP_BIND_PASSWORD"] or None,
                    auto_bind=True, receive_timeout=10) as conn:
        conn.search(cfg["LDAP_GROUP_BASE_DN"], f"(member={escape_filter_chars(dn)})", attributes=["cn"])
        return [str(e.cn.value) for e in conn.entries]


def bind_ok(dn: str, password: str) -> bool:
    if not password:
        return False  # an empty password would be an anonymous bind, which "succeeds"
    try:
        with Connection(_server(), dn, password, auto_bind=True, receive_timeout=10):
            return True
    except LDAPException:
        return False


def authenticate(email: str, password: str) -> User | None:
    """The user, when the directory accepts this e-mail and password (and they have, or may get, an account)."""
    email = (email or "").strip().lower()
    try:
        found = find_person(email)
        if found is None or not bind_ok(found[0], password):
            return None
        dn, attrs = found
        groups = groups_of(dn)
    except LDAPException as error:
        current_app.logger.warning("directory login not possible: %s", error)
        return None
    name = (attrs.get("displayName") or attrs.get("cn") or [email])[0]
    try:
        return external.sign_in("ldap", dn, email, str(name), groups, current_app.config["LDAP_ROLE_MAP"])
    except external.NoAccount as refused:
        audit.record(db.session, "login_failed", "user", None, new={"via": "ldap", "why": refused.reason})
        return None


