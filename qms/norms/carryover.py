"""Live evidence for a catalogue version whose norm package has no rules of its own for it yet.

A new version (VCA 2026/6.1, ISO 9001:2026) is loaded as data, often before its norm package knows it. Its
cross-reference with an earlier version says which requirements carry over; a rule the package evaluates for the
earlier version is then shown on each requirement of the new version that the earlier requirement maps to. A
requirement new in the version (no earlier counterpart) gets no carried rule: it needs evidence of its own.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Callable, Iterable

from .catalogue import CatalogueVersion


def earlier_versions(versions: dict[str, CatalogueVersion], version: str) -> list[str]:
    """Versions with a cross-reference to ``version``, the newest first (by effective date, then code)."""
    target = versions.get(version)
    if target is None:
        return []
    linked = [code for code in target.crossrefs if code in versions and code != version]
    return sorted(linked, key=lambda code: (versions[code].effective, code), reverse=True)


def carried(provider: Callable[..., Iterable[Any]], versions: dict[str, CatalogueVersion], version: str,
            level: str) -> list[Any]:
    """The provider's rules for ``version``; when it has none, its rules for the newest earlier version that has
    any, each moved to the requirement codes the cross-reference maps it to."""
    own = list(provider(version, level))
    if own:
        return own
    for earlier in earlier_versions(versions, version):
        rules = list(provider(earlier, level))
        if not rules:
            continue
        forward = versions[earlier].crossrefs.get(version, {})
        return [dataclasses.replace(rule, requirement=code)
                for rule in rules for code in forward.get(rule.requirement, [])]
    return []
