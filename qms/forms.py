"""Form fields and validators every form shares, so bad input is refused with a message, never a 500.

Numbers: ``IntegerField`` only holds what an INTEGER column stores, ``DecimalField`` and ``FloatField`` only
finite values (``inf``, ``nan`` and ``1e309`` are refused). ``Optional`` treats blank input as no value at all,
so a select sent as " " is not handed on as a choice. ``id_value`` turns a select's value into a row id that
can exist. Forms import these instead of the WTForms originals (tests/unit/test_forms.py checks it).
"""
from __future__ import annotations

import decimal
import math

from flask_babel import lazy_gettext as _l
from wtforms import fields
from wtforms.validators import Optional as _Optional
from wtforms.validators import StopValidation

from .database import MAX_ID

#: The largest magnitude an integer field accepts: what a 32-bit INTEGER column holds on every database.
MAX_INT = MAX_ID
#: The largest magnitude a decimal field accepts; far above every Numeric column, and small enough to be
#: rounded to the field's places in the default decimal context (28 digits).
MAX_DECIMAL = decimal.Decimal(10) ** 15

TOO_LARGE = _l("This number is too large.")
NOT_A_NUMBER = _l("Enter a number.")


class IntegerField(fields.IntegerField):
    """A whole number that fits an INTEGER column; a larger one is refused instead of overflowing the query."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not -MAX_INT <= self.data <= MAX_INT:
            self.data = None
            raise ValueError(TOO_LARGE)


class DecimalField(fields.DecimalField):
    """A finite decimal number of sane size (never Infinity or NaN, which cannot be compared or rounded)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is None:
            return
        if not self.data.is_finite():
            self.data = None
            raise ValueError(NOT_A_NUMBER)
        if abs(self.data) >= MAX_DECIMAL:
            self.data = None
            raise ValueError(TOO_LARGE)


class FloatField(fields.FloatField):
    """A finite float (``inf``, ``nan`` and overflowing literals such as ``1e309`` are refused)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not math.isfinite(self.data):
            self.data = None
            raise ValueError(NOT_A_NUMBER)


class Optional(_Optional):
    """Blank input (empty or only spaces) means no value: validation stops and the field holds none.

    WTForms' own Optional stops the chain but leaves " " in the data, and clears the select's "not a valid
    choice" error on the way, so an enum built from the data fails later. Here the blank text is dropped.
    """

    def __call__(self, form, field):
        try:
            super().__call__(form, field)
        except StopValidation:
            if isinstance(field.data, str):
                field.data = ""
            raise


def id_value(value):
    """Coerce a select's value to a row id; "" (or none) means no row. An id no row can have is refused."""
    if value in (None, "", "None"):
        return None
    number = int(value)
    if not 0 < number <= MAX_ID:
        raise ValueError("not an id")
    return number


def int_choice(value) -> int:
    """Coerce a multiple-choice value to an id (for ``coerce=``); refuses what no row can have."""
    number = id_value(value)
    if number is None:
        raise ValueError("no id")
    return number


CHOOSE_SUGGESTION = _l("Choose from the suggestions, or enter the number.")


class LookupField(IntegerField):
    """The id of a record from a list too long for a drop-down (sites, employees, users): a number input that
    ``static/lookup.js`` turns into a search box with suggestions from ``/lookup/<kind>``. Without JavaScript
    the number itself is typed; either way the service checks that the record exists."""

    def __init__(self, label=None, validators=None, *, lookup: str, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.lookup = lookup

    def process_formdata(self, valuelist):
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            self.data = int(str(valuelist[0]).strip())
        except ValueError:
            self.data = None
            raise ValueError(CHOOSE_SUGGESTION) from None
        if not 0 < self.data <= MAX_INT:
            self.data = None
            raise ValueError(CHOOSE_SUGGESTION)

    def __call__(self, **kwargs):
        from flask import url_for

        from .core.lookup import label_for

        kwargs.setdefault("type", "number")
        kwargs.setdefault("inputmode", "numeric")
        kwargs.setdefault("min", "1")
        kwargs["data-lookup"] = url_for("core.lookup.search", kind=self.lookup)
        kwargs["data-lookup-label"] = label_for(self.lookup, self.data)
        return super().__call__(**kwargs)
