"""Supplier register (qms/suppliers): list, add, edit, certificates, expiry warnings, reminders, access, trail."""
import datetime as dt

import pytest
from sqlalchemy import event, select

from qms.audit.models import AuditEntry
from qms.extensions import db as _db
from qms.permissions import Role
from qms.suppliers import services
from qms.suppliers.models import Supplier, SupplierCertificate
from tests import factories

TODAY = dt.date.today()


make_supplier = factories.supplier
add_cert = factories.supplier_certificate


@pytest.mark.parametrize("role", [Role.STAFF, Role.AUDITOR])
def test_staff_and_auditors_do_not_see_the_register(client, db, login_as, role):
    supplier = make_supplier(db)
    login_as(role)
    for url in ["/suppliers/", "/suppliers/new", f"/suppliers/{supplier.id}", f"/suppliers/{supplier.id}/edit"]:
        assert client.get(url).status_code == 403, url


def test_hr_reads_but_does_not_change(client, db, login_as):
    supplier = make_supplier(db)
    login_as(Role.HR)
    page = client.get(f"/suppliers/{supplier.id}").get_data(as_text=True)
    assert supplier.name in page and "Add a certificate" not in page
    assert client.get("/suppliers/new").status_code == 403
    assert client.post(f"/suppliers/{supplier.id}/certificates", data={}).status_code == 403


def test_coordinator_adds_and_edits_a_supplier_and_the_trail_records_it(client, db, login_as):
    login_as(Role.COORDINATOR)
    response = client.post("/suppliers/new", data={"name": "Glasgroothandel Nieuwegein", "kvk_number": "3012 3456",
                                                   "city": "Nieuwegein", "supplies": "Glasbewassingsmateriaal",
                                                   "email": "info@glas.example"})
    assert response.status_code == 302
    supplier = db.session.scalar(select(Supplier).where(Supplier.name == "Glasgroothandel Nieuwegein"))
    assert supplier.kvk_number == "30123456" and supplier.active
    response = client.post(f"/suppliers/{supplier.id}/edit", data={"name": "Glasgroothandel Nieuwegein B.V.",
                                                                   "kvk_number": "30123456", "city": ""})
    assert response.status_code == 302
    db.session.refresh(supplier)
    assert supplier.name == "Glasgroothandel Nieuwegein B.V." and supplier.city is None
    actions = [e.action for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity_type == "supplier", AuditEntry.entity_id == str(supplier.id)))]
    assert actions[:2] == ["create", "update"]


def test_duplicate_name_and_bad_input_are_refused_next_to_the_field(client, db, login_as):
    make_supplier(db, "Chemie B.V.", kvk_number="11112222")
    login_as(Role.COORDINATOR)
    page = client.post("/suppliers/new", data={"name": "chemie b.v."}).get_data(as_text=True)
    assert "already in the register" in page and 'value="chemie b.v."' in page
    page = client.post("/suppliers/new", data={"name": "Nieuw", "kvk_number": "11112222"}).get_data(as_text=True)
    assert "Another supplier already has this KvK number" in page
    page = client.post("/suppliers/new", data={"name": "Nieuw", "kvk_number": "123", "email": "nope"}).get_data(as_text=True)
    assert "exactly 8 digits" in page and "valid e-mail" in page
    assert db.session.scalar(select(Supplier).where(Supplier.name == "Nieuw")) is None


