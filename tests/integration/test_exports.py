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
from tests.integration.test_documents_reading import published  # noqa: F401  (a fixture)
from tests.integration.test_documents_workflow import people  # noqa: F401  (a fixture)

INJECTIONS = ["=HYPERLINK(\"http://evil.example\",\"klik\")", "+31 6 1234", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]


def _export_rules(app, ids=None):
    """(endpoint, path with fmt=xlsx, path with fmt=csv or None) for every route that exports a list; a route
    with an id in its path gets the id in ``ids`` (a seeded record), else 1."""
    found = []
    for rule in app.url_map.iter_rules():
        converters = getattr(rule, "_converters", {})
        fmt = converters.get("fmt")
        values = {name: (ids or {}).get(name, 2026 if name == "year" else 1) for name in rule.arguments
                  if name != "fmt"}
        if isinstance(fmt, AnyConverter) and "xlsx" in fmt.items:
            csv_path = rule.build({**values, "fmt": "csv"})[1] if "csv" in fmt.items else None
            found.append((rule.endpoint, rule.build({**values, "fmt": "xlsx"})[1], csv_path))
        elif rule.rule.endswith(".xlsx") and not rule.arguments:
            twin = rule.rule[:-5] + ".csv"
            has_csv = any(r.rule == twin for r in app.url_map.iter_rules())
            found.append((rule.endpoint, rule.rule, twin if has_csv else None))
    return found


#: The exports added with the ISO 9001, VCA, users, reviews, substances and reading-coverage pages (CSV and XLSX).
NEW_ENDPOINTS = ["iso9001.competence_export", "vca.toolbox_export", "vca.diplomas_export", "iso9001.suppliers_export", "iso9001.satisfaction_export",
                 "vca.risks_export", "vca.cards_export", "admin.users_export", "reviews.index_export",
                 "substances.cards_export", "substances.cmr_export", "substances.hazard_codes_export",
                 "documents.coverage_export", "documents.people_export"]


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
    from qms.quality_measurement.models import Location
    from qms.vca.models import VcaEquipment

    db.session.add_all([Objective(title="=Klachten < 5", target=Decimal("5"), unit="per jaar", evaluation="",
                                  deadline=dt.date(2026, 12, 31)),
                        VcaEquipment(name="Ladder", code="L-1", interval_months=12, active=True),
                        Location(name="Kantoor Zuid", client="=Gemeente")])
    db.session.commit()


def test_every_list_export_answers_a_valid_xlsx_matching_its_csv(app, client, db, login_as):
    from qms.documents.models import Document, DocumentType

    _seed(db)
    _seed_registers(db)
    from qms.evidence.models import Certificate

    document = Document(number="PR-001", title="Werkinstructie", type=DocumentType.PROCEDURE)
    db.session.add_all([document, Certificate(norm="iso9001", certifying_body="Keurmerk BV", number="C-1",
                                              issued_on=dt.date(2025, 8, 10), expires_on=dt.date(2028, 8, 10))])
    db.session.commit()
    login_as(Role.ADMIN, Role.HR)
    rules = _export_rules(app, {"document_id": document.id})
    assert len(rules) >= 15, [r[0] for r in rules]
    assert set(NEW_ENDPOINTS) <= {r[0] for r in rules if r[2]}, "a new list export is missing from the walk"
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


def _in_dutch(client):
    """The tests run in English by default; these read the Dutch export, the product's default language."""
    with client.session_transaction() as session:
        session["lang"] = "nl"


