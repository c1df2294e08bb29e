"""Searchable inputs for lists too long for a drop-down (1,685 sites, 10,000 employees, hundreds of users).

A form field :class:`qms.forms.LookupField` renders a plain number input holding the record's id (it works
without JavaScript and the server validates it like any id); ``static/lookup.js`` turns it into an accessible
combobox that asks ``/lookup/<kind>?q=…`` for at most 20 matches; :class:`qms.forms.LookupListField` holds
several ids the same way. Each kind names the permissions its results need (any one of them): the JSON
endpoint refuses anyone else. Kinds: sites (active), employees (employed), mentors (employed master
trainers), users (active), accounts (every user, for the audit trail), documents (by number or title); ``usable`` tells whether an id may be chosen now."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user
from sqlalchemy import func, or_, select

from ..auth.models import User
from ..database import MAX_ID, contains
from .dates import today
from ..extensions import db
from ..organisation.models import Employee, Site
from ..permissions import AUTHENTICATED, has_permission, requires

bp = Blueprint("lookup", __name__, url_prefix="/lookup")

#: Matches answered per request.
LIMIT = 20


@dataclass(frozen=True)
class Kind:
    #: Permissions of which a user needs one to see the results (empty: every signed-in user).
    permissions: tuple[str, ...]
    search: Callable[[str], list[tuple[int, str]]]
    label: Callable[[int], str | None]
    #: Whether a record may be chosen now (the search offers only these).
    usable: Callable[[int], bool]


def _site_label(site: Site) -> str:
    return site.name + (f" ({site.client})" if site.client else "")


def _sites(q: str) -> list[tuple[int, str]]:
    rows = db.session.scalars(select(Site).where(Site.active.is_(True), contains(
        q, Site.name, func.coalesce(Site.client, ""))).order_by(Site.client, Site.name).limit(LIMIT))
    return [(s.id, _site_label(s)) for s in rows]


def _site(id_: int) -> str | None:
    found = db.session.get(Site, id_)
    return _site_label(found) if found else None


def _site_usable(id_: int) -> bool:
    found = db.session.get(Site, id_)
    return found is not None and found.active


def _employed(id_: int) -> bool:
    found = db.session.get(Employee, id_)
    return found is not None and (found.left_on is None or found.left_on > today())


def employee_matches(q: str):
    """SQL: the employee's name or number contains ``q`` (any case; wildcards in ``q`` are plain letters)."""
    return contains(q, Employee.first_name + " " + Employee.last_name, Employee.number)


def _employees(q: str, *only) -> list[tuple[int, str]]:
    on = today()
    rows = db.session.execute(
        select(Employee.id, Employee.first_name, Employee.last_name, Employee.number)
        .where(*only, or_(Employee.left_on.is_(None), Employee.left_on > on), employee_matches(q))
        .order_by(Employee.last_name, Employee.first_name).limit(LIMIT))
    return [(i, f"{f} {l} ({n})") for i, f, l, n in rows]


def _mentors(q: str) -> list[tuple[int, str]]:
    return _employees(q, Employee.is_master_trainer.is_(True))


def _employee(id_: int) -> str | None:
    found = db.session.get(Employee, id_)
    return f"{found.full_name} ({found.number})" if found else None


def _users(q: str) -> list[tuple[int, str]]:
    rows = db.session.execute(select(User.id, User.name).where(
        User.active.is_(True), contains(q, User.name)).order_by(User.name).limit(LIMIT))
    return [(i, n) for i, n in rows]


def _user(id_: int) -> str | None:
    found = db.session.get(User, id_)
    return found.name if found else None


def _user_usable(id_: int) -> bool:
    found = db.session.get(User, id_)
    return found is not None and found.active


def _accounts(q: str) -> list[tuple[int, str]]:
    rows = db.session.execute(select(User.id, User.name, User.email).where(
        contains(q, User.name, User.email)).order_by(User.name).limit(LIMIT))
    return [(i, f"{n} ({e})") for i, n, e in rows]


def _account(id_: int) -> str | None:
    found = db.session.get(User, id_)
    return f"{found.name} ({found.email})" if found else None


def _documents(q: str) -> list[tuple[int, str]]:
    from ..documents.models import Document

    rows = db.session.execute(select(Document.id, Document.number, Document.title).where(
        contains(q, Document.number, Document.title)).order_by(Document.number).limit(LIMIT))
    return [(i, f"{n} {t}") for i, n, t in rows]


def _document(id_: int) -> str | None:
    from ..documents.models import Document

    found = db.session.get(Document, id_)
    return f"{found.number} {found.title}" if found else None


def _document_usable(id_: int) -> bool:
    return _document(id_) is not None


KINDS: dict[str, Kind] = {
    "sites": Kind((), _sites, _site, _site_usable),
    # Auditors choose the auditees of an audit from the employees without seeing the employee register.
    "employees": Kind(("employees.view", "audits.manage"), _employees, _employee, _employed),
    # Mentors of apprentices: employed master trainers.
    "mentors": Kind(("employees.view",), _mentors, _employee,
                    lambda id_: _employed(id_) and db.session.get(Employee, id_).is_master_trainer),
    "users": Kind((), _users, _user, _user_usable),
    # The audit trail's filter: every account, also one switched off since, with its e-mail address.
    "accounts": Kind(("audit_trail.view",), _accounts, _account, lambda id_: _account(id_) is not None),
    "documents": Kind(("documents.view",), _documents, _document, _document_usable),
}


def label_for(kind: str, value) -> str:
    """The text shown for a chosen id (empty when none or unknown)."""
    try:
        id_ = int(value)
    except (TypeError, ValueError):
        return ""
    return (KINDS[kind].label(id_) or "") if 0 < id_ <= MAX_ID else ""


@bp.route("/<kind>")
@requires(AUTHENTICATED)
def search(kind: str):
    """Up to 20 matches for ``q`` as JSON ``{"results": [{"id": …, "label": …}]}``."""
    found = KINDS.get(kind)
    if found is None:
        abort(404)
    if found.permissions and not any(has_permission(current_user, p) for p in found.permissions):
        abort(403)
    q = request.args.get("q", "").strip()[:100]
    results = found.search(q) if len(q) >= 2 else []
    return jsonify(results=[{"id": i, "label": label} for i, label in results])
