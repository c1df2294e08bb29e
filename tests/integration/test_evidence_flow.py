"""Linking evidence and seeing readiness change: upload, review, link to several norms, record links,
suggestions across norms, bad input, expiry warnings and reminders, certificates and the audit trail."""
import datetime as dt
import io

import pytest
from sqlalchemy import func, select

from qms.audit.models import AuditEntry
from qms.evidence import services
from qms.evidence.models import Certificate, EvidenceItem, EvidenceRequirement, ReadinessSnapshot, ReviewStatus
from qms.norms import registry
from qms.permissions import Role

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(client, req="iso9001/2015/7.5.1", title="Procedure documentbeheer", **extra):
    data = {"title": title, "requirement": req, "valid_from": "2026-01-01", "owner": "",
            "file": (io.BytesIO(PDF), "procedure.pdf")}
    data.update(extra)
    return client.post("/evidence/items/new", data=data, content_type="multipart/form-data")


def readiness_of(norm, version, level=""):
    result, _views = services.assess(norm, version, level)
    return result


def test_coordinator_links_evidence_and_readiness_changes(client, db, login_as):
    user = login_as(Role.COORDINATOR)
    before = readiness_of("iso9001", "2015")
    response = upload(client)
    assert response.status_code == 302
    item = db.session.scalars(select(EvidenceItem)).one()
    assert item.review_status == ReviewStatus.PENDING and item.file.original_name == "procedure.pdf"
    assert [(r.norm, r.version, r.code) for r in item.requirements] == [("iso9001", "2015", "7.5.1")]
    # Awaiting review: shown as such, not yet counted.
    page = client.get("/evidence/norms/iso9001/2015?state=pending").get_data(as_text=True)
    assert "7.5.1" in page and "Awaiting review" in page
    assert readiness_of("iso9001", "2015").covered == before.covered

    assert client.post(f"/evidence/items/{item.id}/review", data={"status": "accepted"}).status_code == 302
    db.session.refresh(item)
    assert item.review_status == ReviewStatus.ACCEPTED and item.reviewed_by_id == user.id
    after = readiness_of("iso9001", "2015")
    assert after.covered == before.covered + 1 and after.percent > before.percent
    assert "7.5.1" not in after.codes("missing")

    # The same file serves a VCA question too.
    assert client.post(f"/evidence/items/{item.id}/requirements",
                       data={"requirement": "vca/2017-6.0/1.2"}).status_code == 302
    assert "1.2" not in readiness_of("vca", "2017-6.0", "vca2").must_missing
    # The overview shows the norm and writes nothing (a GET never writes); the daily run writes the snapshot.
    overview = client.get("/evidence/")
    assert overview.status_code == 200 and "ISO 9001" in overview.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ReadinessSnapshot)) == 0
    services.record_snapshots()
    db.session.commit()
    snap = db.session.scalars(select(ReadinessSnapshot).where(ReadinessSnapshot.norm == "iso9001")).one()
    assert snap.percent == after.percent and snap.covered == after.covered

    # Every change is in the audit trail, the review with its old and new status.
    types = set(db.session.scalars(select(AuditEntry.entity_type)))
    assert {"evidence_item", "evidence_requirement", "evidence_readiness_snapshot"} <= types
    review = db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity_type == "evidence_item", AuditEntry.action == "update")).first()
    assert '"pending"' in review.old_values and '"accepted"' in review.new_values and review.actor_id == user.id

    # An earlier day's snapshot is a measurement: computing readiness today leaves it as it was.
    earlier = ReadinessSnapshot(norm="iso9001", version="2015", level="", on_date=snap.on_date - dt.timedelta(days=1),
                                percent=1, required=58, covered=1, missing=57, expired=0, expiring=0)
    db.session.add(earlier)
    db.session.commit()
    client.get("/evidence/norms/iso9001/2015")
    db.session.refresh(earlier)
    assert earlier.percent == 1


def test_review_transitions_and_validity_change_reopens_review(client, db, login_as):
    login_as(Role.COORDINATOR)
    upload(client)
    item = db.session.scalars(select(EvidenceItem)).one()
    client.post(f"/evidence/items/{item.id}/review", data={"status": "accepted"})
    # accepted → rejected is not an allowed transition
    response = client.post(f"/evidence/items/{item.id}/review", data={"status": "rejected"}, follow_redirects=True)
    assert "cannot be moved" in response.get_data(as_text=True)
    db.session.refresh(item)
    assert item.review_status == ReviewStatus.ACCEPTED
    response = client.post(f"/evidence/items/{item.id}/edit", data={
        "title": "Procedure documentbeheer v2", "valid_from": "2026-01-01", "valid_until": "2027-01-01", "owner": ""})
    assert response.status_code == 302
    db.session.refresh(item)
    assert item.title.endswith("v2") and item.review_status == ReviewStatus.PENDING


