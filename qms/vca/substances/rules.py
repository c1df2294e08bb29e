"""Pure rules of the hazardous substances register: sheet status, CAS numbers, reading the reference files
(hazard codes, the CMR list) and the evidence figures. No database, no app: tested on plain data."""
from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from qms.core.dates import add_years

PICTOGRAMS = tuple(f"GHS0{n}" for n in range(1, 10))
#: PPE a product can ask for (key → label); the key is stored with the product.
PPE = {
    "gloves": _l("Chemical-resistant gloves"),
    "goggles": _l("Safety goggles"),
    "face_shield": _l("Face shield"),
    "apron": _l("Apron or protective clothing"),
    "respirator": _l("Respiratory protection"),
    "boots": _l("Safety boots"),
}
SDS_LANGUAGES = ("nl", "en", "de", "fr")
CATEGORIES = frozenset("CMR")
_CAS = re.compile(r"^(\d{2,7})-(\d{2})-(\d)$")
_CODE = re.compile(r"^(GHS0[1-9]|H\d{3}[A-Za-z]{0,2}|EUH\d{3}|EUH[A-Z]\d{2}|P\d{3}(\+P\d{3})*)$")


def valid_cas(value: str) -> bool:
    """A CAS registry number with a correct check digit (7732-18-5 is water)."""
    match = _CAS.match((value or "").strip())
    if not match:
        return False
    digits = (match.group(1) + match.group(2))[::-1]
    return sum((i + 1) * int(d) for i, d in enumerate(digits)) % 10 == int(match.group(3))


def normalise_codes(text: str | None) -> list[str]:
    """Codes typed as "h314, H290 p280" → ["H314", "H290", "P280"], duplicates removed, order kept."""
    out: list[str] = []
    for part in re.split(r"[\s,;]+", (text or "").upper()):
        part = part.strip()
        if part and part not in out:
            out.append(part)
    return out


def code_looks_valid(code: str) -> bool:
    return bool(_CODE.match(code))


# --- the safety data sheet --------------------------------------------------------------------


@dataclass(frozen=True)
class SheetStatus:
    #: "missing", "outdated", "newer" (the supplier announced a newer revision) or "ok".
    code: str
    #: The day the sheet is to be checked again (issue or review date plus the set period).
    due: dt.date | None = None

    @property
    def ok(self) -> bool:
        return self.code == "ok"


def sheet_status(has_file: bool, issued_on: dt.date | None, reviewed_on: dt.date | None,
                 newer_revision_on: dt.date | None, max_age_years: int, today: dt.date) -> SheetStatus:
    """Whether the product's safety data sheet is current: present, not older than the set period (counted from
    its issue date or, when later, the last review with the supplier), and no newer revision announced."""
    if not has_file or issued_on is None:
        return SheetStatus("missing")
    start = max(d for d in (issued_on, reviewed_on) if d is not None)
    due = add_years(start, max_age_years)
    if newer_revision_on is not None:
        return SheetStatus("newer", due)
    if due < today:
        return SheetStatus("outdated", due)
    return SheetStatus("ok", due)


def outdated_before(max_age_years: int, today: dt.date) -> dt.date:
    """Sheets whose latest date (issue or review) lies before this day are outdated (for database filters)."""
    return add_years(today, -max_age_years)


# --- hazard codes (reference/hazard_codes.toml) -----------------------------------------------

@dataclass(frozen=True)
class HazardCodeRow:
    code: str
    kind: str
    text_nl: str
    text_en: str


class ReferenceError_(ValueError):
    """A reference file cannot be read; ``errors`` lists (row, message) pairs."""

    def __init__(self, errors: list[tuple[int, str]]):
        super().__init__("; ".join(f"{row}: {msg}" for row, msg in errors))
        self.errors = errors


