"""Extending a PSO Aspirant-status in the shared certificate register: at most twice, only for aspirant, kept in
PSO's own table, in the trail."""
import datetime as dt
import json

from sqlalchemy import func, select

from qms.audit.models import AuditEntry
from qms.evidence import services
from qms.evidence.models import Certificate
from qms.permissions import Role
from qms.pso.certificates import extension_positions
from qms.pso.models import PsoCertificateExtension


def form(number, issued, extends="", level="aspirant", norm="pso", years=2):
    return {"norm": norm, "level": level, "certifying_body": "PSO-Certificering B.V.", "number": number,
            "scope": "", "issued_on": issued.isoformat(),
            "expires_on": (issued.replace(year=issued.year + years) - dt.timedelta(days=1)).isoformat(),
            "extends_id": str(extends)}


def cert(db, number):
    return db.session.scalar(select(Certificate).where(Certificate.number == number))


def extends(db, certificate):
    return db.session.scalar(select(PsoCertificateExtension.extends_id)
                             .where(PsoCertificateExtension.certificate_id == certificate.id))


def count(db):
    return db.session.scalar(select(func.count()).select_from(Certificate))


def test_aspirant_extended_twice_then_refused(client, db, login_as):
    """Under handbooks 1.9 and 2.0 (before 1 April 2023) an Aspirant-status may be extended twice."""
    user = login_as(Role.COORDINATOR)
    start = dt.date(2021, 5, 1)
    assert client.post("/evidence/certificates/new", data=form("ASP-0", start)).status_code == 302
    original = cert(db, "ASP-0")
    # The form offers the aspirant certificate to extend.
    assert "ASP-0" in client.get("/evidence/certificates/new").get_data(as_text=True)

    first = dt.date(2022, 5, 1)
    assert client.post("/evidence/certificates/new",
                       data=form("ASP-1", first, extends=original.id)).status_code == 302
    one = cert(db, "ASP-1")
    assert extends(db, one) == original.id
    second = dt.date(2023, 3, 1)
    assert client.post("/evidence/certificates/new", data=form("ASP-2", second, extends=one.id)).status_code == 302
    two = cert(db, "ASP-2")
    assert extension_positions() == {one.id: 1, two.id: 2}

    page = client.get("/evidence/certificates").get_data(as_text=True)
    assert "extension 1 of 2" in page and "extension 2 of 2" in page

    # A third extension of the same chain is refused next to the field, keeping what was typed.
    third = form("ASP-3", dt.date(2023, 3, 20), extends=two.id)
    response = client.post("/evidence/certificates/new", data=third)
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and "at most 2 times" in text and 'value="ASP-3"' in text
    # Extending an earlier link of the chain is refused too (no second branch).
    response = client.post("/evidence/certificates/new", data=dict(third, extends_id=str(original.id)))
    assert response.status_code == 400 and "already been extended" in response.get_data(as_text=True)
    assert count(db) == 3

    # Each extension, like any PSO certificate, runs at most two years.
    too_long = form("ASP-X", second, extends=one.id, years=3)
    response = client.post(f"/evidence/certificates/{two.id}/edit", data=too_long)
    assert response.status_code == 400 and "at most 2 years" in response.get_data(as_text=True)

    # The trail records who made the extensions and what they extend.
    entries = [e for e in db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity_type == "pso_certificate_extension", AuditEntry.action == "create"))
        if json.loads(e.new_values)["certificate_id"] == two.id]
    assert len(entries) == 1 and json.loads(entries[0].new_values)["extends_id"] == one.id
    assert entries[0].actor_id == user.id


def test_under_handbook_2_1_an_aspirant_status_is_extended_once(client, db, login_as):
    """From 1 April 2023 (PSO handleiding 2.1) an Aspirant-status may be extended only once more: the number
    comes from the handbook in force on the extension's issue date."""
    login_as(Role.COORDINATOR)
    start = dt.date(2023, 6, 1)
    assert client.post("/evidence/certificates/new", data=form("ASP-A", start)).status_code == 302
    original = cert(db, "ASP-A")
    assert client.post("/evidence/certificates/new",
                       data=form("ASP-B", dt.date(2024, 6, 1), extends=original.id)).status_code == 302
    one = cert(db, "ASP-B")
    page = client.get("/evidence/certificates").get_data(as_text=True)
    assert "extension 1 of 1" in page

    response = client.post("/evidence/certificates/new", data=form("ASP-C", dt.date(2025, 6, 1), extends=one.id))
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and "at most 1 time under this PSO handbook" in text and 'value="ASP-C"' in text
    assert count(db) == 2


def test_only_an_aspirant_status_can_be_extended(client, db, login_as):
    login_as(Role.COORDINATOR)
    start = services.today() - dt.timedelta(days=100)
    assert client.post("/evidence/certificates/new", data=form("T1", start, level="trede1")).status_code == 302
    trede = cert(db, "T1")
    response = client.post("/evidence/certificates/new",
                           data=form("T1-EXT", start + dt.timedelta(days=10), extends=trede.id))
    assert response.status_code == 400 and "Only a PSO Aspirant-status" in response.get_data(as_text=True)

    assert client.post("/evidence/certificates/new", data=form("A", start)).status_code == 302
    base = cert(db, "A")
    # The extension itself must be an Aspirant-status too, not issued before the certificate it extends.
    response = client.post("/evidence/certificates/new",
                           data=form("A-T1", start + dt.timedelta(days=10), extends=base.id, level="trede1"))
    assert response.status_code == 400 and "itself a PSO Aspirant-status" in response.get_data(as_text=True)
    response = client.post("/evidence/certificates/new",
                           data=form("A-EARLY", start - dt.timedelta(days=10), extends=base.id))
    assert response.status_code == 400 and "cannot be issued before" in response.get_data(as_text=True)
    # Unknown or garbage ids are refused with a message, never a 500.
    for bad in ("999999", "abc", "-1", "99999999999999999999"):
        response = client.post("/evidence/certificates/new", data=form("A-BAD", start, extends=bad))
        assert response.status_code == 400 and "Choose one of the listed" in response.get_data(as_text=True)
    # A certificate cannot extend itself.
    response = client.post(f"/evidence/certificates/{base.id}/edit", data=form("A", start, extends=base.id))
    assert response.status_code == 400
    assert count(db) == 2


def test_extended_certificate_keeps_aspirant_level_and_extension_is_current(client, db, login_as):
    login_as(Role.COORDINATOR)
    start = services.today() - dt.timedelta(days=400)
    client.post("/evidence/certificates/new", data=form("ASP-0", start))
    base = cert(db, "ASP-0")
    later = start + dt.timedelta(days=365)
    assert client.post("/evidence/certificates/new", data=form("ASP-1", later, extends=base.id)).status_code == 302
    response = client.post(f"/evidence/certificates/{base.id}/edit", data=form("ASP-0", start, level="trede1"))
    assert response.status_code == 400 and "stays a PSO Aspirant-status" in response.get_data(as_text=True)
    assert cert(db, "ASP-0").level == "aspirant"
    # The PSO score page and dossier read the current certificate: that is the extension, which runs longest.
    from qms.pso.views.score import _certificate
    assert _certificate().number == "ASP-1"