def test_certificates_are_added_warned_about_and_removed(client, db, login_as):
    supplier = make_supplier(db)
    login_as(Role.COORDINATOR)
    response = client.post(f"/suppliers/{supplier.id}/certificates", data={
        "scheme": "vca", "level": "VCA**", "number": "VCA-123", "issuer": "DNV",
        "valid_until": (TODAY + dt.timedelta(days=20)).isoformat()})
    assert response.status_code == 302
    cert = db.session.scalar(select(SupplierCertificate).where(SupplierCertificate.supplier_id == supplier.id))
    assert cert.scheme == "vca" and cert.level == "VCA**"
    page = client.get("/suppliers/").get_data(as_text=True)
    assert "Certificates that need attention" in page and "expires in 20 days" in page
    page = client.get(f"/suppliers/{supplier.id}").get_data(as_text=True)
    assert "expires in 20 days" in page
    # a bad date keeps the page and adds nothing
    response = client.post(f"/suppliers/{supplier.id}/certificates", data={"scheme": "pso", "valid_until": "31-31-2026"})
    assert response.status_code == 400
    assert len(db.session.scalars(select(SupplierCertificate)).all()) == 1
    response = client.post(f"/suppliers/{supplier.id}/certificates/{cert.id}/remove")
    assert response.status_code == 302
    assert db.session.scalars(select(SupplierCertificate)).all() == []
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.entity_type == "supplier_certificate",
                                                      AuditEntry.action == "delete")) is not None


def test_a_certificate_of_another_supplier_is_not_found(client, db, login_as):
    first, second = make_supplier(db, "A"), make_supplier(db, "B")
    cert = add_cert(db, second)
    login_as(Role.COORDINATOR)
    assert client.post(f"/suppliers/{first.id}/certificates/{cert.id}/remove").status_code == 404


def test_expiring_counts_only_the_newest_certificate_per_scheme_of_active_suppliers(app, db):
    renewed, lapsing, stopped = make_supplier(db, "Renewed"), make_supplier(db, "Lapsing"), make_supplier(db, "Stopped", active=False)
    add_cert(db, renewed, "vca", days=10)
    add_cert(db, renewed, "vca", days=700)
    soon = add_cert(db, lapsing, "iso9001", days=-5)
    add_cert(db, stopped, "pso", days=3)
    assert [c.id for c in services.expiring(60, TODAY)] == [soon.id]


def test_the_register_filters_in_the_database(client, db, login_as):
    make_supplier(db, "Alpha Reiniging", city="Utrecht")
    make_supplier(db, "Beta Machines", city="Zeist")
    make_supplier(db, "Gamma Oud", active=False)
    login_as(Role.COORDINATOR)
    page = client.get("/suppliers/?q=zeist").get_data(as_text=True)
    assert "Beta Machines" in page and "Alpha Reiniging" not in page
    page = client.get("/suppliers/?status=inactive").get_data(as_text=True)
    assert "Gamma Oud" in page and "Alpha" not in page
    assert client.get("/suppliers/?status=bogus&scheme=x&page=zz").status_code == 200


def test_the_register_page_does_not_query_per_supplier(app, client, db, login_as):
    for n in range(12):
        add_cert(db, make_supplier(db, f"Supplier {n:02d}"), "vca", days=n * 10)
    login_as(Role.COORDINATOR)
    client.get("/suppliers/")
    counted = []
    listener = lambda *args: counted.append(1)  # noqa: E731
    event.listen(_db.engine, "before_cursor_execute", listener)
    try:
        assert client.get("/suppliers/").status_code == 200
    finally:
        event.remove(_db.engine, "before_cursor_execute", listener)
    assert len(counted) < 15


def test_deactivating_keeps_the_supplier(client, db, login_as):
    supplier = make_supplier(db)
    login_as(Role.COORDINATOR)
    client.post(f"/suppliers/{supplier.id}/active", data={"active": "0"})
    db.session.refresh(supplier)
    assert supplier.active is False


def test_expiry_reminders_go_to_the_coordinators_once(app, db, make_user):
    from qms.notifications import services as notifications

    coordinator = make_user(Role.COORDINATOR)
    make_user(Role.STAFF)
    supplier = make_supplier(db)
    add_cert(db, supplier, "vca", days=14)
    assert notifications.run_reminders(TODAY) == 1
    db.session.commit()
    assert notifications.run_reminders(TODAY) == 0
    from qms.notifications.models import Notification
    note = db.session.scalar(select(Notification))
    assert note.user_id == coordinator.id and supplier.name in note.subject
    assert note.url == f"/suppliers/{supplier.id}"
