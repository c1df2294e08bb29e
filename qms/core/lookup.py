"""Searchable inputs for lists too long for a drop-down (1,685 sites, 10,000 employees, hundreds of users).

A form field :class:`qms.forms.LookupField` renders a plain number input holding the record's id (it works
without JavaScript and the server validates it like any id); ``static/lookup.js`` turns it into an accessible
combobox that asks ``/lookup/<kind>?q=…`` for at most 20 matches; :class:`qms.forms.LookupListField` holds
several ids the same way. Each kind names the permissions its results need (any one of them): the JSON
endpoint refuses anyone else. Kinds: sites (active), employees (employed), mentors (employed master
trainers), users (active), accounts (every user, for the audit trail), documents (by number or title). A kind
is one declaration: its model, the label of a record, what the typed text matches and which records may be
chosen now (``usable`` asks the same of one id)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import lazyload

from ..auth.models import User
from ..database import MAX_ID, contains
from ..documents.models import Document
from ..extensions import db
from ..organisation.models import Employee, Site
from ..permissions import AUTHENTICATED, has_permission, requires
from .dates import today

bp = Blueprint("lookup", __name__, url_prefix="/lookup")

#: Matches answered per request.
LIMIT = 20


def employee_matches(q: str):
    """SQL: the employee's name or number contains ``q`` (any case; wildcards in ``q`` are plain letters)."""
    return contains(q, Employee.first_name + " " + Employee.last_name, Employee.number)


def _employed():
    """SQL: still employed today (no leaving date, or one still to come)."""
    return or_(Employee.left_on.is_(None), Employee.left_on > today())


@dataclass(frozen=True)
class Kind:
    """One kind of record a lookup input chooses: which rows, how each reads, which may be chosen now."""

    #: Permissions of which a user needs one to see the results (empty: every signed-in user).
    permissions: tuple[str, ...]
    model: Any
    #: The text shown for a record.
    label_of: Callable[[Any], str]
    #: SQL: the record matches the typed text.
    matches: Callable[[str], Any]
    #: SQL: the record may be chosen now (the search offers only these); None: every record.
    choosable: Callable[[], Any] | None
    order: tuple = ()

    def _rows(self, *where) -> list:
        return list(db.session.scalars(select(self.model).options(lazyload("*")).where(*where)
                                       .order_by(*self.order).limit(LIMIT)))

    def _only(self) -> tuple:
        return (self.choosable(),) if self.choosable is not None else ()

    def search(self, q: str) -> list[tuple[int, str]]:
        """At most LIMIT choosable records matching ``q``: (id, label)."""
        return [(row.id, self.label_of(row)) for row in self._rows(*self._only(), self.matches(q))]

    def label(self, id_: int) -> str | None:
        found = db.session.get(self.model, id_)
        return self.label_of(found) if found is not None else None

    def usable(self, id_: int) -> bool:
        """Whether the record ``id_`` exists and may be chosen now."""
        return bool(self._rows(self.model.id == id_, *self._only()))


def _site_label(site: Site) -> str:
    return site.name + (f" ({site.client})" if site.client else "")


def _employee_label(person: Employee) -> str:
    return f"{person.full_name} ({person.number})"


KINDS: dict[str, Kind] = {
    "sites": Kind((), Site, _site_label, lambda q: contains(q, Site.name, func.coalesce(Site.client, "")),
                  lambda: Site.active.is_(True), (Site.client, Site.name)),
    # Auditors choose the auditees of an audit from the employees without seeing the employee register.
    "employees": Kind(("employees.view", "audits.manage"), Employee, _employee_label, employee_matches, _employed,
                      (Employee.last_name, Employee.first_name)),
    # Mentors of apprentices: employed master trainers.
    "mentors": Kind(("employees.view",), Employee, _employee_label, employee_matches,
                    lambda: and_(_employed(), Employee.is_master_trainer.is_(True)),
                    (Employee.last_name, Employee.first_name)),
    "users": Kind((), User, lambda user: user.name, lambda q: contains(q, User.name), lambda: User.active.is_(True),
                  (User.name,)),
    # The audit trail's filter: every account, also one switched off since, with its e-mail address.
    "accounts": Kind(("audit_trail.view",), User, lambda user: f"{user.name} ({user.email})",
                     lambda q: contains(q, User.name, User.email), None, (User.name,)),
    "documents": Kind(("documents.view",), Document, lambda doc: f"{doc.number} {doc.title}",
                      lambda q: contains(q, Document.number, Document.title), None, (Document.number,)),
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
