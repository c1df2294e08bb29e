"""Handling incidents: triage, the Arbeidsinspectie deadline, injured persons and LTIs, the Arbowet list,
investigation, prevention actions through qms.actions, closing, privacy per role, retention and the contracts."""
import datetime as dt
import io
from decimal import Decimal

import pytest
from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from qms.actions import services as actions
from qms.audit.models import AuditEntry
from qms.auth.models import User
from qms.extensions import db as _db
from qms.incidents import services
from qms.incidents.models import Incident, IncidentPhoto
from qms.uploads import services as uploads
from qms.incidents.services import IncidentError, InvestigationData, PersonData, TriageData
from qms.incidents.workflow import ArboReason, IncidentState, IncidentType, Method, PersonCategory, Severity
from qms.permissions import Role
from tests import factories


def make_incident(kind=IncidentType.NEAR_MISS, when=None, injured=0, persons_text=None, reporter=None,
                  token=None) -> Incident:
    return factories.incident(_db, kind, when=when, injured=injured, persons_text=persons_text, reporter=reporter,
                              token=token)


def triaged(incident, arbo=None, kind=None) -> Incident:
    services.triage(incident, TriageData(type=kind or incident.type, severity=Severity.HIGH, site_id=None,
                                         department_id=None, arbo_reason=arbo))
    _db.session.commit()
    return incident


@pytest.fixture
def coordinator_client(client, login_as):
    login_as(Role.COORDINATOR)
    return client


def test_triage_through_the_page_moves_the_report_on(db, coordinator_client):
    incident = make_incident()
    response = coordinator_client.post(f"/incidents/{incident.id}/triage", data={
        "type": "unsafe_situation", "severity": "medium", "site_id": "", "department_id": "", "arbo_reason": ""})
    assert response.status_code == 302
    db.session.refresh(incident)
    assert incident.state is IncidentState.TRIAGED and incident.type is IncidentType.UNSAFE_SITUATION
    assert incident.severity is Severity.MEDIUM and incident.triaged_at is not None
    refused = coordinator_client.post(f"/incidents/{incident.id}/triage", data={
        "type": "near_miss", "severity": "medium", "arbo_reason": "death"})
    assert refused.status_code == 400 and "Only an accident" in refused.get_data(as_text=True)


