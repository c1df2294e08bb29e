"""Pure rules of the speak-up channel: categories, states, the legal terms and the yearly figures.

Wet bescherming klokkenluiders: acknowledge a report within 7 days, give feedback within 3 months. No app,
no database: the reminders, the case pages, the figures page and the management review all use these."""
from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from typing import Iterable

from flask_babel import lazy_gettext as _l

from ..core.enums import LabelledEnum, labels
from ..core.dates import add_months

ACKNOWLEDGE_DAYS = 7
FEEDBACK_MONTHS = 3


class Category(LabelledEnum):
    WRONGDOING = "wrongdoing"
    MANAGER = "manager_behaviour"
    HARASSMENT = "harassment"
    OTHER = "other"


CATEGORY_LABELS = labels(Category, {
    Category.WRONGDOING: _l("Suspected wrongdoing (fraud, theft, breaking rules)"),
    Category.MANAGER: _l("Unsafe behaviour of a manager"),
    Category.HARASSMENT: _l("Harassment, discrimination or bullying"),
    Category.OTHER: _l("Another integrity concern"),
})


class CaseState(LabelledEnum):
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    FEEDBACK = "feedback_given"
    CLOSED = "closed"


STATE_LABELS = labels(CaseState, {
    CaseState.RECEIVED: _l("Received"),
    CaseState.ACKNOWLEDGED: _l("Receipt confirmed"),
    CaseState.FEEDBACK: _l("Feedback given"),
    CaseState.CLOSED: _l("Closed"),
})


class Author(str, enum.Enum):
    REPORTER = "reporter"
    HANDLER = "handler"


class MessageKind(str, enum.Enum):
    #: From the reporter, through the mailbox.
    REPORTER = "reporter"
    #: From the counsellor to the reporter: the reporter reads it in the mailbox.
    TO_REPORTER = "to_reporter"
    #: The counsellor's own note: never shown to the reporter.
    INTERNAL_NOTE = "internal_note"


def acknowledge_due(received_on: dt.date) -> dt.date:
    """Last day to confirm receipt: 7 days after the day of receipt."""
    return received_on + dt.timedelta(days=ACKNOWLEDGE_DAYS)


def feedback_due(received_on: dt.date) -> dt.date:
    """Last day to tell the reporter what was done: 3 months after the day of receipt."""
    return add_months(received_on, FEEDBACK_MONTHS)


@dataclass(frozen=True)
class CaseDates:
    """What the figures need of a case: plain data."""

    category: str
    received_on: dt.date
    acknowledged_on: dt.date | None = None
    feedback_on: dt.date | None = None


@dataclass
class YearFigures:
    year: int
    total: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    #: Cases whose term has ended (or that were answered), and how many of those were answered in time.
    acknowledge_measured: int = 0
    acknowledged_in_time: int = 0
    feedback_measured: int = 0
    feedback_in_time: int = 0

    @property
    def acknowledged_pct(self) -> float | None:
        return _pct(self.acknowledged_in_time, self.acknowledge_measured)

    @property
    def feedback_pct(self) -> float | None:
        return _pct(self.feedback_in_time, self.feedback_measured)


def _pct(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(100.0 * part / whole, 1)


def year_figures(year: int, cases: Iterable[CaseDates], today: dt.date) -> YearFigures:
    """Anonymous figures of the reports received in ``year``: counts per category, and the share acknowledged
    and answered in time among the cases whose term has ended or that were answered already."""
    out = YearFigures(year=year, by_category={c.value: 0 for c in Category})
    for case in cases:
        if case.received_on.year != year:
            continue
        out.total += 1
        out.by_category[case.category] = out.by_category.get(case.category, 0) + 1
        ack_due, fb_due = acknowledge_due(case.received_on), feedback_due(case.received_on)
        if case.acknowledged_on is not None or today > ack_due:
            out.acknowledge_measured += 1
            out.acknowledged_in_time += case.acknowledged_on is not None and case.acknowledged_on <= ack_due
        if case.feedback_on is not None or today > fb_due:
            out.feedback_measured += 1
            out.feedback_in_time += case.feedback_on is not None and case.feedback_on <= fb_due
    return out
