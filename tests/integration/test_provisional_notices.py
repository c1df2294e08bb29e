"""Every page and the dossier PDF that rest on a provisional catalogue say so, and how the official list is
loaded; a page on a confirmed catalogue carries no such notice."""
import subprocess

import pytest
from sqlalchemy import select

from qms.evidence.models import DossierJob, JobState
from qms.permissions import Role
from tests import factories


def _notice(page: str) -> bool:
    return "provisional-banner" in page and "Norms → Import" in page


def test_the_readiness_overview_and_a_requirement_say_which_catalogue_is_provisional(client, login_as):
    login_as(Role.COORDINATOR)
    overview = client.get("/evidence/").get_data(as_text=True)
    assert _notice(overview) and "Provisional: " in overview
    assert _notice(client.get("/evidence/norms/vca/2026-6.1/req/4.1").get_data(as_text=True))
    assert not _notice(client.get("/evidence/norms/iso9001/2015/req/7.5.1").get_data(as_text=True))


def test_conducting_an_audit_on_a_provisional_checklist_says_so(client, db, login_as):
    lead = login_as(Role.AUDITOR, Role.COORDINATOR)
    provisional = factories.audit(db, lead=lead, norms=("vca|2026-6.1",))
    confirmed = factories.audit(db, lead=lead, title="Interne audit documentbeheer", norms=("iso9001|2015",))
    assert _notice(client.get(f"/audits/{provisional.id}/conduct").get_data(as_text=True))
    assert not _notice(client.get(f"/audits/{confirmed.id}/conduct").get_data(as_text=True))


def test_the_vca_overview_names_its_provisional_checklist(client, login_as):
    login_as(Role.COORDINATOR)
    assert _notice(client.get("/vca/").get_data(as_text=True))


@pytest.mark.parametrize("norm, version, provisional", [("vca", "2026-6.1", True), ("iso9001", "2015", False)])
def test_the_dossier_pdf_says_its_catalogue_is_provisional(client, db, login_as, norm, version, provisional):
    login_as(Role.COORDINATOR)
    response = client.post(f"/evidence/norms/{norm}/{version}/dossier", data={"level": ""})
    assert response.status_code == 302
    db.session.rollback()
    job = db.session.scalars(select(DossierJob).order_by(DossierJob.id.desc())).first()
    assert job.state == JobState.DONE, job.error
    pdf = client.get(f"/evidence/dossiers/{job.id}/pdf").data
    text = " ".join(subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
                    .stdout.decode().split())
    assert ("Provisional:" in text and "Norms → Import" in text) is provisional
