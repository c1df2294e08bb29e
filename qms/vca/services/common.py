"""What every VCA service needs: the domain error, today, the profile and the chosen level."""
from __future__ import annotations

import datetime as dt

from flask_babel import to_user_timezone
from sqlalchemy import select

from qms.database import MAX_ID, utcnow
from qms.extensions import db
from qms.organisation.models import Company

from ..models import VcaProfile

DEFAULT_VERSION = "2017-6.0"


class VcaError(Exception):
    """A VCA rule refused the change; ``field`` names the form field the message belongs to (or None)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field
        self.message = message


def today() -> dt.date:
    return to_user_timezone(utcnow()).date()


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
    return db.session.get(model, object_id) if 0 < object_id <= MAX_ID else None
