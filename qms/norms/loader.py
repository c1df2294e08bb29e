"""Reading and validating a norm's catalogue folder; every error names the file and, where it can, the line."""
from __future__ import annotations

import csv
import datetime as dt
import pathlib
import re
import tomllib
from typing import Any, Iterator

from .catalogue import (APPLICABILITY, KINDS, REQUIRED_COLUMNS, STATUSES, CatalogueError, CatalogueVersion, Level,
                        Requirement)

def load_catalogue_folder(norm_code: str, folder: pathlib.Path) -> dict[str, CatalogueVersion]:
    versions: dict[str, CatalogueVersion] = {}
    for manifest in sorted(folder.glob("*.toml")):
        cat = _load_version(norm_code, manifest)
        versions[cat.code] = cat
    if not versions:
        raise CatalogueError(f"{folder}: no catalogue manifest (*.toml) found")
    for crossref in sorted(folder.glob("crossref_*_*.csv")):
        _load_crossref(versions, crossref)
    return versions


def _line_of(text: str, key: str, occurrence: int = 1) -> int | None:
    """Line number of the ``occurrence``-th line in a TOML text that starts with ``key`` (a key or a header)."""
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*(=|$)" if not key.startswith("[") else rf"^\s*{re.escape(key)}")
    seen = 0
    for number, line in enumerate(text.splitlines(), 1):
        if pattern.match(line):
            seen += 1
            if seen == occurrence:
                return number
    return None


def _load_version(norm_code: str, manifest: pathlib.Path) -> CatalogueVersion:
    try:
        text = manifest.read_text(encoding="utf-8")
        meta = tomllib.loads(text)
    except UnicodeDecodeError as exc:
        raise CatalogueError(f"{manifest}: not UTF-8 ({exc.reason})") from exc
    except tomllib.TOMLDecodeError as exc:
        # The parser's message ends with "(at line N, column M)".
        raise CatalogueError(f"{manifest}: {exc}") from exc

    def fail(message: str, key: str | None = None, occurrence: int = 1) -> CatalogueError:
        line = _line_of(text, key, occurrence) if key else None
        return CatalogueError(f"{manifest}:{line}: {message}" if line else f"{manifest}: {message}")

    def need(key: str, kind: type) -> Any:
        if key not in meta:
            raise fail(f"missing key {key!r}")
        value = meta[key]
        # A TOML date-time is a datetime (a date subclass); only a plain date is an effective date.
        if not isinstance(value, kind) or (kind is dt.date and isinstance(value, dt.datetime)):
            raise fail(f"key {key!r} must be a {kind.__name__}", key)
        if isinstance(value, str) and not value.strip():
            raise fail(f"key {key!r} is empty", key)
        return value

    code = need("code", str)
    if code != manifest.stem:
        raise fail(f"code {code!r} must equal the file name {manifest.stem!r}", "code")
    status = need("status", str)
    if status not in STATUSES:
        raise fail(f"status {status!r} is not one of {sorted(STATUSES)}", "status")
    raw_levels = meta.get("levels", [])
    if not isinstance(raw_levels, list):
        raise fail("levels must be an array of tables ([[levels]])", "levels")
    levels = []
    for i, lv in enumerate(raw_levels, 1):
        if not isinstance(lv, dict) or not all(isinstance(lv.get(k), str) and lv[k].strip()
                                               for k in ("code", "name_nl", "name_en")):
            raise fail(f"level {i} needs code, name_nl and name_en", "[[levels]]", i)
        if any(lv["code"] == seen.code for seen in levels):
            raise fail(f"level code {lv['code']!r} is declared twice", "[[levels]]", i)
        levels.append(Level(lv["code"], lv["name_nl"], lv["name_en"]))
    level_codes = [lv.code for lv in levels]
    min_supp = meta.get("min_supplementary", {})
    if not isinstance(min_supp, dict):
        raise fail("min_supplementary must be a table", "min_supplementary")
    for key, value in min_supp.items():
        # bool is an int subclass: `vca2 = true` is not a count.
        if key not in level_codes or isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise fail(f"min_supplementary.{key} must be a level code with a whole number >= 0", key)
    for key in ("provisional",):
        if key in meta and not isinstance(meta[key], bool):
            raise fail(f"key {key!r} must be true or false", key)
    for key in ("note_nl", "note_en"):
        if key in meta and not isinstance(meta[key], str):
            raise fail(f"key {key!r} must be a string", key)
    dates = {}
    for key in ("audits_from", "transition_deadline"):
        value = meta.get(key)
        if value is not None and (not isinstance(value, dt.date) or isinstance(value, dt.datetime)):
            raise fail(f"key {key!r} must be a date", key)
        dates[key] = value
    replaces = meta.get("replaces")
    if replaces is not None and (not isinstance(replaces, str) or not replaces.strip()):
        raise fail("key 'replaces' must be a version code", "replaces")
    cat = CatalogueVersion(
        norm=norm_code, replaces=replaces, **dates, code=code, title_nl=need("title_nl", str), title_en=need("title_en", str),
        effective=need("effective", dt.date), status=status, provisional=bool(meta.get("provisional", False)),
        note_nl=str(meta.get("note_nl", "")), note_en=str(meta.get("note_en", "")), levels=levels,
        min_supplementary=dict(min_supp), requirements={},
    )
    cat.requirements = _load_requirements(norm_code, code, manifest.with_suffix(".csv"), level_codes)
    return cat


def _csv_rows(path: pathlib.Path) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) for each CSV record; encoding and quoting errors become CatalogueError."""
    if not path.exists():
        raise CatalogueError(f"{path}: file missing")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, strict=True)
        line = 1
        try:
            for row in reader:
                yield line, row
                line = reader.line_num + 1
        except UnicodeDecodeError as exc:
            raise CatalogueError(f"{path}: not UTF-8 ({exc.reason})") from exc
        except csv.Error as exc:
            raise CatalogueError(f"{path}:{reader.line_num}: {exc}") from exc


def _csv_table(path: pathlib.Path) -> tuple[Iterator[tuple[int, list[str]]], list[str]]:
    """The records after the header, and the header's column names (an empty file is refused)."""
    rows = _csv_rows(path)
    try:
        _, header = next(rows)
    except StopIteration:
        raise CatalogueError(f"{path}:1: empty file") from None
    return rows, [h.strip() for h in header]


