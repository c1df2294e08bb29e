"""Reading numbers written in Dutch or English notation: the file's notation decides the ambiguous ones."""
import pytest

from qms.i18n import AmbiguousNumber, detect_notation, parse_number


@pytest.mark.parametrize("values, notation", [
    (["1.597", "1.234,5"], "nl"),       # a comma decimal: the file is Dutch
    (["1.597", "12,25"], "nl"),
    (["1.597", "1.234.567"], "nl"),     # dot thousands groups
    (["1.597", "12.5"], "en"),          # a dot decimal that cannot be a thousands group
    (["1.597", "1,234.5"], "en"),
    (["1.597", "1597"], None),          # nothing tells
    (["1.597"], None),
    (["12,5", "12.5"], None),           # contradicting evidence decides nothing
])
def test_the_notation_of_a_column(values, notation):
    assert detect_notation(values) == notation


@pytest.mark.parametrize("text, notation, value", [
    ("1.597", "nl", 1597), ("1.597", "en", 1.597), ("1,597", "nl", 1.597), ("1,597", "en", 1597),
    ("1.234,50", None, 1234.5), ("1,234.50", None, 1234.5), ("12,5", None, 12.5), ("12.5", None, 12.5),
    ("1597", None, 1597), (" 1 597,25 ", "nl", 1597.25), ("-3,5", "nl", -3.5), ("1.234.567", None, 1234567),
])
def test_parse_number(text, notation, value):
    assert parse_number(text, notation) == pytest.approx(value)


@pytest.mark.parametrize("text", ["1.597", "1,597", "12.345"])
def test_an_ambiguous_value_without_a_notation_is_refused(text):
    with pytest.raises(AmbiguousNumber):
        parse_number(text, None)


@pytest.mark.parametrize("text", ["", "abc", "1,2,3.4.5", "nan", "inf", "1..2", "1.23,4.5"])
def test_not_a_number(text):
    with pytest.raises(ValueError):
        parse_number(text, "nl")
