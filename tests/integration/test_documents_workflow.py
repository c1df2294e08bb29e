"""Document control end to end through the web: create, review, sign, approve, publish, supersede, withdraw;
every refusal; signatures voided by a change; two editors; access per role; the audit trail."""
import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from qms.audit.models import AuditEntry
from qms.documents import services
from qms.documents.models import (Document, DocumentVersion, ReadConfirmation, Signature, SignatureMeaning,
                                  VersionState)
from qms.permissions import Role
from tests.conftest import PASSWORD

REQ = "iso9001 2015 7.5.2"


def client_for(app, user):
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def people(app, make_user):
    users = {"author": make_user(Role.COORDINATOR, name="Anna Auteur"),
             "reviewer": make_user(Role.AUDITOR, name="Rik Reviewer"),
             "approver": make_user(Role.COORDINATOR, name="Bram Baas"),
             "staff": make_user(Role.STAFF, name="Sam Schoonmaker"),
             "hr": make_user(Role.HR, name="Hanna HR")}
    return users


def create(client, number="PR-012", content="# Schoonmaken\n\nStap 1: **stofzuigen**.", **extra):
    data = {"number": number, "title": "Schoonmaakprocedure kantoren", "type": "procedure", "owner_id": "",
            "department_id": "", "site_id": "", "review_interval_months": "12", "requirements": REQ,
            "target_roles": ["staff"], "content_markdown": content, "change_summary": "Eerste versie"}
    data.update(extra)
    return client.post("/documents/new", data=data)


def the_document(db, number="PR-012") -> Document:
    db.session.expire_all()
    return db.session.scalar(select(Document).where(Document.number == number))


def approve_and_publish(app, db, people, document, effective=None):
    """Submit the open draft, review, approve and publish it through the web."""
    version = services.register.open_version(document)
    author, reviewer, approver = (client_for(app, people[k]) for k in ("author", "reviewer", "approver"))
    base = f"/documents/{document.id}/versions/{version.id}"
    r = author.post(f"{base}/submit", data={"reviewers": [str(people["reviewer"].id)],
                                            "approver_id": str(people["approver"].id)})
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    assert reviewer.post(f"{base}/sign", data={"meaning": "reviewed", "password": PASSWORD}).status_code == 302
    assert approver.post(f"{base}/sign", data={"meaning": "approved", "password": PASSWORD}).status_code == 302
    r = author.post(f"{base}/publish", data={"effective_date": (effective or dt.date.today()).isoformat()})
    assert r.status_code == 302
    db.session.expire_all()
    return db.session.get(DocumentVersion, version.id)


def test_full_lifecycle_create_review_approve_publish_supersede_withdraw(app, db, people):
    author = client_for(app, people["author"])
    response = create(author)
    assert response.status_code == 302
    document = the_document(db)
    assert [v.label for v in document.versions] == ["1.0"]
    assert document.versions[0].state is VersionState.DRAFT
    assert [(r.norm, r.norm_version, r.requirement) for r in document.requirements] == [("iso9001", "2015", "7.5.2")]

    v1 = approve_and_publish(app, db, people, document, dt.date(2026, 1, 5))
    assert v1.state is VersionState.PUBLISHED and v1.effective_date == dt.date(2026, 1, 5)
    signatures = {(s.signer_name, s.meaning) for s in v1.signatures}
    assert signatures == {("Rik Reviewer", SignatureMeaning.REVIEWED), ("Bram Baas", SignatureMeaning.APPROVED)}
    assert all(s.sha256 == v1.sha256 and not s.void for s in v1.signatures)
    document = the_document(db)
    assert document.next_review_on == dt.date(2027, 1, 5)
    assert services.current_version(document).id == v1.id
    assert [d.number for d in services.documents_for_requirement("iso9001", "2015", "7.5.2")] == ["PR-012"]

    # a new major version supersedes the first on publication
    r = author.post(f"/documents/{document.id}/versions", data={"major_change": "y", "change_summary": "Nieuwe stap"})
    assert r.status_code == 302
    document = the_document(db)
    draft = services.register.open_version(document)
    assert draft.label == "2.0" and draft.content_markdown == v1.content_markdown
    r = author.post(f"/documents/{document.id}/versions/{draft.id}/edit",
                    data={"content_markdown": "# Schoonmaken\n\nStap 1: stofzuigen.\nStap 2: dweilen.",
                          "change_summary": "Stap 2", "lock_version": str(draft.lock_version)})
    assert r.status_code == 302
    v2 = approve_and_publish(app, db, people, the_document(db))
    db.session.expire_all()
    assert db.session.get(DocumentVersion, v1.id).state is VersionState.SUPERSEDED
    assert v2.state is VersionState.PUBLISHED
    assert services.current_version(the_document(db)).id == v2.id

    # diff side by side shows the added line
    page = author.get(f"/documents/{document.id}/diff?a={v1.id}&b={v2.id}").get_data(as_text=True)
    assert "diff-insert" in page or "diff-replace" in page
    assert "Stap 2: dweilen." in page

    # withdraw: out of use, still visible to auditors, marked
    r = author.post(f"/documents/{document.id}/versions/{v2.id}/withdraw", data={"reason": "Werk vervalt"})
    assert r.status_code == 302
    document = the_document(db)
    assert document.status is VersionState.WITHDRAWN and services.current_version(document) is None
    auditor = client_for(app, people["reviewer"])
    page = auditor.get(f"/documents/{document.id}/versions/{v2.id}").get_data(as_text=True)
    assert "WITHDRAWN" in page
    page = auditor.get(f"/documents/{document.id}/versions/{v1.id}").get_data(as_text=True)
    assert "SUPERSEDED" in page


