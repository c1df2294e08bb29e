"""The forms that chose among every site or every employee take a searched id instead: the page carries no
list of them, a good id is saved, a bad one is refused next to the field with what was typed kept. The
auditees of an audit are several ids (chips in the browser, comma-separated numbers without JavaScript)."""
import datetime as dt
import re

import pytest
from sqlalchemy import select

from qms.audits.models import Audit
from qms.documents.models import Document
from qms.incidents.models import IncidentType
from qms.organisation.models import Employee, Site
from qms.permissions import Role
from qms.vca.models import VcaInspection, VcaInspectionTemplate
from tests import factories
from tests.integration.test_documents_workflow import create as create_document

TODAY = dt.date.today()
CLOSED_SITE = "Choose an active site from the suggestions; this number is unknown or the site is closed."
NOT_EMPLOYED = "Choose someone employed from the suggestions; this number is unknown or the person has left."
NOT_A_NUMBER = "Choose from the suggestions, or enter the number."


@pytest.fixture()
def many(db):
    """Forty active sites and one closed, thirty employees and one who left."""
    db.session.add_all(Site(name=f"Locatie {i:03d}", client="Gemeente Zeist", active=True) for i in range(40))
    db.session.add(Site(name="Gesloten locatie", active=False))
    db.session.add_all(Employee(number=f"M{i:03d}", first_name="Medewerker", last_name=f"Nummer {i:03d}",
                                function="Schoonmaker", hired_on=dt.date(2020, 1, 1)) for i in range(30))
    db.session.add(Employee(number="M999", first_name="Vertrokken", last_name="Collega", function="Schoonmaker",
                            hired_on=dt.date(2020, 1, 1), left_on=TODAY - dt.timedelta(days=10)))
    db.session.commit()
    by_name = {s.name: s for s in db.session.scalars(select(Site))}
    by_number = {e.number: e for e in db.session.scalars(select(Employee))}
    return by_name, by_number


