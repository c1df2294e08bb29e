"""Toolbox meetings: the yearly plan, holding a meeting, tap-to-sign and recorded attendance, closing,
follow-up of misses, privacy of the lists and the audit trail."""
import datetime as dt

from sqlalchemy import select

from qms.audit.models import AuditEntry
from qms.organisation.models import Company, Employee
from qms.permissions import Role
from qms.vca.models import (AttendanceMethod, MeetingState, VcaToolboxAttendance, VcaToolboxMeeting, VcaWorker)
from qms.vca.services import toolbox

TODAY = dt.date.today()


def _company(db, level="vca2"):
    db.session.add(Company(name="De Test B.V.", certification_targets=f"iso9001:2015,vca:{level}"))
    db.session.commit()


def _worker(db, number, user=None, since=dt.date(2020, 1, 1), **kw):
    person = Employee(number=number, first_name="Pat", last_name=f"Worker {number}", function="Cleaner",
                      hired_on=dt.date(2019, 1, 1), user_id=user.id if user else None, **kw)
    db.session.add(person)
    db.session.flush()
    db.session.add(VcaWorker(employee_id=person.id, risky_work_since=since))
    db.session.commit()
    return person


def _meeting(db, state=MeetingState.HELD, presenter=None, day=None):
    meeting = VcaToolboxMeeting(planned_on=day or TODAY, held_on=(day or TODAY) if state != MeetingState.PLANNED else None,
                                topic="Ladders", state=state, presenter_id=presenter.id if presenter else None)
    db.session.add(meeting)
    db.session.commit()
    return meeting


def test_coordinator_plans_starts_and_closes_a_meeting(client, db, login_as):
    _company(db)
    login_as(Role.COORDINATOR)
    response = client.post("/vca/toolbox/new", data={"planned_on": TODAY.isoformat(), "topic": "Werken op hoogte",
                                                     "mode": "live", "presenter_id": "", "document_id": ""})
    assert response.status_code == 302
    meeting = db.session.scalar(select(VcaToolboxMeeting))
    assert meeting.state is MeetingState.PLANNED and meeting.topic == "Werken op hoogte"
    assert client.post(f"/vca/toolbox/{meeting.id}/start").status_code == 302
    db.session.refresh(meeting)
    assert meeting.state is MeetingState.HELD and meeting.held_on == TODAY
    assert client.post(f"/vca/toolbox/{meeting.id}/close").status_code == 302
    db.session.refresh(meeting)
    assert meeting.state is MeetingState.CLOSED
    # A closed meeting is a record: it can neither be edited nor reopened.
    client.post(f"/vca/toolbox/{meeting.id}/edit", data={"planned_on": TODAY.isoformat(), "topic": "Changed",
                                                          "mode": "live"})
    client.post(f"/vca/toolbox/{meeting.id}/start")
    db.session.refresh(meeting)
    assert meeting.topic == "Werken op hoogte" and meeting.state is MeetingState.CLOSED
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.entity_type == "vca_toolbox_meeting")).all()
    assert actions.count("create") == 1 and actions.count("update") >= 2


def test_bad_meeting_input_is_refused_next_to_the_field(client, db, login_as):
    login_as(Role.COORDINATOR)
    response = client.post("/vca/toolbox/new", data={"planned_on": "31-31-2026", "topic": "Kept topic",
                                                     "mode": "live", "presenter_id": "999999"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'value="Kept topic"' in html and 'id="planned_on-err"' in html
    response = client.post("/vca/toolbox/new", data={"planned_on": TODAY.isoformat(), "topic": "Kept topic",
                                                     "mode": "live", "presenter_id": "999999"})
    assert "Choose a presenter from the list." in response.get_data(as_text=True)
    assert db.session.scalar(select(VcaToolboxMeeting)) is None


def test_plan_year_fills_the_level_minimum_spread_over_the_year(client, db, login_as):
    _company(db, "vca2")
    login_as(Role.COORDINATOR)
    year = TODAY.year + 1
    _meeting(db, MeetingState.PLANNED, day=dt.date(year, 3, 3))
    assert client.post("/vca/toolbox/plan", data={"year": year}).status_code == 302
    days = sorted(m.planned_on for m in db.session.scalars(select(VcaToolboxMeeting)))
    assert len(days) == 10 and len({d.month for d in days}) == 10
    page = client.get(f"/vca/toolbox?year={year}").get_data(as_text=True)
    assert "The plan meets the minimum and is spread over the year." in page
    client.post("/vca/toolbox/plan", data={"year": year})
    assert len(db.session.scalars(select(VcaToolboxMeeting)).all()) == 10


def test_staff_sign_their_own_attendance_once(client, db, login_as):
    _company(db)
    user = login_as(Role.STAFF)
    me = _worker(db, "S1", user=user)
    meeting = _meeting(db)
    page = client.get(f"/vca/toolbox/{meeting.id}/sign").get_data(as_text=True)
    assert f"I attended: sign as {me.full_name}" in page
    assert "Record attendees from the list" not in page
    assert client.post(f"/vca/toolbox/{meeting.id}/sign").status_code == 302
    row = db.session.scalar(select(VcaToolboxAttendance))
    assert row.employee_id == me.id and row.method is AttendanceMethod.SIGNED and row.recorded_by_id == user.id
    assert "You signed at" in client.get(f"/vca/toolbox/{meeting.id}/sign").get_data(as_text=True)
    client.post(f"/vca/toolbox/{meeting.id}/sign")
    assert len(db.session.scalars(select(VcaToolboxAttendance)).all()) == 1
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.entity_type == "vca_toolbox_attendance")) is not None
    # Staff may not record others, nor read the registers.
    assert client.post(f"/vca/toolbox/{meeting.id}/record", data={"people": [me.id]}).status_code == 404
    assert client.get(f"/vca/toolbox/{meeting.id}").status_code == 403
    assert client.get("/vca/").status_code == 403


