"""PSO register, privacy, payroll import, measurements and the calculator CLI, through the app."""
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from qms.audit.models import AuditEntry
from qms.organisation.models import Employee
from qms.permissions import Role
from qms.pso import services
from qms.pso.models import MeasurementState, PsoHours, PsoMeasurement, PsoTargetStatus
from qms.pso.services import PsoError, StatusData

YEAR = 2025


@pytest.fixture
def company(db):
    """Nine regular staff and one Wajong colleague with a documented dossier: 10 % direct in 2025."""
    people = []
    for n in range(10):
        e = Employee(number=f"N{n:03}", first_name="Anna" if n else "Wendy", last_name=f"Test{n}", function="cleaner",
                     hired_on=dt.date(2015, 1, 1))
        db.session.add(e)
        people.append(e)
    db.session.flush()
    for e in people:
        services.add_employment(e, start=dt.date(2015, 1, 1), end=None, contract_type="regular",
                                hours_per_week=Decimal(40), norm_week_hours=None)
    status = services.save_status(people[0], StatusData(
        starting_position="wia_wajong", intake_date=dt.date(2015, 1, 1), suitable_work="vaste ronde",
        integration="werkoverleg", support="jobcoach"))
    services.add_conversation(status, held_on=dt.date(YEAR, 5, 1), kind="performance", summary="goed gesprek")
    db.session.commit()
    return people


def test_score_from_the_register(company):
    current = services.score(YEAR)
    assert current.error is None
    assert current.result.total_fte == pytest.approx(10)
    assert current.result.direct_pct == pytest.approx(10)
    assert current.result.level == "trede2"
    # names never enter the calculation: pseudonyms only
    assert all(e.id.startswith("P-") for e in current.register.input.employees)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR, Role.AUDITOR, Role.STAFF])
def test_other_roles_never_see_the_register_or_names(client, login_as, company, role):
    login_as(role)
    wendy = company[0]
    for url in ("/pso/register", f"/pso/register/{wendy.id}", f"/pso/register/{wendy.id}/status", "/pso/import",
                "/pso/purchases"):
        assert client.get(url).status_code == 403, url
    page = client.get(f"/pso/?year={YEAR}")
    if role is Role.STAFF:
        assert page.status_code == 403
        return
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "10.0" in html
    assert "Wendy" not in html and "Wajong" not in html
    named = client.get(f"/pso/dossier.pdf?year={YEAR}&named=1")
    assert named.headers["Content-Disposition"].endswith('pseudonymised.pdf"')


def test_hr_sees_the_dossier_and_each_view_is_audited(client, login_as, company, db):
    login_as(Role.HR)
    wendy = company[0]
    before = db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "view"))
    page = client.get(f"/pso/register/{wendy.id}?year={YEAR}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Wendy" in html and "WAO / WIA / WAZ / Wajong" in html
    client.get(f"/pso/register/{wendy.id}/status")
    views = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "view")
                               .order_by(AuditEntry.id)).all()
    assert len(views) == before + 2
    assert views[-1].entity_type == "pso_target_status" and views[-1].entity_id == str(wendy.id)
    # a person without a target-group status is not a dossier view
    client.get(f"/pso/register/{company[1].id}")
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "view")) \
        == before + 2


def test_the_trail_hides_target_group_values_from_other_roles(client, login_as, company):
    login_as(Role.AUDITOR)
    html = client.get("/audit/?entity_type=pso_target_status").get_data(as_text=True)
    assert "wia_wajong" not in html


def test_status_form_keeps_input_and_explains_a_refusal(client, login_as, company, db):
    login_as(Role.HR)
    person = company[2]
    response = client.post(f"/pso/register/{person.id}/status", data={
        "starting_position": "loonkostensubsidie", "intake_date": "2024-02-01", "school": "ROC"})
    html = response.get_data(as_text=True)
    assert "counts only until its end date" in html and 'value="ROC"' in html
    assert db.session.scalar(select(PsoTargetStatus).where(PsoTargetStatus.employee_id == person.id)) is None


