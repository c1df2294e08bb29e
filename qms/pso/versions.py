"""Which PSO handbook applies, and the rules that differ per handbook, as data from the reference version.

Pure: no app, no database. The version is the one in force on the date of the definitive application (a new
handbook takes effect on 1 April); every result names it. Rules read from the reference data, never from here:
how often an Aspirant-status may be extended (1.9: twice, 2.1: once) and the base level (Basistrede, since 2.1)
with its thresholds (unconfirmed until an administrator loads them).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from .reference import Reference
from .scoring import CalculationInput, Result, calculate


def version_for_application(refs: Mapping[str, Reference], applied_on: dt.date) -> Reference | None:
    """The handbook in force on the date of the definitive application: the latest effective on or before it."""
    ordered = sorted(refs.values(), key=lambda r: r.effective)
    current = [r for r in ordered if r.effective <= applied_on]
    return current[-1] if current else (ordered[0] if ordered else None)


def basis_threshold(ref: Reference, total_fte: float, trede1_norm: float | None) -> float | None:
    """The base-level threshold (% total contribution) for this size, or None when the handbook has none.

    Loaded rows: the row of the largest size not above ``total_fte`` (the smallest row below it). Otherwise the
    threshold is ``basis_share_of_trede1`` of the level-1 norm for the size."""
    if not ref.has_basistrede:
        return None
    if ref.basis_rows:
        below = [pct for fte, pct in ref.basis_rows if fte <= total_fte]
        return below[-1] if below else ref.basis_rows[0][1]
    if trede1_norm is None or ref.basis_share_of_trede1 is None:
        return None
    return round(trede1_norm * ref.basis_share_of_trede1, 6)


def extension_allowed(ref: Reference, extensions_so_far: int) -> bool:
    """Whether an Aspirant-status that has been extended ``extensions_so_far`` times may be extended again."""
    return extensions_so_far < ref.max_aspirant_extensions


@dataclass(frozen=True)
class VersionedResult:
    """A PSO score with the handbook it was computed under and that handbook's own rules applied."""

    result: Result
    #: Code of the handbook (reference version) the score was computed under.
    version: str
    applied_on: dt.date | None
    #: The level with the base level taken into account: "basis" when the base level is reached but level 1
    #: is not (and the qualitative criteria are met); else the calculator's level.
    level: str | None
    basis_threshold: float | None
    basis_reached: bool
    #: Whether the base-level threshold is still the shipped (unconfirmed) value.
    basis_confirmed: bool
    max_aspirant_extensions: int
    #: Whether a further extension of the Aspirant-status is possible (None when the count was not given).
    extension_possible: bool | None

    @property
    def unconfirmed(self) -> list[str]:
        extra = ["basistrede"] if self.basis_threshold is not None and not self.basis_confirmed else []
        return sorted(set(self.result.unconfirmed) | set(extra))


def apply_rules(result: Result, ref: Reference, applied_on: dt.date | None = None,
                aspirant_extensions: int | None = None) -> VersionedResult:
    """The handbook's own rules over a calculator result (base level, Aspirant extensions)."""
    trede1 = result.norms["trede1"] if result.norms else None
    threshold = None if result.below_minimum else basis_threshold(ref, result.total_fte, trede1)
    reached = threshold is not None and result.total_pct >= threshold
    level = result.level
    if level is None and reached and result.level_quantitative is None and result.qualitative_met:
        level = "basis"
    return VersionedResult(
        result=result, version=ref.code, applied_on=applied_on, level=level, basis_threshold=threshold,
        basis_reached=reached, basis_confirmed=ref.basis_confirmed,
        max_aspirant_extensions=ref.max_aspirant_extensions,
        extension_possible=None if aspirant_extensions is None else extension_allowed(ref, aspirant_extensions))


def score_application(inp: CalculationInput, refs: Mapping[str, Reference], applied_on: dt.date,
                      aspirant_extensions: int | None = None) -> VersionedResult:
    """Score a definitive application under the handbook in force on ``applied_on``."""
    ref = version_for_application(refs, applied_on)
    if ref is None:
        raise LookupError("no PSO reference version is loaded")
    return apply_rules(calculate(inp, ref), ref, applied_on, aspirant_extensions)



def level_name(level: str | None) -> str:
    """The words for a level under a handbook's rules: level 1–3, the base level (Basistrede), or none."""
    from flask_babel import gettext as _

    from .hooks import level_label

    return _("Base level") if level == "basis" else level_label(level)
