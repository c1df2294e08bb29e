"""Cell parsers of a register's file: a file's value → the value the service takes. A parser raises ValueError
for a value it cannot read; :data:`PROBLEMS` says what was wrong, in the reader's language."""
from __future__ import annotations

import datetime as dt
import decimal
import re
from typing import Any, Callable

from flask_babel import force_locale
from flask_babel import gettext as _

from ..exports import unsafe_cell


def normal(heading: Any) -> str:
    """A heading or label as compared: without asterisks, white space folded, case folded."""
    return " ".join(str(heading or "").replace("*", "").split()).casefold()


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date):
        return value.isoformat()
    return unsafe_cell(str(value)).strip()


_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")


def date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = text(value)
    if not raw:
        return None
    for pattern in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    raise ValueError(raw)


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def email(value: Any) -> str:
    raw = text(value)
    if raw and not _EMAIL.fullmatch(raw):
        raise ValueError(raw)
    return raw


_YES = {"yes", "ja", "y", "j", "true", "waar", "1", "x"}
_NO = {"no", "nee", "n", "false", "onwaar", "0", ""}


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raw = text(value).casefold()
    if raw in _YES:
        return True
    if raw in _NO:
        return False
    raise ValueError(raw)


def number(value: Any) -> decimal.Decimal | None:
    from ...i18n import parse_number

    if isinstance(value, bool):
        raise ValueError(str(value))
    if isinstance(value, (int, float, decimal.Decimal)):
        return decimal.Decimal(str(value))
    raw = text(value)
    if not raw:
        return None
    return decimal.Decimal(str(parse_number(raw)))


def integer(value: Any) -> int | None:
    amount = number(value)
    if amount is None:
        return None
    if amount != amount.to_integral_value():
        raise ValueError(str(value))
    return int(amount)


class choice:
    """A parser for a coded column: the file may hold the label (Dutch or English, as an export writes it) or the
    code; the result is the code."""

    def __init__(self, labels: dict[str, Any] | Callable[[], dict[str, Any]]):
        #: code → lazy label, or a function giving them in the current app (choices the norms register)
        self._labels = labels

    @property
    def labels(self) -> dict[str, Any]:
        return self._labels() if callable(self._labels) else self._labels

    def __call__(self, value: Any) -> str | None:
        raw = text(value)
        if not raw:
            return None
        wanted = normal(raw)
        for code, label in self.labels.items():
            if wanted == normal(code):
                return code
            for locale in ("nl", "en"):
                with force_locale(locale):
                    if wanted == normal(str(label)):
                        return code
        raise ValueError(raw)

    @staticmethod
    def problem() -> str:
        return _("not one of the choices")


PROBLEMS: dict[Callable, Callable[[], str]] = {
    date: lambda: _("not a date (write it as 2026-03-31 or 31-03-2026)"),
    boolean: lambda: _("not yes or no"),
    number: lambda: _("not a number"),
    integer: lambda: _("not a whole number"),
    email: lambda: _("not an e-mail address"),
}
