"""Catalogue spreadsheets (XLSX or CSV): reading with row-level errors, and writing. Pure: no app, no database.

An XLSX file has a sheet ``requirements`` with the catalogue file's columns (code, parent, kind, titles and
hints NL/EN, ``level:<code>`` must / supplementary / na), an optional sheet ``version`` (key, value: title,
effective date, status, minimum supplementary per level as ``min_supplementary:<level>``, level names as
``level:<code>`` = "name NL | name EN") and an optional sheet ``crossref`` (from_code, to_code, change) that
links the version it replaces to this one. A CSV file is the requirements sheet alone; the rest comes from
the import form (or the command line) and from the version it replaces.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any, Iterable

from ..norms.catalogue import APPLICABILITY, KINDS, REQUIRED_COLUMNS, STATUSES, CatalogueVersion, Level, Requirement

MAX_ROWS = 5000
VERSION_KEYS = ("code", "title_nl", "title_en", "effective", "status", "provisional", "replaces", "audits_from",
                "transition_deadline", "note_nl", "note_en")


@dataclass(frozen=True)
class RowError:
    sheet: str
    #: Spreadsheet row number (1 = the header), or None for a problem with the file as a whole.
    row: int | None
    message: str


@dataclass
class Parsed:
    """What a spreadsheet holds, before it is checked against the norm."""

    requirements: list[dict[str, Any]] = field(default_factory=list)
    level_columns: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    #: Level names given in the version sheet: {code: (name NL, name EN)}.
    level_names: dict[str, tuple[str, str]] = field(default_factory=dict)
    min_supplementary: dict[str, int] = field(default_factory=dict)
    crossref: list[tuple[str, str, str]] | None = None
    errors: list[RowError] = field(default_factory=list)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        # A spreadsheet turns the code "4" into 4.0; "4.10" typed as a number cannot be told from 4.1.
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return (value.date() if isinstance(value, dt.datetime) else value).isoformat()
    return str(value).strip()


def read_file(name: str, data: bytes) -> Parsed:
    """Read an uploaded .xlsx or .csv file; problems become row errors, never exceptions."""
    lower = name.lower()
    if lower.endswith(".xlsx"):
        return _read_xlsx(data)
    if lower.endswith(".csv"):
        return _read_csv(data)
    return Parsed(errors=[RowError("", None, "unsupported")])


def _read_csv(data: bytes) -> Parsed:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Parsed(errors=[RowError("requirements", None, "not_utf8")])
    try:
        delimiter = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    try:
        rows = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as exc:
        return Parsed(errors=[RowError("requirements", None, f"csv:{exc}")])
    out = Parsed()
    _requirements(rows, out)
    return out


def _read_xlsx(data: bytes) -> Parsed:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        return Parsed(errors=[RowError("", None, "not_xlsx")])
    sheets = {ws.title.strip().lower(): ws for ws in book.worksheets}
    out = Parsed()
    ws = sheets.get("requirements") or book.worksheets[0]
    _requirements([[_cell(v) for v in row] for _, row in zip(range(MAX_ROWS + 2), ws.iter_rows(values_only=True))],
                  out)
    if "version" in sheets:
        _version_sheet([[_cell(v) for v in row] for row in sheets["version"].iter_rows(values_only=True)], out)
    if "crossref" in sheets:
        _crossref_sheet([[_cell(v) for v in row] for row in sheets["crossref"].iter_rows(values_only=True)], out)
    book.close()
    return out


def _requirements(rows: list[list[str]], out: Parsed) -> None:
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        out.errors.append(RowError("requirements", None, "empty"))
        return
    header = [h.strip().lower() for h in rows[0]]
    while header and not header[-1]:
        header.pop()
    if header[: len(REQUIRED_COLUMNS)] != REQUIRED_COLUMNS:
        out.errors.append(RowError("requirements", 1, "header"))
        return
    extra = header[len(REQUIRED_COLUMNS):]
    bad = [c for c in extra if not c.startswith("level:") or not c[6:]]
    if bad or len(set(extra)) != len(extra):
        out.errors.append(RowError("requirements", 1, "level_columns"))
        return
    out.level_columns = [c[6:] for c in extra]
    if len(rows) - 1 > MAX_ROWS:
        out.errors.append(RowError("requirements", None, "too_many"))
        return
    for number, row in enumerate(rows[1:], 2):
        if not any(row):
            continue
        row = (row + [""] * len(header))[: len(header)]
        out.requirements.append({"row": number, **dict(zip(header, row))})


def _version_sheet(rows: list[list[str]], out: Parsed) -> None:
    for number, row in enumerate(rows, 1):
        if not row or not row[0]:
            continue
        key, value = row[0].strip(), (row[1] if len(row) > 1 else "").strip()
        if number == 1 and key.lower() == "key":
            continue
        if key.startswith("min_supplementary:"):
            try:
                count = int(value)
                if count < 0:
                    raise ValueError
            except ValueError:
                out.errors.append(RowError("version", number, "min_supplementary"))
                continue
            out.min_supplementary[key.split(":", 1)[1]] = count
        elif key.startswith("level:"):
            nl, _, en = value.partition("|")
            if not nl.strip():
                out.errors.append(RowError("version", number, "level_name"))
                continue
            out.level_names[key.split(":", 1)[1]] = (nl.strip(), (en or nl).strip())
        elif key in VERSION_KEYS:
            out.meta[key] = value
        else:
            out.errors.append(RowError("version", number, "unknown_key"))


def _crossref_sheet(rows: list[list[str]], out: Parsed) -> None:
    out.crossref = []
    for number, row in enumerate(rows, 1):
        row = (row + ["", "", ""])[:3]
        if not any(row):
            continue
        if number == 1 and row[0].lower() == "from_code":
            continue
        if not row[0] or not row[1] or row[2] not in ("", "changed"):
            out.errors.append(RowError("crossref", number, "crossref_row"))
            continue
        out.crossref.append((row[0], row[1], row[2]))


def parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def build(parsed: Parsed, *, norm: str, code: str, levels: list[Level], defaults: CatalogueVersion | None,
          overrides: dict[str, Any]) -> tuple[CatalogueVersion | None, list[RowError]]:
    """Check the rows against the norm and make a catalogue version of them; every problem is a row error.

    ``levels`` are the levels the norm already knows (level names in the version sheet add or rename);
    ``defaults`` the version whose title, dates and minimum counts apply where the file gives none;
    ``overrides`` values from the import form or the command line (they win over the file)."""
    errors = list(parsed.errors)
    known = {lv.code: lv for lv in levels}
    for lcode, (nl, en) in parsed.level_names.items():
        known[lcode] = Level(lcode, nl, en)
    for lcode in parsed.level_columns:
        if lcode not in known:
            errors.append(RowError("requirements", 1, f"unknown_level:{lcode}"))
    level_list = [known[c] for c in parsed.level_columns if c in known]
    requirements: dict[str, Requirement] = {}
    for rec in parsed.requirements:
        row, rcode, parent, kind = rec["row"], rec["code"], rec["parent"] or None, rec["kind"].lower()
        problem = None
        if not rcode:
            problem = "code_empty"
        elif len(rcode) > 40:
            problem = "code_long"
        elif rcode in requirements:
            problem = f"duplicate:{rcode}"
        elif parent is not None and parent not in requirements:
            problem = f"parent:{parent}"
        elif kind not in KINDS:
            problem = f"kind:{kind}"
        elif not rec["title_nl"] or not rec["title_en"]:
            problem = "title"
        elif any(len(rec[c]) > 2000 for c in ("title_nl", "title_en", "hint_nl", "hint_en")):
            problem = "too_long"
        applicability = {}
        if problem is None:
            for lcode in parsed.level_columns:
                value = rec[f"level:{lcode}"].lower().replace("n.a.", "na")
                if kind == "requirement":
                    if value not in APPLICABILITY:
                        problem = f"applicability:{lcode}:{value}"
                        break
                    applicability[lcode] = value
                elif value:
                    problem = f"chapter_level:{lcode}"
                    break
        if problem is not None:
            errors.append(RowError("requirements", row, problem))
            continue
        depth = requirements[parent].depth + 1 if parent else 0
        requirements[rcode] = Requirement(
            norm=norm, version=code, code=rcode, parent=parent, kind=kind, title_nl=rec["title_nl"],
            title_en=rec["title_en"], hint_nl=rec["hint_nl"], hint_en=rec["hint_en"], depth=depth,
            applicability=applicability)
    if not parsed.requirements and not errors:
        errors.append(RowError("requirements", None, "no_rows"))
    meta = {**parsed.meta, **{k: v for k, v in overrides.items() if v not in (None, "")}}
    if meta.get("code") and meta["code"] != code:
        errors.append(RowError("version", None, f"code:{meta['code']}"))
    status = str(meta.get("status") or (defaults.status if defaults else "current")).lower()
    if status not in STATUSES:
        errors.append(RowError("version", None, f"status:{status}"))
    dates = {}
    for key in ("effective", "audits_from", "transition_deadline"):
        raw = meta.get(key)
        value = parse_date(raw)
        if raw not in (None, "") and value is None:
            errors.append(RowError("version", None, f"date:{key}"))
        dates[key] = value if value is not None else (getattr(defaults, key) if defaults else None)
    if dates["effective"] is None:
        errors.append(RowError("version", None, "date:effective"))
    min_supp = dict(defaults.min_supplementary) if defaults else {}
    min_supp.update(parsed.min_supplementary)
    min_supp.update(overrides.get("min_supplementary") or {})
    min_supp = {k: v for k, v in min_supp.items() if k in parsed.level_columns}
    for lcode in parsed.min_supplementary:
        if lcode not in parsed.level_columns:
            errors.append(RowError("version", None, f"min_level:{lcode}"))
    if errors:
        return None, errors
    provisional = str(meta.get("provisional", "")).strip().lower() in ("1", "true", "yes", "ja", "waar")
    title_default = defaults.title_nl if defaults else code
    cat = CatalogueVersion(
        norm=norm, code=code, title_nl=str(meta.get("title_nl") or title_default),
        title_en=str(meta.get("title_en") or (defaults.title_en if defaults else code)),
        effective=dates["effective"], status=status, provisional=provisional,
        note_nl=str(meta.get("note_nl") or ""), note_en=str(meta.get("note_en") or ""), levels=level_list,
        min_supplementary=min_supp, requirements=requirements, audits_from=dates["audits_from"],
        replaces=str(meta.get("replaces") or (defaults.replaces if defaults else "") or "") or None,
        transition_deadline=dates["transition_deadline"], source="import")
    return cat, []


def check_crossref(pairs: Iterable[tuple[str, str, str]], old: CatalogueVersion, new: CatalogueVersion
                   ) -> list[RowError]:
    errors = []
    for number, (a, b, _change) in enumerate(pairs, 2):
        if a not in old.requirements or b not in new.requirements:
            errors.append(RowError("crossref", number, f"crossref_code:{a}:{b}"))
    return errors


# --- writing -------------------------------------------------------------------------------------

def _requirement_rows(cat: CatalogueVersion) -> list[list[str]]:
    header = REQUIRED_COLUMNS + [f"level:{lv.code}" for lv in cat.levels]
    rows = [header]
    for r in cat.requirements.values():
        rows.append([r.code, r.parent or "", r.kind, r.title_nl, r.title_en, r.hint_nl, r.hint_en,
                     *(r.applicability.get(lv.code, "") for lv in cat.levels)])
    return rows


def _version_rows(cat: CatalogueVersion) -> list[list[str]]:
    rows = [["key", "value"], ["code", cat.code], ["title_nl", cat.title_nl], ["title_en", cat.title_en],
            ["effective", cat.effective.isoformat()], ["status", cat.status],
            ["provisional", "true" if cat.provisional else "false"]]
    for key in ("replaces", "audits_from", "transition_deadline"):
        value = getattr(cat, key)
        if value:
            rows.append([key, value.isoformat() if isinstance(value, dt.date) else value])
    rows += [["note_nl", cat.note_nl], ["note_en", cat.note_en]]
    rows += [[f"level:{lv.code}", f"{lv.name_nl} | {lv.name_en}"] for lv in cat.levels]
    rows += [[f"min_supplementary:{k}", str(v)] for k, v in cat.min_supplementary.items()]
    return rows


def _crossref_rows(cat: CatalogueVersion) -> list[list[str]]:
    if not cat.replaces or cat.replaces not in cat.crossrefs:
        return []
    changed = cat.changed.get(cat.replaces, set())
    rows = [["from_code", "to_code", "change"]]
    backward = cat.crossrefs[cat.replaces]  # this version's code -> codes in the replaced version
    for code, sources in backward.items():
        rows += [[src, code, "changed" if code in changed else ""] for src in sources]
    return rows


def to_csv(cat: CatalogueVersion) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(_requirement_rows(cat))
    return buffer.getvalue().encode("utf-8")


def to_xlsx(cat: CatalogueVersion) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "requirements"
    for row in _requirement_rows(cat):
        sheet.append(row)
    meta = book.create_sheet("version")
    for row in _version_rows(cat):
        meta.append(row)
    xref = _crossref_rows(cat)
    if xref:
        crossref = book.create_sheet("crossref")
        for row in xref:
            crossref.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