@pytest.mark.parametrize("extra, field_text", [
    ({"valid_until": "2025-01-01"}, "Valid until cannot be before valid from."),
    ({"requirement": "iso9001/2015/99.9"}, "Choose a requirement from the list."),
    ({"file": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "tool.exe")}, "This type of file is not accepted here."),
    ({"title": ""}, "This field is required."),
    ({"valid_from": "not-a-date"}, 'id="valid_from-err"'),
])
def test_bad_input_is_refused_next_to_the_field_and_nothing_is_saved(client, db, login_as, extra, field_text):
    login_as(Role.COORDINATOR)
    response = upload(client, **extra)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert field_text in html
    if extra.get("title", None) != "":
        assert "Procedure documentbeheer" in html  # what was typed is kept
    assert db.session.scalar(select(func.count()).select_from(EvidenceItem)) == 0


def test_unlinking_the_last_requirement_is_refused(client, db, login_as):
    login_as(Role.COORDINATOR)
    upload(client)
    item = db.session.scalars(select(EvidenceItem)).one()
    link = item.requirements[0]
    response = client.post(f"/evidence/items/{item.id}/requirements/{link.id}/delete", follow_redirects=True)
    assert "at least one requirement" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(EvidenceRequirement)) == 1


def test_link_existing_evidence_from_the_requirement_page_and_suggestions(client, db, login_as):
    login_as(Role.COORDINATOR)
    upload(client, req="iso9001/2015/7.5.3.1", title="Archiefregeling registraties")
    item = db.session.scalars(select(EvidenceItem)).one()
    # ISO 9001 7.5.3.1 maps to VCA 3.1 (training records): the VCA page suggests reusing the file.
    page = client.get("/evidence/norms/vca/2017-6.0/req/3.1").get_data(as_text=True)
    assert "Related requirements" in page and "Archiefregeling registraties" in page
    search = client.get("/evidence/norms/vca/2017-6.0/req/3.1?q=archief").get_data(as_text=True)
    assert f'name="evidence_id" value="{item.id}"' in search
    assert client.post("/evidence/norms/vca/2017-6.0/req/3.1/link", data={"evidence_id": str(item.id)}).status_code == 302
    db.session.refresh(item)
    assert {(r.norm, r.code) for r in item.requirements} == {("iso9001", "7.5.3.1"), ("vca", "3.1")}
    # Already linked: refused, nothing doubled.
    client.post("/evidence/norms/vca/2017-6.0/req/3.1/link", data={"evidence_id": str(item.id)})
    assert db.session.scalar(select(func.count()).select_from(EvidenceRequirement)) == 2


def test_records_link_through_the_record_type_registry(app, client, db, login_as):
    user = login_as(Role.COORDINATOR)
    registry(app).add_record_type("toolbox", "Toolbox meeting", url=lambda id: f"/toolbox/{id}",
                                  describe=lambda ids: {i: f"Toolbox {i} (current name)" for i in ids},
                                  find=lambda text: ("7", "Toolbox 7") if text == "TB-7" else None)
    before = readiness_of("vca", "2017-6.0", "vca2")
    # No toolbox meetings: the live rule on 4.1 fails.
    assert "4.1" in before.codes("not_met")
    bad = client.post("/evidence/norms/vca/2017-6.0/req/4.1/record", data={"record_type": "toolbox", "reference": "TB-9"})
    assert bad.status_code == 400 and "No toolbox meeting with this number" in bad.get_data(as_text=True)
    ok = client.post("/evidence/norms/vca/2017-6.0/req/4.1/record", data={"record_type": "toolbox", "reference": "TB-7"})
    assert ok.status_code == 302
    page = client.get("/evidence/norms/vca/2017-6.0/req/4.1").get_data(as_text=True)
    assert 'href="/toolbox/7"' in page and "Toolbox 7 (current name)" in page
    # A linked record does not outweigh the failing live rule: 4.1 stays not met.
    assert "4.1" in readiness_of("vca", "2017-6.0", "vca2").codes("not_met")



