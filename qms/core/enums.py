"""Workflow states and kinds as ``str`` enums whose members carry a translated label.

A package writes the labels once, beside its enum: ``STATE_LABELS = labels(State, {State.OPEN: _l("Open"), …})``;
``member.label`` (pages, PDFs, exports) then reads that table.
"""
from __future__ import annotations

import enum
from typing import Mapping, TypeVar

E = TypeVar("E", bound=enum.Enum)


class LabelledEnum(str, enum.Enum):
    """A ``str`` enum with a ``label`` per member, from the table given to :func:`labels`."""

    @property
    def label(self) -> str:
        return str(type(self)._label_table[self])


def labels(cls: type[E], table: Mapping[E, object]) -> Mapping[E, object]:
    """Give ``cls`` its labels (every member needs one) and return the table, for use as a module constant."""
    missing = [m for m in cls if m not in table]
    if missing:
        raise ValueError(f"{cls.__name__} has no label for {missing}")
    cls._label_table = table
    return table
