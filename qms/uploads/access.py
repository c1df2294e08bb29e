"""Who may read a stored file: the uploader, administrators, and whoever a feature's access check allows.

A core package that keeps files (documents, incidents, evidence…) declares one check at import time (the
core's checks are the same in every app); a norm registers its checks and restrictions on its app's registry
in its setup (``registry(app).add_upload_check(check)``, ``registry(app).add_upload_restriction(fn)``)::

    from qms.uploads.access import register_access_check

    @register_access_check
    def incident_photos(user, stored_file) -> bool:
        return <stored_file belongs to an incident and user may see that incident>

A check answers True only for files it owns and the user may read; for anything else it answers False.
Access is granted when any check says True. Checks should cost one query at most.

Files that hold special personal data (a target-group decision letter) are restricted: a feature registers a
restriction that names the permission needed for its files, and then nobody without that permission reads
them — administrators and the uploader included::

    @register_restriction
    def target_group_files(stored_file) -> str | None:
        return "target_group.view" if <stored_file belongs to the target-group register> else None
"""
from __future__ import annotations

from typing import Callable

from ..permissions import Role, has_permission
from .models import StoredFile

AccessCheck = Callable[[object, StoredFile], bool]
Restriction = Callable[[StoredFile], "str | None"]

_checks: list[AccessCheck] = []
_restrictions: list[Restriction] = []


def register_restriction(restriction: Restriction) -> Restriction:
    """Add a feature's restriction (usable as a decorator): it names the permission its files need, or None."""
    if restriction not in _restrictions:
        _restrictions.append(restriction)
    return restriction


def unregister_restriction(restriction: Restriction) -> None:
    if restriction in _restrictions:
        _restrictions.remove(restriction)


def register_access_check(check: AccessCheck) -> AccessCheck:
    """Add a feature's check (usable as a decorator); registering the same check twice has no effect."""
    if check not in _checks:
        _checks.append(check)
    return check


def unregister_access_check(check: AccessCheck) -> None:
    """Remove a check (tests that register throw-away checks)."""
    if check in _checks:
        _checks.remove(check)


def can_read(user, stored: StoredFile) -> bool:
    from ..norms import registry

    if not getattr(user, "is_authenticated", False) or not getattr(user, "active", False):
        return False
    reg = registry()
    for restriction in [*_restrictions, *reg.upload_restrictions]:
        needed = restriction(stored)
        if needed is not None and not has_permission(user, needed):
            return False
    if stored.uploaded_by_id is not None and stored.uploaded_by_id == user.id:
        return True
    if user.has_role(Role.ADMIN):
        return True
    return any(check(user, stored) for check in [*_checks, *reg.upload_checks])