def test_a_record_link_is_removed_by_a_manager_and_the_trail_keeps_it(app, client, db, login_as):
    from qms.evidence.models import EvidenceRecordLink

    registry(app).add_record_type("toolbox", "Toolbox meeting", url=lambda id: f"/toolbox/{id}",
                                  describe=lambda ids: {i: f"Toolbox {i}" for i in ids},
                                  find=lambda text: ("7", "Toolbox 7") if text == "TB-7" else None)
    login_as(Role.COORDINATOR)
    client.post("/evidence/norms/vca/2017-6.0/req/4.1/record", data={"record_type": "toolbox", "reference": "TB-7"})
    link = db.session.scalar(select(EvidenceRecordLink))
    link_id = link.id
    client.post("/logout")
    login_as(Role.AUDITOR)
    assert client.post(f"/evidence/records/{link_id}/delete").status_code == 403
    assert db.session.get(EvidenceRecordLink, link_id) is not None
    client.post("/logout")
    login_as(Role.COORDINATOR)
    response = client.post(f"/evidence/records/{link_id}/delete")
    assert response.status_code == 302 and response.headers["Location"].endswith("/evidence/norms/vca/2017-6.0/req/4.1")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The link was removed." in page and 'href="/toolbox/7"' not in page
    db.session.expire_all()
    assert db.session.scalars(select(EvidenceRecordLink)).all() == []
    removed = db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "evidence_record_link",
                                                          AuditEntry.action == "delete")).all()
    assert [e.entity_id for e in removed] == [str(link_id)]
    assert client.post(f"/evidence/records/{link_id}/delete").status_code == 404


def test_vca_level_shows_must_questions_and_supplementary_count(client, db, login_as):
    login_as(Role.AUDITOR)
    result = readiness_of("vca", "2017-6.0", "vca2")
    assert result.supplementary_needed == 4 and result.supplementary_short == 4
    # Nothing uploaded: only the norm's live rules can cover a must-question.
    live_ok = {code for code, rules in services.live_evidence("vca", "2017-6.0", "vca2").items() if any(r.ok for r in rules)}
    assert set(result.must_missing) | live_ok >= {s.code for s in result.states if s.applicability == "must"}
    html = client.get("/evidence/norms/vca/2017-6.0?level=vca2").get_data(as_text=True)
    assert "Must-questions without evidence" in html
    assert f"{len(result.must_missing)} / {result.must_total}</strong>" in html
    assert "4 more needed" in html
    # VCA* asks for no supplementary questions and fewer musts.
    vca1 = readiness_of("vca", "2017-6.0", "vca1")
    assert vca1.supplementary_needed == 0 and vca1.must_total < result.must_total


def test_expiring_evidence_is_warned_on_the_overview_and_by_reminder(app, client, db, login_as):
    from qms.notifications.models import Notification
    from qms.notifications.services import run_reminders

    user = login_as(Role.COORDINATOR)
    today = services.today()
    # 6.1 (emergency procedures) has no live rule: the file alone decides its state.
    upload(client, title="RI&E 2025", valid_until=(today + dt.timedelta(days=20)).isoformat(),
           valid_from=(today - dt.timedelta(days=10)).isoformat(), req="vca/2017-6.0/6.1")
    item = db.session.scalars(select(EvidenceItem)).one()
    client.post(f"/evidence/items/{item.id}/review", data={"status": "accepted"})
    assert "6.1" in readiness_of("vca", "2017-6.0", "vca2").codes("expiring")
    html = client.get("/evidence/").get_data(as_text=True)
    assert "Expired and expiring evidence" in html and "RI&amp;E 2025" in html
    made = run_reminders(today)
    db.session.commit()
    notes = db.session.scalars(select(Notification).where(Notification.user_id == user.id)).all()
    assert any("RI&E 2025" in n.subject for n in notes), [n.subject for n in notes]
    assert made >= 1
    assert run_reminders(today) == 0  # once per key
    # The reminders run also writes the day's readiness snapshot of every norm (the chart's daily point).
    assert {s.norm for s in db.session.scalars(select(ReadinessSnapshot).where(ReadinessSnapshot.on_date == today))} \
        == {"iso9001", "vca", "pso"}
    outbox = app.extensions["mail_outbox"]
    assert any("RI&E 2025" in m["Subject"] for m in outbox)
    # Once expired it counts as expired, not covered.
    later = today + dt.timedelta(days=21)
    assert "6.1" in services.assess("vca", "2017-6.0", "vca2", later)[0].codes("expired")


