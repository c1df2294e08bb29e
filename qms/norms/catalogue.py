"""Catalogue data: levels, requirements and versions of a norm, as loaded from its catalogue files."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from flask_babel import get_locale

KINDS = {"chapter", "requirement"}
STATUSES = {"current", "legacy", "provisional"}
APPLICABILITY = {"must", "supplementary", "na"}
REQUIRED_COLUMNS = ["code", "parent", "kind", "title_nl", "title_en", "hint_nl", "hint_en"]


class CatalogueError(Exception):
    """A catalogue file is malformed; the message names the file and line."""


class DuplicateNorm(Exception):
    """Two enabled packages registered the same norm code."""


def _localised(obj: Any, attr: str) -> str:
    lang = str(get_locale() or "nl")[:2]
    return getattr(obj, f"{attr}_{lang}", None) or getattr(obj, f"{attr}_nl")


def anchor(code: str) -> str:
    """The HTML id of a requirement on its catalogue page: ``req-4_2_3`` for 4.2.3 (safe in URLs and CSS)."""
    return "req-" + re.sub(r"[^A-Za-z0-9-]", "_", code)


@dataclass(frozen=True)
class Level:
    code: str
    name_nl: str
    name_en: str

    @property
    def name(self) -> str:
        return _localised(self, "name")


@dataclass(frozen=True)
class Requirement:
    norm: str
    version: str
    code: str
    parent: str | None
    kind: str
    title_nl: str
    title_en: str
    hint_nl: str
    hint_en: str
    depth: int
    #: Per level code: "must", "supplementary" or "na" (only for norms whose catalogue has level columns).
    applicability: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    @property
    def anchor(self) -> str:
        return anchor(self.code)

    @property
    def key(self) -> tuple[str, str, str]:
        """Stable reference used by core tables instead of a foreign key."""
        return (self.norm, self.version, self.code)

    @property
    def title(self) -> str:
        return _localised(self, "title")

    @property
    def hint(self) -> str:
        return _localised(self, "hint")


@dataclass
class CatalogueVersion:
    norm: str
    code: str
    title_nl: str
    title_en: str
    effective: dt.date
    status: str
    provisional: bool
    note_nl: str
    note_en: str
    levels: list[Level]
    min_supplementary: dict[str, int]
    requirements: dict[str, Requirement]
    #: Cross-references from this version to others: {other version code: {code: [other codes]}}.
    crossrefs: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    #: Per other version: codes of this version whose content changed against their source there.
    changed: dict[str, set[str]] = field(default_factory=dict)
    #: From this date audits use this version by default (None: only when chosen).
    audits_from: dt.date | None = None
    #: The version this one follows, and the date by which certificates have to move over.
    replaces: str | None = None
    transition_deadline: dt.date | None = None
    #: Where the version came from: "shipped" (the package's catalogue files) or "import" (the database).
    source: str = "shipped"
    #: For an imported version: its revision number (1, 2 … for corrected imports).
    revision: int | None = None

    @property
    def title(self) -> str:
        return _localised(self, "title")

    @property
    def note(self) -> str:
        return _localised(self, "note")

    @property
    def requirement_count(self) -> int:
        return sum(1 for r in self.requirements.values() if r.kind == "requirement")

    def children(self, code: str | None) -> list[Requirement]:
        return [r for r in self.requirements.values() if r.parent == code]

    @property
    def has_applicability(self) -> bool:
        """True when the catalogue marks its requirements must / supplementary / n.a. per level (VCA)."""
        return any(r.applicability for r in self.requirements.values())

    def level(self, code: str) -> Level | None:
        return next((lv for lv in self.levels if lv.code == code), None)

    def count(self, level: str, applicability: str) -> int:
        """How many requirements are marked ``applicability`` for ``level``."""
        return sum(1 for r in self.requirements.values() if r.applicability.get(level) == applicability)

    def matches(self, text: str) -> set[str]:
        """Codes of the rows whose code, titles or hints (either language) contain ``text``, case-insensitive."""
        needle = text.strip().casefold()
        return {
            r.code
            for r in self.requirements.values()
            if needle in " ".join((r.code, r.title_nl, r.title_en, r.hint_nl, r.hint_en)).casefold()
        }

    def search(self, text: str) -> list[Requirement]:
        """Requirements matching ``text`` (see :meth:`matches`) with their ancestors, in catalogue order."""
        if not text.strip():
            return list(self.requirements.values())
        hits = self.matches(text)
        keep = set(hits)
        for code in hits:
            parent = self.requirements[code].parent
            while parent:
                keep.add(parent)
                parent = self.requirements[parent].parent
        return [r for r in self.requirements.values() if r.code in keep]
