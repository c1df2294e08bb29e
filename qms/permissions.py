"""Roles, named permissions and the route-permission declaration.

Every view declares what it needs with :func:`requires` (or :func:`public`). ``enforce_route_permission``
runs before every request and refuses any endpoint that declared nothing, so a forgotten declaration fails
closed. Object-level checks live in each package's loader (``load_or_404`` style) and use the same names.
"""
from __future__ import annotations

from typing import Callable

from flask import abort, current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import NotFound

from .core.enums import LabelledEnum, labels


class Role(LabelledEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    AUDITOR = "auditor"
    STAFF = "staff"
    HR = "hr"
    #: Vertrouwenspersoon / meldpunt: the only role that reads speak-up reports.
    COUNSELLOR = "counsellor"


ROLE_LABELS = labels(Role, {
    Role.ADMIN: _l("Administrator"),
    Role.COORDINATOR: _l("Quality coordinator"),
    Role.AUDITOR: _l("Internal auditor"),
    Role.STAFF: _l("Staff"),
    Role.HR: _l("HR officer"),
    Role.COUNSELLOR: _l("Confidential counsellor"),
})

ALL_ROLES = frozenset(Role)

#: The core's named permissions and the roles that hold them. A norm adds its own in its setup, on its app's
#: registry (``registry(app).add_permission``); :func:`roles_for` answers for both.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "dashboard.view": ALL_ROLES,
    "account.manage_own": ALL_ROLES,
    "catalogue.view": ALL_ROLES,
    #: Import a norm's official catalogue (spreadsheet) and put it in use.
    "catalogue.import": frozenset({Role.ADMIN}),
    "audit_trail.view": frozenset({Role.ADMIN, Role.COORDINATOR, Role.AUDITOR}),
    "users.manage": frozenset({Role.ADMIN}),
    #: Outgoing webhooks (qms/webhooks): subscriptions, secrets, the delivery log.
    "webhooks.manage": frozenset({Role.ADMIN}),
    "reference.manage": frozenset({Role.ADMIN}),
    "employees.view": frozenset({Role.ADMIN, Role.COORDINATOR, Role.HR}),
    "employees.manage": frozenset({Role.ADMIN, Role.COORDINATOR, Role.HR}),
    #: Special personal data (target-group status): only HR officers.
    "target_group.view": frozenset({Role.HR}),
    # Notifications: everyone reads their own.
    "notifications.view": ALL_ROLES,
    # Document control (qms/documents): everyone reads published documents and confirms reading.
    "documents.view": ALL_ROLES,
    "documents.manage": frozenset({Role.ADMIN, Role.COORDINATOR}),
    #: Read superseded and withdrawn versions and every draft (certifying and internal auditors).
    "documents.view_history": frozenset({Role.ADMIN, Role.COORDINATOR, Role.AUDITOR}),
    # Incident log (qms/incidents): every logged-in person reports; handling is the coordinator's.
    "incidents.report": ALL_ROLES,
    "incidents.view": frozenset({Role.ADMIN, Role.COORDINATOR, Role.AUDITOR}),
    "incidents.manage": frozenset({Role.ADMIN, Role.COORDINATOR}),
    #: Names of involved persons and reporters (personal data): coordinator and HR only.
    "incidents.view_persons": frozenset({Role.COORDINATOR, Role.HR}),
    #: The Arbowet art. 9 list of reportable accidents and absences over three days (HR follows absence up).
    "incidents.arbowet": frozenset({Role.ADMIN, Role.COORDINATOR, Role.AUDITOR, Role.HR}),
    # Internal audits (qms/audits) and the management review (qms/reviews).
    "audits.view": frozenset({Role.ADMIN, Role.COORDINATOR, Role.AUDITOR}),
    "audits.manage": frozenset({Role.ADMIN, Role.COORDINATOR, Role.AUDITOR}),
    "reviews.view": frozenset({Role.ADMIN, Role.COORDINATOR, Role.AUDITOR}),
    "reviews.manage": frozenset({Role.ADMIN, Role.COORDINATOR}),
    # Nonconformities and corrective actions (qms/actions): everyone sees and completes their own actions.
    "actions.own": ALL_ROLES,
    "actions.view": frozenset({Role.ADMIN, Role.COORDINATOR, Role.AUDITOR}),
    "actions.manage": frozenset({Role.ADMIN, Role.COORDINATOR, Role.AUDITOR}),
    # Certification evidence, readiness, own certificates and dossiers (qms/evidence).
    "evidence.view": frozenset({Role.ADMIN, Role.COORDINATOR, Role.AUDITOR}),
    "evidence.manage": frozenset({Role.ADMIN, Role.COORDINATOR}),
    # Supplier register (qms/suppliers), shared by ISO 9001 8.4 and PSO purchasing (HR reads it).
    "suppliers.view": frozenset({Role.ADMIN, Role.COORDINATOR, Role.HR}),
    "suppliers.manage": frozenset({Role.ADMIN, Role.COORDINATOR}),
    # Training records and diplomas (qms/training): everyone reads their own, these roles everyone's.
    "training.own": ALL_ROLES,
    "training.view": frozenset({Role.ADMIN, Role.COORDINATOR, Role.HR}),
    "training.manage": frozenset({Role.ADMIN, Role.COORDINATOR, Role.HR}),
    # Speak-up channel (qms/speakup, Wet bescherming klokkenluiders). Anyone reports, without an account.
    #: Read and handle integrity reports: the confidential counsellor alone (special personal data).
    "speakup.handle": frozenset({Role.COUNSELLOR}),
    #: Anonymous yearly figures (counts and terms kept), never a report.
    "speakup.figures": frozenset({Role.ADMIN, Role.COUNSELLOR}),
    #: Choose the controlled document that holds the reporting procedure.
    "speakup.configure": frozenset({Role.ADMIN}),
    # Cleaning quality measurement (qms/quality_measurement): supervisors inspect on a phone or tablet.
    "measurement.view": frozenset({Role.ADMIN, Role.COORDINATOR, Role.AUDITOR, Role.STAFF}),
    #: Every inspection and the client report (staff see the inspections they conducted).
    "measurement.view_all": frozenset({Role.ADMIN, Role.COORDINATOR, Role.AUDITOR}),
    "measurement.inspect": frozenset({Role.ADMIN, Role.COORDINATOR, Role.AUDITOR, Role.STAFF}),
    #: The inventory, plans and defect kinds.
    "measurement.manage": frozenset({Role.ADMIN, Role.COORDINATOR}),
    #: Correct the sampling tables (reference data).
    "measurement.tables": frozenset({Role.ADMIN}),
}

