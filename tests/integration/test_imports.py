"""Bulk import (core framework, employee register): the preview changes nothing and says why each rejected
row is refused, the confirmation saves through the register's service (audit trail included), a file
imported again updates instead of adding, and an exported file imports back with nothing changed."""
import datetime as dt
import io

import openpyxl
from sqlalchemy import func, select

from qms.norms import registry
from qms.audit.models import AuditEntry
from qms.core import imports
from qms.jobs import Job
from qms.organisation.models import Department, Employee, Site
from qms.permissions import Role

HEADER = ["Employee number", "First name", "Last name", "Function", "Department", "Work location",
          "Employed since", "Left on"]


def _xlsx(rows, header=HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _reference(db):
    db.session.add_all([Department(name="Schoonmaak"), Site(name="Kantoor Noord")])
    db.session.commit()


def _upload(client, data: bytes, name="people.xlsx"):
    response = client.post("/organisation/employees/import", data={"file": (io.BytesIO(data), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    return response.headers["Location"]


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_preview_changes_nothing_and_names_each_rejected_row(client, db, login_as):
    _reference(db)
    login_as(Role.HR)
    rows = [["E1", "Anna", "Jansen", "Schoonmaker", "Schoonmaak", "Kantoor Noord", dt.date(2020, 1, 6), None],
            ["E2", "Bram", "Vos", "Schoonmaker", "Onbekend", "", "2021-02-01", ""],
            ["E3", "Cem", "Kaya", "Teamleider", "", "", "31-13-2021", ""],
            ["E4", "Dewi", "Smit", "", "", "", "2021-02-01", ""],
            ["E1", "Anna", "Dubbel", "Schoonmaker", "", "", "2020-01-06", ""],
            ["E5", "Eva", "Bos", "Schoonmaker", "", "", "2022-05-01", "2021-01-01"]]
    location = _upload(client, _xlsx(rows))
    page = client.get(location).get_data(as_text=True)
    assert _count(db, Employee) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.entity_type == "employee")) == 0
    assert "Preview" in page
    assert "There is no department with this name" in page and "“Onbekend”" in page
    assert "“31-13-2021” is not a date" in page
    assert "Column “Function” is empty." in page
    assert "“E1” already appears on line 2." in page
    assert "The leaving date cannot lie before the date of employment." in page
    job = db.session.scalars(select(Job).order_by(Job.id.desc())).first()
    outcome = job.outcome
    assert (outcome["created"], outcome["updated"], outcome["rejected"]) == (1, 0, 5)
    assert sum(count for _reason, count in outcome["reasons"]) == 5
    assert _count(db, Employee) == 0


def test_confirm_saves_with_audit_trail_and_reimport_updates(client, db, login_as):
    _reference(db)
    login_as(Role.HR)
    rows = [["E1", "Anna", "Jansen", "Schoonmaker", "Schoonmaak", "Kantoor Noord", dt.date(2020, 1, 6), None],
            ["E2", "Bram", "Vos", "Schoonmaker", "", "", dt.date(2021, 2, 1), None]]
    location = _upload(client, _xlsx(rows))
    job_id = int(location.rsplit("/", 1)[1])
    done = client.post(f"/organisation/employees/import/jobs/{job_id}/confirm")
    assert done.status_code == 302
    assert "The import is saved." in client.get(done.headers["Location"]).get_data(as_text=True)
    anna = db.session.scalar(select(Employee).where(Employee.number == "E1"))
    assert anna.department.name == "Schoonmaak" and anna.site.name == "Kantoor Noord"
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.entity_type == "employee", AuditEntry.entity_id == str(anna.id))) >= 1
    rows[1][3] = "Teamleider"
    location = _upload(client, _xlsx(rows))
    job_id = int(location.rsplit("/", 1)[1])
    outcome = db.session.get(Job, job_id).outcome
    assert (outcome["created"], outcome["updated"], outcome["unchanged"]) == (0, 1, 1)
    client.post(f"/organisation/employees/import/jobs/{job_id}/confirm")
    db.session.expire_all()
    assert _count(db, Employee) == 2
    assert db.session.scalar(select(Employee.function).where(Employee.number == "E2")) == "Teamleider"


