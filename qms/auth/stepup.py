"""Step-up: a sensitive change asks for the second factor again when this session's last check is old.

The core and the norm packages mark such views with ``@recent_check_required`` (approving a document,
changing roles, freezing a PSO measurement). A user with a second factor proves it again; a user without one
(whose role does not require it) gives the password again. STEP_UP_MINUTES sets how old a check may be.
"""
from __future__ import annotations

import datetime as dt
import functools

from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..database import SAFE_METHODS, utcnow
from ..urls import safe_next
from . import sessions


def check_is_recent() -> bool:
    """Whether this session proved the second factor (or, without one, the password) recently enough."""
    from . import mfa

    record = sessions.current()
    if record is None:
        return False
    limit = dt.timedelta(minutes=current_app.config["STEP_UP_MINUTES"])
    if mfa.is_enrolled(current_user._get_current_object()):
        return record.second_factor_at is not None and utcnow() - record.second_factor_at < limit
    return utcnow() - record.verified_at < limit


def step_up_redirect():
    """Send the user to the confirmation page; afterwards they return to the page they came from."""
    back = request.path if request.method == "GET" else safe_next(_referrer_path()) or request.path
    flash(_("Confirm that it is you, then do it again."), "warning")
    return redirect(url_for("auth.confirm", next=back))


def _referrer_path() -> str | None:
    from urllib.parse import urlsplit

    ref = request.referrer or ""
    parts = urlsplit(ref)
    if parts.netloc and parts.netloc != request.host:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def recent_check_required(view):
    """Decorator for a view that changes something sensitive; refuses with the confirmation page when the
    session's last check is older than STEP_UP_MINUTES (a GET of the same view is let through). Put it below
    ``@requires``."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if request.method not in SAFE_METHODS and current_user.is_authenticated and not check_is_recent():
            return step_up_redirect()
        return view(*args, **kwargs)

    return wrapper