def test_payroll_import_previews_every_rejection_before_saving(client, login_as, company, db):
    login_as(Role.HR)
    csv = ("personeelsnummer;jaar;uren\n"
           "N000;2025;1664\n"
           "N001;2025;1.500,5\n"
           "X999;2025;100\n"
           "N002;2025;-4\n"
           "N003;twintig;100\n"
           "N000;2025;12\n"
           "N004;2024;100\n"
           "N005;2025;veel\n")
    response = client.post("/pso/import", data={"year": "2025", "file": (io.BytesIO(csv.encode()), "loon.csv")},
                           content_type="multipart/form-data")
    # The file is checked by a job (run in the request here: jobs are immediate in tests); its page is the preview.
    assert response.status_code == 302 and "/pso/import/jobs/" in response.headers["Location"]
    check_url = response.headers["Location"]
    html = client.get(check_url).get_data(as_text=True)
    assert "2 rows can be imported; 6 rows are rejected" in html
    for reason in ("employee number X999 is not in the register", "hours cannot be negative",
                   "twintig is not a year", "already appear on line 2", "not the peiljaar chosen",
                   "veel is not a number of hours"):
        assert reason in html
    assert db.session.scalar(select(func.count()).select_from(PsoHours)) == 0
    response = client.post(f"{check_url}/confirm")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 rows were imported; 6 rows were skipped." in page
    hours = dict(db.session.execute(select(Employee.number, PsoHours.hours_worked).join(
        PsoHours, PsoHours.employee_id == Employee.id)).all())
    assert hours == {"N000": Decimal("1664.00"), "N001": Decimal("1500.50")}