def _seed_more_lists(db, chair):
    """One known row in each list that gained an export with the ISO 9001, VCA, users and reviews pages."""
    from decimal import Decimal

    from qms.iso9001.models import Competence, EmployeeFunction, JobFunction, SatisfactionResult
    from qms.iso9001.models.providers import Decision, SupplierEvaluation
    from qms.reviews.models import Review
    from qms.reviews.rules import ReviewState
    from qms.suppliers.models import Supplier
    from qms.vca.models import AssessmentKind, VcaLmraCard, VcaRiskAssessment, VcaRiskMeasure
    from qms.vca.substances.models import HazardKind, VcaCmrSubstance, VcaHazardCode, VcaProduct

    employee = Employee(number="C1", first_name="Cor", last_name="Competent", function="Schoonmaker",
                        hired_on=dt.date(2020, 1, 1))
    function = JobFunction(name="Glazenwasser", active=True)
    supplier = Supplier(name="=Leverancier BV", supplies="Schoonmaakmiddelen", active=True)
    tra = VcaRiskAssessment(kind=AssessmentKind.TRA, title="TRA hoogwerker", subject="Werken op hoogte",
                            assessed_on=dt.date(2020, 3, 1), assessed_by="K. Veilig", active=True)
    db.session.add_all([employee, function, supplier, tra,
                        SatisfactionResult(surveyed_on=dt.date(2026, 5, 1), client="=cmd|' /C calc'!A0",
                                           score=Decimal("7.5"), method="Enquête", remarks="Tevreden"),
                        VcaLmraCard(title="LMRA ramen", task="Ramen wassen", questions="Ladder goed?\nWeer veilig?",
                                    active=True),
                        Review(title="Directiebeoordeling 2026", period_start=dt.date(2025, 1, 1),
                               period_end=dt.date(2025, 12, 31), meeting_on=dt.date(2026, 2, 1), chair_id=chair.id,
                               state=ReviewState.PLANNED),
                        VcaProduct(name="@Reiniger", purpose="Sanitairreiniger", active=True),
                        VcaCmrSubstance(cas="50-00-0", name="Formaldehyde", category="1B", source="SZW-lijst",
                                        version_date=dt.date(2026, 1, 1)),
                        VcaHazardCode(code="H314", kind=HazardKind.HAZARD, text_nl="Brandwonden", text_en="Burns")])
    db.session.flush()
    db.session.add_all([Competence(function_id=function.id, name="Hoogwerker", training_title="Hoogwerker"),
                        EmployeeFunction(employee_id=employee.id, function_id=function.id),
                        SupplierEvaluation(supplier_id=supplier.id, evaluated_on=dt.date(2026, 1, 10), quality=4,
                                           delivery=4, communication=4, price=4, sustainability=4, score=80,
                                           decision=Decision.APPROVED, next_evaluation=dt.date(2027, 1, 10)),
                        VcaRiskMeasure(assessment_id=tra.id, measure="Valbeveiliging", due_on=dt.date(2026, 6, 1))])
    db.session.commit()


#: (path without the extension, a role without the page's permission, the first header in Dutch, a cell of the
#: seeded row -> the expected row, given the header).
NEW_EXPORTS = [
    ("/iso9001/competence/export", Role.STAFF, "Nummer",
     lambda rows: next(r for r in rows if r[0] == "C1")[:2] + [next(r for r in rows if r[0] == "C1")[
         rows[0].index("Glazenwasser")]], ["C1", "Cor Competent", "ontbreekt"]),
    ("/iso9001/suppliers/export", Role.STAFF, "Leverancier",
     lambda rows: next(r for r in rows if r[1] == "Schoonmaakmiddelen")[:7],
     ["'=Leverancier BV", "Schoonmaakmiddelen", 80, "Goedgekeurd", dt.datetime(2026, 1, 10),
      dt.datetime(2027, 1, 10), "nee"]),
    ("/iso9001/satisfaction/export", Role.STAFF, "Datum",
     lambda rows: rows[1], [dt.datetime(2026, 5, 1), "'=cmd|' /C calc'!A0", 7.5, "Enquête", "Tevreden"]),
    ("/vca/risks/export", Role.STAFF, "Titel",
     lambda rows: next(r for r in rows if r[0] == "TRA hoogwerker"),
     ["TRA hoogwerker", "TRA", "Werken op hoogte", dt.datetime(2020, 3, 1), "K. Veilig", "ja", 1]),
    ("/vca/cards/export", Role.STAFF, "Titel",
     lambda rows: rows[1], ["LMRA ramen", "Ramen wassen", 2, "Ladder goed?\nWeer veilig?"]),
    ("/reviews/export", Role.STAFF, "Datum van de vergadering",
     lambda rows: rows[1][:6], [dt.datetime(2026, 2, 1), "Directiebeoordeling 2026", dt.datetime(2025, 1, 1),
                                dt.datetime(2025, 12, 31), "Voorzitter Test", "Gepland"]),
    ("/vca/substances/reference/cmr/export", Role.STAFF, "CAS-nummer",
     lambda rows: rows[1], ["50-00-0", "Formaldehyde", "1B", "SZW-lijst", dt.datetime(2026, 1, 1)]),
    ("/vca/substances/reference/hazard-codes/export", Role.STAFF, "Code",
     lambda rows: rows[1], ["H314", "H-zin", "Brandwonden", "Burns"]),
]


@pytest.mark.parametrize("path, forbidden, first_header, pick, expected", NEW_EXPORTS,
                         ids=[e[0] for e in NEW_EXPORTS])