def test_export_imports_back_unchanged_xlsx_and_csv(client, db, login_as):
    _reference(db)
    department = db.session.scalar(select(Department))
    db.session.add_all([
        Employee(number="E1", first_name="=HYPERLINK(\"http://x\")", last_name="-Min", function="@cmd",
                 department_id=department.id, hired_on=dt.date(2019, 3, 1)),
        Employee(number="E2", first_name="Bram", last_name="+Plus", function="+31 schoonmaker",
                 hired_on=dt.date(2020, 4, 1), left_on=dt.date(2026, 1, 31))])
    db.session.commit()
    login_as(Role.HR)
    before = [(e.number, e.first_name, e.last_name, e.function, e.department_id, e.site_id, e.hired_on, e.left_on)
              for e in db.session.scalars(select(Employee).order_by(Employee.number))]
    for fmt in ("xlsx", "csv"):
        exported = client.get(f"/organisation/employees/export.{fmt}?status=all")
        assert exported.status_code == 200
        data = exported.data if fmt == "xlsx" else exported.get_data()
        if fmt == "xlsx":
            sheet = openpyxl.load_workbook(io.BytesIO(data)).active
            cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
            assert not any(c.data_type == "f" for c in cells)
            first = next(row for row in sheet.iter_rows(min_row=2, values_only=True) if row[0] == "E1")
            assert first[1:4] == ("'=HYPERLINK(\"http://x\")", "'-Min", "'@cmd")
            assert isinstance(first[6], dt.datetime)  # a date cell, not text
        location = _upload(client, data, f"employees.{fmt}")
        outcome = db.session.get(Job, int(location.rsplit("/", 1)[1])).outcome
        assert (outcome["created"], outcome["updated"], outcome["unchanged"], outcome["rejected"]) == (0, 0, 2, 0)
    db.session.expire_all()
    after = [(e.number, e.first_name, e.last_name, e.function, e.department_id, e.site_id, e.hired_on, e.left_on)
             for e in db.session.scalars(select(Employee).order_by(Employee.number))]
    assert after == before


def test_a_file_without_the_key_column_is_refused_whole(client, db, login_as):
    login_as(Role.HR)
    location = _upload(client, _xlsx([["Anna"]], header=["First name"]))
    page = client.get(location).get_data(as_text=True)
    assert "The file has no column" in page and "Employee number" in page


def test_jobs_of_another_user_are_not_found(client, db, login_as, make_user):
    login_as(Role.HR)
    location = _upload(client, _xlsx([["E1", "A", "B", "C", "", "", "2020-01-01", ""]]))
    client.get("/logout")
    client.post("/logout")
    login_as(Role.HR)
    assert client.get(location).status_code == 404


def test_importers_are_registered_per_app(app):
    assert "employees" in imports.importers(app)
    try:
        registry(app).add_importer(imports.Importer(
            name="employees", title="x", permission="employees.manage", columns=(), key="x", save=lambda v, c: ""))
    except ValueError:
        pass
    else:
        raise AssertionError("a second importer with the same name was accepted")


def test_training_records_import_by_label_update_and_export_back(client, db, login_as):
    db.session.add(Employee(number="E1", first_name="Anna", last_name="Jansen", function="Schoonmaker",
                            hired_on=dt.date(2019, 3, 1)))
    db.session.commit()
    login_as(Role.HR)
    header = ["Employee number", "Name", "Kind", "Title", "Certificate number", "Exam date", "Valid until"]
    rows = [["E1", "Anna Jansen", "B-VCA (basisveiligheid)", "", "CDR-123", "2024-05-01", ""],
            ["E1", "", "bhv", "BHV basis", "", "2025-01-10", "2026-01-10"],
            ["E9", "", "bhv", "", "", "2025-01-10", ""],
            ["E1", "", "Rijbewijs", "", "", "2025-01-10", ""],
            ["E1", "", "First aid", "", "", "2999-01-01", ""]]
    location = _upload_to(client, "/training/import", _xlsx(rows, header))
    outcome = db.session.get(Job, int(location.rsplit("/", 1)[1])).outcome
    assert (outcome["created"], outcome["rejected"]) == (2, 3)
    reasons = " ".join(why for *_rest, why in outcome["rejections"])
    assert "no employee with this number" in reasons and "is not one of the choices" in reasons
    assert "The exam date cannot lie in the future." in reasons
    client.post(f"/training/import/jobs/{location.rsplit('/', 1)[1]}/confirm")
    from qms.training.models import TrainingRecord

    vca = db.session.scalar(select(TrainingRecord).where(TrainingRecord.number == "CDR-123"))
    assert vca.kind == "b_vca" and vca.valid_until == dt.date(2034, 4, 30)  # the service's 10 years
    rows[0][4] = "CDR-456"
    location = _upload_to(client, "/training/import", _xlsx(rows[:2], header))
    outcome = db.session.get(Job, int(location.rsplit("/", 1)[1])).outcome
    assert (outcome["created"], outcome["updated"], outcome["unchanged"]) == (0, 1, 1)
    exported = client.get("/training/export.xlsx")
    location = _upload_to(client, "/training/import", exported.data)
    outcome = db.session.get(Job, int(location.rsplit("/", 1)[1])).outcome
    assert (outcome["created"], outcome["updated"], outcome["unchanged"], outcome["rejected"]) == (0, 0, 2, 0)


