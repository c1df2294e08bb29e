"""Form fields and validators every form shares, so bad input is refused with a message, never a 500.

Numbers: ``IntegerField`` only holds what an INTEGER column stores, ``DecimalField`` and ``FloatField`` only
finite values (``inf``, ``nan`` and ``1e309`` are refused). ``Optional`` treats blank input as no value at all,
so a select sent as " " is not handed on as a choice. ``id_value`` turns a select's value into a row id that
can exist. Forms import these instead of the WTForms originals (tests/unit/test_forms.py checks it).
"""
from __future__ import annotations

import decimal
import json
import math
import re

from flask_babel import lazy_gettext as _l
from wtforms import fields, widgets
from wtforms.validators import Optional as _Optional
from wtforms.validators import StopValidation, ValidationError

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
#: What :class:`Usable` says of an id that names no record that may be chosen, per lookup kind.
NOT_USABLE = {
    "sites": _l("Choose an active site from the suggestions; this number is unknown or the site is closed."),
    "employees": _l("Choose someone employed from the suggestions; this number is unknown or the person has "
                    "left."),
    "mentors": _l("Choose an employed master trainer from the suggestions; this number is unknown or is no "
                  "master trainer."),
    "users": _l("Choose an active user from the suggestions; this number is unknown or the account is "
                "switched off."),
    "accounts": _l("Choose a user from the suggestions; this number is unknown."),
    "documents": _l("Choose a document from the suggestions; this number is unknown."),
}


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


class LookupListField(fields.Field):
    """Several ids from a list too long for checkboxes (auditees among thousands of employees, sites to
    distribute to): a text input of comma-separated numbers that ``static/lookup.js`` turns into removable
    chips, each with its label, and a search box that adds one through ``/lookup/<kind>``. Without
    JavaScript the numbers are typed; a repeated number counts once."""

    widget = widgets.TextInput()

    def __init__(self, label=None, validators=None, *, lookup: str, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.lookup = lookup

    def process_data(self, value):
        self.data = list(value) if value else []

    def process_formdata(self, valuelist):
        ids: list[int] = []
        wrong = False
        for part in re.split(r"[\s,;]+", ",".join(valuelist)):
            if not part:
                continue
            try:
                number = int(part)
            except ValueError:
                number = 0
            if not 0 < number <= MAX_INT:
                wrong = True
            elif number not in ids:
                ids.append(number)
        self.data = ids  # the good numbers stay chosen next to the message about the others
        if wrong:
            raise ValueError(CHOOSE_SUGGESTION)

    def _value(self):
        if self.raw_data:
            return ", ".join(self.raw_data)
        return ", ".join(str(i) for i in self.data or [])

    def __call__(self, **kwargs):
        from flask import url_for
        from flask_babel import gettext

        from .core.lookup import label_for

        kwargs.setdefault("autocomplete", "off")
        kwargs["data-lookup-remove"] = gettext("Remove")
        kwargs["data-lookup-list"] = url_for("core.lookup.search", kind=self.lookup)
        kwargs["data-lookup-labels"] = json.dumps(
            [{"id": i, "label": label_for(self.lookup, i) or str(i)} for i in self.data or []])
        return super().__call__(**kwargs)


class Usable:
    """The id (or each id) of a :class:`LookupField` or :class:`LookupListField` names a record that may be
    chosen now: an active site, an employee still employed, an active user. A value the form's object already
    held stays allowed, so an edit keeps a site that has closed since. With ``drop`` a list keeps the usable
    ids and leaves the others out without a message (as a list of checkboxes ignores a value it does not
    offer)."""

    def __init__(self, drop: bool = False):
        self.drop = drop

    def __call__(self, form, field):
        from .core.lookup import KINDS

        held = field.object_data if isinstance(field.object_data, (list, tuple)) else [field.object_data]
        chosen = field.data if isinstance(field.data, list) else [field.data]
        usable = [i for i in chosen if i is None or i in held or KINDS[field.lookup].usable(i)]
        if self.drop and isinstance(field.data, list):
            field.data = usable
        elif len(usable) != len(chosen):
            raise ValidationError(NOT_USABLE[field.lookup])