def test_arbeidsinspectie_warning_until_the_notification_is_recorded(db, coordinator_client):
    incident = triaged(make_incident(IncidentType.LTI, injured=1), arbo=ArboReason.HOSPITAL)
    assert incident.arbo_pending
    assert "must be reported to the Arbeidsinspectie" in coordinator_client.get("/incidents/").get_data(as_text=True)
    assert "Report this accident" in coordinator_client.get(f"/incidents/{incident.id}").get_data(as_text=True)
    before = (incident.occurred_at - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    how = {"method": "phone", "reported_by": "Jeroen Bakker"}
    bad = coordinator_client.post(f"/incidents/{incident.id}/arbo", data={"notified_at": before, **how})
    assert bad.status_code == 400 and "before the accident" in bad.get_data(as_text=True)
    now = dt.datetime.now().strftime("%Y-%m-%dT%H:%M")
    unnamed = coordinator_client.post(f"/incidents/{incident.id}/arbo", data={"notified_at": now, "method": "phone",
                                                                           "reported_by": ""})
    assert unnamed.status_code == 400 and "Who made the report?" in unnamed.get_data(as_text=True)
    ok = coordinator_client.post(f"/incidents/{incident.id}/arbo",
                                 data={"notified_at": now, "reference": "AI-123", **how})
    assert ok.status_code == 302
    db.session.refresh(incident)
    assert not incident.arbo_pending and incident.arbo_reference == "AI-123"
    assert "must be reported" not in coordinator_client.get("/incidents/").get_data(as_text=True)


def test_arbo_reminder_goes_to_coordinators_once_a_day(app, db, make_user):
    from qms.notifications import services as notifications
    from qms.notifications.models import Notification

    coordinator = make_user(Role.COORDINATOR)
    incident = triaged(make_incident(IncidentType.LTI, injured=1), arbo=ArboReason.DEATH)
    assert notifications.run_reminders(dt.date.today()) >= 1
    assert notifications.run_reminders(dt.date.today()) == 0
    db.session.commit()
    urls = db.session.scalars(select(Notification.url).where(Notification.user_id == coordinator.id)).all()
    assert f"/incidents/{incident.id}" in urls


def test_several_injured_count_as_several_ltis_and_the_arbowet_list(db, coordinator_client):
    accident = triaged(make_incident(IncidentType.MEDICAL, injured=3))
    for days in (5, 2, 0):
        assert coordinator_client.post(f"/incidents/{accident.id}/persons", data={
            "category": "own_staff", "lost_days": str(days), "name": f"Persoon {days}"}).status_code == 302
    db.session.refresh(accident)
    assert accident.lti_count == 2 and accident.lost_days == 7 and accident.max_lost_days == 5
    assert accident.type is IncidentType.LTI  # lost time turns it into an LTI
    three = triaged(make_incident(IncidentType.LTI, injured=1))
    services.save_person(three, None, PersonData(PersonCategory.TEMPORARY, lost_days=3))
    reported = triaged(make_incident(IncidentType.FIRST_AID, injured=1), arbo=ArboReason.PERMANENT_INJURY)
    triaged(make_incident(IncidentType.NEAR_MISS))
    db.session.commit()
    listed = {i.id for i in db.session.scalars(services.arbowet_statement())}
    assert listed == {accident.id, reported.id}  # 3 days is not "more than three"
    html = coordinator_client.get("/incidents/arbowet").get_data(as_text=True)
    assert accident.number in html and reported.number in html and three.number not in html
    assert "Persoon 5" in html
    csv = coordinator_client.get("/incidents/arbowet.csv").get_data(as_text=True)
    assert accident.number in csv and three.number not in csv and "Persoon 5" in csv
    assert services.ltis_and_hours(dt.date.today() - dt.timedelta(days=30), dt.date.today())[0] == 3


def test_names_only_for_coordinator_and_hr(app, db, client, make_user, login_as):
    incident = triaged(make_incident(IncidentType.LTI, injured=1, persons_text="Karin de Vries"))
    services.save_person(incident, None, PersonData(PersonCategory.OWN_STAFF, lost_days=6, name="Karin de Vries"))
    db.session.commit()
    expectations = {Role.COORDINATOR: True, Role.AUDITOR: False, Role.ADMIN: False}
    for role, sees in expectations.items():
        client.post("/logout")
        login_as(role)
        for url in (f"/incidents/{incident.id}", "/incidents/export.csv", "/incidents/arbowet", "/incidents/arbowet.csv"):
            body = client.get(url).get_data(as_text=True)
            assert ("Karin" in body) is sees, (role, url)
        assert client.get(f"/incidents/{incident.id}/report.pdf").status_code == 200
    client.post("/logout")
    login_as(Role.HR)
    assert "Karin" in client.get("/incidents/arbowet").get_data(as_text=True)
    assert client.get(f"/incidents/{incident.id}").status_code == 403
    client.post("/logout")
    login_as(Role.STAFF)
    assert client.get("/incidents/arbowet").status_code == 403
    assert client.get("/incidents/").status_code == 403
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity_type == "incident_person"))
    assert "Karin" not in (entry.new_values or "")


