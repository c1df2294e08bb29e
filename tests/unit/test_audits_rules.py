"""Pure audit and review rules: state machines, the independence rule, the must-question rule, coverage."""
import datetime as dt
from types import SimpleNamespace

import pytest

from qms.audits import rules
from qms.audits.rules import AuditState, Auditor, ItemView, Result
from qms.reviews import rules as review_rules
from qms.reviews.rules import ReviewState


def test_audit_state_machine():
    assert rules.can_move(AuditState.PLANNED, AuditState.PREPARED)
    assert rules.can_move(AuditState.IN_PROGRESS, AuditState.REPORTED)
    assert not rules.can_move(AuditState.PLANNED, AuditState.REPORTED)
    assert not rules.can_move(AuditState.REPORTED, AuditState.IN_PROGRESS)  # a report is never rewritten
    assert rules.TRANSITIONS[AuditState.CLOSED] == frozenset()
    assert all(set(targets) <= set(AuditState) for targets in rules.TRANSITIONS.values())


def test_independence_rule():
    lead = Auditor(1, "Ingrid", department_id=10)
    other = Auditor(2, "Jeroen", department_id=20)
    assert rules.independence_conflicts([lead, other], 10, []) == ["Ingrid"]
    assert rules.independence_conflicts([lead, other], 30, []) == []
    assert rules.independence_conflicts([lead, other], None, [2]) == ["Jeroen"]  # auditing oneself
    assert rules.independence_conflicts([Auditor(3, "No employee", None)], None, []) == []


def test_must_question_is_never_not_applicable():
    assert rules.result_problem(Result.NOT_APPLICABLE, True, "a reason") == "must_not_na"
    assert rules.result_problem(Result.NOT_APPLICABLE, False, "  ") == "needs_justification"
    assert rules.result_problem(Result.NOT_APPLICABLE, False, "No subcontractors") is None
    assert rules.result_problem(Result.MAJOR, True, None) is None


def test_report_problems_and_counts():
    items = [ItemView(None, False, None), ItemView(Result.NOT_APPLICABLE, True, "x"),
             ItemView(Result.CONFORM, False, None), ItemView(Result.MINOR, False, None)]
    assert rules.report_problems(items) == {"unanswered": 1, "must_not_na": 1}
    assert rules.report_problems(items[2:]) == {}
    counts = rules.counts([Result.CONFORM, Result.CONFORM, Result.MINOR, None])
    assert counts["conform"] == 2 and counts["minor"] == 1 and counts["open"] == 1 and counts["major"] == 0


def test_coverage_within_the_three_year_cycle():
    today = dt.date(2026, 11, 22)
    last = {"4.1": dt.date(2025, 5, 1), "5.1": dt.date(2023, 11, 21), "6.1": dt.date(2023, 11, 22)}
    rows = {r.code: r for r in rules.coverage(["4.1", "5.1", "6.1", "7.1"], last, today)}
    assert rows["4.1"].covered and rows["6.1"].covered
    assert not rows["5.1"].covered  # one day too old
    assert not rows["7.1"].covered and rows["7.1"].last_audited is None
    assert rules.coverage_percent(list(rows.values())) == 50
    assert rules.coverage_percent([]) is None
    assert rules.cycle_start(dt.date(2028, 2, 29)) == dt.date(2025, 2, 28)


def test_review_rules():
    assert review_rules.can_move(ReviewState.PLANNED, ReviewState.HELD)
    assert not review_rules.can_move(ReviewState.PLANNED, ReviewState.CLOSED)
    assert not review_rules.can_move(ReviewState.CLOSED, ReviewState.HELD)
    sections = [SimpleNamespace(key="b", title="B", rows=[("x", 1)], text="", order=60),
                None, SimpleNamespace(key="a", title="A", rows=[], text="t", order=10)]
    ordered = review_rules.sort_sections(sections)
    assert [s.key for s in ordered] == ["a", "b"]
    loaded = review_rules.load_sections(review_rules.dump_sections(ordered))
    assert loaded[1]["rows"] == [["x", "1"]] and loaded[0]["text"] == "t"
    assert review_rules.load_sections("not json") == []


def test_a_frozen_pack_keeps_every_language_and_reads_old_packs():
    nl = [SimpleNamespace(key="a", title="Afwijkingen", rows=[("Geopend", 3)], text="", order=40)]
    en = [SimpleNamespace(key="a", title="Nonconformities", rows=[("Opened", 3)], text="", order=40)]
    data = review_rules.dump_pack({"nl": review_rules.section_dicts(nl), "en": review_rules.section_dicts(en)})
    assert review_rules.load_sections(data, "en")[0]["title"] == "Nonconformities"
    assert review_rules.load_sections(data, "nl")[0]["rows"] == [["Geopend", "3"]]
    assert review_rules.load_sections(data, "de")[0]["title"] == "Afwijkingen"  # the first language stored
    old = review_rules.dump_sections(nl)
    assert review_rules.load_sections(old, "en")[0]["title"] == "Afwijkingen"
