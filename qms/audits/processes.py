"""Processes an audit can cover, with their owners, for the independence rule.

The core keeps no process register of its own. A norm module that has one plugs it in from its
``Norm.setup``::

    registry(app).add_process_source(lambda: [("Purchasing", {7}), ("Planning", {3, 9})])

Each source is a zero-argument function returning ``(name, owner_user_ids)`` pairs; it is called inside the
request, so it may query the database. Without any source the audit form offers free text only.

The chosen names are stored in the audit's free-text ``processes`` column, separated by ``SEPARATOR``, followed
by whatever was typed; :func:`split` and :func:`join` are the pure halves of that.
"""
from __future__ import annotations

from typing import Callable, Iterable

ProcessSource = Callable[[], Iterable[tuple[str, set[int]]]]

SEPARATOR = "; "


def known_processes() -> dict[str, set[int]]:
    """Every known process name with the user ids of its owners, over all sources (names merged, sorted)."""
    merged: dict[str, set[int]] = {}
    from ..norms import registry

    for source in registry().process_sources:
        for name, owner_ids in source():
            name = (name or "").strip()
            if name:
                merged.setdefault(name, set()).update(i for i in owner_ids if i is not None)
    return dict(sorted(merged.items(), key=lambda kv: kv[0].casefold()))


def split(text: str | None, known: Iterable[str]) -> tuple[list[str], str]:
    """The stored processes text as (known process names it names, the rest as free text). A part matches a known
    name regardless of case; the known spelling is returned."""
    by_key = {name.casefold(): name for name in known}
    chosen: list[str] = []
    rest: list[str] = []
    for part in (text or "").split(SEPARATOR.strip()):
        part = part.strip()
        if not part:
            continue
        name = by_key.get(part.casefold())
        if name is not None:
            if name not in chosen:
                chosen.append(name)
        else:
            rest.append(part)
    return chosen, SEPARATOR.join(rest)


def join(chosen: Iterable[str], free_text: str | None) -> str | None:
    """The text stored for the chosen names and the typed free text (None when both are empty)."""
    parts = [name for name in chosen if name] + ([free_text.strip()] if (free_text or "").strip() else [])
    return SEPARATOR.join(parts) or None
