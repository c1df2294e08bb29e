"""Customer complaints: logged from any channel by anyone, handled through the workflow, turned into a
nonconformity with a corrective action (qms.actions), satisfaction results."""
import datetime as dt

from sqlalchemy import select

from qms.actions.models import CorrectiveAction, Nonconformity
from qms.audit.models import AuditEntry
from qms.iso9001.models import Complaint, ComplaintState, SatisfactionResult
from qms.permissions import Role

TODAY = dt.date.today()


def complaint_form(**overrides):
    data = {"kind": "complaint", "channel": "phone", "received_on": TODAY.isoformat(),
            "client": "Notariskantoor Van Dijk", "site_id": "", "description": "Prullenbakken niet geleegd"}
    data.update(overrides)
    return data


def test_staff_log_feedback_from_the_site_but_do_not_see_the_register(client, db, login_as):
    login_as(Role.STAFF)
    response = client.post("/iso9001/feedback", data=complaint_form(channel="in_person"))
    assert response.status_code == 302 and response.location.endswith("/iso9001/feedback")
    complaint = db.session.scalar(select(Complaint))
    assert complaint.number == f"KL-{TODAY.year}-0001" and complaint.state == ComplaintState.RECEIVED
    assert complaint.deadline == TODAY + dt.timedelta(days=10)
    assert client.get(f"/iso9001/complaints/{complaint.id}").status_code == 403
    assert client.get("/iso9001/complaints").status_code == 403


def test_bad_input_is_shown_next_to_the_field_and_nothing_is_saved(client, db, login_as):
    login_as(Role.COORDINATOR)
    future = (TODAY + dt.timedelta(days=2)).isoformat()
    page = client.post("/iso9001/complaints/new", data=complaint_form(received_on=future, client="Kept client"))
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "cannot lie in the future" in text and 'value="Kept client"' in text
    page = client.post("/iso9001/complaints/new", data=complaint_form(channel="pigeon", site_id="99999999999"))
    assert "Not a valid choice" in page.get_data(as_text=True)
    assert db.session.scalars(select(Complaint)).all() == []


def test_a_complaint_runs_through_its_workflow_with_a_response(client, db, login_as):
    coordinator = login_as(Role.COORDINATOR)
    client.post("/iso9001/complaints/new", data=complaint_form(owner_id=str(coordinator.id)))
    complaint = db.session.scalar(select(Complaint))
    assert complaint.owner_id == coordinator.id
    url = f"/iso9001/complaints/{complaint.id}/move"
    client.post(url, data={"state": "in_progress"})
    page = client.post(url, data={"state": "answered", "response": ""})
    assert page.status_code == 400 and "Write down what was done" in page.get_data(as_text=True)
    client.post(url, data={"state": "answered", "response": "Excuses en extra ronde"})
    db.session.refresh(complaint)
    assert complaint.state == ComplaintState.ANSWERED and complaint.answered_on == TODAY
    client.post(url, data={"state": "closed"})
    db.session.refresh(complaint)
    assert complaint.state == ComplaintState.CLOSED and complaint.closed_on == TODAY
    client.post(url, data={"state": "in_progress"})  # a closed complaint stays closed
    db.session.refresh(complaint)
    assert complaint.state == ComplaintState.CLOSED
    states = [e.new_values for e in db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity_type == "iso_complaint", AuditEntry.action == "update"))]
    assert any('"closed"' in (v or "") for v in states)


