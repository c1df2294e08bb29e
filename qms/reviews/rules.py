"""Pure rules of the management review: states and transitions, ordering and (de)serialising input sections."""
from __future__ import annotations

import enum
import json
from typing import Any, Iterable


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


def can_move(current: ReviewState, target: ReviewState) -> bool:
    return target in TRANSITIONS[current]


def sort_sections(sections: Iterable[Any]) -> list[Any]:
    """Sections in ISO 9001 9.3.2 order (their ``order``), then by title; empty ones (None) left out."""
    return sorted((s for s in sections if s is not None), key=lambda s: (s.order, str(s.title)))


def dump_sections(sections: Iterable[Any]) -> str:
    """The input pack as JSON, so the minutes keep what the meeting saw."""
    return json.dumps([{"key": s.key, "title": str(s.title), "rows": [[str(k), str(v)] for k, v in s.rows],
                        "text": str(s.text or ""), "order": s.order, "endpoint": getattr(s, "endpoint", None),
                        "endpoint_args": dict(getattr(s, "endpoint_args", None) or {})}
                       for s in sections], ensure_ascii=False, default=str)


def load_sections(data: str | None) -> list[dict]:
    if not data:
        return []
    try:
        loaded = json.loads(data)
    except ValueError:
        return []
    return [s for s in loaded if isinstance(s, dict) and "title" in s]
