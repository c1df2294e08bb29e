"""The shared form fields refuse numbers no column can hold, and every form uses them."""
import ast
import decimal
import pathlib

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form, SelectChoice, SelectField, StringField

from qms.database import MAX_ID
from qms.forms import MAX_INT, DecimalField, FloatField, IntegerField, Optional, id_value, int_choice

QMS_DIR = pathlib.Path(__file__).resolve().parents[2] / "qms"
#: The WTForms names a form must take from qms.forms instead.
SHARED = {"IntegerField", "DecimalField", "FloatField", "Optional", "IntegerRangeField", "DecimalRangeField"}


class Numbers(Form):
    whole = IntegerField(validators=[Optional()])
    amount = DecimalField(places=2, validators=[Optional()])
    ratio = FloatField(validators=[Optional()])
    kind = SelectField(choices=[SelectChoice("", "All"), SelectChoice("a", "A")], validators=[Optional()])
    text = StringField(validators=[Optional()])


def numbers(**data) -> Numbers:
    form = Numbers(MultiDict(data))
    form.validate()
    return form


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "NaN", "sNaN", "1e309", "-1e309", "Infinity"])
def test_non_finite_numbers_are_refused(value):
    form = numbers(amount=value, ratio=value)
    assert form.amount.data is None and form.amount.errors
    assert form.ratio.data is None and form.ratio.errors
    assert form.amount._value() == value  # the page shows what was typed, without rounding Infinity


@pytest.mark.parametrize("value", [str(2**31), str(-(2**31)), "9" * 40])
def test_integers_beyond_an_integer_column_are_refused(value):
    form = numbers(whole=value)
    assert form.whole.data is None and form.whole.errors == ["This number is too large."]


def test_the_largest_integer_is_accepted_and_one_constant_names_it():
    assert MAX_INT == MAX_ID == 2**31 - 1
    assert numbers(whole=str(MAX_INT)).whole.data == MAX_INT
    assert numbers(whole=str(-MAX_INT)).whole.data == -MAX_INT


def test_huge_decimals_are_refused_ordinary_ones_kept():
    assert numbers(amount="1e15").amount.errors == ["This number is too large."]
    form = numbers(amount="123456.785", ratio="0.25")
    assert form.amount.data == decimal.Decimal("123456.785") and not form.amount.errors
    assert form.ratio.data == 0.25


def test_blank_input_is_no_value():
    form = numbers(kind=" ", text="  ", whole=" ")
    assert form.kind.data == "" and not form.kind.errors
    assert form.text.data == "" and form.whole.data is None and not form.errors
    assert numbers(kind="zz").kind.errors  # a wrong choice is still refused


@pytest.mark.parametrize("value, expected", [("", None), (None, None), ("7", 7), (str(MAX_ID), MAX_ID)])
def test_id_values(value, expected):
    assert id_value(value) == expected


@pytest.mark.parametrize("value", ["0", "-1", str(MAX_ID + 1), "1e3", "x"])
def test_impossible_ids_are_refused(value):
    with pytest.raises(ValueError):
        id_value(value)
    with pytest.raises(ValueError):
        int_choice(value)


def test_forms_take_numeric_fields_and_optional_from_the_core():
    offenders = []
    for path in sorted(QMS_DIR.rglob("*.py")):
        if path == QMS_DIR / "forms.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "wtforms":
                offenders += [f"{path.relative_to(QMS_DIR.parent)}:{node.lineno} {a.name}"
                              for a in node.names if a.name in SHARED]
            elif (isinstance(node, ast.Attribute) and node.attr in SHARED and isinstance(node.value, ast.Name)
                  and node.value.id in {"wtforms", "fields", "validators"}):
                offenders.append(f"{path.relative_to(QMS_DIR.parent)}:{node.lineno} {node.attr}")
    assert not offenders, "import these from qms.forms (finite, column-sized numbers):\n  " + "\n  ".join(offenders)