def test_payroll_preview_reads_dutch_thousands_and_shows_totals(client, login_as, company, db):
    """"1.597" in a Dutch file is 1,597 hours (not 1.6): the totals in the preview show a wrong file at once."""
    login_as(Role.HR)
    assert client.post("/language", data={"lang": "nl", "next": "/"}).status_code == 302
    csv = "personeelsnummer;jaar;uren\nN000;2025;1.597\nN001;2025;1.234,5\nN002;2025;2080\n"
    html = client.post("/pso/import", data={"year": "2025", "file": (io.BytesIO(csv.encode()), "loon.csv")},
                       content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "Regels: 3 · personen: 3 · uren: 4.911,5 · FTE: 2,36" in html
    assert "Nederlandse notatie" in html
    ambiguous = "personeelsnummer;jaar;uren\nN000;2025;1.597\nN001;2025;2080\n"
    html = client.post("/pso/import", data={"year": "2025", "file": (io.BytesIO(ambiguous.encode()), "loon.csv")},
                       content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "1.597 kan 1597 of 1,597 uur betekenen" in html
    assert "Regels: 1 · personen: 1 · uren: 2.080 · FTE: 1,00" in html


def test_xlsx_import(client, login_as, company, db):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Number", "Year", "Hours"])
    sheet.append(["N000", 2025, 1700.25])
    sheet.append(["N001", 2025, None])
    data = io.BytesIO()
    book.save(data)
    login_as(Role.HR)
    html = client.post("/pso/import", data={"year": "2025", "file": (io.BytesIO(data.getvalue()), "loon.xlsx")},
                       content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "1 rows can be imported; 1 rows are rejected" in html and "is missing" in html


def test_a_submitted_measurement_never_changes_and_corrections_link_to_it(client, login_as, company, db):
    user = login_as(Role.HR)
    response = client.post("/pso/measurements/new", data={"year": str(YEAR)})
    m = db.session.scalar(select(PsoMeasurement))
    assert response.status_code == 302 and m.state is MeasurementState.DRAFT
    frozen = json.loads(m.inputs)
    assert frozen["peiljaar"] == YEAR and "Wendy" not in m.inputs
    client.post(f"/pso/measurements/{m.id}/submit")
    db.session.refresh(m)
    assert m.state is MeasurementState.SUBMITTED
    # the register changes; the submitted measurement does not
    services.set_hours(company[0], YEAR, Decimal(100))
    db.session.commit()
    client.post(f"/pso/measurements/{m.id}/discard")
    db.session.refresh(m)
    assert m.state is MeasurementState.SUBMITTED
    m.results = "{}"
    with pytest.raises(PsoError):
        db.session.flush()
    db.session.rollback()
    client.post(f"/pso/measurements/{m.id}/correct", data={"reason": "hours corrected by payroll"})
    correction = db.session.scalar(select(PsoMeasurement).where(PsoMeasurement.corrects_id == m.id))
    db.session.refresh(m)
    assert correction is not None and correction.total_pct < m.total_pct
    assert json.loads(m.results)["total_pct"] == pytest.approx(10)
    assert user.id == correction.created_by_id


def test_purchases_count_indirectly_with_the_cap(client, login_as, company, db):
    login_as(Role.HR)
    response = client.post(f"/pso/purchases?year={YEAR}", data={
        "supplier_name": "SW Midden", "kind": "sw", "invoice_value": "100000", "supplier_turnover": "1000000",
        "supplier_target_fte": "100"})
    assert response.status_code == 302
    result = services.score(YEAR).result
    assert result.indirect_capped and result.indirect_pct == pytest.approx(40)
    bad = client.post(f"/pso/purchases?year={YEAR}", data={
        "supplier_name": "Nul", "kind": "pso", "invoice_value": "10", "supplier_turnover": "0",
        "supplier_target_fte": "1"})
    assert "turnover must be more than zero" in bad.get_data(as_text=True)


def test_reference_upload_names_file_and_line(client, login_as, db):
    login_as(Role.ADMIN)
    csv = "fte,trede1,trede2,trede3\n2,21,28,33\n3,x,27,32\n"
    html = client.post("/pso/reference", data={"version": "1.9", "file": (io.BytesIO(csv.encode()), "norm.csv")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "norm.csv, line 3: &#39;x&#39; is not a number" in html
    rows = "fte,trede1,trede2,trede3\n" + "".join(f"{n},{30 - n / 10:.2f},{35 - n / 10:.2f},{40 - n / 10:.2f}\n"
                                                  for n in range(2, 106))
    response = client.post("/pso/reference", data={"version": "1.9", "file": (io.BytesIO(rows.encode()), "full.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    ref = services.reference_version("1.9")
    assert len(ref.norm_rows) == 104 and ref.norm_table_complete and "norm_table" not in ref.unconfirmed_notes


def test_cli_calculates_from_json(app, tmp_path):
    path = tmp_path / "in.json"
    path.write_text(json.dumps({"peiljaar": 2025, "employees": [
        {"id": "A", "contract_type": "regular", "hours_per_week": 40, "start": "2020-01-01"},
        {"id": "B", "contract_type": "regular", "hours_per_week": 20, "start": "2020-01-01",
         "starting_position": "ww", "intake_date": "2020-01-01"}]}))
    result = app.test_cli_runner().invoke(args=["qms", "pso", "calculate", str(path)])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["total_fte"] == pytest.approx(1.5) and out["direct_pct"] == pytest.approx(25)
    assert out["reference_version"] == "2.1" and out["level"] is None  # handbook 2.1 is in force today
    path.write_text(json.dumps({"peiljaar": 2025, "employees": [], "purchases": []}))
    bad = app.test_cli_runner().invoke(args=["qms", "pso", "calculate", str(path)])
    assert bad.exit_code == 1 and "no employees" in bad.output


def test_the_demo_company_reaches_level_3_with_a_submitted_measurement(app, db):
    from qms.demo.company import load_demo
    from qms.organisation.services import today

    load_demo(db.session, "demo-password-for-tests", today=today())
    db.session.commit()
    current = services.score(today().year - 1)
    assert current.error is None
    assert current.result.level == "trede3", current.result.missing
    assert current.result.indirect_pct > 0 and current.result.dossiers >= 6
    states = sorted(m.state.value for m in services.measurements())
    assert states == ["draft", "submitted"]
    assert len(services.history()) == 2


def test_hooks_give_kpi_live_evidence_and_review_section(app, company, db):
    from flask import current_app

    from qms.norms import registry

    with current_app.test_request_context():
        from qms.pso import hooks

        norm = registry().get("pso")
        codes = {item.requirement for item in registry().live_evidence("pso", "1.9", "trede3")}
        assert {"Q.2", "Q.3", "Q.4.4", "Q.6", "K.3", "P30.2"} <= codes
        assert all(norm.requirement("1.9", code) is not None for code in codes)
        section = hooks.review_section(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
        assert section.title and section.rows
        assert hooks.kpi_score() == "—" or "%" in hooks.kpi_score()


def test_apprentice_status_with_evidence_only_hr_reads_the_file(client, login_as, company, db, make_user):
    hr = login_as(Role.HR)
    person = company[3]
    pdf = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
    response = client.post(f"/pso/register/{person.id}/status", content_type="multipart/form-data", data={
        "starting_position": "bbl2", "intake_date": "2024-09-01", "status_until": "2027-08-31",
        "education_route": "bbl", "education_level": "2", "school": "ROC Midden",
        "evidence": (io.BytesIO(pdf), "beschikking.pdf"), "suitable_work": "ja", "integration": "ja",
        "support": "leermeester"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    status = db.session.scalar(select(PsoTargetStatus).where(PsoTargetStatus.employee_id == person.id))
    assert status.education_level == 2 and status.evidence_file_id is not None
    assert client.get(f"/files/{status.evidence_file_id}").status_code == 200
    other = make_user(Role.COORDINATOR)
    client.post("/logout")
    client.post("/login", data={"email": other.email, "password": "correct horse battery"})
    assert client.get(f"/files/{status.evidence_file_id}").status_code == 404
    assert hr.id != other.id
    # Special personal data: not even an administrator reads the decision letter.
    admin = make_user(Role.ADMIN)
    client.post("/logout")
    client.post("/login", data={"email": admin.email, "password": "correct horse battery"})
    assert client.get(f"/files/{status.evidence_file_id}").status_code == 404


def _queries(client, url):
    from sqlalchemy import event

    from qms.extensions import db as _db

    seen = []
    listener = lambda *args: seen.append(1)  # noqa: E731
    event.listen(_db.engine, "before_cursor_execute", listener)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(_db.engine, "before_cursor_execute", listener)
    return len(seen)


def test_score_and_register_pages_do_not_query_per_person(client, login_as, company, db):
    login_as(Role.HR)
    urls = (f"/pso/?year={YEAR}", f"/pso/register?year={YEAR}", f"/pso/forecast?year={YEAR}")
    extra = Employee(number="M999", first_name="No", last_name="Period", function="cleaner",
                     hired_on=dt.date(2018, 1, 1))  # counted from the employee register
    db.session.add(extra)
    db.session.commit()
    _queries(client, urls[0])  # pseudonyms are created on the first calculation
    before = [min(_queries(client, url), _queries(client, url)) for url in urls]  # housekeeping aside
    for n in range(20):
        e = Employee(number=f"M{n:03}", first_name="Extra", last_name=f"Person{n}", function="cleaner",
                     hired_on=dt.date(2018, 1, 1))
        db.session.add(e)
        db.session.flush()
        if n % 2:
            services.save_status(e, StatusData(starting_position="ww", intake_date=dt.date(2018, 1, 1)))
    db.session.commit()
    _queries(client, urls[0])
    after = [min(_queries(client, url), _queries(client, url)) for url in urls]
    # 20 more people (10 with a dossier) cost no more queries; a little slack for the app's own housekeeping
    assert all(a <= b + 2 for a, b in zip(after, before)), (before, after)


def test_admin_loads_a_new_version_that_applies_from_its_date(client, login_as, db):
    from qms.pso.reference import FOLDER

    text = (FOLDER / "1.9.toml").read_text(encoding="utf-8")
    text = text.replace('code = "1.9"', 'code = "2.2"').replace("effective = 2021-04-01", "effective = 2027-04-01")
    text = text.replace("weight = 0.75\n", "weight = 0.8\n", 1)
    login_as(Role.ADMIN)
    response = client.post("/pso/reference", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(text.encode()), "2.2.toml")})
    assert response.status_code == 302
    assert services.reference_in_force(dt.date(2027, 5, 1)).code == "2.2"
    assert services.reference_in_force(dt.date(2025, 5, 1)).code == "2.1"
    assert services.reference_in_force(dt.date(2022, 5, 1)).code == "2.0"
    assert services.reference_version("2.2").positions["ww"].weight == 0.8
    page = client.get("/pso/reference").get_data(as_text=True)
    assert "2.2.toml" in page


def test_measurement_names_only_for_hr(client, login_as, company, db, make_user):
    login_as(Role.HR)
    client.post("/pso/measurements/new", data={"year": str(YEAR)})
    m = db.session.scalar(select(PsoMeasurement))
    assert "Wendy Test0" in client.get(f"/pso/measurements/{m.id}").get_data(as_text=True)
    auditor = make_user(Role.AUDITOR)
    client.post("/logout")
    client.post("/login", data={"email": auditor.email, "password": "correct horse battery"})
    html = client.get(f"/pso/measurements/{m.id}").get_data(as_text=True)
    assert "Wendy" not in html and "P-" in html


def test_only_one_submitted_measurement_per_peiljaar_later_ones_are_linked_corrections(app, company, db):
    with app.test_request_context():
        _one_submission_per_peiljaar(db)


def _one_submission_per_peiljaar(db):
    first = services.create_measurement(YEAR, None)
    second = services.create_measurement(YEAR, None)
    services.submit_measurement(first)
    db.session.commit()
    with pytest.raises(PsoError):
        services.submit_measurement(second)
    db.session.rollback()
    db.session.refresh(second)
    assert second.state is MeasurementState.DRAFT
    # a correction is linked to the submitted one and may be submitted once
    correction = services.correct_measurement(first, None, "payroll hours corrected")
    rival = services.correct_measurement(first, None, "another correction of the same")
    services.submit_measurement(correction)
    db.session.commit()
    with pytest.raises(PsoError):
        services.submit_measurement(rival)
    db.session.rollback()
    # the next correction corrects the latest submitted one: a chain, never two heads
    with pytest.raises(PsoError):
        services.correct_measurement(first, None, "corrects an outdated measurement")
    again = services.correct_measurement(correction, None, "second correction")
    services.submit_measurement(again)
    db.session.commit()
    assert services.current_submission(YEAR).id == again.id
    # another peiljaar has its own submission
    other = services.create_measurement(YEAR - 1, None)
    services.submit_measurement(other)
    db.session.commit()


def test_the_database_refuses_a_second_unlinked_submission_of_a_peiljaar(company, db):
    from sqlalchemy.exc import IntegrityError

    first = services.create_measurement(YEAR, None)
    services.submit_measurement(first)
    db.session.commit()
    twin = PsoMeasurement(year=YEAR, reference_code=first.reference_code, inputs=first.inputs,
                          results=first.results, content_sha256=first.content_sha256, total_pct=first.total_pct,
                          level=first.level, state=MeasurementState.SUBMITTED)
    db.session.add(twin)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    fix = services.correct_measurement(first, None, "fix")
    services.submit_measurement(fix)
    db.session.commit()
    rival = PsoMeasurement(year=YEAR, reference_code=first.reference_code, inputs=first.inputs,
                           results=first.results, content_sha256=first.content_sha256, total_pct=first.total_pct,
                           level=first.level, state=MeasurementState.SUBMITTED, corrects_id=first.id)
    db.session.add(rival)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_the_dossier_pdf_speaks_the_readers_language(client, login_as, company, db):
    """Labels instead of codes, Dutch numbers, euro amounts and dates, and page totals."""
    import shutil
    import subprocess

    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    login_as(Role.HR)
    client.post("/language", data={"lang": "nl", "next": "/"})
    client.post(f"/pso/purchases?year={YEAR}", data={
        "supplier_name": "SW Midden", "kind": "sw", "invoice_value": "24000", "supplier_turnover": "1000000",
        "supplier_target_fte": "100"})
    data = client.get(f"/pso/dossier.pdf?year={YEAR}&named=1").data
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode()
    flat = " ".join(text.split())
    for code in (" regular ", "wia_wajong", "trede2", "trede3", "24,000.00", "2023-04-01"):
        assert code not in f" {flat} ", code
    assert "Arbeidsovereenkomst" in flat and "WAO / WIA / WAZ /" in flat and "Trede 3" in flat
    assert "€ 24.000,00" in flat and "1 april 2023" in flat
    assert "Pagina 1 van" in flat


def test_hr_reads_the_names_of_the_flagged_people_others_their_pseudonyms(client, login_as, company, db):
    """The score page names the people a qualitative criterion is missing for (HR only; the other roles are
    test_other_roles_never_see_the_register_or_names) and no one else."""
    services.save_status(company[1], StatusData(starting_position="wia_wajong", intake_date=dt.date(2015, 1, 1),
                                                suitable_work=None, integration="werkoverleg", support="jobcoach"))
    db.session.commit()
    login_as(Role.HR)
    page = client.get(f"/pso/?year={YEAR}").get_data(as_text=True)
    flag = page.split("Missing suitable work in:")[1].split("</p>")[0]
    assert "Anna Test1" in flag and "P-" not in flag
    assert "Anna Test2" not in page  # nobody else is named