def _upload_to(client, url, data: bytes, name="file.xlsx"):
    response = client.post(url, data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    return response.headers["Location"]


def test_suppliers_with_certificates_round_trip_and_rules(client, db, login_as):
    login_as(Role.COORDINATOR)
    header = ["Supplier", "KvK number", "City", "Contact person", "E-mail", "Phone", "What we buy", "Certificate",
              "Certificate number", "Level or version", "Certifying body", "Valid until"]
    rows = [["Schoon BV", "12345678", "Utrecht", "", "info@schoon.example", "", "=cmd|' /C calc'!A0", "VCA",
             "VCA-1", "VCA*", "Kiwa", "2027-06-30"],
            ["Schoon BV", "12345678", "Utrecht", "", "info@schoon.example", "", "=cmd|' /C calc'!A0", "iso9001",
             "Q-9", "", "", "2028-01-31"],
            ["Glas & Co", "", "", "", "", "", "", "", "", "", "", ""],
            ["Fout BV", "123", "", "", "", "", "", "", "", "", "", ""],
            ["Mail BV", "", "", "", "geen-adres", "", "", "", "", "", "", ""],
            ["Zonder BV", "", "", "", "", "", "", "PSO", "P-1", "", "", ""]]
    location = _upload_to(client, "/suppliers/import", _xlsx(rows, header))
    job_id = location.rsplit("/", 1)[1]
    outcome = db.session.get(Job, int(job_id)).outcome
    assert (outcome["created"], outcome["updated"], outcome["rejected"]) == (2, 1, 3)
    reasons = " ".join(why for *_rest, why in outcome["rejections"])
    assert "A KvK number has exactly 8 digits." in reasons and "is not an e-mail address" in reasons
    assert "A certificate needs the date until which it is valid." in reasons
    client.post(f"/suppliers/import/jobs/{job_id}/confirm")
    from qms.suppliers.models import Supplier

    schoon = db.session.scalar(select(Supplier).where(Supplier.name == "Schoon BV"))
    assert sorted(c.number for c in schoon.certificates) == ["Q-9", "VCA-1"]
    exported = client.get("/suppliers/export.xlsx?status=all")
    sheet = openpyxl.load_workbook(io.BytesIO(exported.data)).active
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(values) == 3 and all(v[6] in (None, "", "'=cmd|' /C calc'!A0") for v in values)
    assert {v[7] for v in values} >= {"VCA", "ISO 9001"}
    location = _upload_to(client, "/suppliers/import", exported.data)
    outcome = db.session.get(Job, int(location.rsplit("/", 1)[1])).outcome
    assert (outcome["created"], outcome["updated"], outcome["unchanged"], outcome["rejected"]) == (0, 0, 3, 0)


def test_vca_equipment_and_keuringen_import_through_the_norm_registration(client, db, login_as):
    login_as(Role.COORDINATOR)
    equipment = [["L-01", "Ladder 3m", "Magazijn", 12, "2026-12-01", ""],
                 ["L-02", "Rolsteiger", "", 0, "", ""]]
    header = ["Asset number", "Name", "Location", "Keuring every (months)", "Next keuring due", "Last keuring"]
    location = _upload_to(client, "/vca/equipment/import", _xlsx(equipment, header))
    job_id = location.rsplit("/", 1)[1]
    outcome = db.session.get(Job, int(job_id)).outcome
    assert (outcome["created"], outcome["rejected"]) == (1, 1)
    assert "Enter an interval between 1 and 120 months." in outcome["rejections"][0][3]
    client.post(f"/vca/equipment/import/jobs/{job_id}/confirm")
    keuringen = [["L-01", "", "2026-01-15", "Goedgekeurd", "Keurbedrijf", "", ""],
                 ["X-99", "", "2026-01-15", "approved", "", "", ""]]
    header = ["Asset number", "Name", "Inspected on", "Result", "Inspected by", "Note", "Next keuring due"]
    location = _upload_to(client, "/vca/equipment/keuringen/import", _xlsx(keuringen, header))
    job_id = location.rsplit("/", 1)[1]
    outcome = db.session.get(Job, int(job_id)).outcome
    assert (outcome["created"], outcome["rejected"]) == (1, 1)
    client.post(f"/vca/equipment/keuringen/import/jobs/{job_id}/confirm")
    from qms.vca.models import VcaEquipment

    ladder = db.session.scalar(select(VcaEquipment).where(VcaEquipment.code == "L-01"))
    assert ladder.last_keuring_on == dt.date(2026, 1, 15) and ladder.next_keuring_on == dt.date(2027, 1, 15)
    for export, url in (("/vca/equipment/export.xlsx", "/vca/equipment/import"),
                        ("/vca/equipment/keuringen.xlsx", "/vca/equipment/keuringen/import")):
        data = client.get(export).data
        location = _upload_to(client, url, data)
        outcome = db.session.get(Job, int(location.rsplit("/", 1)[1])).outcome
        assert (outcome["created"], outcome["updated"], outcome["unchanged"], outcome["rejected"]) == (0, 0, 1, 0)


def test_hours_worked_per_month_import_and_round_trip(client, db, login_as):
    login_as(Role.COORDINATOR)
    header = ["Year", "Month", "Group", "Hours"]
    rows = [[2026, 1, "Eigen personeel", 1520.5], [2026, 2, "own_staff", "1.480,0"], [2026, 13, "own_staff", 10],
            [2026, 3, "Robots", 10], [2026, 3, "own_staff", -5]]
    location = _upload_to(client, "/incidents/hours/import", _xlsx(rows, header))
    job_id = location.rsplit("/", 1)[1]
    outcome = db.session.get(Job, int(job_id)).outcome
    assert (outcome["created"], outcome["rejected"]) == (2, 3)
    reasons = " ".join(why for *_rest, why in outcome["rejections"])
    assert "The month is a number from 1 to 12." in reasons and "Hours must lie between 0 and 10,000,000." in reasons
    client.post(f"/incidents/hours/import/jobs/{job_id}/confirm")
    from qms.incidents.models import IncidentHours

    assert sorted(float(h) for h in db.session.scalars(select(IncidentHours.hours))) == [1480.0, 1520.5]
    data = client.get("/incidents/hours/export.xlsx?year=2026").data
    location = _upload_to(client, "/incidents/hours/import", data)
    outcome = db.session.get(Job, int(location.rsplit("/", 1)[1])).outcome
    assert (outcome["created"], outcome["updated"], outcome["unchanged"], outcome["rejected"]) == (0, 0, 2, 0)


def test_evidence_details_import_back_and_update_by_number(client, db, login_as):
    from tests.integration.test_evidence_revisions import _item
    from qms.evidence.models import EvidenceItem

    login_as(Role.COORDINATOR)
    item_id = _item(client)
    data = client.get("/evidence/items/export.xlsx").data
    location = _upload_to(client, "/evidence/items/import", data)
    outcome = db.session.get(Job, int(location.rsplit("/", 1)[1])).outcome
    assert (outcome["created"], outcome["updated"], outcome["unchanged"], outcome["rejected"]) == (0, 0, 1, 0)
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.active
    sheet.cell(2, 5).value = dt.date(2027, 6, 30)
    sheet.append([999, "Onbekend", "", dt.date(2026, 1, 1)])
    sheet.append([item_id + 1000, "Ook onbekend", "niemand@example.invalid", dt.date(2026, 1, 1)])
    out = io.BytesIO()
    book.save(out)
    location = _upload_to(client, "/evidence/items/import", out.getvalue())
    job_id = location.rsplit("/", 1)[1]
    outcome = db.session.get(Job, int(job_id)).outcome
    assert (outcome["updated"], outcome["rejected"]) == (1, 2)
    assert "There is no evidence with this number" in outcome["rejections"][0][3]
    client.post(f"/evidence/items/import/jobs/{job_id}/confirm")
    db.session.expire_all()
    item = db.session.get(EvidenceItem, item_id)
    assert item.valid_until == dt.date(2027, 6, 30) and item.revisions[0].valid_until == dt.date(2027, 6, 30)
