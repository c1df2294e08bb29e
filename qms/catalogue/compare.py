"""Comparing catalogue versions: the diff an import shows, and what a move to a new version leaves to do.

Pure functions over catalogue versions and plain evidence states (no app, no database)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..norms.catalogue import CatalogueVersion

TEXT_FIELDS = ("parent", "kind", "title_nl", "title_en", "hint_nl", "hint_en")


@dataclass
class Diff:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    #: Code -> names of the fields that differ (titles, hints, parent, kind).
    changed: dict[str, list[str]] = field(default_factory=dict)
    #: (code, level, before, after) for each requirement whose marking for a level differs.
    applicability: list[tuple[str, str, str, str]] = field(default_factory=list)
    #: level -> (before, after) minimum supplementary counts that differ.
    min_supplementary: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.applicability or self.min_supplementary)


def diff(old: CatalogueVersion | None, new: CatalogueVersion) -> Diff:
    """What differs from ``old`` (None: everything is added), in the new version's order."""
    result = Diff()
    before = old.requirements if old else {}
    for code, req in new.requirements.items():
        prev = before.get(code)
        if prev is None:
            result.added.append(code)
            continue
        fields = [f for f in TEXT_FIELDS if getattr(prev, f) != getattr(req, f)]
        if fields:
            result.changed[code] = fields
        for level in sorted(set(prev.applicability) | set(req.applicability)):
            a, b = prev.applicability.get(level, ""), req.applicability.get(level, "")
            if a != b:
                result.applicability.append((code, level, a, b))
    result.removed = [code for code in before if code not in new.requirements]
    old_min = old.min_supplementary if old else {}
    for level in sorted(set(old_min) | set(new.min_supplementary)):
        a, b = old_min.get(level), new.min_supplementary.get(level)
        if a != b:
            result.min_supplementary[level] = (a, b)
    return result


# --- transition -----------------------------------------------------------------------------------

CARRIED = "carried"      # sources in the old version, unchanged, and the evidence carries over
CHANGED = "changed"      # changed against its source: check the evidence against the new wording
NEW = "new"              # no source in the old version
COVERED = "covered"      # evidence attached to the new version itself


@dataclass
class TransitionRow:
    code: str
    sources: list[str]
    kind: str
    #: Whether any evidence serves it now (its own, or carried over from a source for unchanged rows).
    has_evidence: bool
    applicability: str | None = None

    @property
    def gap(self) -> bool:
        """New or changed and without evidence of its own: someone has to act before the deadline."""
        return not self.has_evidence and self.kind in (NEW, CHANGED)


def transition_rows(old: CatalogueVersion, new: CatalogueVersion, covered_old: set[str], covered_new: set[str],
                    level: str | None = None) -> list[TransitionRow]:
    """Per requirement of the new version: carried over, changed or new, and whether evidence serves it.

    ``covered_old`` / ``covered_new`` are the codes with current evidence in each version. A requirement that is
    out of scope ("na") for ``level`` is left out."""
    backward = new.crossrefs.get(old.code)
    if backward is None:  # no cross-reference: requirements with the same code are taken as the same
        backward = {c: [c] for c in new.requirements if c in old.requirements}
    changed = new.changed.get(old.code, set())
    rows = []
    for code, req in new.requirements.items():
        if req.kind != "requirement":
            continue
        applicability = req.applicability.get(level) if level and req.applicability else None
        if applicability == "na":
            continue
        sources = [s for s in backward.get(code, []) if s in old.requirements]
        if code in covered_new:
            kind, evidence = COVERED, True
        elif not sources:
            kind, evidence = NEW, False
        elif code in changed:
            kind, evidence = CHANGED, False
        else:
            kind, evidence = CARRIED, any(s in covered_old for s in sources)
        rows.append(TransitionRow(code, sources, kind, evidence, applicability))
    return rows


def default_due(deadline: dt.date | None, today: dt.date, lead_days: int = 30) -> dt.date:
    """Due date of a transition action: a month before the deadline, never in the past (then two weeks out)."""
    if deadline is None:
        return today + dt.timedelta(days=90)
    due = deadline - dt.timedelta(days=lead_days)
    return due if due > today else max(deadline, today + dt.timedelta(days=14))
