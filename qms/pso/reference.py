"""PSO reference data (weights, counting windows, norm table, caps) per handbook version: parsing and checks.

Pure: no Flask, no database. A version is shipped as ``reference/<code>.toml`` and can be replaced by an
administrator (a whole TOML file, or a CSV with the full norm table). Every problem is reported with the
file name and, where the text allows, the line.
"""
from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import pathlib
import re
import tomllib
from dataclasses import asdict, dataclass, field
from typing import Any

FOLDER = pathlib.Path(__file__).resolve().parent / "reference"
WINDOWS = ("none", "years", "until", "until_optional")
#: Codes the calculation itself relies on (the PSO 30+ rules and the forecast name them).
REQUIRED_POSITIONS = frozenset({"bbl1", "bbl2"})
REQUIRED_CONTRACTS = frozenset({"regular", "internship"})
CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
VERSION_RE = re.compile(r"^[0-9][0-9A-Za-z.\-]{0,19}$")


class ReferenceError(ValueError):
    """The reference data cannot be used; the message names the file and, where known, the line."""


@dataclass(frozen=True)
class Position:
    code: str
    weight: float
    confirmed: bool
    window: str
    years: float | None
    label_nl: str
    label_en: str


@dataclass(frozen=True)
class Contract:
    code: str
    weight: float
    confirmed: bool
    label_nl: str
    label_en: str
    max_years: float | None = None
    excluded: bool = False


@dataclass(frozen=True)
class NormRow:
    fte: float
    trede1: float
    trede2: float
    trede3: float


@dataclass(frozen=True)
class Reference:
    code: str
    title_nl: str
    title_en: str
    effective: dt.date
    full_time_hours: float
    weeks_per_year: float
    indirect_cap: float
    indirect_cap_confirmed: bool
    weights_multiply_confirmed: bool
    minimum_fte: float
    conversation_share: float
    pso30_threshold: float
    pso30_confirmed: bool
    pso30_excluded_positions: tuple[str, ...]
    pso30_excluded_contracts: tuple[str, ...]
    pso30_excluded_combinations: tuple[tuple[str, str], ...]
    positions: dict[str, Position]
    contracts: dict[str, Contract]
    norm_rows: tuple[NormRow, ...]
    norm_table_confirmed: bool
    #: Where the norm table came from ("shipped", or the name of an uploaded file).
    norm_table_source: str = "shipped"
    unconfirmed_notes: tuple[str, ...] = field(default=())
    #: How often an Aspirant-status may be extended under this handbook (1.9: twice; 2.1: once).
    max_aspirant_extensions: int = 2
    #: Whether this handbook has a base level (Basistrede, since 2.1) between the Aspirant status and level 1.
    has_basistrede: bool = False
    #: Base-level thresholds by size: ((FTE, % total contribution), …); empty: derived from level 1 (below).
    basis_rows: tuple[tuple[float, float], ...] = ()
    #: Without loaded rows: the base-level threshold as this share of the level-1 norm (our inference).
    basis_share_of_trede1: float | None = None
    basis_confirmed: bool = False

    @property
    def norm_table_complete(self) -> bool:
        """A row for every whole size from the smallest to the largest (the official tool's table)."""
        sizes = {row.fte for row in self.norm_rows}
        lo, hi = int(min(sizes)), int(max(sizes))
        return all(float(n) in sizes for n in range(lo, hi + 1))

    def to_json(self) -> str:
        data = asdict(self)
        data["effective"] = self.effective.isoformat()
        return json.dumps(data, sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str) -> "Reference":
        data = json.loads(raw)
        data["effective"] = dt.date.fromisoformat(data["effective"])
        data["positions"] = {k: Position(**v) for k, v in data["positions"].items()}
        data["contracts"] = {k: Contract(**v) for k, v in data["contracts"].items()}
        data["norm_rows"] = tuple(NormRow(**r) for r in data["norm_rows"])
        for key in ("pso30_excluded_positions", "pso30_excluded_contracts", "unconfirmed_notes"):
            data[key] = tuple(data[key])
        data["pso30_excluded_combinations"] = tuple(tuple(c) for c in data["pso30_excluded_combinations"])
        if "basis_rows" in data:
            data["basis_rows"] = tuple(tuple(r) for r in data["basis_rows"])
        return cls(**data)

    def with_norm_rows(self, rows: tuple[NormRow, ...], source: str, confirmed: bool) -> "Reference":
        data = {f: getattr(self, f) for f in self.__dataclass_fields__}
        data.update(norm_rows=rows, norm_table_source=source, norm_table_confirmed=confirmed)
        data["unconfirmed_notes"] = _unconfirmed(data)
        return Reference(**data)


