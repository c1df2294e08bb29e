"""Single sampling by attributes, normal inspection: lot size → code letter → sample size, AQL → Ac / Re.

Pure functions over the reference tables (``data/sampling_tables.json``, or an administrator's corrected
revision of them): no app, no database. The tables are those of ISO 2859-1 (table 1, sample size code letters;
table 2-A, single sampling plans for normal inspection), which ANSI/ASQ Z1.4 repeats value for value.

Arrow rule: a cell of the master table may hold an arrow instead of a plan; then the first plan below the arrow
(a larger sample, ``down``) or above it (a smaller one, ``up``) in the same AQL column is used, with that
row's sample size. When the sample size reaches the lot size, the whole lot is inspected.
"""
from __future__ import annotations

import json
import pathlib
import random
import re
from dataclasses import dataclass
from typing import Iterable, Sequence

DATA_FILE = pathlib.Path(__file__).resolve().parent / "data" / "sampling_tables.json"

#: General inspection levels I, II, III and the special levels S-1 … S-4 (small samples, larger risks).
LEVELS = ("S-1", "S-2", "S-3", "S-4", "I", "II", "III")
DOWN, UP = "down", "up"
_PAIR = re.compile(r"(\d+)/(\d+)")


class TableError(ValueError):
    """The reference tables are not usable as they are (a missing row, a cell that is no plan or arrow)."""


class NoPlan(ValueError):
    """The tables give no plan for this combination (an arrow that leads off the table)."""


@dataclass(frozen=True)
class LotRange:
    lot_min: int
    #: None: and over.
    lot_max: int | None
    #: Code letter per inspection level.
    letters: dict[str, str]


@dataclass(frozen=True)
class Tables:
    aql_values: tuple[str, ...]
    #: Code letters in order of increasing sample size.
    letters: tuple[str, ...]
    sample_sizes: dict[str, int]
    lot_ranges: tuple[LotRange, ...]
    #: Code letter → one cell per AQL value: "Ac/Re", "down" or "up".
    master: dict[str, tuple[str, ...]]


def parse_cell(cell: str) -> tuple[int, int] | str:
    """``"3/4"`` → (3, 4); ``"down"`` / ``"up"`` as they are; anything else is a :class:`TableError`."""
    value = (cell or "").strip().lower()
    if value in (DOWN, UP, "↓", "↑"):
        return DOWN if value in (DOWN, "↓") else UP
    match = _PAIR.fullmatch(value.replace(" ", ""))
    if match is None:
        raise TableError(f"not a plan or an arrow: {cell!r}")
    ac, re_ = int(match.group(1)), int(match.group(2))
    if re_ <= ac:
        raise TableError(f"the rejection number must be above the acceptance number: {cell!r}")
    return ac, re_


def tables_from_data(data: dict) -> Tables:
    """Check the tables' shape and make them usable; any gap is a :class:`TableError`."""
    try:
        aqls = tuple(str(a) for a in data["aql_values"])
        sizes = {str(k): int(v) for k, v in data["sample_sizes"].items()}
        letters = tuple(sorted(sizes, key=lambda k: sizes[k]))
        ranges = []
        for row in data["code_letters"]:
            found = {level: str(row[level]) for level in LEVELS}
            unknown = [v for v in found.values() if v not in sizes]
            if unknown:
                raise TableError(f"unknown code letter {unknown[0]!r}")
            ranges.append(LotRange(int(row["lot_min"]), None if row["lot_max"] is None else int(row["lot_max"]),
                                   found))
        master = {}
        for letter in letters:
            cells = tuple(str(c) for c in data["master"][letter])
            if len(cells) != len(aqls):
                raise TableError(f"row {letter} has {len(cells)} cells for {len(aqls)} AQL values")
            for cell in cells:
                parse_cell(cell)
            master[letter] = cells
    except (KeyError, TypeError, AttributeError) as error:
        raise TableError(f"incomplete tables: {error}") from None
    ranges.sort(key=lambda r: r.lot_min)
    for before, after in zip(ranges, ranges[1:]):
        if before.lot_max is None or before.lot_max + 1 != after.lot_min:
            raise TableError(f"lot size ranges do not join at {before.lot_max}")
    if not ranges or ranges[-1].lot_max is not None:
        raise TableError("the last lot size range must be open-ended")
    return Tables(aqls, letters, sizes, tuple(ranges), master)