def test_investigate_act_check_and_close(app, db, coordinator_client, make_user):
    owner = make_user(Role.STAFF)
    incident = triaged(make_incident(IncidentType.UNSAFE_SITUATION))
    closing = coordinator_client.post(f"/incidents/{incident.id}/state", data={"target": "closed"})
    assert closing.status_code == 302
    db.session.refresh(incident)
    assert incident.state is IncidentState.TRIAGED  # not an allowed transition
    assert coordinator_client.post(f"/incidents/{incident.id}/investigation", data={
        "method": "five_whys", "root_causes": "Geen vaste plek voor natte-vloer-borden.",
        "lessons": "Altijd een bord meenemen.", "lessons_for_toolbox": "y"}).status_code == 302
    db.session.refresh(incident)
    assert incident.state is IncidentState.INVESTIGATING and incident in services.open_toolbox_lessons()
    due = (dt.date.today() + dt.timedelta(days=14)).isoformat()
    assert coordinator_client.post(f"/incidents/{incident.id}/actions", data={
        "kind": "preventive", "description": "Borden in elke werkkast.", "owner_id": str(owner.id),
        "due_date": due}).status_code == 302
    db.session.refresh(incident)
    assert incident.state is IncidentState.ACTIONS
    nc, = actions.for_source("incident", str(incident.id))
    assert nc.root_cause.startswith("Geen vaste plek") and len(nc.actions) == 1
    with app.test_request_context():
        assert actions.source_link("incident", nc.source_id) == ("Incident", f"/incidents/{incident.id}")
    refused = coordinator_client.post(f"/incidents/{incident.id}/state", data={"target": "closed"}, follow_redirects=True)
    assert "checked for effectiveness" in refused.get_data(as_text=True)
    db.session.refresh(incident)
    assert incident.state is IncidentState.ACTIONS
    checker = db.session.get(User, owner.id)
    actions.complete_action(nc.actions[0], checker, "Borden geplaatst.")
    actions.record_effectiveness(nc, checker, effective=True, note="Geen nieuwe meldingen in 4 weken.")
    db.session.commit()
    assert coordinator_client.post(f"/incidents/{incident.id}/state", data={"target": "closed"}).status_code == 302
    db.session.refresh(incident)
    assert incident.state is IncidentState.CLOSED and incident.closed_at is not None
    with pytest.raises(IncidentError):
        services.triage(incident, TriageData(IncidentType.NEAR_MISS, Severity.LOW, None, None, None))
    db.session.rollback()
    states = [e.new_values for e in db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity_type == "incident", AuditEntry.entity_id == str(incident.id)).order_by(AuditEntry.id))]
    assert any('"state":"closed"' in (v or "") for v in states)


def test_toolbox_lessons_contract(db):
    incident = triaged(make_incident())
    services.save_investigation(incident, InvestigationData(Method.TRIPOD, "Oorzaak", None, "Les", True))
    db.session.commit()
    assert [i.id for i in services.open_toolbox_lessons()] == [incident.id]
    assert services.mark_lessons_discussed([incident.id], dt.date.today(), "TBM-2026-11") == 1
    db.session.commit()
    assert services.open_toolbox_lessons() == []
    assert incident.lessons_meeting_ref == "TBM-2026-11"


