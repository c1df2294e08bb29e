"""Distribution and reading, periodic review and reminders, uploaded files and the printouts."""
import datetime as dt
import io
import shutil
import subprocess

import pytest
from sqlalchemy import func, select

from qms.documents import services
from qms.documents.models import (Document, DocumentVersion, ReadConfirmation, ReviewOutcome, ReviewRecord,
                                  VersionState)
from qms.notifications import services as notifications
from qms.notifications.models import Notification
from tests.factories import read_and_confirm
from qms.organisation.models import Department, Employee
from qms.permissions import Role
from tests.integration.test_documents_workflow import approve_and_publish, client_for, create, people  # noqa: F401


def pdf_text(data: bytes) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


@pytest.fixture
def published(app, db, people):
    author = client_for(app, people["author"])
    create(author)
    document = db.session.scalar(select(Document))
    version = approve_and_publish(app, db, people, document)
    return db.session.get(Document, document.id), version


def test_to_read_one_tap_and_a_new_major_version_asks_again(app, db, people, published):
    document, v1 = published
    staff = client_for(app, people["staff"])
    page = staff.get("/documents/to-read").get_data(as_text=True)
    assert "PR-012" in page and "Open and read" in page
    assert '<span class="doc-count">1</span>' in staff.get("/documents/").get_data(as_text=True)
    # the publication put a notification (and an e-mail) in the staff member's inbox
    assert db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.user_id == people["staff"].id)) == 1
    r = read_and_confirm(staff, document.id, v1.id)
    assert r.status_code == 302
    assert "Nothing to read" in staff.get("/documents/to-read").get_data(as_text=True)
    read_and_confirm(staff, document.id, v1.id)  # a second tap changes nothing
    assert db.session.scalar(select(func.count()).select_from(ReadConfirmation)) == 1

    # a minor version does not ask again …
    author = client_for(app, people["author"])
    author.post(f"/documents/{document.id}/versions", data={"change_summary": "typo"})
    v11 = approve_and_publish(app, db, people, db.session.get(Document, document.id))
    assert v11.label == "1.1"
    assert "Nothing to read" in staff.get("/documents/to-read").get_data(as_text=True)
    # … a major one does
    author.post(f"/documents/{document.id}/versions", data={"major_change": "y"})
    v2 = approve_and_publish(app, db, people, db.session.get(Document, document.id))
    assert v2.label == "2.0"
    page = staff.get("/documents/to-read").get_data(as_text=True)
    assert "PR-012" in page and "Version 2.0" in page


def test_coverage_per_document_and_person_and_reminders(app, db, people, published, make_user):
    document, version = published
    # a department target reaches its employees' logins
    cleaners = Department(name="Kantoorschoonmaak", active=True)
    db.session.add(cleaners)
    extra = make_user(Role.HR, name="Dirk Department")
    db.session.add(Employee(number="E1", first_name="Dirk", last_name="Department", function="Schoonmaker",
                            department=cleaners, user_id=extra.id, hired_on=dt.date(2020, 1, 1)))
    db.session.commit()
    author = client_for(app, people["author"])
    form = {"number": "PR-012", "title": document.title, "type": "procedure", "owner_id": str(people["author"].id),
            "department_id": "", "site_id": "", "review_interval_months": "12", "requirements": "",
            "target_roles": ["staff"], "target_departments": [str(cleaners.id)]}
    assert author.post(f"/documents/{document.id}/edit", data=form).status_code == 302
    read_and_confirm(client_for(app, people["staff"]), document.id, version.id)

    auditor = client_for(app, people["reviewer"])
    page = auditor.get(f"/documents/{document.id}/coverage").get_data(as_text=True)
    assert "1 / 2" in page and "Sam Schoonmaker" in page and "Dirk Department" in page
    people_page = auditor.get("/documents/coverage").get_data(as_text=True)
    assert "Dirk Department" in people_page
    rows = services.coverage_by_person([people["staff"], extra, people["hr"]])
    assert [(r.must_read, r.confirmed) for r in rows] == [(1, 1), (1, 0), (0, 0)]
    assert client_for(app, people["staff"]).get(f"/documents/{document.id}/coverage").status_code == 403

    outbox = app.extensions["mail_outbox"]
    outbox.clear()
    assert author.post(f"/documents/{document.id}/remind").status_code == 302
    assert [m["To"] for m in outbox] == [extra.email]
    author.post(f"/documents/{document.id}/remind")  # once a day at most
    assert len(outbox) == 1

    # the daily run reminds readers a week after publication, once
    outbox.clear()
    later = dt.date.today() + dt.timedelta(days=8)
    assert notifications.run_reminders(later) >= 1
    db.session.commit()
    assert extra.email in [m["To"] for m in outbox]
    assert people["staff"].email not in [m["To"] for m in outbox]
    outbox.clear()
    notifications.run_reminders(later)
    db.session.commit()
    assert extra.email not in [m["To"] for m in outbox]