def test_certificates_calendar_and_audit_reminders(client, db, login_as):
    from qms.notifications.models import Notification
    from qms.notifications.services import run_reminders

    user = login_as(Role.COORDINATOR)
    today = services.today()
    issued = today - dt.timedelta(days=365 - 20)  # surveillance audit in 20 days
    data = {"norm": "vca", "level": "vca2", "certifying_body": "Veilig B.V.", "number": "VCA-1",
            "scope": "Schoonmaak", "issued_on": issued.isoformat(),
            "expires_on": issued.replace(year=issued.year + 3).isoformat()}
    assert client.post("/evidence/certificates/new", data=data).status_code == 302
    # PSO certificates are valid for at most two years; a level that does not exist is refused.
    too_long = dict(data, norm="pso", level="trede3", number="PSO-1")
    response = client.post("/evidence/certificates/new", data=too_long)
    assert response.status_code == 400 and "at most 2 years" in response.get_data(as_text=True)
    wrong_level = dict(data, level="trede3")
    assert "does not exist" in client.post("/evidence/certificates/new", data=wrong_level).get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1

    page = client.get("/evidence/certificates").get_data(as_text=True)
    assert "Surveillance audit" in page and "Recertification audit" in page and "VCA-1" in page
    assert run_reminders(today) >= 1
    db.session.commit()
    subjects = [n.subject for n in db.session.scalars(select(Notification).where(Notification.user_id == user.id))]
    assert any("Surveillance audit" in s for s in subjects), subjects


def test_core_records_link_by_number(client, db, login_as):
    """Suppliers (core) are a record type as soon as their package is installed: found by exact name or id."""
    from qms.evidence.records import record_types
    from qms.suppliers.models import Supplier

    login_as(Role.COORDINATOR)
    supplier = Supplier(name="Glasgroothandel Utrecht B.V.", active=True)
    db.session.add(supplier)
    db.session.commit()
    assert "supplier" in record_types()
    response = client.post("/evidence/norms/iso9001/2015/req/8.4.1/record",
                           data={"record_type": "supplier", "reference": "glasgroothandel utrecht b.v."})
    assert response.status_code == 302
    page = client.get("/evidence/norms/iso9001/2015/req/8.4.1").get_data(as_text=True)
    assert f'href="/suppliers/{supplier.id}"' in page and "Glasgroothandel Utrecht B.V." in page
    # The supplier was never evaluated: the live rule on 8.4.1 fails, so the linked record does not make it met.
    assert "8.4.1" in services.assess("iso9001", "2015", "")[0].codes("not_met")


def test_the_norm_page_issues_the_same_queries_for_few_or_many_evidence_files(app, client, db, login_as):
    from sqlalchemy import event

    from qms.evidence.seed import seed_evidence

    login_as(Role.COORDINATOR)
    counted = []

    def count(*_args):
        counted.append(1)

    def queries(url):
        client.get(url)  # warm
        counted.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(counted)

    seed_evidence(db.session, "iso9001", "2015", count=5)
    db.session.commit()
    few = {url: queries(url) for url in ("/evidence/norms/iso9001/2015", "/evidence/", "/evidence/items")}
    seed_evidence(db.session, "iso9001", "2015", count=200)
    db.session.commit()
    many = {url: queries(url) for url in few}
    assert many == few


def test_management_review_gets_a_certification_section(app, db, login_as, client):
    from qms.signals import review_input_requested

    login_as(Role.COORDINATOR)
    upload(client, req="iso9001/2015/5.2.1")
    today = services.today()
    db.session.add(Certificate(norm="iso9001", level=None, certifying_body="CertiNed", number="Q-1",
                               issued_on=today - dt.timedelta(days=300), expires_on=today + dt.timedelta(days=795)))
    db.session.commit()
    with app.test_request_context("/"):
        sections = [value for _, value in review_input_requested.send(app, start=today - dt.timedelta(days=365), end=today)
                    if value is not None and value.key == "certification"]
    assert len(sections) == 1
    rows = dict(sections[0].rows)
    assert any(label.startswith("Readiness ISO 9001") for label in rows)
    assert rows["Surveillance audit ISO 9001"]