def test_hours_register_and_injury_frequency(db, coordinator_client):
    year = dt.date.today().year - 1
    response = coordinator_client.post("/incidents/hours", data={
        "year": str(year), "h_1_own_staff": "40000", "h_1_temporary": "10000", "h_2_subcontractor": "50000"})
    assert response.status_code == 302
    incident = make_incident(IncidentType.LTI, when=dt.datetime(year, 1, 15, 10, 0), injured=1)
    services.save_person(incident, None, PersonData(PersonCategory.OWN_STAFF, lost_days=4))
    db.session.commit()
    ltis, hours = services.ltis_and_hours(dt.date(year, 1, 1), dt.date(year, 12, 31))
    assert (ltis, hours) == (1, Decimal(100000))
    page = coordinator_client.get(f"/incidents/figures?year={year}").get_data(as_text=True)
    assert "10.0" in page  # 1 × 1,000,000 / 100,000
    assert coordinator_client.post("/incidents/hours", data={"year": "soon"}).status_code == 400
    bad = coordinator_client.post("/incidents/hours", data={"year": str(year), "h_3_own_staff": "veel"})
    assert bad.status_code == 400 and 'value="veel"' in bad.get_data(as_text=True)
    empty = coordinator_client.get(f"/incidents/figures?year={year + 5}").get_data(as_text=True)
    assert "no hours registered" in empty
    pdf = coordinator_client.get(f"/incidents/annual-report.pdf?year={year}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert coordinator_client.get(f"/incidents/annual-report.pdf?year={year + 5}").status_code == 200  # no data


def test_log_filters_paginates_and_exports(db, coordinator_client):
    for n in range(30):
        make_incident(IncidentType.NEAR_MISS if n % 2 else IncidentType.UNSAFE_ACT, token=f"log-{n}")
    page = coordinator_client.get("/incidents/?type=unsafe_act").get_data(as_text=True)
    assert "15 items" in page
    all_of_them = coordinator_client.get("/incidents/").get_data(as_text=True)
    assert "Page 1 of 2" in all_of_them and "30 items" in all_of_them
    csv = coordinator_client.get("/incidents/export.csv?type=near_miss").get_data(as_text=True)
    assert len(csv.strip().splitlines()) == 16
    assert coordinator_client.get("/incidents/?year=abc&site=999999999999&page=x").status_code == 200


def test_retention_purge_removes_names_and_keeps_figures(app, db, make_user, coordinator_client):
    reporter = make_user(Role.STAFF)
    old_when = dt.datetime.now().replace(microsecond=0) - dt.timedelta(days=2 * 365)
    old = make_incident(IncidentType.LTI, when=old_when, injured=1, persons_text="Ali B.", reporter=reporter)
    services.save_person(old, None, PersonData(PersonCategory.OWN_STAFF, lost_days=5, name="Ali B."))
    with app.test_request_context():
        buffer = io.BytesIO()
        Image.new("RGB", (20, 20), (1, 2, 3)).save(buffer, "PNG")
        buffer.seek(0)
        stored = uploads.store(FileStorage(buffer, "ali.png"), allowed={"image"})
        db.session.add(IncidentPhoto(incident_id=old.id, stored_file_id=stored.id))
        db.session.commit()
    photo_path = uploads.path_of(stored)
    assert photo_path.exists()
    # backdate the report: the 3-year check of the form is for new reports only
    recent = make_incident(IncidentType.LTI, injured=1, persons_text="Recent", token="recent")
    for incident in (old, recent):
        incident.state = IncidentState.CLOSED
    db.session.commit()
    services.set_retention(12)
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["qms", "incidents-purge"])
    assert result.exit_code == 0 and "1 incidents" in result.output
    db.session.expire_all()
    old = db.session.get(Incident, old.id)
    assert old.purged_at is not None and old.reporter_id is None and old.persons_text is None
    assert old.persons[0].name is None and old.lti_count == 1 and old.lost_days == 5
    assert old.photos == [] and not photo_path.exists()
    assert db.session.get(Incident, recent.id).persons_text == "Recent"
    bad = coordinator_client.post("/incidents/settings", data={"retention_months": "3"})
    assert bad.status_code == 200 and "12" in bad.get_data(as_text=True)


def test_review_section_through_the_signal(app, db):
    from qms.signals import review_input_requested

    triaged(make_incident(IncidentType.NEAR_MISS))
    with app.test_request_context():  # the review pack is made in a request, in the reader's language
        sections = [v for _, v in review_input_requested.send(app, start=dt.date.today() - dt.timedelta(days=30),
                                                              end=dt.date.today()) if v]
    mine = [s for s in sections if s.key == "incidents"]
    assert mine and dict(mine[0].rows)["Near misses"] == "1"
    rows = dict(mine[0].rows)
    months = services.rolling(dt.date.today()).months
    assert rows[f"Injury frequency (IF, 12 months), {months}"] == "no hours registered"


