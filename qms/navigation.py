"""The main menu: core entries here, norm entries from the registry. Only entries the user may open show
(an entry whose package is not installed yet is skipped: its endpoint does not exist)."""
from dataclasses import dataclass
from typing import Callable

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .norms import registry
from .permissions import has_permission


@dataclass(frozen=True)
class MenuEntry:
    endpoint: str
    label: Callable[[], str] | str
    permission: str


CORE_MENU = [
    MenuEntry("core.dashboard", _l("Dashboard"), "dashboard.view"),
    MenuEntry("documents.index", _l("Documents"), "documents.view"),
    MenuEntry("incidents.index", _l("Incidents"), "incidents.view"),
    MenuEntry("incidents.report", _l("Report an incident"), "incidents.report"),
    MenuEntry("speakup.cases", _l("Speak-up reports"), "speakup.handle"),
    MenuEntry("audits.index", _l("Audits"), "audits.view"),
    MenuEntry("actions.index", _l("Actions"), "actions.own"),
    MenuEntry("reviews.index", _l("Management review"), "reviews.view"),
    MenuEntry("evidence.index", _l("Evidence"), "evidence.view"),
    MenuEntry("suppliers.index", _l("Suppliers"), "suppliers.view"),
    MenuEntry("catalogue.index", _l("Norms"), "catalogue.view"),
    MenuEntry("organisation.employees", _l("Employees"), "employees.view"),
    MenuEntry("training.index", _l("Training and diplomas"), "training.view"),
    MenuEntry("audit.index", _l("Audit trail"), "audit_trail.view"),
    MenuEntry("admin.users", _l("Users"), "users.manage"),
    MenuEntry("webhooks.index", _l("Webhooks"), "webhooks.manage"),
    MenuEntry("organisation.reference", _l("Reference data"), "reference.manage"),
]


def menu() -> list[MenuEntry]:
    """Entries for the current user, core first, then each enabled norm's."""
    entries = list(CORE_MENU)
    entries += [MenuEntry(item.endpoint, item.label, item.permission) for _, item in registry().navigation()]
    entries = [MenuEntry(e.endpoint, e.label() if callable(e.label) else str(e.label), e.permission) for e in entries]
    views = current_app.view_functions
    return [e for e in entries if e.endpoint in views and has_permission(current_user, e.permission)]