def test_periodic_review_reminders_and_outcomes(app, db, people, published):
    document, version = published
    document.owner_id = people["author"].id
    db.session.commit()
    due = document.next_review_on
    outbox = app.extensions["mail_outbox"]
    outbox.clear()
    assert notifications.run_reminders(due - dt.timedelta(days=30)) == 0 or \
        people["author"].email not in [m["To"] for m in outbox]
    notifications.run_reminders(due - dt.timedelta(days=10))
    db.session.commit()
    assert any(m["To"] == people["author"].email and "PR-012" in m["Subject"] for m in outbox)

    author = client_for(app, people["author"])
    page = author.get("/documents/reviews").get_data(as_text=True)
    assert "PR-012" not in page or document.next_review_on <= dt.date.today() + dt.timedelta(days=60)
    r = author.post(f"/documents/{document.id}/review", data={"outcome": "confirmed", "note": "Nog juist"})
    assert r.status_code == 302
    db.session.expire_all()
    record = db.session.scalar(select(ReviewRecord))
    assert record.outcome is ReviewOutcome.CONFIRMED and record.version_id == version.id
    assert db.session.get(Document, document.id).next_review_on > dt.date.today() + dt.timedelta(days=300)

    r = author.post(f"/documents/{document.id}/review", data={"outcome": "new_version", "note": "Stap erbij"})
    assert r.status_code == 302
    db.session.expire_all()
    document = db.session.get(Document, document.id)
    assert [v.state for v in document.versions] == [VersionState.PUBLISHED, VersionState.DRAFT]
    assert document.versions[-1].change_summary == "Stap erbij"
    r = author.post(f"/documents/{document.id}/review", data={"outcome": "bogus"})
    assert r.status_code == 302 and db.session.scalar(select(func.count()).select_from(ReviewRecord)) == 2


def test_reviews_due_list(app, db, people, published):
    document, _ = published
    document.next_review_on = dt.date.today() - dt.timedelta(days=3)
    db.session.commit()
    page = client_for(app, people["author"]).get("/documents/reviews").get_data(as_text=True)
    assert "PR-012" in page and "overdue" in page
    assert client_for(app, people["staff"]).get("/documents/reviews").status_code == 403


def test_controlled_copy_pdf_header_footer_and_marks(app, db, people, published):
    document, v1 = published
    author = client_for(app, people["author"])
    text = pdf_text(author.get(f"/documents/{document.id}/versions/{v1.id}/pdf").data)
    assert "PR-012" in text and "Version 1.0" in text and "Status: published" in text
    assert "Page 1 of 1" in text and "Printed" in text
    assert "Rik Reviewer" in text and "Bram Baas" in text and "SUPERSEDED" not in text
    author.post(f"/documents/{document.id}/versions", data={"major_change": "y"})
    approve_and_publish(app, db, people, db.session.get(Document, document.id))
    text = pdf_text(author.get(f"/documents/{document.id}/versions/{v1.id}/pdf").data)
    assert "SUPERSEDED" in text and "Status: superseded" in text
    # long content runs over several pages, each numbered "X of Y"
    draft_text = "\n\n".join(f"Alinea {i}: " + "schoonmaken " * 40 for i in range(80))
    version = services.register.latest_version(db.session.get(Document, document.id))
    from qms.documents.pdf import controlled_copy

    version.content_markdown = draft_text
    text = pdf_text(controlled_copy(version))
    db.session.rollback()
    pages = text.count("Page ")
    assert pages >= 3 and f"Page {pages} of {pages}" in text