def test_a_complaint_becomes_a_nonconformity_with_a_corrective_action(client, db, login_as):
    coordinator = login_as(Role.COORDINATOR)
    client.post("/iso9001/complaints/new", data=complaint_form())
    complaint = db.session.scalar(select(Complaint))
    url = f"/iso9001/complaints/{complaint.id}/nonconformity"
    page = client.post(url, data={"severity": "minor", "action": "Objectkaart aanpassen", "owner_id": "",
                                  "due_date": (TODAY + dt.timedelta(days=14)).isoformat()})
    assert page.status_code == 400 and "Choose who carries out the action." in page.get_data(as_text=True)
    assert db.session.scalars(select(Nonconformity)).all() == []
    response = client.post(url, data={"severity": "minor", "action": "Objectkaart aanpassen",
                                      "owner_id": str(coordinator.id),
                                      "due_date": (TODAY + dt.timedelta(days=14)).isoformat()})
    assert response.status_code == 302
    nc = db.session.scalar(select(Nonconformity))
    assert (nc.source_type, nc.source_id) == ("complaint", str(complaint.id))
    assert (nc.norm, nc.norm_version, nc.requirement) == ("iso9001", "2015", "8.7.1")
    action = db.session.scalar(select(CorrectiveAction))
    assert action.nonconformity_id == nc.id and action.owner_id == coordinator.id
    assert action.description == "Objectkaart aanpassen"
    db.session.refresh(complaint)
    assert complaint.state == ComplaintState.IN_PROGRESS
    page = client.get(f"/iso9001/complaints/{complaint.id}").get_data(as_text=True)
    assert nc.number in page
    # the nonconformity links back to its complaint
    nc_page = client.get(f"/actions/nc/{nc.id}").get_data(as_text=True)
    assert f"/iso9001/complaints/{complaint.id}" in nc_page


def test_the_list_filters_and_counts_overdue_complaints(client, db, login_as):
    login_as(Role.COORDINATOR)
    old = TODAY - dt.timedelta(days=30)
    client.post("/iso9001/complaints/new", data=complaint_form(received_on=old.isoformat(), client="Oud B.V."))
    client.post("/iso9001/complaints/new", data=complaint_form(client="Nieuw B.V.", kind="compliment"))
    page = client.get("/iso9001/complaints?kind=complaint").get_data(as_text=True)
    assert "Oud B.V." in page and "Nieuw B.V." not in page and "overdue" in page
    assert client.get("/iso9001/complaints?state=nonsense&kind=x&page=-4").status_code == 200


def test_satisfaction_results(client, db, login_as):
    login_as(Role.COORDINATOR)
    page = client.post("/iso9001/satisfaction", data={"surveyed_on": TODAY.isoformat(), "client": "De Linde",
                                                      "score": "11"})
    assert page.status_code == 400 and "Number must be between 1 and 10" in page.get_data(as_text=True)
    client.post("/iso9001/satisfaction", data={"surveyed_on": TODAY.isoformat(), "client": "De Linde",
                                               "score": "8.4", "method": "Enquête"})
    assert str(db.session.scalar(select(SatisfactionResult)).score) == "8.4"
    figures = client.get("/iso9001/complaints").get_data(as_text=True)
    assert "8.4" in figures


def test_auditors_cannot_add_satisfaction_results(client, db, login_as):
    login_as(Role.AUDITOR)
    assert client.post("/iso9001/satisfaction", data={"surveyed_on": TODAY.isoformat(), "client": "X",
                                                      "score": "8"}).status_code == 403


def test_a_complaint_is_handed_over_with_a_new_deadline(client, db, login_as, make_user):
    from qms.notifications.models import Notification

    login_as(Role.COORDINATOR)
    colleague = make_user(Role.COORDINATOR, name="Linda Hendriks")
    client.post("/iso9001/complaints/new", data=complaint_form())
    complaint = db.session.scalar(select(Complaint))
    later = TODAY + dt.timedelta(days=20)
    bad = client.post(f"/iso9001/complaints/{complaint.id}/assign",
                      data={"owner_id": str(colleague.id), "deadline": (TODAY - dt.timedelta(days=9)).isoformat()})
    assert bad.status_code == 400 and "cannot lie before the date received" in bad.get_data(as_text=True)
    response = client.post(f"/iso9001/complaints/{complaint.id}/assign",
                           data={"owner_id": str(colleague.id), "deadline": later.isoformat()})
    assert response.status_code == 302
    db.session.refresh(complaint)
    assert complaint.owner_id == colleague.id and complaint.deadline == later
    note = db.session.scalar(select(Notification).where(Notification.user_id == colleague.id))
    assert complaint.number in note.subject and note.url == f"/iso9001/complaints/{complaint.id}"
