"""Pure rules of document control: the state machine, numbers, labels, review dates, Markdown and the diff."""
import datetime as dt

import pytest

from qms.documents.content import render_markdown, sha256_text, side_by_side
from qms.documents.models import VersionState as S
from qms.documents.workflow import (TRANSITIONS, add_months, can_transition, next_label,
                                    next_review_date, review_status, valid_number)


@pytest.mark.parametrize("current,target", [
    (S.DRAFT, S.IN_REVIEW), (S.IN_REVIEW, S.APPROVED), (S.IN_REVIEW, S.DRAFT), (S.APPROVED, S.PUBLISHED),
    (S.APPROVED, S.DRAFT), (S.PUBLISHED, S.SUPERSEDED), (S.PUBLISHED, S.WITHDRAWN)])
def test_allowed_transitions(current, target):
    assert can_transition(current, target)


@pytest.mark.parametrize("current,target", [
    (S.DRAFT, S.APPROVED), (S.DRAFT, S.PUBLISHED), (S.IN_REVIEW, S.PUBLISHED), (S.PUBLISHED, S.DRAFT),
    (S.SUPERSEDED, S.PUBLISHED), (S.WITHDRAWN, S.PUBLISHED), (S.SUPERSEDED, S.DRAFT), (S.DRAFT, S.SUPERSEDED)])
def test_refused_transitions(current, target):
    assert not can_transition(current, target)


def test_retired_states_are_final_and_every_state_has_a_row():
    assert set(TRANSITIONS) == set(S)
    assert TRANSITIONS[S.SUPERSEDED] == TRANSITIONS[S.WITHDRAWN] == frozenset()


@pytest.mark.parametrize("number,ok", [("PR-012", True), ("WI-034", True), ("F-007", True), ("VGM-001", True),
                                       ("pr-012", False), ("PR012", False), ("PR-", False), ("", False),
                                       ("PR-012 ", False), ("P R-01", False)])
def test_numbers(number, ok):
    assert valid_number(number) is ok


def test_labels():
    assert next_label(1, 0, major_change=False) == (1, 1)
    assert next_label(1, 3, major_change=True) == (2, 0)


def test_review_dates_clamp_to_month_end():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 11, 15), 14) == dt.date(2028, 1, 15)
    assert next_review_date(dt.date(2026, 3, 1), 12) == dt.date(2027, 3, 1)
    assert next_review_date(dt.date(2026, 3, 1), 0) == dt.date(2026, 4, 1)  # at least a month


def test_review_status():
    today = dt.date(2026, 6, 1)
    assert review_status(None, today) == "none"
    assert review_status(dt.date(2026, 5, 31), today) == "overdue"
    assert review_status(dt.date(2026, 6, 20), today) == "due"
    assert review_status(dt.date(2026, 9, 1), today) == "ok"


@pytest.mark.parametrize("evil", [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))", "[x](data:text/html;base64,PHNjcmlwdD4=)", "<a href='javascript:x'>a</a>",
    "![i](javascript:alert(1))", "<iframe src=//evil></iframe>", "<svg onload=alert(1)>"])
def test_markdown_lets_no_script_through(evil):
    html = str(render_markdown(f"Tekst {evil} einde"))
    lowered = html.lower()
    assert "<script" not in lowered and "<img src=x" not in lowered and "<iframe" not in lowered
    assert "<svg" not in lowered and 'href="javascript' not in lowered and 'src="javascript' not in lowered
    assert 'href="data:' not in lowered


def test_markdown_renders_the_usual_structure():
    html = str(render_markdown("# Kop\n\n- een\n- twee\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[site](https://example.nl)"))
    assert "<h1>Kop</h1>" in html and "<li>een</li>" in html and "<table>" in html
    assert '<a href="https://example.nl">site</a>' in html


def test_hash_is_of_the_exact_text():
    assert sha256_text("a") != sha256_text("a ")
    assert sha256_text(None) == sha256_text("")
    assert len(sha256_text("x")) == 64


def test_side_by_side_diff():
    rows = side_by_side("een\ntwee\ndrie", "een\nTWEE\ndrie\nvier")
    assert [r.kind for r in rows] == ["equal", "replace", "equal", "insert"]
    assert (rows[1].left, rows[1].right) == ("twee", "TWEE")
    assert rows[3].left_no is None and rows[3].right_no == 4 and rows[3].right == "vier"
    deleted = side_by_side("a\nb", "a")
    assert deleted[-1].kind == "delete" and deleted[-1].right_no is None
    assert side_by_side(None, None) == []
