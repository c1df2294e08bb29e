"""The core kit every package uses: dates, the transition check, the domain error and the PDF kit (escaping by
default, and no package building Paragraphs or styles of its own)."""
import datetime as dt
import enum
import pathlib
import re

import pytest
from reportlab.platypus import Paragraph

from qms.core import pdf
from qms.core.dates import add_months, add_years, shift_month
from qms.core.errors import DomainError, FieldError
from qms.core.transitions import can_move, mover

QMS_DIR = pathlib.Path(__file__).resolve().parents[2] / "qms"


@pytest.mark.parametrize("day, months, expected", [
    (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
    (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),
    (dt.date(2026, 11, 30), 3, dt.date(2027, 2, 28)),
    (dt.date(2026, 3, 15), -3, dt.date(2025, 12, 15)),
    (dt.date(2026, 5, 31), 0, dt.date(2026, 5, 31)),
])
def test_add_months_keeps_the_day_or_takes_the_months_last(day, months, expected):
    assert add_months(day, months) == expected


def test_add_years_moves_29_february_to_28_february():
    assert add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)
    assert add_years(dt.date(2024, 2, 29), 4) == dt.date(2028, 2, 29)
    assert add_years(dt.date(2026, 6, 1), -3) == dt.date(2023, 6, 1)


def test_shift_month_crosses_years_both_ways():
    assert shift_month(2026, 1, -1) == (2025, 12)
    assert shift_month(2025, 12, 1) == (2026, 1)
    assert shift_month(2026, 3, -36) == (2023, 3)


class State(enum.Enum):
    A, B, C = "a", "b", "c"


TABLE = {State.A: frozenset({State.B}), State.B: frozenset({State.A, State.C}), State.C: frozenset()}


def test_can_move_follows_the_table_and_nothing_else():
    assert can_move(TABLE, State.A, State.B)
    assert not can_move(TABLE, State.A, State.C)
    assert not any(can_move(TABLE, State.C, s) for s in State)
    assert not can_move({}, State.A, State.B)  # a state without a row moves nowhere
    bound = mover(TABLE)
    assert bound(State.B, State.C) and not bound(State.B, State.B)


def test_domain_errors_carry_field_and_message_in_either_order():
    message_first = DomainError("Choose a date.", "due_on")
    field_first = FieldError("due_on", "Choose a date.")
    for error in (message_first, field_first):
        assert (error.field, error.message, str(error)) == ("due_on", "Choose a date.", "Choose a date.")
    assert DomainError("Not now.").field is None


@pytest.mark.parametrize("name", ["de Vries <BV", "Jan <b>", "A & B", "<para>x</para>", 'x" onload="y'])
def test_a_paragraph_shows_every_character_of_a_value(name):
    shown = pdf.para(f"Missing in: {name}, Anna")
    assert isinstance(shown, Paragraph)
    assert "".join(f.text for f in shown.frags) == f"Missing in: {name}, Anna"


def test_markup_passes_and_its_values_are_escaped():
    shown = pdf.para(pdf.bold("Jan <b>"))
    assert "".join(f.text for f in shown.frags) == "Jan <b>" and all(f.bold for f in shown.frags)
    assert pdf.text("one\ntwo") == "one<br/>two" and pdf.text(None) == ""


def test_a_table_and_a_grid_keep_markup_characters():
    table = pdf.table(["Name <x>"], [["de Vries <BV"]], [40])
    assert "".join(f.text for f in table._cellvalues[1][0].frags) == "de Vries <BV"
    grid = pdf.grid([["Naam"], ["Jan <b>"], ["x" * 40 + " <i>"]], header=True)
    assert grid._cellvalues[1][0] == "Jan <b>"  # a plain string: ReportLab never reads it as markup
    assert "".join(f.text for f in grid._cellvalues[2][0].frags).endswith(" <i>")


def test_every_pdf_is_built_through_the_core_kit():
    """No package builds Paragraphs from raw text or a style sheet of its own: the core escapes and styles."""
    offenders = []
    for path in QMS_DIR.rglob("*.py"):
        if path == QMS_DIR / "core" / "pdf.py":
            continue
        source = path.read_text(encoding="utf-8")
        if re.search(r"\bParagraph\(|getSampleStyleSheet|ParagraphStyle\(|numbered_canvas\(|canvasmaker=", source):
            offenders.append(str(path.relative_to(QMS_DIR)))
    assert offenders == []
