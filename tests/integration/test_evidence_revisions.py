"""Evidence revisions: the yearly renewal is a new file on the same evidence item, so its requirement links
stay, and the history keeps every file with its SHA-256, dates and reviewer."""
import hashlib
import io

from sqlalchemy import select

from qms.audit.models import AuditEntry
from qms.evidence.models import EvidenceItem, EvidenceRevision, ReviewStatus
from qms.permissions import Role

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PDF_2027 = b"%PDF-1.4\n1 0 obj<<>>endobj\n% renewed 2027\ntrailer<<>>\n%%EOF\n"


def _item(client) -> int:
    response = client.post("/evidence/items/new", data={
        "title": "Keuringsrapport ladders", "requirement": "iso9001/2015/7.5.1", "valid_from": "2026-01-01",
        "valid_until": "2026-12-31", "owner": "", "file": (io.BytesIO(PDF), "keuring-2026.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_a_renewal_keeps_the_history_and_the_links(client, db, login_as):
    reviewer = login_as(Role.COORDINATOR)
    item_id = _item(client)
    assert client.post(f"/evidence/items/{item_id}/review", data={"status": "accepted"}).status_code == 302
    response = client.post(f"/evidence/items/{item_id}/revisions/new", data={
        "valid_from": "2027-01-01", "valid_until": "2027-12-31", "note": "Keuring 2027",
        "file": (io.BytesIO(PDF_2027), "keuring-2027.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    db.session.expire_all()
    item = db.session.get(EvidenceItem, item_id)
    first, second = sorted(item.revisions, key=lambda r: r.number)
    assert (first.number, second.number) == (1, 2)
    assert first.file.sha256 == hashlib.sha256(PDF).hexdigest()
    assert second.file.sha256 == hashlib.sha256(PDF_2027).hexdigest()
    assert (first.review_status, first.reviewed_by_id) == (ReviewStatus.ACCEPTED, reviewer.id)
    assert str(first.valid_until) == "2026-12-31" and str(second.valid_until) == "2027-12-31"
    # The item now holds the renewal, awaiting review, and still serves its requirement.
    assert item.file_id == second.file_id and item.review_status == ReviewStatus.PENDING
    assert [(r.norm, r.code) for r in item.requirements] == [("iso9001", "7.5.1")]
    assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.entity_type == "evidence_revision",
                                                         AuditEntry.entity_id == str(second.id))) is not None
    page = client.get(f"/evidence/items/{item_id}").get_data(as_text=True)
    assert "keuring-2026.pdf" in page and "keuring-2027.pdf" in page and first.file.sha256 in page
    old = client.get(f"/evidence/items/{item_id}/revisions/{first.id}/file")
    assert old.status_code == 200 and old.data == PDF
    # Reviewing the item reviews its current revision.
    client.post(f"/evidence/items/{item_id}/review", data={"status": "accepted"})
    db.session.expire_all()
    assert db.session.get(EvidenceRevision, second.id).reviewed_by_id == reviewer.id


def test_bad_revisions_are_refused_and_change_nothing(client, db, login_as):
    login_as(Role.COORDINATOR)
    item_id = _item(client)
    same = client.post(f"/evidence/items/{item_id}/revisions/new", data={
        "valid_from": "2027-01-01", "file": (io.BytesIO(PDF), "again.pdf")}, content_type="multipart/form-data")
    assert same.status_code == 400 and "This is the same file as the current revision." in same.get_data(as_text=True)
    dates = client.post(f"/evidence/items/{item_id}/revisions/new", data={
        "valid_from": "2027-01-01", "valid_until": "2026-01-01", "file": (io.BytesIO(PDF_2027), "x.pdf")},
        content_type="multipart/form-data")
    assert dates.status_code == 400 and "Valid until cannot be before valid from." in dates.get_data(as_text=True)
    db.session.expire_all()
    assert [r.number for r in db.session.get(EvidenceItem, item_id).revisions] == [1]


def test_revision_files_of_another_item_are_not_served(client, db, login_as):
    login_as(Role.COORDINATOR)
    first = _item(client)
    second = _item(client)
    revision = db.session.get(EvidenceItem, second).revisions[0]
    assert client.get(f"/evidence/items/{first}/revisions/{revision.id}/file").status_code == 404
    assert client.get(f"/evidence/items/{second}/revisions/{revision.id}/file").status_code == 200
