"""Pure rules of the speak-up channel: the legal terms (7 days, 3 months), which reminder is due on a given day,
and the yearly anonymous figures."""
import datetime as dt

from qms.speakup.hooks import due_reminders
from qms.speakup.workflow import CaseDates, acknowledge_due, add_months, feedback_due, year_figures


def test_terms_count_from_the_day_of_receipt():
    assert acknowledge_due(dt.date(2026, 3, 2)) == dt.date(2026, 3, 9)
    assert feedback_due(dt.date(2026, 3, 2)) == dt.date(2026, 6, 2)
    assert feedback_due(dt.date(2026, 11, 30)) == dt.date(2027, 2, 28)  # no 30 February
    assert add_months(dt.date(2024, 11, 30), 3) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2027, 11, 29), 3) == dt.date(2028, 2, 29)  # leap year
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)


def test_which_reminder_is_due_on_which_day():
    rows = [(1, "MLD-2026-0001", dt.date(2026, 3, 2), None, None)]
    assert due_reminders(dt.date(2026, 3, 6), rows) == []
    assert due_reminders(dt.date(2026, 3, 7), rows) == [("ack", "soon", 1, "MLD-2026-0001", dt.date(2026, 3, 9))]
    assert due_reminders(dt.date(2026, 3, 9), rows) == [("ack", "today", 1, "MLD-2026-0001", dt.date(2026, 3, 9))]
    assert due_reminders(dt.date(2026, 3, 10), rows)[0][:2] == ("ack", "overdue")
    acknowledged = [(1, "MLD-2026-0001", dt.date(2026, 3, 2), dt.date(2026, 3, 3), None)]
    assert due_reminders(dt.date(2026, 3, 10), acknowledged) == []
    assert due_reminders(dt.date(2026, 5, 19), acknowledged)[0][:2] == ("feedback", "soon")
    assert due_reminders(dt.date(2026, 6, 2), acknowledged) == [
        ("feedback", "today", 1, "MLD-2026-0001", dt.date(2026, 6, 2))]
    done = [(1, "MLD-2026-0001", dt.date(2026, 3, 2), dt.date(2026, 3, 3), dt.date(2026, 5, 1))]
    assert due_reminders(dt.date(2026, 7, 1), done) == []


def test_year_figures_count_per_category_and_measure_only_ended_or_answered_terms():
    cases = [
        CaseDates("harassment", dt.date(2026, 1, 10), dt.date(2026, 1, 12), dt.date(2026, 3, 1)),  # both in time
        CaseDates("harassment", dt.date(2026, 2, 1), dt.date(2026, 2, 20), dt.date(2026, 6, 1)),  # both late
        CaseDates("wrongdoing", dt.date(2026, 11, 20), None, None),  # ack term ended, feedback term not yet
        CaseDates("wrongdoing", dt.date(2026, 12, 1), None, None),  # nothing ended yet
        CaseDates("other", dt.date(2025, 12, 30), dt.date(2025, 12, 31), None),  # another year
    ]
    fig = year_figures(2026, cases, today=dt.date(2026, 12, 5))
    assert fig.total == 4 and fig.by_category == {"wrongdoing": 2, "manager_behaviour": 0, "harassment": 2,
                                                   "other": 0}
    assert (fig.acknowledge_measured, fig.acknowledged_in_time) == (3, 1)
    assert (fig.feedback_measured, fig.feedback_in_time) == (2, 1)
    assert fig.acknowledged_pct == 33.3 and fig.feedback_pct == 50.0
    assert year_figures(2024, cases, today=dt.date(2026, 12, 5)).acknowledged_pct is None
