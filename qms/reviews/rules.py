"""Pure rules of the management review: states and transitions, ordering and (de)serialising input sections."""
from __future__ import annotations

import enum
import json
from typing import Any, Iterable

from ..core.transitions import mover


class ReviewState(str, enum.Enum):
    PLANNED = "planned"
    HELD = "held"
    CLOSED = "closed"


#: The input pack is frozen when the meeting is held; closed minutes never change.
TRANSITIONS: dict[ReviewState, frozenset[ReviewState]] = {
    ReviewState.PLANNED: frozenset({ReviewState.HELD}),
    ReviewState.HELD: frozenset({ReviewState.CLOSED}),
    ReviewState.CLOSED: frozenset(),
}


#: Whether a review may move from one state to another (the table above).
can_move = mover(TRANSITIONS)


def sort_sections(sections: Iterable[Any]) -> list[Any]:
    """Sections in ISO 9001 9.3.2 order (their ``order``), then by title; empty ones (None) left out."""
    return sorted((s for s in sections if s is not None), key=lambda s: (s.order, str(s.title)))


def section_dicts(sections: Iterable[Any]) -> list[dict]:
    return [{"key": s.key, "title": str(s.title), "rows": [[str(k), str(v)] for k, v in s.rows],
                        "text": str(s.text or ""), "order": s.order, "endpoint": getattr(s, "endpoint", None),
                        "endpoint_args": dict(getattr(s, "endpoint_args", None) or {})}
                       for s in sections]


def dump_sections(sections: Iterable[Any]) -> str:
    """The input pack as JSON, so the minutes keep what the meeting saw."""
    return json.dumps(section_dicts(sections), ensure_ascii=False, default=str)


def dump_pack(by_language: dict[str, list[dict]]) -> str:
    """A frozen pack in every interface language ({"languages": {"nl": [...], "en": [...]}}): the figures are
    the same, each reader sees the words of their own language. Sections are turned into text (section_dicts)
    while their language is in force."""
    return json.dumps({"languages": by_language}, ensure_ascii=False, default=str)


def load_sections(data: str | None, language: str | None = None) -> list[dict]:
    """The sections of a stored pack in ``language`` (else the first language stored). A pack frozen before
    packs were stored per language is a plain list and is shown as it was frozen."""
    if not data:
        return []
    try:
        loaded = json.loads(data)
    except ValueError:
        return []
    if isinstance(loaded, dict):
        languages = loaded.get("languages") or {}
        loaded = languages.get(language) or next(iter(languages.values()), [])
    return [s for s in loaded if isinstance(s, dict) and "title" in s]
