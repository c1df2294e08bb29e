"""Language choice (the user's saved preference, then the session's, then Dutch) and the message catalogues.

Every package may ship its own catalogue in ``<package>/translations/<lang>/LC_MESSAGES/messages.po``
(core strings live in ``qms/translations``); Flask-Babel merges them, so a feature or norm package carries
its own translations and adding a norm stays adding a package.
"""
import pathlib
import re
from flask import current_app, session
from flask_login import current_user


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    user_locale = getattr(current_user, "locale", None) if current_user else None
    if user_locale in languages:
        return user_locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


QMS_DIR = pathlib.Path(__file__).resolve().parent


def translation_directories() -> list[str]:
    """The core catalogue folder first, then every package's own ``translations`` folder."""
    folders = [QMS_DIR / "translations"] + sorted(p for p in QMS_DIR.glob("*/translations") if p.is_dir())
    return [str(folder) for folder in folders]


# --- numbers typed or exported in Dutch or English notation ------------------------------------
#
# "1.597" is 1,597 in Dutch notation and 1.597 in English; "1,597" the other way round. Such a value says
# nothing by itself, so a file's notation is decided by all values of a column (detect_notation) and a value
# that stays ambiguous is refused rather than guessed.

_SPACES = re.compile(r"[\s\u00a0\u202f']")
_PLAIN = re.compile(r"\d+")
_ONE_SEPARATOR = re.compile(r"(\d+)([.,])(\d+)")
_NL_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_EN_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")


class AmbiguousNumber(ValueError):
    """A value such as "1.597" that reads as a thousand-and-more in one notation and a fraction in the other."""


def _split_sign(text: str) -> tuple[int, str]:
    body = _SPACES.sub("", text or "")
    if body[:1] in "+-" and body:
        return (-1 if body[0] == "-" else 1), body[1:]
    return 1, body


def _ambiguous(body: str) -> bool:
    match = _ONE_SEPARATOR.fullmatch(body)
    return bool(match) and len(match.group(3)) == 3 and len(match.group(1)) <= 3 and match.group(1) != "0"


def _evidence(body: str) -> str | None:
    """The notation one value proves on its own ("nl", "en" or None)."""
    if _ambiguous(body):
        return None
    match = _ONE_SEPARATOR.fullmatch(body)
    if match:
        return "nl" if match.group(2) == "," else "en"
    if _NL_GROUPED.fullmatch(body):
        return "nl"
    if _EN_GROUPED.fullmatch(body):
        return "en"
    return None


def detect_notation(values) -> str | None:
    """"nl" when some value shows a decimal comma or dot thousands groups, "en" for the English counterparts,
    None when no value tells, or when values contradict each other."""
    found = {_evidence(_split_sign(str(v))[1]) for v in values} - {None}
    return found.pop() if len(found) == 1 else None


def parse_number(text: str, notation: str | None = None) -> float:
    """A number in Dutch ("1.234,5") or English ("1,234.5") notation. ``notation`` ("nl"/"en", e.g. from
    :func:`detect_notation`) decides values like "1.597"; without it they raise :class:`AmbiguousNumber`."""
    sign, body = _split_sign(str(text))
    if _PLAIN.fullmatch(body):
        return sign * float(body)
    match = _ONE_SEPARATOR.fullmatch(body)
    if match:
        whole, separator, tail = match.groups()
        if _ambiguous(body):
            if notation not in ("nl", "en"):
                raise AmbiguousNumber(text)
            thousands = "." if notation == "nl" else ","
            return sign * float(whole + tail) if separator == thousands else sign * float(f"{whole}.{tail}")
        return sign * float(f"{whole}.{tail}")
    if _NL_GROUPED.fullmatch(body):
        return sign * float(body.replace(".", "").replace(",", "."))
    if _EN_GROUPED.fullmatch(body):
        return sign * float(body.replace(",", ""))
    raise ValueError(text)


# --- showing numbers, amounts and dates in the reader's language -------------------------------
#
# One kit for pages, PDFs and CSV label columns alike; in templates the same functions are the filters
# ``number``, ``percent``, ``euro`` and ``day`` (registered in qms.web). None shows as a dash.

DASH = "—"


def fmt_number(value, digits: int = 0, *, trim: bool = False) -> str:
    """1234.5 → "1.234,5" (nl) / "1,234.5" (en); ``digits`` decimals, ``trim`` drops trailing zeros."""
    from flask_babel import format_decimal

    if value is None:
        return DASH
    decimals = ("#" if trim else "0") * digits
    return format_decimal(value, format="#,##0" + (f".{decimals}" if digits else ""))


def fmt_percent(value, digits: int = 1) -> str:
    """A value in percent units (24.66) → "24,7%" (nl) / "24.7%" (en)."""
    from flask_babel import format_percent

    if value is None:
        return DASH
    return format_percent(float(value) / 100, format="#,##0" + (f".{'0' * digits}" if digits else "") + "%")


def fmt_euro(value) -> str:
    """24000 → "€ 24.000,00" (nl) / "€24,000.00" (en)."""
    from flask_babel import format_currency

    return DASH if value is None else format_currency(value, "EUR")


def fmt_day(value, style: str = "medium") -> str:
    """A date in the reader's language ("3 dec 2026" / "Dec 3, 2026"); ``style`` short/medium/long or a pattern."""
    from flask_babel import format_date

    return DASH if value is None else format_date(value, style)


def template_filters() -> dict:
    return {"number": fmt_number, "percent": fmt_percent, "euro": fmt_euro, "day": fmt_day}
