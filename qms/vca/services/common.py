"""What every VCA service needs: the domain error, today, the profile and the chosen level."""
from __future__ import annotations

from sqlalchemy import select

from qms.core.dates import today  # noqa: F401  (re-exported: the VCA services' today)
from qms.core.errors import DomainError
from qms.core.loaders import get_row
from qms.database import MAX_ID
from qms.extensions import db
from qms.organisation.models import Company

from ..models import VcaProfile

DEFAULT_VERSION = "2017-6.0"


class VcaError(DomainError):
    """A VCA rule refused the change; ``field`` names the form field the message belongs to (or None)."""


def company() -> Company | None:
    return db.session.scalar(select(Company).order_by(Company.id).limit(1))


def company_level() -> str | None:
    """The company's VCA level from its certification targets ("vca1", "vca2", "petro"), or None."""
    found = company()
    return found.targets.get("vca") if found else None


def profile() -> VcaProfile:
    """The one VCA profile row, created (flushed, not committed) when missing."""
    found = db.session.scalar(select(VcaProfile).order_by(VcaProfile.id).limit(1))
    if found is None:
        found = VcaProfile(version=DEFAULT_VERSION)
        db.session.add(found)
        db.session.flush()
    return found


def current_profile() -> VcaProfile | None:
    """The profile if it exists (read-only pages do not create it)."""
    return db.session.scalar(select(VcaProfile).order_by(VcaProfile.id).limit(1))


def version() -> str:
    found = current_profile()
    return found.version if found else DEFAULT_VERSION


def get(model, object_id: int):
    return get_row(model, object_id)