PUBLIC = "public"
AUTHENTICATED = "authenticated"


def roles_for(name: str) -> frozenset[Role]:
    """The roles holding a permission: the core's, or one the current app's norms registered."""
    try:
        return PERMISSIONS[name]
    except KeyError:
        pass
    from .norms import registry

    try:
        return registry().permissions[name]
    except (KeyError, RuntimeError):
        raise LookupError(f"unknown permission {name!r}") from None


def has_permission(user, name: str) -> bool:
    if name == PUBLIC:
        return True
    if not getattr(user, "is_authenticated", False) or not getattr(user, "active", False):
        return False
    if name == AUTHENTICATED:
        return True
    return bool(roles_for(name) & user.role_set)


def requires(name: str) -> Callable:
    """Declare the permission a view needs; the check runs in ``enforce_route_permission``. A name the app does
    not know stops the app from starting (:func:`check_declared_permissions`)."""

    def decorate(view: Callable) -> Callable:
        view._qms_permission = name  # type: ignore[attr-defined]
        return view

    return decorate


def check_declared_permissions(app) -> None:
    """Refuse to start when a route declares a permission neither the core nor the app's norms define."""
    from .norms import registry

    known = set(PERMISSIONS) | set(registry(app).permissions) | {PUBLIC, AUTHENTICATED}
    for endpoint, view in app.view_functions.items():
        name = getattr(view, "_qms_permission", None)
        if name is not None and name not in known:
            raise LookupError(f"route {endpoint} declares the unknown permission {name!r}")


def public(view: Callable) -> Callable:
    """Declare a view open to everyone, including anonymous visitors."""
    view._qms_permission = PUBLIC  # type: ignore[attr-defined]
    return view


def declared_permission(endpoint: str | None) -> str | None:
    if endpoint is None:
        return None
    if endpoint == "static" or endpoint.endswith(".static"):
        return PUBLIC
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "_qms_permission", None)


def enforce_route_permission():
    """before_request hook: anonymous → login page, wrong role → 403, undeclared → 403 (fails closed)."""
    if request.endpoint is None:  # 404/405 are handled by routing
        return None
    name = declared_permission(request.endpoint)
    if name == PUBLIC:
        return None
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if name is None:
        current_app.logger.error("route %s declares no permission", request.endpoint)
        abort(403)
    if not has_permission(current_user, name):
        abort(403)
    return None


class AccessRefused(NotFound):
    """An object exists but the user may not see it: answered as a 404 and written to the audit trail."""


def require(condition: bool) -> None:
    """Object-level guard for loaders: a user who may not see an object gets a 404, not a hint it exists."""
    if not condition:
        raise AccessRefused()