def test_owner_must_be_able_to_see_evidence(client, db, login_as, make_user):
    login_as(Role.COORDINATOR)
    staff = make_user(Role.STAFF)
    auditor = make_user(Role.AUDITOR)
    page = client.get("/evidence/items/new").get_data(as_text=True)
    assert f'value="{auditor.id}"' in page and f'value="{staff.id}"' not in page
    response = upload(client, owner=str(staff.id))
    assert response.status_code == 400 and "The owner must be someone who may see the evidence." in response.get_data(as_text=True)
    assert upload(client, owner=str(auditor.id)).status_code == 302
    assert db.session.scalars(select(EvidenceItem)).one().owner_id == auditor.id


def test_evidence_of_one_requirement_is_paginated(app, client, db, login_as):
    from qms.uploads.models import StoredFile

    login_as(Role.AUDITOR)
    per_page = app.config["ITEMS_PER_PAGE"]
    for n in range(per_page + 3):
        stored = StoredFile(stored_name=f"aa/{n}.pdf", original_name=f"{n}.pdf", content_type="application/pdf",
                            size=1, sha256="0" * 64)
        db.session.add(stored)
        db.session.flush()
        item = EvidenceItem(title=f"Registratie {n:03d}", file_id=stored.id, valid_from=dt.date(2026, 1, 1),
                            review_status=ReviewStatus.ACCEPTED)
        item.requirements = [EvidenceRequirement(norm="iso9001", version="2015", code="7.5.3.1")]
        db.session.add(item)
    db.session.commit()
    first = client.get("/evidence/norms/iso9001/2015/req/7.5.3.1").get_data(as_text=True)
    assert first.count("Registratie 0") == per_page and "Page 1 of 2" in first
    second = client.get("/evidence/norms/iso9001/2015/req/7.5.3.1?page=2").get_data(as_text=True)
    assert second.count("Registratie 0") == 3
    assert "Covered" in first  # the state counts every file, not only the page shown


def test_evidence_list_filters_by_norm_and_status(client, db, login_as):
    login_as(Role.COORDINATOR)
    upload(client, req="vca/2017-6.0/2.1", title="RI&E")
    upload(client, req="iso9001/2015/5.2.1", title="Kwaliteitsbeleid")
    client.get("/evidence/items")  # shows (and clears) the flashed confirmations
    vca = client.get("/evidence/items?norm=vca").get_data(as_text=True)
    assert "RI&amp;E" in vca and "Kwaliteitsbeleid" not in vca
    assert "Kwaliteitsbeleid" in client.get("/evidence/items?status=pending&q=beleid").get_data(as_text=True)
    assert "No evidence matches." in client.get("/evidence/items?status=expired").get_data(as_text=True)
    # Odd input filters nothing away and answers normally.
    odd = client.get("/evidence/items?norm=%3Cx%3E&status=nope&page=-3&q=" + "x" * 300)
    assert odd.status_code == 200


def test_a_missing_file_is_refused_next_to_the_file_field(client, db, login_as):
    login_as(Role.COORDINATOR)
    response = client.post("/evidence/items/new", data={"title": "Zonder bestand", "requirement": "iso9001/2015/5.2.1",
                                                         "valid_from": "2026-01-01", "owner": ""},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="file-err"' in html and "Please choose a file." in html
    assert 'value="Zonder bestand"' in html
    assert db.session.scalar(select(func.count()).select_from(EvidenceItem)) == 0


def test_a_snapshot_written_at_the_same_moment_elsewhere_does_not_fail_the_page(app, db, login_as, client,
                                                                              monkeypatch):
    """Two requests computing the first snapshot of the day: the loser's insert is undone, nothing breaks."""
    login_as(Role.AUDITOR)
    today = services.today()
    result, _views = services.assess("iso9001", "2015", "")
    db.session.add(ReadinessSnapshot(norm="iso9001", version="2015", level="", on_date=today, percent=1,
                                     required=1, covered=0, missing=1, expired=0, expiring=0))
    db.session.commit()
    import qms.evidence.services.coverage as coverage

    with monkeypatch.context() as patch:
        # The existence check misses the row, as if the other request had not committed yet.
        patch.setattr(db.session, "scalar", lambda *args, **kwargs: None)
        assert coverage.snapshot("iso9001", "2015", "", result, today) is None
    db.session.commit()
    rows = db.session.scalars(select(ReadinessSnapshot).where(ReadinessSnapshot.on_date == today)).all()
    assert len(rows) == 1 and rows[0].percent == 1
    assert client.get("/evidence/").status_code == 200
