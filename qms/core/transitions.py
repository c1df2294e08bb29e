"""The one check of every workflow: a state may only move along its allowed-transition table."""
from __future__ import annotations

import functools
from typing import Callable, Hashable, Mapping


def can_move(transitions: Mapping, current: Hashable, target: Hashable) -> bool:
    """Whether ``transitions`` (state → states it may move to) allows ``current`` → ``target``."""
    return target in transitions.get(current, ())


def mover(transitions: Mapping) -> Callable[[Hashable, Hashable], bool]:
    """``can_move`` bound to one workflow's table: ``can_move = mover(TRANSITIONS)``."""
    return functools.partial(can_move, transitions)
