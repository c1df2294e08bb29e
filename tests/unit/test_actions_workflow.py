"""The nonconformity cycle's pure rules: transitions, closing condition, numbering and reminder moments."""
import datetime as dt

import pytest

from qms.actions import workflow
from qms.actions.workflow import NcState


def test_closed_is_final_and_open_cannot_jump_to_closed():
    assert workflow.TRANSITIONS[NcState.CLOSED] == frozenset()
    assert not workflow.can_move(NcState.OPEN, NcState.CLOSED)
    assert not workflow.can_move(NcState.ACTIONS_PLANNED, NcState.CLOSED)
    assert workflow.can_move(NcState.AWAITING_CHECK, NcState.CLOSED)
    assert workflow.can_move(NcState.AWAITING_CHECK, NcState.OPEN)  # ineffective check reopens


@pytest.mark.parametrize("current, actions, still_open, expected", [
    (NcState.OPEN, 0, 0, NcState.OPEN),
    (NcState.OPEN, 1, 1, NcState.ACTIONS_PLANNED),
    (NcState.ACTIONS_PLANNED, 2, 0, NcState.AWAITING_CHECK),
    (NcState.AWAITING_CHECK, 3, 1, NcState.ACTIONS_PLANNED),
    (NcState.CLOSED, 3, 1, NcState.CLOSED),
])
def test_state_after_actions(current, actions, still_open, expected):
    assert workflow.state_after_actions(current, actions, still_open) is expected


def test_may_close_needs_actions_all_done_and_effective():
    assert workflow.may_close(2, 0, True)
    assert not workflow.may_close(0, 0, True)
    assert not workflow.may_close(2, 1, True)
    assert not workflow.may_close(2, 0, False)


def test_numbers_round_trip():
    assert workflow.format_number(2026, 7) == "NC-2026-0007"
    assert workflow.parse_sequence("NC-2026-0007") == 7
    assert workflow.parse_sequence("garbage") == 0
    assert workflow.parse_sequence(None) == 0


def test_reminder_stages_before_on_and_after_due_date():
    due = dt.date(2026, 3, 20)
    assert workflow.reminder_stages(due, dt.date(2026, 3, 12)) == []
    assert workflow.reminder_stages(due, dt.date(2026, 3, 13)) == ["soon"]
    assert workflow.reminder_stages(due, due) == ["due"]
    assert workflow.reminder_stages(due, dt.date(2026, 3, 21)) == ["overdue"]
    assert workflow.reminder_stages(due, dt.date(2026, 4, 3)) == ["overdue", "escalate"]
    assert workflow.is_overdue(due, False, dt.date(2026, 3, 21))
    assert not workflow.is_overdue(due, True, dt.date(2026, 3, 21))