def test_refusals(app, db, people):
    author = client_for(app, people["author"])
    create(author)
    document = the_document(db)
    version = document.versions[0]
    base = f"/documents/{document.id}/versions/{version.id}"

    # the author cannot be the approver: refused next to the field, and by the service
    r = author.post(f"{base}/submit", data={"approver_id": str(people["author"].id)})
    assert r.status_code == 400 and "The approver cannot be the author" in r.get_data(as_text=True)
    with pytest.raises(services.DocumentError, match="cannot be the author"):
        services.submit(db.session.get(DocumentVersion, version.id), people["author"], reviewers=[],
                        approver=people["author"])
    db.session.rollback()
    # publishing a draft is refused by the state machine
    r = author.post(f"{base}/publish", data={"effective_date": "2026-01-01"})
    assert r.status_code == 400 and "cannot become" in r.get_data(as_text=True)
    assert the_document(db).versions[0].state is VersionState.DRAFT

    author.post(f"{base}/submit", data={"reviewers": [str(people["reviewer"].id)],
                                        "approver_id": str(people["approver"].id)})
    approver = client_for(app, people["approver"])
    # approving before the reviewer signed is refused
    r = approver.post(f"{base}/sign", data={"meaning": "approved", "password": PASSWORD})
    assert r.status_code == 400 and "Not every reviewer has signed" in r.get_data(as_text=True)
    # a wrong password records nothing
    reviewer = client_for(app, people["reviewer"])
    r = reviewer.post(f"{base}/sign", data={"meaning": "reviewed", "password": "wrong password"})
    assert r.status_code == 400 and "password is not correct" in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Signature)) == 0
    # someone who is not asked cannot sign
    staff = client_for(app, people["staff"])
    assert staff.post(f"{base}/sign", data={"meaning": "reviewed", "password": PASSWORD}).status_code == 404
    # a draft in review cannot be edited
    r = author.post(f"{base}/edit", data={"content_markdown": "x", "lock_version": "99"})
    assert r.status_code == 302
    assert the_document(db).versions[0].content_markdown.startswith("# Schoonmaken")
    # reject needs a comment, then returns the version to draft with it
    r = reviewer.post(f"{base}/reject", data={"comment": ""})
    assert r.status_code == 400
    r = reviewer.post(f"{base}/reject", data={"comment": "Stap 3 ontbreekt"})
    assert r.status_code == 302
    version = the_document(db).versions[0]
    assert version.state is VersionState.DRAFT and version.reject_comment == "Stap 3 ontbreekt"
    # a second document with the same number is refused, input kept
    r = create(author, title="Ander")
    assert r.status_code == 200 and "already has number PR-012" in r.get_data(as_text=True)
    r = create(author, number="pr 12")
    assert "Use a prefix in capitals" in r.get_data(as_text=True)
    r = create(author, number="PR-013", requirements="iso9001 2015 99.9")
    assert "is not a requirement" in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Document)) == 1