def shipped_data() -> dict:
    """The tables as shipped with the package (an administrator's revision replaces them)."""
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def shipped() -> Tables:
    return tables_from_data(shipped_data())


def code_letter(tables: Tables, lot_size: int, level: str) -> str:
    """Table 1: the sample size code letter of a lot of ``lot_size`` at an inspection level."""
    if level not in LEVELS:
        raise ValueError(f"unknown inspection level {level!r}")
    if lot_size < tables.lot_ranges[0].lot_min:
        raise ValueError(f"a lot has at least {tables.lot_ranges[0].lot_min} units")
    for lot_range in tables.lot_ranges:
        if lot_range.lot_max is None or lot_size <= lot_range.lot_max:
            return lot_range.letters[level]
    raise TableError("no lot size range")  # pragma: no cover - the last range is open-ended


def sample_size(tables: Tables, letter: str) -> int:
    return tables.sample_sizes[letter]


@dataclass(frozen=True)
class Plan:
    lot_size: int
    level: str
    aql: str
    #: The code letter of table 1 for the lot.
    code_letter: str
    #: The row the plan was taken from (another than ``code_letter`` when an arrow was followed).
    plan_letter: str
    #: Units to inspect (the lot size when the table's sample would be as large or larger).
    sample_size: int
    #: Accept with at most ``ac`` defects, reject with ``re`` or more.
    ac: int
    re: int
    #: The sample size reached the lot size: every unit is inspected.
    full_inspection: bool


def plan(tables: Tables, lot_size: int, level: str, aql: str) -> Plan:
    """The single sampling plan for a lot, following arrows; :class:`NoPlan` if one leads off the table."""
    if aql not in tables.aql_values:
        raise ValueError(f"unknown AQL {aql!r}")
    column = tables.aql_values.index(aql)
    letter = code_letter(tables, lot_size, level)
    row = tables.letters.index(letter)
    seen = set()
    while True:
        cell = parse_cell(tables.master[tables.letters[row]][column])
        if isinstance(cell, tuple):
            break
        seen.add(row)
        row += 1 if cell == DOWN else -1
        if not 0 <= row < len(tables.letters) or row in seen:
            raise NoPlan(f"no plan for AQL {aql} from code letter {letter}")
    plan_letter = tables.letters[row]
    n = tables.sample_sizes[plan_letter]
    ac, re_ = cell
    return Plan(lot_size, level, aql, letter, plan_letter, min(n, lot_size), ac, re_, n >= lot_size)


def accepted(defects: int, chosen: Plan) -> bool:
    """A lot (or a category) is accepted with at most Ac defects in the sample, rejected from Re on."""
    return defects <= chosen.ac


def draw(seed: int, units: Iterable[int], n: int) -> list[int]:
    """``n`` of ``units`` drawn at random; the same seed and units always give the same draw (in draw order)."""
    ordered = sorted(set(units))
    return random.Random(seed).sample(ordered, min(n, len(ordered)))


def with_cell(data: dict, letter: str, aql: str, cell: str) -> dict:
    """A copy of the tables' data with one master-table cell changed (checked)."""
    value = parse_cell(cell)
    stored = value if isinstance(value, str) else f"{value[0]}/{value[1]}"
    copy = json.loads(json.dumps(data))
    copy["master"][letter][list(copy["aql_values"]).index(aql)] = stored
    tables_from_data(copy)
    return copy


def with_letter(data: dict, lot_min: int, level: str, letter: str) -> dict:
    """A copy of the tables' data with one code letter of table 1 changed (checked)."""
    copy = json.loads(json.dumps(data))
    for row in copy["code_letters"]:
        if int(row["lot_min"]) == lot_min:
            row[level] = letter
            tables_from_data(copy)
            return copy
    raise TableError(f"no lot size range starting at {lot_min}")


def cell_label(cell: str) -> str:
    """How a master-table cell is shown: an arrow or "Ac Re"."""
    value = parse_cell(cell)
    if value == DOWN:
        return "↓"
    if value == UP:
        return "↑"
    return f"{value[0]} / {value[1]}"


def aql_order(values: Sequence[str]) -> list[str]:
    return sorted(values, key=float)