def test_dutch_footer(app, db, people, published):
    document, v1 = published
    author = client_for(app, people["author"])
    author.post("/language", data={"locale": "nl"}) if "core.set_language" in app.view_functions else None
    from flask_babel import force_locale

    from qms.documents.pdf import controlled_copy

    with app.test_request_context(), force_locale("nl"):
        text = pdf_text(controlled_copy(db.session.get(DocumentVersion, v1.id)))
    assert "Pagina 1 van 1" in text


def test_uploaded_file_gets_a_cover_sheet_and_follows_version_access(app, db, people):
    author = client_for(app, people["author"])
    create(author, content="")
    document = db.session.scalar(select(Document))
    version = document.versions[0]
    pdf_bytes = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    r = author.post(f"/documents/{document.id}/versions/{version.id}/edit", content_type="multipart/form-data",
                    data={"content_markdown": "", "change_summary": "Bestand", "lock_version": str(version.lock_version),
                          "file": (io.BytesIO(pdf_bytes), "werkinstructie.pdf")})
    assert r.status_code == 302, r.get_data(as_text=True)[:3000]
    db.session.expire_all()
    version = db.session.get(DocumentVersion, version.id)
    assert version.stored_file is not None and version.sha256 == version.stored_file.sha256
    file_url = f"/files/{version.stored_file_id}"
    staff = client_for(app, people["staff"])
    assert staff.get(file_url).status_code == 404  # not published yet
    # a file of the wrong kind is refused next to the field, nothing changes
    r = author.post(f"/documents/{document.id}/versions/{version.id}/edit", content_type="multipart/form-data",
                    data={"content_markdown": "", "lock_version": str(version.lock_version),
                          "file": (io.BytesIO(b"MZ\x90\x00binary"), "virus.exe")})
    assert r.status_code == 200 and "not accepted" in r.get_data(as_text=True)
    published = approve_and_publish(app, db, people, db.session.get(Document, document.id))
    assert staff.get(file_url).status_code == 200
    text = pdf_text(author.get(f"/documents/{document.id}/versions/{published.id}/pdf").data)
    assert "Cover sheet" in text and "werkinstructie.pdf" in text


def test_management_review_section(app, db, people, published):
    from qms.signals import review_input_requested

    document, version = published
    read_and_confirm(client_for(app, people["staff"]), document.id, version.id)
    with app.test_request_context():
        sections = [value for _, value in review_input_requested.send(app, start=dt.date.today() - dt.timedelta(days=30),
                                                                       end=dt.date.today())]
    section = next(s for s in sections if s and s.key == "documents")
    rows = dict(section.rows)
    assert rows["Documents in use"] == "1" and rows["Versions published in the period"] == "1"
    assert rows["Reading confirmed"] == "1 of 1 (100%)"


def test_confirming_needs_the_version_opened_first(app, db, people, published):
    """A confirmation without having been shown the content (a bare POST, another version's proof, another
    person's proof) is refused and nothing is recorded; from the reading view it is accepted."""
    import re

    document, version = published
    staff = client_for(app, people["staff"])
    refused = staff.post(f"/documents/{document.id}/versions/{version.id}/confirm", data={"shown": ""})
    assert refused.status_code == 302 and refused.headers["Location"].endswith(f"/versions/{version.id}/read")
    assert db.session.scalar(select(func.count()).select_from(ReadConfirmation)) == 0
    other = client_for(app, people["reviewer"])
    page = other.get(f"/documents/{document.id}/versions/{version.id}/read").get_data(as_text=True)
    foreign = re.search(r'name="shown" value="([^"]+)"', page).group(1)
    staff.post(f"/documents/{document.id}/versions/{version.id}/confirm", data={"shown": foreign})
    assert db.session.scalar(select(func.count()).select_from(ReadConfirmation)) == 0
    assert "Open and read the document first" in staff.get("/documents/to-read").get_data(as_text=True)
    assert read_and_confirm(staff, document.id, version.id).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(ReadConfirmation)) == 1