def test_signing_is_refused_when_the_meeting_is_not_open(client, db, login_as):
    user = login_as(Role.STAFF)
    _worker(db, "S1", user=user)
    planned = _meeting(db, MeetingState.PLANNED)
    closed = _meeting(db, MeetingState.CLOSED)
    assert client.get(f"/vca/toolbox/{closed.id}/sign").status_code == 404  # not theirs to see
    client.post(f"/vca/toolbox/{planned.id}/sign")
    assert db.session.scalar(select(VcaToolboxAttendance)) is None


def test_presenter_records_attendees_from_the_list(client, db, login_as):
    user = login_as(Role.STAFF)
    presenter = _worker(db, "P1", user=user, is_supervisor=True)
    a, b = _worker(db, "A1"), _worker(db, "B1")
    _worker(db, "N1", since=None)  # no risky work: not on the list
    meeting = _meeting(db, presenter=presenter)
    page = client.get(f"/vca/toolbox/{meeting.id}/sign").get_data(as_text=True)
    assert "Record attendees from the list" in page and a.full_name in page and "Worker N1" not in page
    assert client.post(f"/vca/toolbox/{meeting.id}/record", data={"people": [a.id, b.id]}).status_code == 302
    rows = db.session.scalars(select(VcaToolboxAttendance)).all()
    assert {r.employee_id for r in rows} == {a.id, b.id} and {r.method for r in rows} == {AttendanceMethod.RECORDED}


def test_attendance_per_person_misses_and_follow_up(client, db, login_as):
    _company(db)
    login_as(Role.COORDINATOR)
    a, b = _worker(db, "A1"), _worker(db, "B1")
    day = TODAY - dt.timedelta(days=20)
    meeting = _meeting(db, MeetingState.CLOSED, day=day)
    db.session.add(VcaToolboxAttendance(meeting_id=meeting.id, employee_id=a.id, method=AttendanceMethod.SIGNED))
    db.session.commit()
    people, rows = toolbox.summary([meeting])
    assert rows[a.id].attended == 1 and rows[b.id].missed == [meeting.id]
    follow = client.get("/vca/toolbox/follow-up").get_data(as_text=True)
    assert b.full_name in follow and a.full_name not in follow
    detail = client.get(f"/vca/toolbox/{meeting.id}").get_data(as_text=True)
    assert "Missed" in detail and b.full_name in detail
    response = client.post("/vca/toolbox/catch-up", data={"meeting_id": meeting.id, "employee_id": b.id,
                                                          "next": "/vca/toolbox/follow-up"})
    assert response.status_code == 302
    row = db.session.scalar(select(VcaToolboxAttendance).where(VcaToolboxAttendance.employee_id == b.id))
    assert row.method is AttendanceMethod.CATCH_UP
    assert "caught up on Ladders" in client.get("/vca/toolbox/follow-up").get_data(as_text=True)  # the flash
    assert "Nothing to follow up." in client.get("/vca/toolbox/follow-up").get_data(as_text=True)
    attendance = client.get(f"/vca/toolbox/attendance?year={day.year}").get_data(as_text=True)
    assert a.full_name in attendance and "100%" in attendance


def test_incident_lessons_are_discussed_and_marked_when_the_meeting_closes(client, db, login_as):
    models = __import__("pytest").importorskip("qms.incidents.models")
    login_as(Role.COORDINATOR)
    kind = list(models.IncidentType)[0]
    incident = models.Incident(number="INC-T-1", type=kind, occurred_at=dt.datetime(2026, 1, 5, 9, 0),
                               occurred_on=dt.date(2026, 1, 5), description="Uitgegleden", lessons="Vloer afzetten",
                               lessons_for_toolbox=True)
    db.session.add(incident)
    db.session.commit()
    meeting = _meeting(db)
    page = client.get(f"/vca/toolbox/{meeting.id}").get_data(as_text=True)
    assert "Vloer afzetten" in page
    assert client.post(f"/vca/toolbox/{meeting.id}/close", data={"lessons": [incident.id]}).status_code == 302
    db.session.refresh(incident)
    assert incident.lessons_discussed_on == TODAY and incident.lessons_meeting_ref == f"toolbox:{meeting.id}"


