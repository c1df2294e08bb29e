"""Auditing one's own process: the pure independence rule and the stored processes text (no app, no database)."""
from qms.audits import processes
from qms.audits.rules import Auditor, independence_conflicts

LEAD = Auditor(1, "Ingrid", department_id=10)
TEAM = Auditor(2, "Jeroen", department_id=20)


def test_an_auditor_who_owns_an_audited_process_is_flagged():
    assert independence_conflicts([LEAD, TEAM], None, [], {"Purchasing": {1}}) == ["Ingrid"]
    assert independence_conflicts([LEAD, TEAM], None, [], {"Purchasing": {1}, "Planning": {2, 7}}) == \
        ["Ingrid", "Jeroen"]


def test_processes_owned_by_others_or_without_owner_raise_nothing():
    assert independence_conflicts([LEAD, TEAM], None, [], {"Purchasing": {7}, "Planning": set()}) == []
    assert independence_conflicts([LEAD, TEAM], None, [], {}) == []
    assert independence_conflicts([LEAD, TEAM], None, [], None) == []


def test_each_auditor_is_named_once_whatever_the_reasons():
    # own department, auditing oneself and owning the process at once: still one name
    assert independence_conflicts([LEAD], 10, [1], {"Purchasing": {1}}) == ["Ingrid"]


def test_split_finds_known_names_in_any_case_and_keeps_the_rest():
    known = ["Purchasing", "Planning"]
    assert processes.split("purchasing; Window cleaning; Planning", known) == (["Purchasing", "Planning"],
                                                                              "Window cleaning")
    assert processes.split(None, known) == ([], "")
    assert processes.split("Purchasing;Purchasing", known) == (["Purchasing"], "")
    assert processes.split("Sales and offers", []) == ([], "Sales and offers")


def test_join_and_split_round_trip():
    text = processes.join(["Purchasing", "Planning"], " Window cleaning ")
    assert text == "Purchasing; Planning; Window cleaning"
    assert processes.split(text, ["Planning", "Purchasing"]) == (["Purchasing", "Planning"], "Window cleaning")
    assert processes.join([], "  ") is None
    assert processes.join([], "Only typed") == "Only typed"