def test_a_file_version_offers_the_confirmation_only_after_it_was_opened(app, db, people, published):
    """The file opens through a POST (a GET never writes); only then does the reading view carry the proof."""
    import re

    from qms.uploads.models import StoredFile

    document, version = published
    stored = StoredFile(stored_name="wi.pdf", original_name="werkinstructie.pdf", content_type="application/pdf",
                        size=3, sha256="0" * 64)
    db.session.add(stored)
    db.session.flush()
    db.session.get(DocumentVersion, version.id).stored_file_id = stored.id
    db.session.commit()
    staff = client_for(app, people["staff"])
    page = staff.get(f"/documents/{document.id}/versions/{version.id}/read").get_data(as_text=True)
    assert 'name="shown"' not in page and "Open the file first" in page
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    opened = staff.post(f"/documents/{document.id}/versions/{version.id}/open",
                        data={"csrf_token": csrf.group(1)} if csrf else {})
    assert opened.status_code == 303 and opened.headers["Location"].endswith(f"/files/{stored.id}")
    assert read_and_confirm(staff, document.id, version.id).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(ReadConfirmation)) == 1


def test_the_to_read_badge_counts_documents_not_unread_notifications(app, db, people, published):
    """The base template's notification count once overwrote the documents page's own: 3 unread messages and 1
    document to read showed "3" on the "To read" button."""
    for n in range(2):
        notifications.notify([people["staff"]], f"Bericht {n}", key=f"extra-{n}", email=False)
    db.session.commit()
    html = client_for(app, people["staff"]).get("/documents/").get_data(as_text=True)
    assert '<span class="doc-count">1</span>' in html
    assert 'aria-label="3 unread">3</span>' in html


def test_a_long_to_read_list_is_paged(app, db, people):
    """Thirty documents to read: a page of them at a time, each with its document, and the count of all."""
    from qms.documents.models import DistributionTarget, TargetKind

    on = dt.date.today()
    for n in range(30):
        db.session.add(Document(
            number=f"TL-{n:03d}", title=f"Te lezen {n}", type="procedure", status=VersionState.PUBLISHED,
            owner_id=people["author"].id,
            versions=[DocumentVersion(major=1, minor=0, state=VersionState.PUBLISHED, content_markdown="x",
                                      published_at=dt.datetime(2026, 1, 1) + dt.timedelta(hours=n),
                                      effective_date=on)],
            targets=[DistributionTarget(kind=TargetKind.USER, user_id=people["staff"].id)]))
    db.session.commit()
    staff = client_for(app, people["staff"])
    first = staff.get("/documents/to-read").get_data(as_text=True)
    assert first.count('class="doc-read-open"') == app.config["ITEMS_PER_PAGE"] < 30
    assert "TL-029" in first and "TL-000" not in first and "30 items" in first
    last = staff.get("/documents/to-read?page=2").get_data(as_text=True)
    assert last.count('class="doc-read-open"') == 30 - app.config["ITEMS_PER_PAGE"] and "TL-000" in last


def test_the_register_pdf_lists_at_most_its_page_limit_and_names_the_rest(app, db, people, monkeypatch):
    """A print of a large register is bounded (PDF_ROWS) and says how many documents the spreadsheet holds."""
    from qms.documents import pdf as register_pdf
    from qms.documents.demo import seed_documents

    seed_documents(db.session, 12)
    db.session.commit()
    monkeypatch.setattr(register_pdf, "PDF_ROWS", 5)
    coordinator = client_for(app, people["author"])
    text = pdf_text(coordinator.get("/documents/export.pdf").data)
    assert "The first 5 of 12 documents" in " ".join(text.split())
    assert text.count("BN-0") == 5
    csv_text = coordinator.get("/documents/export.csv").get_data(as_text=True)
    assert csv_text.count("BN-0") == 12
    filtered = pdf_text(coordinator.get("/documents/export.pdf?q=BN-00003").data)
    assert "The first" not in filtered