def test_the_iso_vca_and_review_lists_export_their_rows(client, db, login_as, make_user, path, forbidden,
                                                         first_header, pick, expected):
    chair = make_user(Role.COORDINATOR, name="Voorzitter Test")
    _seed_more_lists(db, chair)
    login_as(forbidden)
    assert client.get(f"{path}.xlsx").status_code == 403
    assert client.get(f"{path}.csv").status_code == 403
    client.post("/logout")
    login_as(Role.ADMIN)
    _in_dutch(client)
    xlsx = client.get(f"{path}.xlsx")
    assert xlsx.status_code == 200 and xlsx.mimetype == exports.XLSX_MIMETYPE
    rows = _xlsx_rows(xlsx.data)
    assert rows[0][0] == first_header
    assert pick(rows) == expected
    text = client.get(f"{path}.csv")
    assert text.status_code == 200 and text.mimetype == "text/csv"
    text_rows = _csv_rows(text.data)
    assert text_rows[0] == rows[0] and len(text_rows) == len(rows)


def test_the_new_page_buttons_link_their_export_with_the_filters(client, db, login_as, make_user):
    chair = make_user(Role.COORDINATOR, name="Voorzitter Test")
    _seed_more_lists(db, chair)
    login_as(Role.ADMIN)
    for page, export in [("/iso9001/competence?q=Cor", "/iso9001/competence/export.xlsx?q=Cor"),
                         ("/iso9001/suppliers", "/iso9001/suppliers/export.csv"),
                         ("/iso9001/satisfaction", "/iso9001/satisfaction/export.xlsx"),
                         ("/vca/risks?kind=tra", "/vca/risks/export.xlsx?kind=tra"),
                         ("/vca/cards", "/vca/cards/export.csv"),
                         ("/reviews/", "/reviews/export.xlsx"),
                         ("/admin/users?q=Voorzitter", "/admin/users/export.xlsx?q=Voorzitter"),
                         ("/vca/substances/cards?q=rein", "/vca/substances/cards/export.xlsx?q=rein"),
                         ("/vca/substances/reference", "/vca/substances/reference/cmr/export.csv"),
                         ("/vca/substances/reference", "/vca/substances/reference/hazard-codes/export.xlsx")]:
        assert f'href="{export}"' in client.get(page).get_data(as_text=True), page


def test_the_competence_and_risk_exports_apply_the_page_filter(client, db, login_as, make_user):
    chair = make_user(Role.COORDINATOR, name="Voorzitter Test")
    _seed_more_lists(db, chair)
    _seed(db)
    login_as(Role.ADMIN)
    rows = _xlsx_rows(client.get("/iso9001/competence/export.xlsx?q=Competent").data)
    assert [r[0] for r in rows[1:]] == ["C1"]
    assert len(_xlsx_rows(client.get("/iso9001/competence/export.xlsx").data)) > 2
    assert [r[1] for r in _xlsx_rows(client.get("/vca/risks/export.xlsx?kind=rie").data)[1:]] == []
    assert [r[0] for r in _xlsx_rows(client.get("/vca/risks/export.xlsx?kind=tra").data)[1:]] == ["TRA hoogwerker"]


def test_the_users_export_is_for_administrators_and_holds_no_secret(client, db, login_as, make_user):
    make_user(Role.COORDINATOR, Role.AUDITOR, name="=Injectie Gebruiker", email="inject@test.example")
    login_as(Role.COORDINATOR)
    assert client.get("/admin/users/export.xlsx").status_code == 403
    assert client.get("/admin/users/export.csv").status_code == 403
    client.post("/logout")
    admin = login_as(Role.ADMIN)
    _in_dutch(client)
    rows = _xlsx_rows(client.get("/admin/users/export.xlsx?q=Injectie").data)
    assert rows[0][:4] == ["Naam", "E-mailadres", "Rollen", "Status"]
    assert [r[:4] for r in rows[1:]] == [["'=Injectie Gebruiker", "inject@test.example",
                                          rows[1][2], "Actief"]]
    assert set(rows[1][2].split(", ")) == {Role.COORDINATOR.label, Role.AUDITOR.label}
    text = client.get("/admin/users/export.csv").get_data(as_text=True)
    assert admin.password_hash not in text and "$" not in text
    assert admin.email in text


def test_the_work_instruction_cards_export_is_for_every_role_with_the_search(client, db, login_as, make_user):
    chair = make_user(Role.COORDINATOR, name="Voorzitter Test")
    _seed_more_lists(db, chair)
    login_as(Role.STAFF)
    _in_dutch(client)
    rows = _xlsx_rows(client.get("/vca/substances/cards/export.xlsx?q=rein").data)
    assert rows == [["Product", "Soort product", "Instructie gehad"], ["'@Reiniger", "Sanitairreiniger", "nee"]]
    assert _xlsx_rows(client.get("/vca/substances/cards/export.xlsx?q=onbekend").data)[1:] == []
    assert _csv_rows(client.get("/vca/substances/cards/export.csv?q=rein").data)[1] == ["'@Reiniger",
                                                                                        "Sanitairreiniger", "nee"]