def _line_of(text: str, pattern: str) -> int | None:
    """First line (1-based) of ``text`` matching the regular expression, to point at a problem."""
    regex = re.compile(pattern, re.MULTILINE)
    match = regex.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _where(name: str, text: str, pattern: str | None) -> str:
    line = _line_of(text, pattern) if pattern else None
    return f"{name}, line {line}" if line else name


def _number(value: Any, what: str, where: str, *, low: float = 0.0, high: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ReferenceError(f"{where}: {what} must be a number, not {value!r}")
    if value < low or (high is not None and value > high):
        bound = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
        raise ReferenceError(f"{where}: {what} must be {bound}, not {value:g}")
    return float(value)


def _flag(value: Any, what: str, where: str) -> bool:
    if not isinstance(value, bool):
        raise ReferenceError(f"{where}: {what} must be true or false, not {value!r}")
    return value


def _text(value: Any, what: str, where: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        raise ReferenceError(f"{where}: {what} must be a text of 1 to 200 characters")
    return value.strip()


def _unconfirmed(data: dict) -> tuple[str, ...]:
    """Names of the values a result may rest on that the sources do not confirm."""
    notes = [f"position:{p.code}" for p in data["positions"].values() if not p.confirmed]
    notes += [f"contract:{c.code}" for c in data["contracts"].values() if not c.confirmed]
    if not data["norm_table_confirmed"]:
        notes.append("norm_table")
    if not data["indirect_cap_confirmed"]:
        notes.append("indirect_cap")
    if not data["weights_multiply_confirmed"]:
        notes.append("weights_multiply")
    if not data["pso30_confirmed"]:
        notes.append("pso30plus")
    if data.get("has_basistrede") and not data.get("basis_confirmed"):
        notes.append("basistrede")
    return tuple(notes)


def parse_norm_rows(rows: Any, name: str, text: str) -> tuple[NormRow, ...]:
    if not isinstance(rows, list) or len(rows) < 2:
        where = _where(name, text, r"^\s*rows\s*=")
        raise ReferenceError(f"{where}: the norm table needs at least two rows")
    out: list[NormRow] = []
    for index, row in enumerate(rows):
        pattern = r"^\s*\[\s*" + (re.escape(f"{row[0]:g}") if row and isinstance(row[0], (int, float)) else "x^")
        where = _where(name, text, pattern) + f" (norm table row {index + 1})"
        if not isinstance(row, list) or len(row) != 4:
            raise ReferenceError(f"{where}: a norm row is [FTE, trede 1, trede 2, trede 3]")
        out.append(_norm_row(row, where))
    return _check_norm_order(out, name)


def _norm_row(values: list, where: str) -> NormRow:
    fte = _number(values[0], "the size in FTE", where, low=0.01, high=100000)
    t1, t2, t3 = (_number(v, f"the norm of trede {i}", where, high=100) for i, v in enumerate(values[1:], 1))
    if not t1 <= t2 <= t3:
        raise ReferenceError(f"{where}: the norms must rise from trede 1 to trede 3 ({t1:g}, {t2:g}, {t3:g})")
    return NormRow(fte, t1, t2, t3)


def _check_norm_order(rows: list[NormRow], name: str) -> tuple[NormRow, ...]:
    for before, after in zip(rows, rows[1:]):
        if after.fte <= before.fte:
            raise ReferenceError(f"{name}: the norm table must be sorted by size without repeats "
                                 f"({after.fte:g} FTE follows {before.fte:g} FTE)")
    return tuple(rows)


def parse_toml(text: str, name: str) -> Reference:
    """Parse and check one reference version in TOML; raise ReferenceError naming file and line."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ReferenceError(f"{name}: not valid TOML: {error}") from None
    top = lambda key: _where(name, text, rf"^\s*{re.escape(key)}\s*=")  # noqa: E731
    for key in ("code", "title_nl", "title_en", "effective", "positions", "contracts", "norm_table"):
        if key not in raw:
            raise ReferenceError(f"{name}: the key {key!r} is missing")
    code = raw["code"]
    if not isinstance(code, str) or not VERSION_RE.match(code):
        raise ReferenceError(f"{top('code')}: code must look like a version number such as \"1.9\"")
    effective = raw["effective"]
    if not isinstance(effective, dt.date) or isinstance(effective, dt.datetime):
        raise ReferenceError(f"{top('effective')}: effective must be a date such as 2025-04-01")
    positions: dict[str, Position] = {}
    if not isinstance(raw["positions"], dict) or not raw["positions"]:
        raise ReferenceError(f"{name}: [positions.<code>] tables are missing")
    for pcode, item in raw["positions"].items():
        where = _where(name, text, rf"^\s*\[positions\.{re.escape(pcode)}\]")
        if not CODE_RE.match(pcode) or not isinstance(item, dict):
            raise ReferenceError(f"{where}: {pcode!r} is not a valid code (lower-case letters, digits, _)")
        window = item.get("window", "none")
        if window not in WINDOWS:
            raise ReferenceError(f"{where}: window must be one of {', '.join(WINDOWS)}, not {window!r}")
        years = item.get("years")
        if window == "years":
            years = _number(years, "years", where, low=0.1, high=100)
        positions[pcode] = Position(
            code=pcode, weight=_number(item.get("weight"), "weight", where, high=1),
            confirmed=_flag(item.get("confirmed"), "confirmed", where), window=window,
            years=float(years) if years is not None else None,
            label_nl=_text(item.get("label_nl"), "label_nl", where),
            label_en=_text(item.get("label_en"), "label_en", where))
    contracts: dict[str, Contract] = {}
    if not isinstance(raw["contracts"], dict) or not raw["contracts"]:
        raise ReferenceError(f"{name}: [contracts.<code>] tables are missing")
    for ccode, item in raw["contracts"].items():
        where = _where(name, text, rf"^\s*\[contracts\.{re.escape(ccode)}\]")
        if not CODE_RE.match(ccode) or not isinstance(item, dict):
            raise ReferenceError(f"{where}: {ccode!r} is not a valid code (lower-case letters, digits, _)")
        max_years = item.get("max_years")
        contracts[ccode] = Contract(
            code=ccode, weight=_number(item.get("weight"), "weight", where, high=1),
            confirmed=_flag(item.get("confirmed"), "confirmed", where),
            label_nl=_text(item.get("label_nl"), "label_nl", where),
            label_en=_text(item.get("label_en"), "label_en", where),
            max_years=_number(max_years, "max_years", where, low=0.1, high=100) if max_years is not None else None,
            excluded=_flag(item.get("excluded", False), "excluded", where))
    missing = (REQUIRED_POSITIONS - positions.keys()) | (REQUIRED_CONTRACTS - contracts.keys())
    if missing:
        raise ReferenceError(f"{name}: the codes {', '.join(sorted(missing))} are required")
    table = raw["norm_table"]
    where_table = _where(name, text, r"^\s*\[norm_table\]")
    if not isinstance(table, dict):
        raise ReferenceError(f"{where_table}: [norm_table] must be a table with confirmed and rows")
    rows = parse_norm_rows(table.get("rows"), name, text)
    p30 = raw.get("pso30plus", {})
    where30 = _where(name, text, r"^\s*\[pso30plus\]")
    excluded_positions = tuple(p30.get("excluded_positions", ()))
    excluded_contracts = tuple(p30.get("excluded_contracts", ()))
    combos = tuple(tuple(c) for c in p30.get("excluded_combinations", ()))
    for item in excluded_positions + tuple(c[0] for c in combos if c):
        if item not in positions:
            raise ReferenceError(f"{where30}: {item!r} is not a starting position of this version")
    for item in excluded_contracts + tuple(c[1] for c in combos if len(c) > 1):
        if item not in contracts:
            raise ReferenceError(f"{where30}: {item!r} is not a contract type of this version")
    if any(len(c) != 2 for c in combos):
        raise ReferenceError(f"{where30}: each excluded combination is [position, contract]")
    data = dict(
        code=code, title_nl=_text(raw["title_nl"], "title_nl", top("title_nl")),
        title_en=_text(raw["title_en"], "title_en", top("title_en")), effective=effective,
        full_time_hours=_number(raw.get("full_time_hours", 40), "full_time_hours", top("full_time_hours"),
                                low=1, high=80),
        weeks_per_year=_number(raw.get("weeks_per_year", 52), "weeks_per_year", top("weeks_per_year"),
                               low=1, high=53),
        indirect_cap=_number(raw.get("indirect_cap", 0.8), "indirect_cap", top("indirect_cap"), high=1),
        indirect_cap_confirmed=_flag(raw.get("indirect_cap_confirmed", False), "indirect_cap_confirmed",
                                     top("indirect_cap_confirmed")),
        weights_multiply_confirmed=_flag(raw.get("weights_multiply_confirmed", False),
                                         "weights_multiply_confirmed", top("weights_multiply_confirmed")),
        minimum_fte=_number(raw.get("minimum_fte", 2), "minimum_fte", top("minimum_fte"), high=1000),
        conversation_share=_number(raw.get("conversation_share", 0.8), "conversation_share",
                                   top("conversation_share"), high=1),
        pso30_threshold=_number(p30.get("threshold_pct", 30), "threshold_pct", where30, high=100),
        pso30_confirmed=_flag(p30.get("confirmed", False), "confirmed", where30),
        pso30_excluded_positions=excluded_positions, pso30_excluded_contracts=excluded_contracts,
        pso30_excluded_combinations=combos, positions=positions, contracts=contracts, norm_rows=rows,
        norm_table_confirmed=_flag(table.get("confirmed", False), "confirmed", where_table),
        **_version_rules(raw, name, text),
    )
    data["unconfirmed_notes"] = _unconfirmed(data)
    return Reference(**data)


def _version_rules(raw: dict, name: str, text: str) -> dict:
    """The rules that differ per handbook as data: Aspirant extensions and the base level (Basistrede)."""
    aspirant = raw.get("aspirant", {})
    where_a = _where(name, text, r"^\s*\[aspirant\]")
    if not isinstance(aspirant, dict):
        raise ReferenceError(f"{where_a}: [aspirant] must be a table")
    extensions = aspirant.get("max_extensions", 2)
    if isinstance(extensions, bool) or not isinstance(extensions, int) or not 0 <= extensions <= 10:
        raise ReferenceError(f"{where_a}: max_extensions must be a whole number from 0 to 10")
    basis = raw.get("basistrede")
    out = {"max_aspirant_extensions": extensions, "has_basistrede": basis is not None}
    if basis is None:
        return out
    where_b = _where(name, text, r"^\s*\[basistrede\]")
    if not isinstance(basis, dict):
        raise ReferenceError(f"{where_b}: [basistrede] must be a table")
    rows = []
    for index, row in enumerate(basis.get("rows", []), 1):
        if not isinstance(row, list) or len(row) != 2:
            raise ReferenceError(f"{where_b} (row {index}): a base-level row is [FTE, % total contribution]")
        rows.append((_number(row[0], "the size in FTE", where_b, low=0.01, high=100000),
                     _number(row[1], "the threshold", where_b, high=100)))
    if any(b[0] <= a[0] for a, b in zip(rows, rows[1:])):
        raise ReferenceError(f"{where_b}: the base-level rows must be sorted by size without repeats")
    share = basis.get("share_of_trede1")
    if share is not None:
        share = _number(share, "share_of_trede1", where_b, high=1)
    if not rows and share is None:
        raise ReferenceError(f"{where_b}: give rows = [[FTE, %], …] or share_of_trede1")
    out.update(basis_rows=tuple(rows), basis_share_of_trede1=share,
               basis_confirmed=_flag(basis.get("confirmed", False), "confirmed", where_b))
    return out


def parse_norm_csv(text: str, name: str) -> tuple[NormRow, ...]:
    """The full norm table as CSV: header ``fte,trede1,trede2,trede3``, one row per size."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise ReferenceError(f"{name}: the file is empty")
    if [h.strip().lower().lstrip("\ufeff") for h in header] != ["fte", "trede1", "trede2", "trede3"]:
        raise ReferenceError(f"{name}, line 1: the header must be fte,trede1,trede2,trede3")
    rows: list[NormRow] = []
    for row in reader:
        where = f"{name}, line {reader.line_num}"
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 4:
            raise ReferenceError(f"{where}: expected 4 values, found {len(row)}")
        values = []
        for cell in row:
            try:
                values.append(float(cell.strip().replace(",", ".")))
            except ValueError:
                raise ReferenceError(f"{where}: {cell.strip()!r} is not a number") from None
        rows.append(_norm_row(values, where))
    if len(rows) < 2:
        raise ReferenceError(f"{name}: the norm table needs at least two rows")
    return _check_norm_order(rows, name)


def shipped() -> dict[str, Reference]:
    """Every version shipped with the package, by code (read once per process)."""
    return dict(_shipped())


@functools.lru_cache(maxsize=1)
def _shipped() -> dict[str, Reference]:
    out = {}
    for path in sorted(FOLDER.glob("*.toml")):
        ref = parse_toml(path.read_text(encoding="utf-8"), path.name)
        if ref.code != path.stem:
            raise ReferenceError(f"{path.name}: code {ref.code!r} does not match the file name")
        out[ref.code] = ref
    return out