def test_a_change_after_signing_voids_the_signature(app, db, people):
    author = client_for(app, people["author"])
    create(author)
    document = the_document(db)
    version = document.versions[0]
    base = f"/documents/{document.id}/versions/{version.id}"
    author.post(f"{base}/submit", data={"reviewers": [str(people["reviewer"].id)],
                                        "approver_id": str(people["approver"].id)})
    client_for(app, people["reviewer"]).post(f"{base}/sign", data={"meaning": "reviewed", "password": PASSWORD})
    db.session.expire_all()
    signature = db.session.scalar(select(Signature))
    assert not signature.void and signature.sha256 == version.sha256

    # the service voids a signature whose hash no longer matches the content
    version = db.session.get(DocumentVersion, version.id)
    version.state = VersionState.DRAFT
    db.session.flush()
    services.save_draft(version, content_markdown="Andere inhoud", change_summary="", lock_version=version.lock_version)
    db.session.commit()
    db.session.expire_all()
    signature = db.session.scalar(select(Signature))
    assert signature.void and signature.voided_at is not None
    assert db.session.get(DocumentVersion, version.id).sha256 != signature.sha256


def test_two_editors_second_save_is_refused_and_nothing_is_lost(app, db, people, make_user):
    first = client_for(app, people["author"])
    second = client_for(app, people["approver"])
    create(first)
    document = the_document(db)
    version = document.versions[0]
    url = f"/documents/{document.id}/versions/{version.id}/edit"
    # both open the editor and get the same lock_version
    lock_a = re.search(r'name="lock_version"[^>]*value="(\d+)"', first.get(url).get_data(as_text=True)).group(1)
    lock_b = re.search(r'name="lock_version"[^>]*value="(\d+)"', second.get(url).get_data(as_text=True)).group(1)
    assert lock_a == lock_b
    r = first.post(url, data={"content_markdown": "Tekst van Anna", "change_summary": "A", "lock_version": lock_a})
    assert r.status_code == 302
    r = second.post(url, data={"content_markdown": "Tekst van Bram", "change_summary": "B", "lock_version": lock_b})
    page = r.get_data(as_text=True)
    assert r.status_code == 409
    assert "Tekst van Anna" in page and "Tekst van Bram" in page  # both versions side by side
    db.session.expire_all()
    assert db.session.get(DocumentVersion, version.id).content_markdown == "Tekst van Anna"
    # the conflict page carries the new lock_version: saving from there replaces the text deliberately
    new_lock = re.search(r'name="lock_version"[^>]*value="(\d+)"', page).group(1)
    assert new_lock != lock_b
    r = second.post(url, data={"content_markdown": "Tekst van Bram", "change_summary": "B", "lock_version": new_lock})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(DocumentVersion, version.id).content_markdown == "Tekst van Bram"


def test_access_per_role(app, db, people):
    author = client_for(app, people["author"])
    create(author)
    document = the_document(db)
    draft = document.versions[0]
    staff = client_for(app, people["staff"])
    auditor = client_for(app, people["reviewer"])
    # a document without a published version does not exist for staff
    assert staff.get(f"/documents/{document.id}").status_code == 404
    assert "PR-012" not in staff.get("/documents/").get_data(as_text=True)
    assert auditor.get(f"/documents/{document.id}").status_code == 200
    assert staff.get(f"/documents/{document.id}/versions/{draft.id}").status_code == 404
    assert staff.get(f"/documents/{document.id}/versions/{draft.id}/edit").status_code == 403
    assert auditor.post(f"/documents/{document.id}/versions/{draft.id}/publish").status_code == 403

    v1 = approve_and_publish(app, db, people, the_document(db))
    assert staff.get(f"/documents/{document.id}").status_code == 200
    assert "PR-012" in staff.get("/documents/").get_data(as_text=True)
    author.post(f"/documents/{document.id}/versions", data={"major_change": ""})
    v2 = approve_and_publish(app, db, people, the_document(db))
    # staff never get the superseded version; auditors do, marked
    assert staff.get(f"/documents/{document.id}/versions/{v1.id}").status_code == 404
    assert staff.get(f"/documents/{document.id}/versions/{v1.id}/pdf").status_code == 404
    assert staff.get(f"/documents/{document.id}/versions/{v2.id}").status_code == 200
    assert staff.get(f"/documents/{document.id}/diff").status_code == 403
    assert auditor.get(f"/documents/{document.id}/versions/{v1.id}/pdf").status_code == 200


