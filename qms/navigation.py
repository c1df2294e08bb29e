"""The main menu: core entries here, norm entries from the registry. Only entries the user may open show
(an entry whose package is not installed yet is skipped: its endpoint does not exist). A long menu is shown in
groups (dropdowns on a desktop), a short one flat; ``may_open(endpoint)`` tells a template whether a link
would answer rather than refuse."""
from dataclasses import dataclass
from typing import Callable, NamedTuple

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
    #: The group the entry is shown in when the menu is grouped (None: always on the top level).
    group: str | None = None


#: The menu's groups in order, with their labels; the norms' entries go in "norms".
GROUPS = {
    "work": _l("Work"),
    "quality": _l("Quality"),
    "norms": _l("Modules"),
    "admin": _l("Administration"),
}
#: Up to this many entries the menu stays flat; more are grouped (a desktop row holds about six entries).
FLAT_UP_TO = 6

CORE_MENU = [
    MenuEntry("core.dashboard", _l("Dashboard"), "dashboard.view"),
    MenuEntry("documents.index", _l("Documents"), "documents.view", "work"),
    MenuEntry("incidents.index", _l("Incidents"), "incidents.view", "work"),
    MenuEntry("incidents.report", _l("Report an incident"), "incidents.report", "work"),
    MenuEntry("speakup.cases", _l("Speak-up reports"), "speakup.handle", "work"),
    MenuEntry("audits.index", _l("Audits"), "audits.view", "quality"),
    MenuEntry("actions.index", _l("Actions"), "actions.own", "work"),
    MenuEntry("reviews.index", _l("Management review"), "reviews.view", "quality"),
    MenuEntry("evidence.index", _l("Evidence"), "evidence.view", "quality"),
    MenuEntry("suppliers.index", _l("Suppliers"), "suppliers.view", "quality"),
    MenuEntry("measurement.index", _l("Quality measurement"), "measurement.view", "quality"),
    MenuEntry("catalogue.index", _l("Norms"), "catalogue.view", "quality"),
    MenuEntry("organisation.employees", _l("Employees"), "employees.view", "admin"),
    MenuEntry("training.index", _l("Training and diplomas"), "training.view", "quality"),
    MenuEntry("audit.index", _l("Audit trail"), "audit_trail.view", "admin"),
    MenuEntry("admin.users", _l("Users"), "users.manage", "admin"),
    MenuEntry("webhooks.index", _l("Webhooks"), "webhooks.manage", "admin"),
    MenuEntry("organisation.reference", _l("Reference data"), "reference.manage", "admin"),
]


class MenuGroup(NamedTuple):
    key: str | None
    label: str
    entries: list[MenuEntry]


def may_open(endpoint: str) -> bool:
    """Whether the current user may open the page of ``endpoint`` (its route's declared permission); an
    unknown endpoint is False. Templates use it so no link leads to a refusal."""
    view = current_app.view_functions.get(endpoint)
    name = getattr(view, "_qms_permission", None) if view is not None else None
    return name is not None and has_permission(current_user, name)


def menu() -> list[MenuEntry]:
    """Entries for the current user, core first, then each enabled norm's."""
    entries = list(CORE_MENU)
    entries += [MenuEntry(item.endpoint, item.label, item.permission, "norms") for _, item in registry().navigation()]
    entries = [MenuEntry(e.endpoint, e.label() if callable(e.label) else str(e.label), e.permission, e.group)
               for e in entries]
    views = current_app.view_functions
    return [e for e in entries if e.endpoint in views and has_permission(current_user, e.permission)
            and may_open(e.endpoint)]


def menu_groups() -> list[MenuGroup]:
    """The menu as shown: flat (one group without a key) when short, else the top-level entries followed by
    one group per kind, in :data:`GROUPS` order (a group of one entry is shown as that entry)."""
    entries = menu()
    if len(entries) <= FLAT_UP_TO:
        return [MenuGroup(None, "", entries)]
    top = [e for e in entries if e.group is None]
    groups = [MenuGroup(None, "", top)] if top else []
    for key, label in GROUPS.items():
        members = [e for e in entries if e.group == key]
        if len(members) == 1:
            groups.append(MenuGroup(None, "", members))
        elif members:
            groups.append(MenuGroup(key, str(label), members))
    return groups