def _load_requirements(
    norm_code: str, version: str, path: pathlib.Path, level_codes: list[str]
) -> dict[str, Requirement]:
    rows, header = _csv_table(path)
    if header[: len(REQUIRED_COLUMNS)] != REQUIRED_COLUMNS:
        raise CatalogueError(f"{path}:1: header must start with {','.join(REQUIRED_COLUMNS)}")
    extra = header[len(REQUIRED_COLUMNS):]
    unknown = [c for c in extra if not c.startswith("level:") or c[6:] not in level_codes]
    if unknown:
        raise CatalogueError(
            f"{path}:1: unknown column(s) {', '.join(unknown)} (level columns are level:<declared level code>)")
    if len(set(extra)) != len(extra):
        raise CatalogueError(f"{path}:1: a level column appears twice")
    level_cols = extra
    missing = [code for code in level_codes if f"level:{code}" not in level_cols]
    if level_cols and missing:
        # Either the catalogue grades its requirements per level or it does not; half a grading is a mistake.
        raise CatalogueError(f"{path}:1: no column for declared level(s) {', '.join(missing)}")
    requirements: dict[str, Requirement] = {}
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise CatalogueError(f"{path}:{line}: expected {len(header)} fields, found {len(row)}")
        rec = dict(zip(header, (cell.strip() for cell in row)))
        code, parent, kind = rec["code"], rec["parent"] or None, rec["kind"]
        if not code:
            raise CatalogueError(f"{path}:{line}: code is empty")
        if code in requirements:
            raise CatalogueError(f"{path}:{line}: duplicate code {code!r}")
        if parent is not None and parent not in requirements:
            raise CatalogueError(f"{path}:{line}: parent {parent!r} is not an earlier row")
        if kind not in KINDS:
            raise CatalogueError(f"{path}:{line}: kind {kind!r} is not one of {sorted(KINDS)}")
        if not rec["title_nl"] or not rec["title_en"]:
            raise CatalogueError(f"{path}:{line}: title_nl and title_en are required")
        applicability = {}
        for col in level_cols:
            value = rec[col]
            if kind == "requirement":
                if value not in APPLICABILITY:
                    raise CatalogueError(f"{path}:{line}: {col} is {value!r}, must be one of {sorted(APPLICABILITY)}")
                applicability[col[6:]] = value
            elif value:
                raise CatalogueError(f"{path}:{line}: {col} must be empty for a chapter")
        depth = requirements[parent].depth + 1 if parent else 0
        requirements[code] = Requirement(
            norm=norm_code, version=version, code=code, parent=parent, kind=kind,
            title_nl=rec["title_nl"], title_en=rec["title_en"], hint_nl=rec["hint_nl"], hint_en=rec["hint_en"],
            depth=depth, applicability=applicability,
        )
    if not requirements:
        raise CatalogueError(f"{path}: no requirements")
    return requirements


def _load_crossref(versions: dict[str, CatalogueVersion], path: pathlib.Path) -> None:
    """``crossref_<a>_<b>.csv`` (from_code,to_code) links version a to version b, read in both directions."""
    _, src, dst = path.stem.split("_", 2)
    if src not in versions or dst not in versions or src == dst:
        raise CatalogueError(f"{path}: versions {src!r} and {dst!r} must be two versions with a manifest")
    forward: dict[str, list[str]] = {}
    backward: dict[str, list[str]] = {}
    rows, header = _csv_table(path)
    if header not in (["from_code", "to_code"], ["from_code", "to_code", "change"]):
        raise CatalogueError(f"{path}:1: header must be from_code,to_code or from_code,to_code,change")
    changed: set[str] = set()
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise CatalogueError(f"{path}:{line}: expected {len(header)} fields, found {len(row)}")
        a, b = (cell.strip() for cell in row[:2])
        change = row[2].strip() if len(row) > 2 else ""
        if change not in ("", "changed"):
            raise CatalogueError(f"{path}:{line}: change is {change!r}, must be empty or 'changed'")
        if change:
            changed.add(b)
        if a not in versions[src].requirements:
            raise CatalogueError(f"{path}:{line}: {a!r} is not a requirement of version {src}")
        if b not in versions[dst].requirements:
            raise CatalogueError(f"{path}:{line}: {b!r} is not a requirement of version {dst}")
        if b in forward.get(a, []):
            raise CatalogueError(f"{path}:{line}: {a} → {b} is listed twice")
        forward.setdefault(a, []).append(b)
        backward.setdefault(b, []).append(a)
    versions[src].crossrefs[dst] = forward
    versions[dst].crossrefs[src] = backward
    versions[dst].changed[src] = changed