def test_markdown_is_rendered_without_scripts(app, db, people):
    author = client_for(app, people["author"])
    create(author, content="Hallo <script>alert('x')</script> [klik](javascript:alert(1)) <img src=x onerror=alert(1)>")
    document = the_document(db)
    page = author.get(f"/documents/{document.id}/versions/{document.versions[0].id}").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page and 'href="javascript:' not in page
    assert "&lt;script&gt;" in page


def test_every_step_is_in_the_audit_trail(app, db, people):
    author = client_for(app, people["author"])
    create(author)
    approve_and_publish(app, db, people, the_document(db))
    types = set(db.session.scalars(select(AuditEntry.entity_type).where(AuditEntry.entity_type.like("document%"))))
    assert {"document", "document_version", "document_signature", "document_requirement", "document_reviewer",
            "document_target"} <= types
    states = db.session.scalars(select(AuditEntry.new_values).where(AuditEntry.entity_type == "document_version")).all()
    assert any('"published"' in (s or "") for s in states) and any('"in_review"' in (s or "") for s in states)


def test_search_filter_and_exports(app, db, people):
    author = client_for(app, people["author"])
    create(author, number="PR-001", content="Werken met de schrobzuigmachine op natte vloeren.")
    create(author, number="WI-034", content="Ramen wassen met de telescoopsteel.", requirements="", type="work_instruction")
    page = author.get("/documents/?q=schrobzuig").get_data(as_text=True)
    assert ">PR-001</a>" in page and ">WI-034</a>" not in page
    page = author.get("/documents/?q=telescoop").get_data(as_text=True)
    assert ">WI-034</a>" in page and ">PR-001</a>" not in page
    page = author.get("/documents/?type=work_instruction").get_data(as_text=True)
    assert ">WI-034</a>" in page and ">PR-001</a>" not in page
    page = author.get("/documents/?requirement=iso9001+2015+7.5.2").get_data(as_text=True)
    assert ">PR-001</a>" in page and ">WI-034</a>" not in page
    page = author.get("/documents/?q=%22%29%28*+OR+NEAR").get_data(as_text=True)  # odd input never breaks search
    assert "No documents match" in page
    csv_text = author.get("/documents/export.csv").get_data(as_text=True)
    assert "PR-001" in csv_text and "WI-034" in csv_text
    pdf = author.get("/documents/export.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_a_save_racing_another_commit_is_refused_by_the_database_check(app, db, people):
    """Both editors passed the lock_version check at the same moment: the row's version column still decides."""
    from sqlalchemy import text

    create(client_for(app, people["author"]))
    version = the_document(db).versions[0]
    seen = version.lock_version
    db.session.execute(text("UPDATE document_version SET lock_version = lock_version + 1, content_markdown = 'ander' "
                            "WHERE id = :id"), {"id": version.id})
    with pytest.raises(services.StaleDraft):
        services.save_draft(version, content_markdown="mijn tekst", change_summary="", lock_version=seen)
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(DocumentVersion, version.id).content_markdown != "mijn tekst"


def test_reviewers_and_approver_are_told_when_it_is_their_turn(app, db, people):
    from qms.notifications.models import Notification

    author = client_for(app, people["author"])
    create(author)
    document = the_document(db)
    approve_and_publish(app, db, people, document)
    subjects = {(n.user_id, n.subject) for n in db.session.scalars(select(Notification))}
    assert (people["reviewer"].id, "Please review PR-012 version 1.0") in subjects
    assert (people["approver"].id, "PR-012 version 1.0 is reviewed and waits for your approval") in subjects
    assert (people["author"].id, "PR-012 version 1.0 is approved and can be published") in subjects
    assert (people["staff"].id, "Please read PR-012 Schoonmaakprocedure kantoren (version 1.0)") in subjects


def test_search_by_number(app, db, people):
    author = client_for(app, people["author"])
    create(author, number="WI-034", requirements="")
    create(author, number="PR-012")
    page = author.get("/documents/?q=WI-034").get_data(as_text=True)
    assert ">WI-034</a>" in page and ">PR-012</a>" not in page