def test_log_page_costs_the_same_queries_for_5_or_25_rows(app, db, coordinator_client):
    from sqlalchemy import event

    def queries(url):
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert coordinator_client.get(url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    for n in range(5):
        incident = make_incident(IncidentType.LTI, injured=1, token=f"q-{n}")
        services.save_person(incident, None, PersonData(PersonCategory.OWN_STAFF, lost_days=5))
        db.session.commit()
    few = {url: queries(url) for url in ("/incidents/", "/incidents/arbowet", "/incidents/figures")}
    for n in range(20):
        incident = make_incident(IncidentType.LTI, injured=1, token=f"r-{n}")
        services.save_person(incident, None, PersonData(PersonCategory.OWN_STAFF, lost_days=5))
        db.session.commit()
    many = {url: queries(url) for url in few}
    assert many == few
    page = coordinator_client.get("/incidents/").get_data(as_text=True)
    assert "Not a valid choice" not in page


# --- LTIs from the report, open absence and closing --------------------------------------------------------

def test_an_accident_with_absence_counts_its_injured_until_persons_are_added(db):
    """'Accident with absence, 2 injured' without person details counted 0 LTIs; it counts 2."""
    incident = make_incident(IncidentType.LTI, injured=2)
    assert incident.lti_count == 2
    triaged(incident)
    assert incident.lti_count == 2
    services.save_person(incident, None, PersonData(PersonCategory.OWN_STAFF, lost_days=4))
    db.session.commit()
    assert incident.lti_count == 1  # the persons decide once they are recorded
    medical = triaged(make_incident(IncidentType.MEDICAL, injured=2))
    assert medical.lti_count == 0
    triaged(medical, kind=IncidentType.LTI)
    assert medical.lti_count == 2


def test_visitors_ltis_are_recorded_but_not_counted(db, coordinator_client):
    incident = triaged(make_incident(IncidentType.LTI, injured=2))
    services.save_person(incident, None, PersonData(PersonCategory.VISITOR, lost_days=5))
    services.save_person(incident, None, PersonData(PersonCategory.SUBCONTRACTOR, lost_days=2))
    db.session.commit()
    assert (incident.lti_count, incident.lost_days, incident.on_arbowet_list) == (1, 7, True)
    page = coordinator_client.get("/incidents/figures").get_data(as_text=True)
    assert "LTIs of own staff, temporary worker, subcontractor, apprentice count in the IF" in page
    assert "LTIs of visitor or client stay in the log" in page


def _closable(app, make_user, absent: bool):
    owner = make_user(Role.STAFF)
    incident = triaged(make_incident(IncidentType.LTI, injured=1))
    person = services.save_person(incident, None, PersonData(PersonCategory.OWN_STAFF, lost_days=3,
                                                             absence_ongoing=absent))
    services.save_investigation(incident, InvestigationData(Method.TRIPOD, "Oorzaak", None, None, False))
    services.add_prevention_action(incident, description="Borden", owner=owner,
                                   due_date=dt.date.today() + dt.timedelta(days=7))
    nc, = actions.for_source("incident", str(incident.id))
    checker = db_user(owner)
    actions.complete_action(nc.actions[0], checker, "Klaar.")
    actions.record_effectiveness(nc, checker, effective=True, note="Werkt.")
    _db.session.commit()
    return incident, person


def db_user(user):
    return _db.session.get(User, user.id)


def test_closing_with_open_absence_asks_for_confirmation_and_lost_days_stay_editable(app, db, coordinator_client,
                                                                                   make_user):
    incident, person = _closable(app, make_user, absent=True)
    refused = coordinator_client.post(f"/incidents/{incident.id}/state", data={"target": "closed"},
                                      follow_redirects=True)
    assert "still absent" in refused.get_data(as_text=True)
    db.session.refresh(incident)
    assert incident.state is IncidentState.ACTIONS
    page = coordinator_client.get(f"/incidents/{incident.id}").get_data(as_text=True)
    assert 'name="confirm_absence"' in page
    assert coordinator_client.post(f"/incidents/{incident.id}/state",
                                   data={"target": "closed", "confirm_absence": "y"}).status_code == 302
    db.session.refresh(incident)
    assert incident.state is IncidentState.CLOSED
    # The absence ends after closing: the lost days are updated on the closed incident, with a trail.
    page = coordinator_client.get(f"/incidents/{incident.id}").get_data(as_text=True)
    assert f'/incidents/{incident.id}/persons/{person.id}"' in page
    assert coordinator_client.post(f"/incidents/{incident.id}/persons/{person.id}", data={
        "category": "own_staff", "lost_days": "12"}).status_code == 302
    db.session.refresh(incident)
    db.session.refresh(person)
    assert (person.lost_days, person.absence_ongoing, incident.lost_days) == (12, False, 12)
    assert incident.on_arbowet_list  # more than three days now
    trail = [e.new_values or "" for e in db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity_type == "incident_person", AuditEntry.entity_id == str(person.id)))]
    assert any('"lost_days":12' in v for v in trail), trail
    # Only the absence: the category and new persons stay as they were.
    with pytest.raises(IncidentError):
        services.save_person(incident, person, PersonData(PersonCategory.VISITOR, lost_days=12))
    with pytest.raises(IncidentError):
        services.save_person(incident, None, PersonData(PersonCategory.OWN_STAFF, lost_days=1))
    db.session.rollback()


