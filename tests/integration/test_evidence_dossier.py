"""The dossier: built as a job (run in the request here: jobs are immediate in tests) with progress, a PDF and a ZIP that verifies against its manifest;
and who may see and change evidence."""
import hashlib
import io
import zipfile

import pytest
from sqlalchemy import select

from qms.evidence import dossier
from qms.evidence.models import DossierJob, EvidenceItem, JobState
from qms.permissions import Role

from .test_evidence_flow import PDF, upload


def _accepted_upload(client, db, **kwargs):
    upload(client, **kwargs)
    item = db.session.scalars(select(EvidenceItem).order_by(EvidenceItem.id.desc())).first()
    client.post(f"/evidence/items/{item.id}/review", data={"status": "accepted"})
    return item


def _build(client, db, norm="iso9001", version="2015", level=""):
    response = client.post(f"/evidence/norms/{norm}/{version}/dossier", data={"level": level})
    assert response.status_code == 302
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])
    db.session.rollback()
    return db.session.get(DossierJob, job_id)


def test_dossier_zip_verifies_against_its_manifest(client, db, login_as):
    login_as(Role.COORDINATOR)
    first = _accepted_upload(client, db, title="Procedure documentbeheer", req="iso9001/2015/7.5.1")
    client.post(f"/evidence/items/{first.id}/requirements", data={"requirement": "iso9001/2015/7.5.3.1"})
    _accepted_upload(client, db, title="Auditrapport", req="iso9001/2015/9.2.1")

    job = _build(client, db)
    assert job.state == JobState.DONE, job.error
    assert job.progress == job.total == 4  # three files in requirement folders plus the PDF

    page = client.get(f"/evidence/dossiers/{job.id}").get_data(as_text=True)
    assert "Download PDF" in page and "Download ZIP" in page
    status = client.get(f"/evidence/dossiers/{job.id}/status").get_json()
    assert status == {"state": "done", "progress": 4, "total": 4, "done": True}

    pdf = client.get(f"/evidence/dossiers/{job.id}/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and pdf.mimetype == "application/pdf"
    response = client.get(f"/evidence/dossiers/{job.id}/zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    manifest = dict(reversed(line.split("  ", 1)) for line in archive.read(dossier.MANIFEST).decode().splitlines())
    # Every entry but the manifest is listed with its SHA-256, and every listed file is there and matches.
    assert set(manifest) == set(names) - {dossier.MANIFEST}
    for name, digest in manifest.items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest, name
    evidence = [n for n in names if n not in (dossier.MANIFEST, dossier.PDF_IN_ZIP, dossier.INDEX)]
    assert len(evidence) == 3
    assert any(n.startswith("7.5.1 ") for n in evidence) and any(n.startswith("7.5.3.1 ") for n in evidence)
    assert all(archive.read(n) == PDF for n in evidence)
    assert archive.read(dossier.PDF_IN_ZIP) == pdf.data


def test_a_tampered_zip_does_not_verify(client, db, login_as, tmp_path):
    login_as(Role.COORDINATOR)
    _accepted_upload(client, db)
    job = _build(client, db)
    source = dossier.folder() / job.zip_name
    assert dossier.verify_zip(source) == []
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(tampered, "w") as new:
        for info in old.infolist():
            data = old.read(info.filename)
            new.writestr(info.filename, data + b"x" if info.filename == dossier.PDF_IN_ZIP else data)
        new.writestr("extra.txt", b"not listed")
    problems = dossier.verify_zip(tampered)
    assert "dossier.pdf does not match its checksum" in problems and "extra.txt is not in the manifest" in problems


def test_vca_dossier_at_a_level_and_progress_page_without_script(client, db, login_as):
    login_as(Role.COORDINATOR)
    job = _build(client, db, "vca", "2017-6.0", "vca2")
    assert job.state == JobState.DONE and job.level == "vca2"
    # The progress page of a running job works without JavaScript: a refresh link and a <progress> element.
    running = DossierJob(task=dossier.TASK, norm="vca", version="2017-6.0", level="", state=JobState.RUNNING, progress=3, total=10)
    db.session.add(running)
    db.session.commit()
    html = client.get(f"/evidence/dossiers/{running.id}").get_data(as_text=True)
    assert '<progress id="dossier-progress" max="10" value="3">' in html
    assert f'href="/evidence/dossiers/{running.id}"' in html and "evidence.js" in html
    assert client.get(f"/evidence/dossiers/{running.id}/zip").status_code == 404
    # A job whose worker stopped (a restart) offers to build the dossier again instead of waiting forever.
    running.created_at = running.created_at - dossier.STALLED_AFTER
    db.session.commit()
    html = client.get(f"/evidence/dossiers/{running.id}").get_data(as_text=True)
    assert "Build the dossier again" in html and "data-running" not in html


def test_unknown_norm_or_level_for_a_dossier(client, db, login_as):
    login_as(Role.COORDINATOR)
    assert client.post("/evidence/norms/nope/1/dossier").status_code == 404
    response = client.post("/evidence/norms/vca/2017-6.0/dossier", data={"level": "gold"}, follow_redirects=True)
    assert "This level does not exist" in response.get_data(as_text=True)
    assert db.session.scalars(select(DossierJob)).first() is None


@pytest.mark.parametrize("role, view, manage", [
    (Role.ADMIN, True, True), (Role.COORDINATOR, True, True), (Role.AUDITOR, True, False),
    (Role.STAFF, False, False), (Role.HR, False, False)])
def test_access_per_role(client, db, login_as, make_user, role, view, manage):
    owner = make_user(Role.COORDINATOR)
    from qms.evidence.models import EvidenceRequirement, ReviewStatus
    from qms.uploads.models import StoredFile
    stored = StoredFile(stored_name="ab/x.pdf", original_name="x.pdf", content_type="application/pdf", size=1,
                        sha256="0" * 64, uploaded_by_id=owner.id)
    db.session.add(stored)
    db.session.flush()
    item = EvidenceItem(title="Beleid", file_id=stored.id, valid_from=__import__("datetime").date(2026, 1, 1),
                        review_status=ReviewStatus.PENDING)
    item.requirements = [EvidenceRequirement(norm="iso9001", version="2015", code="5.2.1")]
    db.session.add(item)
    db.session.commit()
    login_as(role)
    for url in ("/evidence/", "/evidence/items", f"/evidence/items/{item.id}", "/evidence/certificates",
                "/evidence/norms/iso9001/2015", "/evidence/norms/iso9001/2015/req/5.2.1"):
        assert client.get(url).status_code == (200 if view else 403), url
    expected = 302 if manage else 403
    assert client.post(f"/evidence/items/{item.id}/review", data={"status": "accepted"}).status_code == expected
    assert client.get("/evidence/items/new").status_code == (200 if manage else 403)
    db.session.refresh(item)
    assert (item.review_status == ReviewStatus.ACCEPTED) == manage
    # The evidence file itself: readable through the upload service only for those who may see evidence.
    from qms.uploads.access import can_read
    from flask_login import current_user  # noqa: F401
    from qms.auth.models import User
    viewer = db.session.scalars(select(User).order_by(User.id.desc())).first()
    assert can_read(viewer, stored) == (view or role == Role.ADMIN)


def test_unknown_records_answer_404(client, login_as):
    login_as(Role.COORDINATOR)
    for url in ("/evidence/items/999", "/evidence/items/99999999999", "/evidence/norms/iso9001/1999",
                "/evidence/norms/iso9001/2015/req/4", "/evidence/norms/iso9001/2015/req/none",
                "/evidence/dossiers/5", "/evidence/certificates/3/edit"):
        assert client.get(url).status_code == 404, url


def _pdf_text(data: bytes) -> str:
    import subprocess

    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def test_expired_and_unreviewed_evidence_is_left_out_and_said_so(client, db, login_as):
    """Only current, accepted evidence goes into the ZIP; the PDF, the ZIP's index and its manifest name what
    was left out and why."""
    import datetime as dt

    from qms.evidence import services

    login_as(Role.COORDINATOR)
    today = services.today()
    _accepted_upload(client, db, title="Procedure huidig", req="iso9001/2015/7.5.1")
    _accepted_upload(client, db, title="Certificaat verlopen", req="iso9001/2015/7.5.1",
                     valid_from=(today - dt.timedelta(days=400)).isoformat(),
                     valid_until=(today - dt.timedelta(days=30)).isoformat())
    upload(client, title="Nog niet beoordeeld", req="iso9001/2015/7.5.1")  # stays pending
    job = _build(client, db)
    assert job.state == JobState.DONE, job.error
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/evidence/dossiers/{job.id}/zip").data))
    names = archive.namelist()
    evidence = [n for n in names if n.startswith("7.5.1 ")]
    assert len(evidence) == 1  # only the current, accepted file
    index = archive.read(dossier.INDEX).decode()
    assert "Procedure huidig" in index
    left_out = index.split("Left out", 1)[1]
    assert "Certificaat verlopen" in left_out and "expired" in left_out
    assert "Nog niet beoordeeld" in left_out and "awaiting review" in left_out
    manifest = archive.read(dossier.MANIFEST).decode()
    assert dossier.INDEX in manifest and "verlopen" not in manifest and "beoordeeld" not in manifest
    assert dossier.verify_zip(dossier.folder() / job.zip_name) == []
    text = " ".join(_pdf_text(client.get(f"/evidence/dossiers/{job.id}/pdf").data).split())
    assert "Left out of the dossier: 2" in text
    assert "Certificaat verlopen" in text and "Nog niet beoordeeld" in text
