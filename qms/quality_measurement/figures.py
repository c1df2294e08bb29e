"""The figures of cleaning quality measurement, each from one pure function over plain data: the result per
category and for the lot, the share of accepted lots, defects per inspected room, and the monthly trend.
Pages, the client report PDF, the evidence rules and the management review all call these."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Mapping


@dataclass(frozen=True)
class CategoryResult:
    category: str
    defects: int
    ac: int
    re: int

    @property
    def accepted(self) -> bool:
        return self.defects <= self.ac


def lot_result(defects_by_category: Mapping[str, int], categories: Iterable[str], ac: int, re: int
               ) -> tuple[list[CategoryResult], bool]:
    """Each category held against Ac / Re on its own; the lot is accepted only when every category is."""
    results = [CategoryResult(c, int(defects_by_category.get(c, 0)), ac, re) for c in categories]
    return results, all(r.accepted for r in results)


@dataclass(frozen=True)
class Done:
    """One recorded inspection, as the figures need it."""

    inspected_on: dt.date
    accepted: bool
    sample_size: int
    defects_by_category: Mapping[str, int]


@dataclass(frozen=True)
class Summary:
    inspections: int
    accepted: int
    rejected: int
    #: Accepted lots in percent of inspected lots (None without inspections).
    acceptance_rate: float | None
    rooms: int
    defects: int
    #: Defects found per inspected room (None without inspections).
    defects_per_room: float | None


def summary(done: Iterable[Done]) -> Summary:
    rows = list(done)
    accepted = sum(1 for r in rows if r.accepted)
    rooms = sum(r.sample_size for r in rows)
    defects = sum(sum(r.defects_by_category.values()) for r in rows)
    return Summary(len(rows), accepted, len(rows) - accepted, 100.0 * accepted / len(rows) if rows else None,
                   rooms, defects, defects / rooms if rooms else None)


def monthly_trend(done: Iterable[Done], categories: Iterable[str]) -> list[tuple[tuple[int, int], dict[str, float]]]:
    """Per calendar month with inspections: defects per inspected room, per category."""
    cats = list(categories)
    months: dict[tuple[int, int], list[Done]] = {}
    for row in done:
        months.setdefault((row.inspected_on.year, row.inspected_on.month), []).append(row)
    trend = []
    for month in sorted(months):
        rows = months[month]
        rooms = sum(r.sample_size for r in rows) or 1
        trend.append((month, {c: sum(r.defects_by_category.get(c, 0) for r in rows) / rooms for c in cats}))
    return trend


def repeated_defects(current: Mapping[tuple[int, str], int], previous: Mapping[tuple[int, str], int]
                     ) -> list[tuple[int, str]]:
    """(room id, element) pairs with defects in this inspection and in the previous one of the same plan."""
    return sorted(key for key, count in current.items() if count > 0 and previous.get(key, 0) > 0)