@pytest.mark.parametrize("role, url, fields", [
    (Role.AUDITOR, "/audits/new", ['data-lookup="/lookup/sites"', 'data-lookup-list="/lookup/employees"']),
    (Role.COORDINATOR, "/documents/new", ['data-lookup="/lookup/sites"', 'data-lookup-list="/lookup/sites"',
                                          'data-lookup-list="/lookup/users"']),
    (Role.HR, "/organisation/employees/new", ['data-lookup="/lookup/sites"', 'data-lookup="/lookup/mentors"']),
    (Role.COORDINATOR, "/vca/inspections/new", ['data-lookup="/lookup/sites"']),
    (Role.COORDINATOR, "/iso9001/complaints/new", ['data-lookup="/lookup/sites"']),
    (Role.COORDINATOR, "/vca/substances/new", ['data-lookup-list="/lookup/sites"']),
    (Role.COORDINATOR, "/vca/substances/", ['data-lookup="/lookup/sites"']),
])
def test_the_forms_carry_no_list_of_sites_or_employees(client, login_as, many, role, url, fields):
    login_as(role)
    response = client.get(url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Locatie 020" not in page and "Nummer 020" not in page
    for field in fields:
        assert field in page


def test_the_incident_handling_forms_search_the_site_and_the_employee(client, db, login_as, many):
    sites, people = many
    login_as(Role.COORDINATOR)
    incident = factories.incident(db, IncidentType.FIRST_AID, injured=1)
    incident.site_id = sites["Locatie 007"].id
    db.session.commit()
    page = client.get(f"/incidents/{incident.id}").get_data(as_text=True)
    assert "Locatie 020" not in page and "Nummer 020" not in page
    assert 'data-lookup-label="Locatie 007 (Gemeente Zeist)"' in page and 'data-lookup="/lookup/employees"' in page


def _plan(client, auditor, **extra):
    data = {"title": "Interne audit Zeist", "type": "internal", "norms": ["iso9001|2015"],
            "planned_start": TODAY.isoformat(), "lead_auditor_id": str(auditor.id), "scope": "Schoonmaak"}
    data.update(extra)
    return client.post("/audits/new", data=data)


def test_an_audit_takes_a_searched_site_and_several_auditees(client, db, login_as, many):
    sites, people = many
    auditor = login_as(Role.AUDITOR)
    # an auditor may search the employees for the auditees, without the employee register
    assert client.get("/lookup/employees?q=nummer 01").get_json()["results"]
    assert client.get("/organisation/employees").status_code == 403
    first, second = people["M001"], people["M002"]
    response = _plan(client, auditor, site_id=str(sites["Locatie 003"].id), auditee_ids=f"{first.id}, {second.id}")
    assert response.status_code == 302
    audit = db.session.scalar(select(Audit))
    assert audit.site_id == sites["Locatie 003"].id
    assert sorted(a.employee_id for a in audit.auditees) == sorted([first.id, second.id])
    # the edit form shows the chosen ones by name, as chips
    page = client.get(f"/audits/{audit.id}/edit").get_data(as_text=True)
    assert 'data-lookup-label="Locatie 003 (Gemeente Zeist)"' in page
    assert "Medewerker Nummer 001 (M001)" in page and "Medewerker Nummer 002 (M002)" in page
    # several inputs of the same name (a form without the comma list) count as well
    response = client.post(f"/audits/{audit.id}/edit", data={
        "title": audit.title, "type": "internal", "norms": ["iso9001|2015"], "planned_start": TODAY.isoformat(),
        "lead_auditor_id": str(auditor.id), "level": "", "auditee_ids": [str(first.id), str(people["M003"].id)]})
    assert response.status_code == 302
    db.session.expire_all()
    assert sorted(a.employee_id for a in db.session.get(Audit, audit.id).auditees) == sorted(
        [first.id, people["M003"].id])


@pytest.mark.parametrize("field, value, message", [
    ("auditee_ids", "999999", NOT_EMPLOYED),
    ("auditee_ids", "left", NOT_EMPLOYED),
    ("auditee_ids", "12, abc", NOT_A_NUMBER),
    ("site_id", "closed", CLOSED_SITE),
    ("site_id", "999999", CLOSED_SITE),
    ("site_id", "Zeist", NOT_A_NUMBER),
])
def test_an_audit_refuses_an_unknown_auditee_or_site_and_keeps_the_input(client, db, login_as, many, field, value,
                                                                         message):
    sites, people = many
    auditor = login_as(Role.AUDITOR)
    value = {"left": str(people["M999"].id), "closed": str(sites["Gesloten locatie"].id)}.get(value, value)
    if field == "auditee_ids" and value == "999999":
        value = f"{people['M001'].id}, 999999"
    response = _plan(client, auditor, **{field: value})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page and f'id="{field}-err"' in page
    assert f'value="{value}"' in page and 'value="Interne audit Zeist"' in page
    assert db.session.scalar(select(Audit.id)) is None


def test_an_auditee_already_on_the_plan_stays_after_leaving(client, db, login_as, many):
    sites, people = many
    auditor = login_as(Role.AUDITOR)
    stays, leaves = people["M004"], people["M005"]
    assert _plan(client, auditor, auditee_ids=f"{stays.id},{leaves.id}").status_code == 302
    leaves.left_on = TODAY - dt.timedelta(days=1)
    db.session.commit()
    audit = db.session.scalar(select(Audit))
    response = client.post(f"/audits/{audit.id}/edit", data={
        "title": "Nieuwe titel", "type": "internal", "norms": ["iso9001|2015"], "planned_start": TODAY.isoformat(),
        "lead_auditor_id": str(auditor.id), "level": "", "auditee_ids": f"{stays.id},{leaves.id}"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Audit, audit.id).title == "Nieuwe titel"


def test_a_document_takes_a_searched_location_and_refuses_a_closed_one(client, db, login_as, many):
    sites, _people = many
    login_as(Role.COORDINATOR)
    closed = sites["Gesloten locatie"].id
    response = create_document(client, site_id=str(closed))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert CLOSED_SITE in page and f'value="{closed}"' in page and "Schoonmaakprocedure kantoren" in page
    assert NOT_A_NUMBER in create_document(client, site_id="Zeist").get_data(as_text=True)
    assert db.session.scalar(select(Document.id)) is None
    site, target = sites["Locatie 011"], sites["Locatie 012"]
    assert create_document(client, site_id=str(site.id), target_sites=f"{target.id}").status_code == 302
    document = db.session.scalar(select(Document))
    assert document.site_id == site.id and [t.site_id for t in document.targets if t.site_id] == [target.id]
    page = client.get(f"/documents/{document.id}/edit").get_data(as_text=True)
    assert 'data-lookup-label="Locatie 011 (Gemeente Zeist)"' in page and "Locatie 012 (Gemeente Zeist)" in page


def test_the_mentor_is_a_searched_master_trainer(client, db, login_as, many):
    _sites, people = many
    login_as(Role.HR)
    trainer = factories.employee(db, "T001", first_name="Meester", last_name="Opleider", master_trainer=True)
    found = client.get("/lookup/mentors?q=medewerker").get_json()["results"]
    assert found == []  # only master trainers
    assert [r["id"] for r in client.get("/lookup/mentors?q=opleider").get_json()["results"]] == [trainer.id]
    form = {"number": "E100", "first_name": "Fatima", "last_name": "El Amrani", "function": "Schoonmaker",
            "department_id": "", "site_id": "", "hired_on": "2024-03-01", "left_on": ""}
    response = client.post("/organisation/employees/new", data=dict(form, mentor_id=str(people["M001"].id)))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "The mentor must be a master trainer." in page
    assert f'value="{people["M001"].id}"' in page and 'id="mentor_id-err"' in page
    assert client.post("/organisation/employees/new", data=dict(form, mentor_id=str(trainer.id))).status_code == 302
    employee = db.session.scalar(select(Employee).where(Employee.number == "E100"))
    assert employee.mentor_id == trainer.id
    page = client.get(f"/organisation/employees/{employee.id}/edit").get_data(as_text=True)
    assert 'data-lookup-label="Meester Opleider (T001)"' in page


def test_an_inspection_takes_a_searched_site_and_refuses_a_closed_one(client, db, login_as, many):
    sites, _people = many
    login_as(Role.COORDINATOR)
    template = VcaInspectionTemplate(name="Werkplekinspectie", items="PBM gedragen")
    db.session.add(template)
    db.session.commit()
    data = {"template_id": str(template.id), "planned_on": TODAY.isoformat()}
    response = client.post("/vca/inspections/new", data=dict(data, site_id=str(sites["Gesloten locatie"].id)))
    assert response.status_code == 200 and CLOSED_SITE in response.get_data(as_text=True)
    assert db.session.scalar(select(VcaInspection.id)) is None
    site = sites["Locatie 021"]
    assert client.post("/vca/inspections/new", data=dict(data, site_id=str(site.id))).status_code == 302
    assert db.session.scalar(select(VcaInspection.site_id)) == site.id


@pytest.fixture()
def users(db, make_user):
    """Thirty active accounts: none of them may appear in a form as a drop-down option."""
    return [make_user(Role.STAFF, name=f"Gebruiker {i:03d}") for i in range(30)]


def _user_pages(db):
    from qms.vca.models import AssessmentKind, VcaRiskAssessment

    tra = VcaRiskAssessment(kind=AssessmentKind.TRA, title="TRA dakwerk", subject="Hoogwerker", assessed_on=TODAY,
                            active=True)
    db.session.add(tra)
    from qms.incidents.workflow import IncidentState

    incident = factories.incident(db, IncidentType.NEAR_MISS)
    incident.state = IncidentState.INVESTIGATING  # where the page offers to plan an action
    db.session.commit()
    return ["/actions/nc/new", "/iso9001/risks/new", "/iso9001/objectives/new", "/iso9001/context",
            "/iso9001/complaints/new", "/vca/inspections/new", f"/vca/risks/{tra.id}", f"/incidents/{incident.id}",
            "/documents/", "/documents/new"]


def test_the_forms_search_users_instead_of_listing_every_account(client, db, login_as, users):
    login_as(Role.COORDINATOR)
    for url in _user_pages(db):
        response = client.get(url)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert 'data-lookup="/lookup/users"' in page, url
        assert "Gebruiker 020" not in page, url


def test_a_switched_off_user_is_refused_as_inspector_and_the_input_kept(client, db, login_as, make_user):
    login_as(Role.COORDINATOR)
    template = VcaInspectionTemplate(name="Werkplekinspectie", items="Orde en netheid", active=True)
    gone = make_user(Role.STAFF, name="Uit Dienst", active=False)
    db.session.add(template)
    db.session.commit()
    data = {"template_id": str(template.id), "planned_on": TODAY.isoformat(), "inspector_id": str(gone.id)}
    refused = client.post("/vca/inspections/new", data=data)
    html = refused.get_data(as_text=True)
    assert "Choose an active user from the suggestions" in html and f'value="{gone.id}"' in html
    assert db.session.scalars(select(VcaInspection)).all() == []
    me = make_user(Role.COORDINATOR, name="Ilse Inspecteur")
    assert client.post("/vca/inspections/new", data=dict(data, inspector_id=str(me.id))).status_code == 302
    assert [i.inspector_id for i in db.session.scalars(select(VcaInspection))] == [me.id]


def test_the_audit_team_is_searched_and_a_member_who_left_stays_on_the_plan(client, db, login_as, make_user, users):
    auditor = login_as(Role.AUDITOR)
    page = client.get("/audits/new").get_data(as_text=True)
    assert 'data-lookup-list="/lookup/users"' in page and "Gebruiker 020" not in page
    colleague, other = users[3], users[4]
    assert _plan(client, auditor, team_ids=f"{colleague.id}").status_code == 302
    audit = db.session.scalar(select(Audit))
    assert [m.user_id for m in audit.members] == [colleague.id]
    colleague.active = other.active = False
    db.session.commit()
    edit = {"title": audit.title, "type": "internal", "norms": ["iso9001|2015"], "planned_start": TODAY.isoformat(),
            "lead_auditor_id": str(auditor.id), "level": "", "scope": "Schoonmaak"}
    # the member who has left since stays; adding another switched-off account is refused, the input kept
    refused = client.post(f"/audits/{audit.id}/edit", data=dict(edit, team_ids=f"{colleague.id}, {other.id}"))
    html = refused.get_data(as_text=True)
    assert "Choose an active user from the suggestions" in html and f"{colleague.id}, {other.id}" in html
    assert client.post(f"/audits/{audit.id}/edit", data=dict(edit, team_ids=str(colleague.id))).status_code == 302
    db.session.expire_all()
    assert [m.user_id for m in db.session.get(Audit, audit.id).members] == [colleague.id]


def test_a_version_is_sent_to_searched_reviewers_and_approver(app, client, db, login_as, make_user, users):
    from qms.documents.models import DocumentVersion, VersionState

    author = login_as(Role.COORDINATOR)
    assert create_document(client, number="PR-301").status_code == 302
    version = db.session.scalar(select(DocumentVersion))
    base = f"/documents/{version.document_id}/versions/{version.id}"
    page = client.get(base).get_data(as_text=True)
    assert 'data-lookup-list="/lookup/users"' in page and 'data-lookup="/lookup/users"' in page
    assert "Gebruiker 020" not in page
    gone = make_user(Role.COORDINATOR, name="Oud Collega", active=False)
    reviewer, approver = users[1], make_user(Role.COORDINATOR, name="Bram Baas")
    refusals = [
        ({"reviewers": f"{reviewer.id}", "approver_id": str(gone.id)}, "Choose an active user from the suggestions"),
        ({"reviewers": f"{reviewer.id}, {gone.id}", "approver_id": str(approver.id)},
         "Choose an active user from the suggestions"),
        ({"reviewers": f"{author.id}", "approver_id": str(approver.id)}, "The author cannot review their own version"),
        ({"reviewers": "", "approver_id": str(author.id)}, "The approver cannot be the author of the version."),
        ({"reviewers": "", "approver_id": ""}, "Choose an approver."),
        ({"reviewers": "", "approver_id": "Bram"}, NOT_A_NUMBER),
    ]
    for data, message in refusals:
        refused = client.post(f"{base}/submit", data=data)
        html = refused.get_data(as_text=True)
        assert refused.status_code == 400 and message in html, data
        assert (data["reviewers"] or "") in html  # what was typed is kept
        db.session.expire_all()
        assert db.session.get(DocumentVersion, version.id).state is VersionState.DRAFT
    sent = client.post(f"{base}/submit", data={"reviewers": f"{reviewer.id}, {users[2].id}",
                                               "approver_id": str(approver.id)})
    assert sent.status_code == 302
    db.session.expire_all()
    sent_version = db.session.get(DocumentVersion, version.id)
    assert sent_version.state is VersionState.IN_REVIEW and sent_version.approver_id == approver.id
    assert sorted(r.user_id for r in sent_version.reviewers) == sorted([reviewer.id, users[2].id])


def test_the_audit_trail_filters_on_a_searched_account_also_one_switched_off(client, db, login_as, make_user,
                                                                              users):
    login_as(Role.AUDITOR)
    gone = make_user(Role.STAFF, name="Vertrokken Gebruiker", email="weg@example.com", active=False)
    page = client.get(f"/audit/?actor={gone.id}").get_data(as_text=True)
    assert 'data-lookup="/lookup/accounts"' in page and "Gebruiker 020" not in page
    assert 'data-lookup-label="Vertrokken Gebruiker (weg@example.com)"' in page
    found = client.get("/lookup/accounts?q=vertrokken").get_json()["results"]
    assert found == [{"id": gone.id, "label": "Vertrokken Gebruiker (weg@example.com)"}]
    assert client.get("/lookup/accounts?q=weg@example").get_json()["results"][0]["id"] == gone.id


def test_only_who_reads_the_trail_searches_every_account(client, login_as):
    login_as(Role.STAFF)
    assert client.get("/lookup/accounts?q=ge").status_code == 403


def test_the_review_chair_is_chosen_among_admins_and_coordinators(client, db, login_as, make_user, users):
    from qms.reviews.models import Review

    login_as(Role.COORDINATOR)
    chair = make_user(Role.ADMIN, name="Voorzitter Vos")
    page = client.get("/reviews/new").get_data(as_text=True)
    assert "Voorzitter Vos" in page and "Gebruiker 020" not in page
    data = {"title": "Directiebeoordeling", "period_start": (TODAY - dt.timedelta(days=365)).isoformat(),
            "period_end": TODAY.isoformat(), "meeting_on": TODAY.isoformat(), "chair_id": str(users[0].id)}
    refused = client.post("/reviews/new", data=data).get_data(as_text=True)
    assert "The chair is an administrator or a quality coordinator" in refused and "Directiebeoordeling" in refused
    assert db.session.scalars(select(Review)).all() == []
    assert client.post("/reviews/new", data=dict(data, chair_id=str(chair.id))).status_code == 302
    assert db.session.scalar(select(Review.chair_id)) == chair.id
