"""Training records: register, own records for staff, validation, audit trail, the shared queries."""
import datetime as dt
import io

from sqlalchemy import select

from qms.audit.models import AuditEntry
from qms.permissions import Role
from qms.training import services
from qms.training.models import TrainingRecord
from tests import factories


def _employee(db, number="E1", user=None, **kw):
    return factories.employee(db, number, first_name="Anna", last_name=f"Visser {number}", user=user, **kw)


def test_coordinator_adds_a_vca_diploma_with_default_expiry(client, db, login_as):
    login_as(Role.COORDINATOR)
    person = _employee(db)
    response = client.post(f"/training/employees/{person.id}/new", data={
        "kind": "b_vca", "title": "", "number": "CDR-123456", "completed_on": "2019-05-02"})
    assert response.status_code == 302
    record = db.session.scalar(select(TrainingRecord))
    assert record.kind == "b_vca" and record.number == "CDR-123456"
    assert record.valid_until == dt.date(2029, 5, 1)
    assert record.title == "B-VCA (basic safety)"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity_type == "training_record"))
    assert entry is not None and entry.action == "create" and "CDR-123456" in entry.new_values
    page = client.get(f"/training/employees/{person.id}").get_data(as_text=True)
    assert "CDR-123456" in page and "B-VCA" in page


def test_bad_dates_are_refused_next_to_the_field_and_keep_the_input(client, db, login_as):
    login_as(Role.HR)
    person = _employee(db)
    response = client.post(f"/training/employees/{person.id}/new", data={
        "kind": "bhv", "title": "BHV basis", "number": "X-9", "completed_on": "2024-05-02",
        "valid_until": "2023-01-01"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The expiry date cannot lie before the exam date." in html and 'value="X-9"' in html
    assert db.session.scalar(select(TrainingRecord)) is None
    response = client.post(f"/training/employees/{person.id}/new", data={"kind": "nonsense", "completed_on": "x"})
    assert response.status_code == 200
    assert db.session.scalar(select(TrainingRecord)) is None


def test_edit_keeps_the_kind_and_changes_the_number(client, db, login_as):
    login_as(Role.COORDINATOR)
    person = _employee(db)
    record = services.add_record(person, services.TrainingData(kind="vol_vca", title="VOL", completed_on=dt.date(2022, 1, 5)))
    db.session.commit()
    form = client.get(f"/training/records/{record.id}/edit").get_data(as_text=True)
    assert 'value="vol_vca" selected' in form or "selected value=\"vol_vca\"" in form
    response = client.post(f"/training/records/{record.id}/edit", data={
        "kind": "vol_vca", "title": "VOL", "number": "CDR-77", "completed_on": "2022-01-05"})
    assert response.status_code == 302
    db.session.refresh(record)
    assert record.number == "CDR-77" and record.valid_until == dt.date(2032, 1, 4)


def test_staff_see_only_their_own_records(client, db, login_as, make_user):
    other = _employee(db, "E2")
    user = login_as(Role.STAFF)
    own = _employee(db, "E3", user=user)
    services.add_record(own, services.TrainingData(kind="b_vca", title="", completed_on=dt.date(2021, 3, 1), number="MINE-1"))
    services.add_record(other, services.TrainingData(kind="b_vca", title="", completed_on=dt.date(2021, 3, 1), number="THEIRS-1"))
    db.session.commit()
    assert client.get("/training/mine").headers["Location"].endswith(f"/training/employees/{own.id}")
    assert "MINE-1" in client.get(f"/training/employees/{own.id}").get_data(as_text=True)
    assert client.get(f"/training/employees/{other.id}").status_code == 404
    assert client.get("/training/").status_code == 403
    assert client.get(f"/training/employees/{own.id}/new").status_code == 403


def test_certificate_scan_readable_by_owner_and_hr_only(client, db, login_as, app):
    hr = login_as(Role.HR)
    person = _employee(db)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    response = client.post(f"/training/employees/{person.id}/new", data={
        "kind": "first_aid", "title": "EHBO", "completed_on": "2024-05-02", "valid_until": "2026-05-02",
        "file": (io.BytesIO(pdf), "ehbo.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    record = db.session.scalar(select(TrainingRecord))
    assert record.file_id is not None
    assert client.get(f"/files/{record.file_id}").status_code == 200
    client.post("/logout")
    login_as(Role.STAFF)
    assert client.get(f"/files/{record.file_id}").status_code == 404


def test_records_for_and_expiring(db, app):
    a, b = _employee(db, "A1"), _employee(db, "B1")
    left = _employee(db, "C1", left_on=dt.date(2026, 1, 1))
    today = dt.date(2026, 11, 22)
    with app.test_request_context():
        r1 = services.add_record(a, services.TrainingData(kind="bhv", title="BHV", completed_on=dt.date(2025, 12, 1),
                                                          valid_until=today + dt.timedelta(days=30)))
        r2 = services.add_record(a, services.TrainingData(kind="b_vca", title="", completed_on=dt.date(2019, 1, 1)))
        services.add_record(b, services.TrainingData(kind="bhv", title="BHV", completed_on=dt.date(2025, 1, 1),
                                                     valid_until=today + dt.timedelta(days=200)))
        services.add_record(left, services.TrainingData(kind="bhv", title="BHV", completed_on=dt.date(2025, 1, 1),
                                                        valid_until=today + dt.timedelta(days=10)))
        expired = services.add_record(b, services.TrainingData(kind="bhv", title="Old", completed_on=dt.date(2020, 1, 1),
                                                               valid_until=dt.date(2021, 1, 1)))
    db.session.commit()
    found = services.records_for([a.id, b.id, 999])
    assert [r.id for r in found[a.id]] == [r1.id, r2.id] and len(found[b.id]) == 2 and 999 not in found
    assert [r.id for r in services.expiring(90, today)] == [r1.id]
    assert expired.id in [r.id for r in services.expiring(90, today, include_expired=True)]
