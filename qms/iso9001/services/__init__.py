"""ISO 9001 business rules. Every function changes state and flushes, never commits; refusals raise
:class:`IsoError` naming the form field the message belongs to."""
from __future__ import annotations

from ...auth.models import User
from ...core.dates import today  # noqa: F401  (re-exported: the registers' today)
from ...core.errors import FieldError
from ...database import MAX_ID
from ...extensions import db



class IsoError(FieldError):
    """A business rule of the ISO 9001 registers refused the change."""


def get(model, object_id: int | None):
    """One row by id, or None (ids outside the column's range included)."""
    if object_id is None or not 0 < int(object_id) <= MAX_ID:
        return None
    return db.session.get(model, int(object_id))


def user_or_error(user_id: int | None, field: str) -> User | None:
    """The chosen active user, None for no choice; an unknown or inactive user is refused."""
    if user_id is None:
        return None
    from flask_babel import gettext as _

    user = get(User, user_id)
    if user is None or not user.active:
        raise IsoError(field, _("Choose a person from the list."))
    return user
