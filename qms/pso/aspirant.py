"""Extensions of a PSO Aspirant-status: pure rules, no app or database needed.

An Aspirant-status certificate may be extended a limited number of times, set per handleiding version
(reference data, ``max_aspirant_extensions``). Each extension is a certificate of its own that names the certificate it extends,
so the certificates form a chain: the original, extension 1, extension 2.
"""
from __future__ import annotations

from collections.abc import Mapping

#: The only (norm, level) that may be extended.
EXTENDABLE = ("pso", "aspirant")
#: Extensions allowed when no handbook's reference data is found (handleiding 1.9: twice); the number per
#: handbook is reference data (``max_aspirant_extensions``, see qms.pso.certificates.max_extensions_on).
MAX_EXTENSIONS = 2


def is_extendable(norm: str | None, level: str | None) -> bool:
    return (norm, level) == EXTENDABLE


def ancestors(cert_id: int, parent_of: Mapping[int, int | None]) -> list[int]:
    """The certificates ``cert_id`` extends, nearest first; stops (without looping) at a cycle."""
    found: list[int] = []
    seen = {cert_id}
    current = parent_of.get(cert_id)
    while current is not None and current not in seen:
        found.append(current)
        seen.add(current)
        current = parent_of.get(current)
    return found


def position(cert_id: int, parent_of: Mapping[int, int | None]) -> int:
    """0 for an original certificate, 1 for its first extension, 2 for the second …"""
    return len(ancestors(cert_id, parent_of))


def descendants(cert_id: int, parent_of: Mapping[int, int | None]) -> int:
    """How many extensions follow ``cert_id`` in its chain (the longest line below it)."""
    children: dict[int, list[int]] = {}
    for child, parent in parent_of.items():
        if parent is not None:
            children.setdefault(parent, []).append(child)

    def depth(node: int, seen: frozenset[int]) -> int:
        below = [c for c in children.get(node, []) if c not in seen]
        return max((1 + depth(c, seen | {c}) for c in below), default=0)

    return depth(cert_id, frozenset({cert_id}))


def extension_problem(*, norm: str | None, level: str | None, base_norm: str | None, base_level: str | None,
                      base_position: int, extensions_below: int = 0, base_taken: bool = False,
                      cycle: bool = False, limit: int = MAX_EXTENSIONS) -> str | None:
    """Why a certificate may not extend the base certificate, or None when it may.

    ``base_position`` is the base's place in its chain (0 = original), ``extensions_below`` how many extensions
    already follow the certificate being saved (when it is edited), ``base_taken`` whether another certificate
    already extends the base, ``limit`` the number of extensions allowed (the handbook's).
    Codes: ``cycle``, ``not_aspirant``, ``level``, ``taken``, ``too_many``.
    """
    if cycle:
        return "cycle"
    if not is_extendable(base_norm, base_level):
        return "not_aspirant"
    if not is_extendable(norm, level):
        return "level"
    if base_taken:
        return "taken"
    if base_position + 1 + extensions_below > limit:
        return "too_many"
    return None
