"""The list exports: every export route answers a valid XLSX with the same header and rows as its CSV, no cell
is a formula, the page's filters apply, and text that a spreadsheet would run is neutralised."""
import csv
import datetime as dt
import io
import re

import openpyxl
import pytest
from werkzeug.routing import AnyConverter

from qms.core import exports
from qms.organisation.models import Department, Employee, Site
from qms.permissions import Role

INJECTIONS = ["=HYPERLINK(\"http://evil.example\",\"klik\")", "+31 6 1234", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]


def _export_rules(app):
    """(endpoint, path with fmt=xlsx, path with fmt=csv or None) for every route that exports a list."""
    found = []
    for rule in app.url_map.iter_rules():
        converters = getattr(rule, "_converters", {})
        fmt = converters.get("fmt")
        values = {name: 2026 if name == "year" else 1 for name in rule.arguments if name != "fmt"}
        if isinstance(fmt, AnyConverter) and "xlsx" in fmt.items:
            csv_path = rule.build({**values, "fmt": "csv"})[1] if "csv" in fmt.items else None
            found.append((rule.endpoint, rule.build({**values, "fmt": "xlsx"})[1], csv_path))
        elif rule.rule.endswith(".xlsx") and not rule.arguments:
            twin = rule.rule[:-5] + ".csv"
            has_csv = any(r.rule == twin for r in app.url_map.iter_rules())
            found.append((rule.endpoint, rule.rule, twin if has_csv else None))
    return found


def _seed(db):
    department = Department(name="Schoonmaak")
    site = Site(name="=Kantoor")
    db.session.add_all([department, site])
    db.session.flush()
    db.session.add_all(Employee(number=f"E{i}", first_name=text, last_name=f"Test{i}", function="Schoonmaker",
                                department_id=department.id, site_id=site.id, hired_on=dt.date(2020, 1, 1))
                       for i, text in enumerate(INJECTIONS))
    db.session.commit()


def _xlsx_rows(data: bytes):
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row), "a cell is a formula"
    return [[c.value for c in row] for row in sheet.iter_rows()]


def _csv_rows(data: bytes):
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def _seed_registers(db):
    """A row in registers whose export computes more than it reads (a status, a latest value)."""
    from decimal import Decimal

    from qms.iso9001.models import Objective
    from qms.vca.models import VcaEquipment

    db.session.add_all([Objective(title="=Klachten < 5", target=Decimal("5"), unit="per jaar", evaluation="",
                                  deadline=dt.date(2026, 12, 31)),
                        VcaEquipment(name="Ladder", code="L-1", interval_months=12, active=True)])
    db.session.commit()


def test_every_list_export_answers_a_valid_xlsx_matching_its_csv(app, client, db, login_as):
    _seed(db)
    _seed_registers(db)
    login_as(Role.ADMIN, Role.HR)
    rules = _export_rules(app)
    assert len(rules) >= 15, [r[0] for r in rules]
    for endpoint, xlsx_path, csv_path in rules:
        response = client.get(xlsx_path)
        assert response.status_code == 200, (endpoint, response.status_code)
        assert response.mimetype == exports.XLSX_MIMETYPE, endpoint
        rows = _xlsx_rows(response.data)
        assert rows and all(isinstance(h, str) and h for h in rows[0]), endpoint
        if csv_path:
            text_rows = _csv_rows(client.get(csv_path).data)
            assert text_rows[0] == rows[0], endpoint
            assert len(text_rows) == len(rows), endpoint


def test_formula_injection_is_neutralised_in_xlsx_and_csv(client, db, login_as):
    _seed(db)
    login_as(Role.HR)
    xlsx = _xlsx_rows(client.get("/organisation/employees/export.xlsx").data)
    text = _csv_rows(client.get("/organisation/employees/export.csv").data)
    for rows in (xlsx, text):
        # XML keeps no bare carriage return: the workbook reads it back as a line feed (still behind the quote).
        first_names = {row[1].replace("\r", "\n") for row in rows[1:]}
        assert first_names == {"'" + value.replace("\r", "\n") for value in INJECTIONS}
        assert {row[5] for row in rows[1:]} == {"'=Kantoor"}


def test_an_export_has_the_rows_of_the_page_with_its_filter(client, db, login_as):
    _seed(db)
    login_as(Role.HR)
    for query in ("q=Test1", "q=Test", "status=left", ""):
        page = client.get(f"/organisation/employees?{query}").get_data(as_text=True)
        shown = sorted(set(re.findall(r'href="/organisation/employees/(\d+)"', page)))
        rows = _xlsx_rows(client.get(f"/organisation/employees/export.xlsx?{query}").data)[1:]
        numbers = {row[0] for row in rows}
        assert len(rows) == len(shown), query
        from qms.extensions import db as _db
        from qms.organisation.models import Employee as E

        assert numbers == {_db.session.get(E, int(i)).number for i in shown}, query


@pytest.mark.parametrize("value", INJECTIONS + ["gewoon", "", None, "3-2"])
def test_safe_cell(value):
    out = exports.safe_cell(value)
    text = "" if value is None else value
    assert out == ("'" + text if text[:1] in "=+-@\t\r" and text else text)
    assert exports.unsafe_cell(out) == text


def test_typed_cells_and_labels():
    import enum

    class Colour(enum.Enum):
        RED = "red"

        @property
        def label(self):
            return "Rood"

    assert exports.cell_value(Colour.RED) == "Rood"
    assert exports.cell_value(dt.date(2026, 1, 2)) == dt.date(2026, 1, 2)
    assert exports.cell_value(3) == 3


def test_the_pso_register_export_is_only_for_the_roles_that_see_the_register(client, db, login_as):
    _seed(db)
    login_as(Role.COORDINATOR)
    assert client.get("/pso/register/export.xlsx").status_code == 403
    assert client.get("/pso/register/export.csv").status_code == 403
    client.post("/logout")
    login_as(Role.HR)
    rows = _xlsx_rows(client.get("/pso/register/export.xlsx?q=Test1").data)
    assert [row[0] for row in rows[1:]] == ["E1"]