def test_closing_without_open_absence_needs_no_confirmation(app, db, coordinator_client, make_user):
    incident, _person = _closable(app, make_user, absent=False)
    assert coordinator_client.post(f"/incidents/{incident.id}/state", data={"target": "closed"}).status_code == 302
    db.session.refresh(incident)
    assert incident.state is IncidentState.CLOSED


def _pdf_pages(data: bytes) -> list[str]:
    import shutil
    import subprocess

    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout
    return text.decode().split("\f")


def test_annual_report_counts_pages_and_says_what_its_charts_show(db, coordinator_client):
    year = dt.date.today().year - 1
    coordinator_client.post("/incidents/hours", data={"year": str(year), "h_1_own_staff": "40000"})
    make_incident(IncidentType.NEAR_MISS, when=dt.datetime(year, 3, 15, 10, 0))
    make_incident(IncidentType.NEAR_MISS, when=dt.datetime(year, 3, 16, 10, 0))
    pages = [p for p in _pdf_pages(coordinator_client.get(f"/incidents/annual-report.pdf?year={year}").data)
             if p.strip()]
    text = "\n".join(pages)
    assert f"Page 1 of {len(pages)}" in pages[0] and f"Page {len(pages)} of {len(pages)}" in pages[-1]
    assert "Count" in text.split("Incidents per type")[1].split("\n")[1]  # a count, not a "Number"
    assert "each over the 12 months before it (last 24 months)" in " ".join(text.split())
    assert " 0.5" not in text and " 1.5" not in text  # no half incidents on a count axis


def test_chart_axes_have_whole_counts_and_room_above_the_line():
    from qms.core.pdf import count_axis, value_axis

    assert count_axis(3) == (3, 1) and count_axis(0) == (1, 1)
    top, step = count_axis(23)
    assert top >= 23 and step == int(step) and top % step == 0 and top / step <= 8
    for highest in (0.4, 7, 61, 75.2, 999):
        top, step = value_axis(highest)
        assert top >= highest and top % step == pytest.approx(0) and top / step <= 8


def test_the_csv_has_label_columns_and_machine_readable_codes(db, coordinator_client):
    import csv as csv_module

    make_incident(IncidentType.NEAR_MISS, token="csv-codes")
    text = coordinator_client.get("/incidents/export.csv").get_data(as_text=True).lstrip("\ufeff")
    header, row = list(csv_module.reader(io.StringIO(text), delimiter=";"))[:2]
    record = dict(zip(header, row))
    assert record["Type"] == IncidentType.NEAR_MISS.label and record["Type (code)"] == "near_miss"
    assert record["State (code)"] == "reported" and record["Date"] == row[header.index("Date")]