def parse_hazard_codes(text: str) -> tuple[str, list[HazardCodeRow]]:
    """(version, rows) of a hazard-code file: ``version = "…"`` and ``[[code]]`` tables with code, kind,
    nl and en. Raises ReferenceError_ with every problem found."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ReferenceError_([(0, str(error))]) from None
    errors: list[tuple[int, str]] = []
    rows: list[HazardCodeRow] = []
    seen: set[str] = set()
    kinds = {"pictogram", "hazard", "precaution"}
    for index, item in enumerate(data.get("code", []), 1):
        code = str(item.get("code", "")).strip().upper()
        kind = str(item.get("kind", "")).strip()
        nl, en = str(item.get("nl", "")).strip(), str(item.get("en", "")).strip()
        if not code_looks_valid(code):
            errors.append((index, f"unknown code format {code!r}"))
        elif code in seen:
            errors.append((index, f"{code} twice"))
        elif kind not in kinds:
            errors.append((index, f"{code}: kind must be one of {sorted(kinds)}"))
        elif not nl or not en or len(nl) > 300 or len(en) > 300:
            errors.append((index, f"{code}: nl and en texts are required (at most 300 characters)"))
        else:
            seen.add(code)
            rows.append(HazardCodeRow(code, kind, nl, en))
    if errors:
        raise ReferenceError_(errors)
    if not rows:
        raise ReferenceError_([(0, "no [[code]] tables")])
    return str(data.get("version", "")).strip()[:40], rows


# --- the CMR list (CSV/XLSX rows) -------------------------------------------------------------

HEADERS = {
    "cas": {"cas", "cas-nummer", "cas nummer", "casnummer", "cas number", "cas-nr", "cas nr"},
    "name": {"naam", "name", "stof", "stofnaam", "substance"},
    "category": {"categorie", "category", "cmr", "classificatie"},
}


@dataclass(frozen=True)
class CmrRow:
    line: int
    cas: str
    name: str
    category: str


@dataclass
class CmrPreview:
    rows: list[CmrRow] = field(default_factory=list)
    #: (line, message) per refused row; the message is already translated.
    errors: list[tuple[int, str]] = field(default_factory=list)
    #: Why nothing could be read at all (no header, not a table), or None.
    problem: str | None = None


def category_of(text: str) -> str | None:
    """"C", "m", "R; C", "Kankerverwekkend" → the letters C, M, R in that order, or None."""
    raw = (text or "").upper()
    words = {"KANKERVERWEKKEND": "C", "CARCINOGEEN": "C", "CARCINOGENIC": "C", "MUTAGEEN": "M",
             "MUTAGENIC": "M", "REPROTOXISCH": "R", "VOORTPLANTING": "R", "REPROTOXIC": "R"}
    letters = {v for k, v in words.items() if k in raw}
    for token in re.findall(r"[A-Z]+", raw):
        if len(token) <= 3 and set(token) <= CATEGORIES:
            letters |= set(token)
    return "".join(c for c in "CMR" if c in letters) or None


def parse_cmr_rows(rows, messages) -> CmrPreview:
    """Read the CMR list from (line, cells) rows: the first row with a CAS, a name and a category column is the header.
    ``messages`` maps "no_header", "cas", "name", "category", "twice" to translated texts (with %(value)s)."""
    preview = CmrPreview()
    columns: dict[str, int] | None = None
    seen: set[str] = set()
    for line, cells in rows:
        cells = [str(c or "").strip() for c in cells]
        if columns is None:
            names = [c.lower() for c in cells]
            found = {key: next((i for i, n in enumerate(names) if n in aliases), None)
                     for key, aliases in HEADERS.items()}
            if None not in found.values():
                columns = found
            continue
        if not any(cells):
            continue

        def cell(key):
            index = columns.get(key)
            return cells[index] if index is not None and index < len(cells) else ""

        cas, name, category = cell("cas"), cell("name"), category_of(cell("category"))
        if not valid_cas(cas):
            preview.errors.append((line, messages["cas"] % {"value": cas or "—"}))
        elif not name or len(name) > 200:
            preview.errors.append((line, messages["name"] % {"value": name[:40]}))
        elif category is None:
            preview.errors.append((line, messages["category"] % {"value": cell("category") or "—"}))
        elif cas in seen:
            preview.errors.append((line, messages["twice"] % {"value": cas}))
        else:
            seen.add(cas)
            preview.rows.append(CmrRow(line, cas, name, category))
    if columns is None:
        preview.problem = messages["no_header"]
    return preview


# --- evidence ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class RegisterFigures:
    """The register on one day, as counts (one query set computes them; every surface shows these)."""

    products: int
    sheets_current: int
    cmr_products: int
    cmr_registered: int
    cmr_substitution_decided: int
    with_card_text: int
    confirmations: int

    @property
    def sheets_ok(self) -> bool:
        return self.products > 0 and self.sheets_current == self.products

    @property
    def cmr_ok(self) -> bool:
        return self.cmr_registered == self.cmr_products and self.cmr_substitution_decided == self.cmr_products

    @property
    def cards_ok(self) -> bool:
        return self.products > 0 and self.with_card_text == self.products and self.confirmations > 0