def test_review_section_reports_the_period(app, db):
    from flask import current_app

    from qms.norms import registry

    _company(db)
    a = _worker(db, "A1")
    meeting = _meeting(db, MeetingState.CLOSED, day=TODAY - dt.timedelta(days=3))
    db.session.add(VcaToolboxAttendance(meeting_id=meeting.id, employee_id=a.id, method=AttendanceMethod.SIGNED))
    db.session.commit()
    with current_app.test_request_context():
        sections = [s(TODAY - dt.timedelta(days=30), TODAY) for norm, s in registry().review_sections() if norm.code == "vca"]
    rows = dict(sections[0].rows)
    assert sections[0].key == "vca" and rows["Toolbox meetings held"].startswith("1 ")
    assert rows["Toolbox attendance"] == "100%"


def test_meeting_materials_are_a_controlled_document(client, db, login_as):
    models = __import__("pytest").importorskip("qms.documents.models")
    login_as(Role.COORDINATOR)
    document = models.Document(number="WI-007", title="Werken met ladders", type=list(models.DocumentType)[0])
    db.session.add(document)
    db.session.commit()
    form = client.get("/vca/toolbox/new").get_data(as_text=True)
    assert 'data-lookup="/lookup/documents"' in form  # searched, not listed: the register has 20,000 documents
    found = client.get("/lookup/documents?q=ladders").get_json()["results"]
    assert found == [{"id": document.id, "label": "WI-007 Werken met ladders"}]
    client.post("/vca/toolbox/new", data={"planned_on": TODAY.isoformat(), "topic": "Ladders", "mode": "live",
                                          "document_id": document.id})
    meeting = db.session.scalar(select(VcaToolboxMeeting))
    assert meeting.document_id == document.id
    assert "WI-007 Werken met ladders" in client.get(f"/vca/toolbox/{meeting.id}").get_data(as_text=True)


def test_the_toolbox_rule_follows_the_level_being_viewed_not_the_company_target(client, db, login_as):
    """Target VCA*, five meetings held in the last 12 months: enough for VCA* (4), short for VCA** (10)."""
    from qms.evidence import services as evidence
    from qms.norms import registry

    _company(db, level="vca1")
    for months_ago in (1, 3, 5, 7, 9):
        _meeting(db, day=TODAY - dt.timedelta(days=30 * months_ago))
    login_as(Role.AUDITOR)
    for level, minimum, met in (("vca1", 4, True), ("vca2", 10, False)):
        rule = {e.requirement: e for e in registry().live_evidence("vca", "2017-6.0", level)}["4.1"]
        assert rule.value == f"5 of {minimum}" and rule.ok is met, level
        result, _views = evidence.assess("vca", "2017-6.0", level)
        assert ("4.1" in result.must_missing) is not met, level
    page = client.get("/evidence/norms/vca/2017-6.0/req/4.1?level=vca2").get_data(as_text=True)
    assert "5 of 10" in page and "5 of 4" not in page and "Judged for VCA**." in page
    page = client.get("/evidence/norms/vca/2017-6.0?level=vca2").get_data(as_text=True)
    assert "5 of 4" not in page


def test_a_meeting_of_many_expected_people_is_paged_and_searched(client, db, login_as, app):
    """A company expects hundreds at a meeting: the meeting page pages the attendance list and the misses in
    the database, the signing page offers the people not on the list a page at a time, found by name."""
    _company(db)
    people = [_worker(db, f"T{n:03d}") for n in range(60)]
    meeting = _meeting(db)
    toolbox.record(meeting, [p.id for p in people[:30]], None)
    db.session.commit()
    per_page = app.config["ITEMS_PER_PAGE"]
    login_as(Role.COORDINATOR)
    page = client.get(f"/vca/toolbox/{meeting.id}").get_data(as_text=True)
    assert "Attendance (30)" in page and "Missed (30)" in page
    assert page.count("Worker T0") == 2 * per_page  # a page of each list
    second = client.get(f"/vca/toolbox/{meeting.id}?missed_page=2").get_data(as_text=True)
    assert "Worker T059" in second and "Worker T059" not in page
    sign = client.get(f"/vca/toolbox/{meeting.id}/sign").get_data(as_text=True)
    assert "30 of 60 expected people are on the list." in sign
    assert sign.count('name="people"') == 30
    found = client.get(f"/vca/toolbox/{meeting.id}/sign?q=T04").get_data(as_text=True)
    assert found.count('name="people"') == 10 and "Worker T041" in found and "Worker T001" not in found
    assert "Nobody who is not on the list yet" in client.get(f"/vca/toolbox/{meeting.id}/sign?q=T001").get_data(
        as_text=True)  # on the list already
    assert client.post(f"/vca/toolbox/{meeting.id}/record", data={"people": [people[41].id]}).status_code == 302
    assert toolbox.list_counts(meeting) == (31, 60)