def test_removing_an_injured_person_recounts_the_ltis_and_is_in_the_trail(db, coordinator_client):
    accident = triaged(make_incident(IncidentType.MEDICAL, injured=2))
    for days in (4, 1):
        assert coordinator_client.post(f"/incidents/{accident.id}/persons", data={
            "category": "own_staff", "lost_days": str(days), "name": f"Persoon {days}"}).status_code == 302
    db.session.refresh(accident)
    assert accident.lti_count == 2 and accident.lost_days == 5
    four = next(p for p in accident.persons if p.lost_days == 4)
    response = coordinator_client.post(f"/incidents/{accident.id}/persons/{four.id}/remove")
    assert response.status_code == 302 and response.headers["Location"].endswith("#persons")
    db.session.expire_all()
    accident = db.session.get(Incident, accident.id)
    assert [p.name for p in accident.persons] == ["Persoon 1"]
    assert accident.lti_count == 1 and accident.lost_days == 1
    removed = db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "incident_person",
                                                          AuditEntry.action == "delete")).all()
    assert [e.entity_id for e in removed] == [str(four.id)]
    # a person of another incident is not found through this one
    other = triaged(make_incident(IncidentType.MEDICAL, injured=1))
    services.save_person(other, None, PersonData(PersonCategory.OWN_STAFF, lost_days=2, name="Elders"))
    db.session.commit()
    stranger = other.persons[0]
    assert coordinator_client.post(f"/incidents/{accident.id}/persons/{stranger.id}/remove").status_code == 404
    assert db.session.get(Incident, other.id).persons[0].name == "Elders"


def test_the_purge_button_removes_names_past_the_retention_period(db, coordinator_client):
    old_when = dt.datetime.now().replace(microsecond=0) - dt.timedelta(days=2 * 365)
    old = make_incident(IncidentType.LTI, when=old_when, injured=1, persons_text="Ali B.")
    old.state = IncidentState.CLOSED
    services.set_retention(12)
    db.session.commit()
    response = coordinator_client.post("/incidents/settings/purge", follow_redirects=True)
    assert response.status_code == 200 and "1" in response.get_data(as_text=True)
    db.session.expire_all()
    old = db.session.get(Incident, old.id)
    assert old.purged_at is not None and old.persons_text is None and old.lti_count == 1
    again = coordinator_client.post("/incidents/settings/purge")
    assert again.status_code == 302 and again.headers["Location"].endswith("/incidents/settings")


def test_the_purge_is_in_the_trail_without_the_names_it_removed(db, coordinator_client):
    old_when = dt.datetime.now().replace(microsecond=0) - dt.timedelta(days=2 * 365)
    old = make_incident(IncidentType.LTI, when=old_when, injured=1, persons_text="Ali B.")
    old.state = IncidentState.CLOSED
    recent = make_incident(IncidentType.LTI, injured=1, persons_text="Bea C.")
    recent.state = IncidentState.CLOSED
    services.set_retention(12)
    db.session.commit()
    response = coordinator_client.post("/incidents/settings/purge", follow_redirects=True)
    assert "Personal details were removed from 1 incidents." in response.get_data(as_text=True)
    changed = db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "incident",
                                                          AuditEntry.action == "update",
                                                          AuditEntry.new_values.contains("purged_at"))).all()
    assert [e.entity_id for e in changed] == [str(old.id)]
    assert "Ali B." not in (changed[0].old_values or "") + (changed[0].new_values or "")
    db.session.expire_all()
    assert db.session.get(Incident, recent.id).persons_text == "Bea C."


@pytest.mark.parametrize("role", [Role.STAFF, Role.AUDITOR, Role.HR])
def test_only_incident_managers_purge_or_remove_an_injured_person(db, client, login_as, role):
    old_when = dt.datetime.now().replace(microsecond=0) - dt.timedelta(days=2 * 365)
    old = make_incident(IncidentType.LTI, when=old_when, injured=1, persons_text="Ali B.")
    old.state = IncidentState.CLOSED
    services.set_retention(12)
    accident = triaged(make_incident(IncidentType.MEDICAL, injured=1))
    services.save_person(accident, None, PersonData(PersonCategory.OWN_STAFF, lost_days=3, name="Piet"))
    db.session.commit()
    person_id = accident.persons[0].id
    login_as(role)
    assert client.post("/incidents/settings/purge").status_code == 403
    assert client.post(f"/incidents/{accident.id}/persons/{person_id}/remove").status_code == 403
    db.session.expire_all()
    assert db.session.get(Incident, old.id).persons_text == "Ali B."
    assert [p.name for p in db.session.get(Incident, accident.id).persons] == ["Piet"]
