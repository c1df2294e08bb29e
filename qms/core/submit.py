"""The one POST sequence of a page: validate the form, let a service make the change, commit once, flash,
redirect (post/redirect/get).

A change a service refuses (:class:`~qms.core.errors.DomainError`) is rolled back and shown on the form, so the
user keeps what was typed and nothing is stored; the view then renders the form again.
"""
from __future__ import annotations

from typing import Any, Callable

from flask import flash, redirect
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..uploads.content import UploadRejected
from .errors import DomainError, show_refusal

#: The flash of a button form that did not validate (an expired CSRF token, a tampered field).
NOT_PROCESSED = _l("The request could not be processed; please try again.")


def _value(what, result):
    return what(result) if callable(what) else what


def on_submit(form, change: Callable[[], Any], *, done, to, on_form: bool = False, upload_field: str = "file"):
    """The redirect after ``change()`` succeeded, or None when the form was not sent, did not validate or the
    service refused (the refusal then stands on the form; a rejected upload next to ``upload_field``).

    ``done`` (the success message) and ``to`` (the URL) are values or functions of what ``change`` returned."""
    if not form.validate_on_submit():
        return None
    try:
        result = change()
    except DomainError as error:
        if isinstance(error, UploadRejected) and error.field is None:
            error = DomainError(error.message, upload_field)
        show_refusal(form, error, on_form=on_form)
        return None
    db.session.commit()
    if done:
        flash(str(_value(done, result)), "success")
    return redirect(_value(to, result))


def act(form, change: Callable[[], Any], *, done, to: str):
    """A button form (confirm, remove, switch): the change or its refusal as a flash, and always back to ``to``.

    ``done`` (the success message) is a value or a function of what ``change`` returned."""
    if not form.validate_on_submit():
        flash(str(NOT_PROCESSED), "error")
    else:
        try:
            result = change()
        except DomainError as error:
            show_refusal(None, error)
        else:
            db.session.commit()
            if done:
                flash(str(_value(done, result)), "success")
    return redirect(to)
