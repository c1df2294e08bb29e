"""The Arbeidsinspectie assistant (Arbowet art. 9): a report or triage that says death, hospital admission or
permanent injury alerts the coordinators and the director at once; the incident page says what to do and offers
the ready text; when, how and by whom it was reported and the reference land on the page, the PDF and the
Arbowet list (page and CSV); the reminder escalates every day until it is recorded."""
import datetime as dt
import shutil
import subprocess

import pytest
from sqlalchemy import select

from qms.incidents import services
from qms.incidents.models import Incident
from qms.incidents.services import ReportData, TriageData
from qms.incidents.workflow import ArboReason, IncidentType, Severity
from qms.notifications import services as notifications
from qms.notifications.models import Notification
from qms.organisation.models import Company, Site
from qms.permissions import Role


@pytest.fixture
def company(db):
    company = Company(name="Schoonmaakbedrijf De Glans B.V.", kvk_number="30274619",
                      address="Nijverheidsweg 18\n3534 AM Utrecht", city="Utrecht")
    site = Site(name="Kantoorpand Maliesingel", address="Maliesingel 40, Utrecht", active=True)
    db.session.add_all([company, site])
    db.session.commit()
    return company


def _report_form(**overrides):
    when = (dt.datetime.now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    data = {"type": "lti", "occurred_at": when, "site_id": "", "location": "Glasgevel zuidzijde",
            "involved": ["own_staff"], "injured_count": "1", "description": "Glazenwasser viel van de ladder.",
            "immediate_action": "112 gebeld.", "persons_text": "Bram Koster", "submission_id": "tok-arbo",
            "arbo_reason": "hospital_admission"}
    data.update(overrides)
    return data


def _subjects(db, user):
    return list(db.session.scalars(select(Notification.subject).where(Notification.user_id == user.id)))


def test_a_report_that_says_hospital_alerts_coordinator_director_and_the_configured_address(app_factory, make_user):
    app = app_factory(INCIDENT_DIRECTOR_EMAIL="directie@glans.example")
    from qms.extensions import db

    with app.app_context():
        coordinator, admin, staff = make_user(Role.COORDINATOR), make_user(Role.ADMIN), make_user(Role.STAFF)
        client = app.test_client()
        client.post("/login", data={"email": staff.email, "password": "correct horse battery"})
        response = client.post("/incidents/report", data=_report_form())
        assert response.status_code == 302, response.get_data(as_text=True)[:1000]
        incident = db.session.scalar(select(Incident))
        assert incident.arbo_reason is ArboReason.HOSPITAL and incident.arbo_pending and incident.on_arbowet_list
        for user in (coordinator, admin):
            assert f"Serious accident {incident.number}: report it to the Arbeidsinspectie now" in _subjects(db, user)
        mails = app.extensions.get("mail_outbox", [])
        director = [m for m in mails if m["To"] == "directie@glans.example"]
        assert len(director) == 1 and "0800-5151" in director[0].get_content()
        assert "Bram Koster" not in director[0].get_content()


def test_a_serious_consequence_needs_an_accident_and_the_form_keeps_what_was_typed(db, client, login_as):
    login_as(Role.STAFF)
    refused = client.post("/incidents/report", data=_report_form(type="near_miss", injured_count="0"))
    html = refused.get_data(as_text=True)
    assert refused.status_code in (200, 400) and "choose an accident" in html and "Glazenwasser viel" in html
    assert db.session.scalar(select(Incident)) is None


def _triaged_death(db, company) -> Incident:
    site = db.session.scalar(select(Site))
    incident, _ = services.report(ReportData(
        type=IncidentType.LTI, occurred_at=dt.datetime.now().replace(microsecond=0) - dt.timedelta(hours=2),
        description="Medewerker viel door een lichtkoepel.", injured_count=1, involved=["own_staff"],
        site_id=site.id, location="Dak", persons_text="Henk Verhoeven"), reporter=None, token=None)
    db.session.commit()
    services.triage(incident, TriageData(type=IncidentType.LTI, severity=Severity.SEVERE, site_id=site.id,
                                         department_id=None, arbo_reason=ArboReason.DEATH))
    db.session.commit()
    return incident


def test_triage_alerts_once_and_the_page_shows_the_assistant_with_the_ready_text(db, client, login_as, make_user,
                                                                                  company):
    admin = make_user(Role.ADMIN)
    incident = _triaged_death(db, company)
    assert len([s for s in _subjects(db, admin) if "Serious accident" in s]) == 1
    services.triage(incident, TriageData(type=IncidentType.LTI, severity=Severity.SEVERE, site_id=incident.site_id,
                                         department_id=None, arbo_reason=ArboReason.DEATH))
    db.session.commit()
    assert len([s for s in _subjects(db, admin) if "Serious accident" in s]) == 1  # the same triage again: once

    login_as(Role.COORDINATOR)
    html = client.get(f"/incidents/{incident.id}").get_data(as_text=True)
    assert 'id="arbo-assistant"' in html and 'href="tel:08005151"' in html and "Call 0800-5151 now" in html
    assert "Online form of the Arbeidsinspectie" not in html  # a death: by phone
    assert "Leave the place of the accident as it is" in html
    text = services.arbo_report_text(incident)
    for part in ("Schoonmaakbedrijf De Glans B.V.", "KvK 30274619", "Kantoorpand Maliesingel", "Maliesingel 40",
                 "Dak", "Medewerker viel door een lichtkoepel.", "Consequence: Death", incident.number):
        assert part in text, part
    assert "Henk" not in text  # no names of the injured, and no diagnosis field exists
    assert "Medewerker viel door een lichtkoepel." in html


def test_hospital_admission_offers_the_online_form(db, client, login_as, company, app):
    incident = _triaged_death(db, company)
    services.triage(incident, TriageData(type=IncidentType.LTI, severity=Severity.HIGH, site_id=incident.site_id,
                                         department_id=None, arbo_reason=ArboReason.HOSPITAL))
    db.session.commit()
    login_as(Role.COORDINATOR)
    html = client.get(f"/incidents/{incident.id}").get_data(as_text=True)
    assert "Online form of the Arbeidsinspectie" in html and app.config["ARBEIDSINSPECTIE_FORM_URL"] in html


def test_recording_the_report_shows_how_by_whom_and_the_reference_everywhere(db, client, login_as, company):
    incident = _triaged_death(db, company)
    login_as(Role.COORDINATOR)
    now = dt.datetime.now().strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/incidents/{incident.id}/arbo", data={
        "notified_at": now, "method": "phone", "reported_by": "Jeroen Bakker", "reference": "NLA-2026-48213"})
    assert response.status_code == 302
    db.session.refresh(incident)
    assert incident.arbo_method.value == "phone" and incident.arbo_reported_by == "Jeroen Bakker"
    html = client.get(f"/incidents/{incident.id}").get_data(as_text=True)
    assert 'id="arbo-assistant"' not in html
    assert "NLA-2026-48213" in html and "by Jeroen Bakker" in html and "By phone (0800-5151)" in html
    listing = client.get("/incidents/arbowet").get_data(as_text=True)
    assert incident.number in listing and "reference NLA-2026-48213" in listing and "by Jeroen Bakker" in listing
    csv = client.get("/incidents/arbowet.csv").get_data(as_text=True)
    row = next(line for line in csv.splitlines() if incident.number in line)
    assert "NLA-2026-48213" in row and "Jeroen Bakker" in row and "By phone (0800-5151)" in row
    if shutil.which("pdftotext"):
        pdf = client.get(f"/incidents/{incident.id}/report.pdf").data
        text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                              check=True).stdout.decode()
        assert "NLA-2026-48213" in text and "Jeroen Bakker" in text


def test_the_reminder_escalates_every_day_until_it_is_recorded(db, make_user, company):
    coordinator, admin = make_user(Role.COORDINATOR), make_user(Role.ADMIN)
    incident = _triaged_death(db, company)
    db.session.execute(Notification.__table__.delete())
    db.session.commit()
    day = incident.occurred_on
    reminder = f"Report accident {incident.number} to the Arbeidsinspectie"

    notifications.run_reminders(day)  # the day itself: the coordinators
    assert _subjects(db, coordinator).count(reminder) == 1 and reminder not in _subjects(db, admin)
    assert notifications.run_reminders(day) == 0  # once a day
    notifications.run_reminders(day + dt.timedelta(days=1))  # the next day: the director too
    notifications.run_reminders(day + dt.timedelta(days=2))
    assert _subjects(db, coordinator).count(reminder) == 3 and _subjects(db, admin).count(reminder) == 2
    services.record_arbo_notification(incident, dt.datetime.now().replace(microsecond=0), "NLA-1")
    db.session.commit()
    assert notifications.run_reminders(day + dt.timedelta(days=3)) == 0
