"""The domain error every feature raises when a business rule refuses a change, and its rendering on a form.

A service raises ``SomeFeatureError(message, field)``; the view rolls back and shows the message next to the
field it concerns (:func:`show_refusal`), so the user keeps the input and nothing of the change is stored.
"""
from __future__ import annotations

from flask import flash

from ..extensions import db


class DomainError(Exception):
    """A business rule refused the change; ``field`` names the form field it concerns (None: the whole form)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class FieldError(DomainError):
    """A :class:`DomainError` raised with the field first: ``FieldError("name", message)``."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message, field)


def show_refusal(form, error: DomainError, *, on_form: bool = False) -> None:
    """Roll the change back and show the refusal next to its field.

    Without such a field (or without a form) the message is flashed, or with ``on_form`` shown at the top of
    the form (``form.form_errors``)."""
    db.session.rollback()
    field = form._fields.get(error.field) if (form is not None and error.field) else None
    if field is not None:
        field.errors = list(field.errors) + [error.message]
    elif on_form and form is not None:
        form.form_errors.append(error.message)
    else:
        flash(error.message, "error")
