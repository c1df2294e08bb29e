"""What ISO 9001 gives the shared views: KPIs, live evidence, management review sections, the status report
PDF, and the demo data behind all of them."""
import datetime as dt
import shutil
import subprocess

import pytest
from sqlalchemy import func, select

from qms.demo.company import load_demo
from qms.iso9001.models import (Complaint, ContextReview, ContextStatement, Objective, Risk, StepSignoff,
                                SupplierEvaluation)
from qms.iso9001.services import figures
from qms.norms import ReviewSection, registry
from qms.organisation.models import Employee
from qms.permissions import Role

TODAY = dt.date.today()


def evidence_by_label(version="2015"):
    """Evidence is evaluated in a request (the readiness page), in the request's language."""
    from flask import current_app

    with current_app.test_request_context():
        return {item.label: item for item in figures.evidence(version)}


def test_context_evidence_follows_the_records(app, db):
    found = evidence_by_label()
    assert not found["Context reviewed this year"].ok
    assert not found["Climate change determination recorded (Amd 1:2024)"].ok
    db.session.add(ContextReview(reviewed_on=TODAY))
    db.session.add(ContextStatement(climate_relevant=False, climate_reasoning="Binnenwerk, geen klanteisen",
                                    climate_determined_on=TODAY))
    db.session.commit()
    found = evidence_by_label()
    assert found["Context reviewed this year"].ok and found["Context reviewed this year"].requirement == "4.1"
    assert found["Climate change determination recorded (Amd 1:2024)"].value == "not relevant"
    assert evidence_by_label("2008") == {}


def test_audit_programme_and_management_review_evidence(app, db, make_user):
    from qms.audits.models import Audit, AuditNorm
    from qms.reviews.models import Review
    from qms.reviews.rules import ReviewState

    auditor = make_user(Role.AUDITOR)
    programme = f"Internal audit programme for {TODAY.year} present"
    assert not evidence_by_label()[programme].ok
    audit = Audit(number=f"AU-{TODAY.year}-01", title="Planning", planned_start=dt.date(TODAY.year, 6, 1),
                  lead_auditor_id=auditor.id)
    audit.norms.append(AuditNorm(norm="iso9001", version="2015"))
    db.session.add(audit)
    db.session.add(Review(title="Directiebeoordeling", period_start=TODAY - dt.timedelta(days=365),
                          period_end=TODAY, meeting_on=TODAY - dt.timedelta(days=10), chair_id=auditor.id,
                          state=ReviewState.HELD))
    db.session.commit()
    found = evidence_by_label()
    assert found[programme].ok and found[programme].requirement == "9.2.1"
    assert found["Management review held in the last 12 months"].ok


def test_every_review_section_answers_for_a_period(app, db):
    with app.test_request_context():
        sections = [section(TODAY - dt.timedelta(days=365), TODAY) for _norm, section in registry().review_sections("iso9001")]
    assert all(isinstance(s, ReviewSection) for s in sections)
    keys = {s.key for s in sections}
    assert {"iso9001.context", "iso9001.customers", "iso9001.objectives", "iso9001.suppliers",
            "iso9001.risks", "iso9001.competence"} <= keys


@pytest.fixture
def demo(app, db):
    from qms.audit.services import set_actor

    set_actor(None, "demo")
    result = load_demo(db.session, "demo-password-2026")
    db.session.commit()
    return result


def test_the_demo_fills_every_register_and_gives_the_master_trainer_a_login(demo, db):
    for model, at_least in ((Risk, 8), (Objective, 4), (Complaint, 5), (SupplierEvaluation, 4), (StepSignoff, 1)):
        assert db.session.scalar(select(func.count()).select_from(model)) >= at_least, model
    trainer = db.session.scalar(select(Employee).where(Employee.number == "DG010"))
    assert trainer.user_id is not None and trainer.is_master_trainer
    found = evidence_by_label()
    assert found["Context reviewed this year"].ok or TODAY.month <= 2
    assert found["Quality objectives measured in the last four months"].ok
    assert found["Customer satisfaction measured in the last 12 months"].ok


def test_kpis_show_on_the_dashboard_and_the_overview(demo, client, db):
    from tests.conftest import PASSWORD  # noqa: F401

    response = client.post("/login", data={"email": "coordinator@demo.example", "password": "demo-password-2026"})
    assert response.status_code == 302
    dashboard = client.get("/").get_data(as_text=True)
    assert "Quality objectives on target" in dashboard and "Average supplier score" in dashboard
    overview = client.get("/iso9001/").get_data(as_text=True)
    assert "Complaint handling time (12 months)" in overview and "Open nonconformities" in overview
    assert "Climate change determination recorded" in overview


def test_the_status_report_is_a_pdf_with_every_section(demo, client):
    client.post("/login", data={"email": "auditor@demo.example", "password": "demo-password-2026"})
    response = client.get("/iso9001/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    data = response.get_data()
    assert data.startswith(b"%PDF") and len(data) > 3000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
        for heading in ("ISO 9001 status report", "Readiness", "Context of the organisation", "Risks and opportunities",
                        "Quality objectives", "External providers", "Competence"):
            assert heading in text, heading
        assert "Schoonmaakgroothandel Van Rijn" in text


def test_staff_cannot_fetch_the_report(client, login_as):
    login_as(Role.STAFF)
    assert client.get("/iso9001/report.pdf").status_code == 403


def test_review_figures_are_written_in_the_readers_language(demo, app):
    """Handling days and scores as "3,5 dagen" and "7,7" in Dutch, never "3.0 dagen"."""
    from flask_babel import force_locale

    from qms.iso9001.services import customers

    start = TODAY - dt.timedelta(days=365)
    raw = customers.figures(start, TODAY)
    assert raw["average_days"] is not None and raw["satisfaction"]
    with app.test_request_context(), force_locale("nl"):
        rows = dict(figures.review_customers(start, TODAY).rows)
    days = rows["Gemiddelde afhandeltijd"]
    assert "." not in days and days.endswith(" dagen")
    assert float(days.split()[0].replace(",", ".")) == pytest.approx(float(raw["average_days"]), abs=0.05)
    assert "." not in rows["Tevredenheid (gemiddeld cijfer 1–10)"]
