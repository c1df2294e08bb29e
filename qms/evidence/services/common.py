"""Shared pieces of the evidence services: the feature's error, today, owners and requirement lookups."""
from __future__ import annotations

import datetime as dt
import pathlib

from flask_babel import gettext as _
from sqlalchemy import select

from ...auth.models import User, UserRole
from ...core.dates import today
from ...core.errors import FieldError
from ...extensions import db
from ...norms import Requirement, registry
from ...permissions import PERMISSIONS

ALLOWED_KINDS = frozenset({"pdf", "docx", "xlsx", "odt", "ods", "image"})
MAPPING_FILE = pathlib.Path(__file__).resolve().parent.parent / "mapping.csv"


class EvidenceError(FieldError):
    """A business rule refused the change; ``field`` names the form field the message belongs to."""


def possible_owners() -> list[User]:
    """Active users who may see evidence: only they can keep it up to date and follow its reminders."""
    return list(db.session.scalars(select(User).join(UserRole).where(
        User.active.is_(True), UserRole.role.in_(PERMISSIONS["evidence.view"])).order_by(User.name)).unique())


# --- requirements ---------------------------------------------------------------------------------

def requirement(norm: str, version: str, code: str) -> Requirement | None:
    """A requirement (kind "requirement", not a chapter) of an enabled norm, or None."""
    found = registry().requirement(norm, version, code)
    return found if found is not None and found.kind == "requirement" else None


def parse_requirement_key(text: str) -> tuple[str, str, str] | None:
    """"iso9001/2015/7.5.1" → ("iso9001", "2015", "7.5.1") when it names a requirement, else None."""
    parts = (text or "").strip().split("/")
    if len(parts) != 3:
        return None
    return tuple(parts) if requirement(*parts) is not None else None  # type: ignore[return-value]


def _check_requirement(norm: str, version: str, code: str, field_name: str = "requirement") -> Requirement:
    found = requirement(norm, version, code)
    if found is None:
        raise EvidenceError(field_name, _("This requirement does not exist in the enabled norms."))
    return found
