"""The incident states only move along the allowed-transition table; the Arbowet list rule (no app)."""
import pytest

from qms.incidents.figures import on_arbowet_list
from qms.incidents.workflow import TRANSITIONS, IncidentState, IncidentType, can_move

S = IncidentState


@pytest.mark.parametrize("current,target", [
    (S.REPORTED, S.TRIAGED), (S.TRIAGED, S.INVESTIGATING), (S.INVESTIGATING, S.ACTIONS),
    (S.ACTIONS, S.CLOSED), (S.ACTIONS, S.INVESTIGATING)])
def test_allowed_moves(current, target):
    assert can_move(current, target)


@pytest.mark.parametrize("current,target", [
    (S.REPORTED, S.CLOSED), (S.TRIAGED, S.CLOSED), (S.INVESTIGATING, S.CLOSED), (S.CLOSED, S.REPORTED),
    (S.CLOSED, S.ACTIONS), (S.REPORTED, S.INVESTIGATING), (S.TRIAGED, S.REPORTED)])
def test_refused_moves(current, target):
    assert not can_move(current, target)


def test_every_state_has_a_row_and_closed_is_final():
    assert set(TRANSITIONS) == set(IncidentState)
    assert TRANSITIONS[S.CLOSED] == frozenset()


def test_accident_types():
    assert {t for t in IncidentType if t.is_accident} == {
        IncidentType.LTI, IncidentType.MEDICAL, IncidentType.FIRST_AID}


def test_arbowet_list_rule():
    assert on_arbowet_list(True, True, 0)  # reported to the Arbeidsinspectie
    assert on_arbowet_list(True, False, 4)  # more than three working days
    assert not on_arbowet_list(True, False, 3)
    assert not on_arbowet_list(False, True, 10)  # not an accident