def test_the_reading_coverage_exports_give_the_pages_figures(app, db, people, published, make_user):
    from tests.integration.test_documents_workflow import client_for

    document, version = published
    from tests.factories import read_and_confirm

    read_and_confirm(client_for(app, people["staff"]), document.id, version.id)
    staff = client_for(app, people["staff"])
    assert staff.get(f"/documents/{document.id}/coverage/export.xlsx").status_code == 403
    assert staff.get("/documents/coverage/export.csv").status_code == 403
    auditor = client_for(app, people["reviewer"])
    _in_dutch(auditor)
    rows = _xlsx_rows(auditor.get(f"/documents/{document.id}/coverage/export.xlsx").data)
    assert rows[0] == ["Naam", "E-mailadres", "Bevestigd", "Bevestigd op"]
    mine = next(r for r in rows[1:] if r[0] == people["staff"].name)
    assert mine[1:3] == [people["staff"].email, "ja"] and isinstance(mine[3], dt.datetime)
    assert len(_csv_rows(auditor.get(f"/documents/{document.id}/coverage/export.csv").data)) == len(rows)
    page = auditor.get("/documents/coverage").get_data(as_text=True)
    assert f'href="/documents/{document.id}/coverage/export.xlsx"' in auditor.get(
        f"/documents/{document.id}/coverage").get_data(as_text=True)
    assert 'href="/documents/coverage/export.csv"' in page
    from qms.documents import services

    per_person = _xlsx_rows(auditor.get("/documents/coverage/export.xlsx").data)
    assert per_person[0] == ["Naam", "Moet lezen", "Bevestigd", "Nog te lezen"]
    expected = {r.user.name: [r.must_read, r.confirmed, r.open] for r in services.coverage_by_person(
        [people["staff"], people["hr"]])}
    assert {r[0]: r[1:] for r in per_person[1:] if r[0] in expected} == expected
    assert expected[people["staff"].name] == [1, 1, 0]


def test_the_new_exports_cost_the_same_queries_for_one_or_many_rows(client, db, login_as, make_user):
    from decimal import Decimal

    from sqlalchemy import event

    from qms.iso9001.models import EmployeeFunction, JobFunction, SatisfactionResult
    from qms.iso9001.models.providers import Decision, SupplierEvaluation
    from qms.reviews.models import Review, ReviewDecision
    from qms.suppliers.models import Supplier
    from qms.vca.models import AssessmentKind, VcaLmraCard, VcaRiskAssessment, VcaRiskMeasure
    from qms.vca.substances.models import VcaProduct

    chair = make_user(Role.COORDINATOR, name="Voorzitter Test")
    _seed_more_lists(db, chair)
    login_as(Role.ADMIN)
    urls = [f"{path}.xlsx" for path, *_rest in NEW_EXPORTS] + [
        "/admin/users/export.xlsx", "/vca/substances/cards/export.xlsx", "/documents/coverage/export.xlsx"]

    def queries(url):
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            response = client.get(url)
            assert response.status_code == 200 and response.data[:2] == b"PK", url
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    few = {url: queries(url) for url in urls}
    function = db.session.scalar(db.select(JobFunction))
    for n in range(6):
        make_user(Role.STAFF, Role.HR)
        employee = Employee(number=f"M{n}", first_name="Meer", last_name=f"Mens{n}", function="Schoonmaker",
                            hired_on=dt.date(2020, 1, 1))
        supplier = Supplier(name=f"Leverancier {n}", active=True)
        tra = VcaRiskAssessment(kind=AssessmentKind.TRA, title=f"TRA {n}", assessed_on=dt.date(2026, 1, 1), active=True)
        review = Review(title=f"Beoordeling {n}", period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 12, 31),
                        meeting_on=dt.date(2026, 3, 1), chair_id=chair.id)
        db.session.add_all([employee, supplier, tra, review, VcaProduct(name=f"Middel {n}", active=True),
                            VcaLmraCard(title=f"LMRA {n}", questions="Veilig?", active=True),
                            SatisfactionResult(surveyed_on=dt.date(2026, 4, 1), client=f"Klant {n}",
                                               score=Decimal("8"))])
        db.session.flush()
        db.session.add_all([EmployeeFunction(employee_id=employee.id, function_id=function.id),
                            SupplierEvaluation(supplier_id=supplier.id, evaluated_on=dt.date(2026, 1, 1), quality=3,
                                               delivery=3, communication=3, price=3, sustainability=3, score=60,
                                               decision=Decision.CONDITIONAL, next_evaluation=dt.date(2027, 1, 1)),
                            VcaRiskMeasure(assessment_id=tra.id, measure="Maatregel", due_on=dt.date(2026, 6, 1)),
                            ReviewDecision(review_id=review.id, text="Besluit")])
    db.session.commit()
    assert {url: queries(url) for url in urls} == few
