"""ISO 9001 registers through the web: context, risks, objectives, supplier evaluation; access and trail."""
import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from qms.audit.models import AuditEntry
from qms.iso9001.models import (ContextReview, ContextStatement, Exclusion, Issue, Measurement, Objective,
                                ObjectiveState, Process, Risk, RiskState, SupplierEvaluation)
from qms.permissions import Role
from qms.suppliers.models import Supplier

TODAY = dt.date.today()
PAGES = ["/iso9001/", "/iso9001/context", "/iso9001/risks", "/iso9001/objectives", "/iso9001/complaints",
         "/iso9001/satisfaction", "/iso9001/suppliers"]


def trail(db, entity_type):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == entity_type)
                              .order_by(AuditEntry.id)).all()


@pytest.mark.parametrize("role", [Role.STAFF, Role.HR])
def test_staff_and_hr_do_not_open_the_registers(client, login_as, role):
    login_as(role)
    for url in PAGES:
        assert client.get(url).status_code == 403, url


def test_auditors_read_but_do_not_change(client, db, login_as):
    login_as(Role.AUDITOR)
    for url in PAGES:
        assert client.get(url).status_code == 200, url
    page = client.get("/iso9001/context").get_data(as_text=True)
    assert "Add an issue" not in page
    assert client.post("/iso9001/context/issues", data={"issue-kind": "internal",
                                                        "issue-description": "x"}).status_code == 403
    assert db.session.scalars(select(Issue)).all() == []


def test_coordinator_maintains_the_context(client, db, login_as):
    user = login_as(Role.COORDINATOR)
    assert client.post("/iso9001/context/issues", data={
        "issue-kind": "external", "issue-description": "Krappe arbeidsmarkt", "issue-effect": "BBL"}).status_code == 302
    assert client.post("/iso9001/context/parties", data={
        "party-name": "Opdrachtgevers", "party-requirements": "Schone kantoren",
        "party-climate_related": "y"}).status_code == 302
    assert client.post("/iso9001/context/scope", data={"scope-scope": "Schoonmaak in Utrecht"}).status_code == 302
    assert client.post("/iso9001/context/exclusions", data={
        "exclusion-requirement": "8.3", "exclusion-justification": "Geen ontwerp"}).status_code == 302
    assert client.post("/iso9001/context/processes", data={
        "process-name": "Planning", "process-category": "core", "process-owner_id": str(user.id)}).status_code == 302
    assert client.post("/iso9001/context/review", data={"review-reviewed_on": TODAY.isoformat()}).status_code == 302
    issue = db.session.scalar(select(Issue))
    assert issue.description == "Krappe arbeidsmarkt" and issue.kind.value == "external"
    assert db.session.scalar(select(Exclusion)).requirement == "8.3"
    assert db.session.scalar(select(Process)).owner_id == user.id
    assert db.session.scalar(select(ContextReview)).reviewed_by_id == user.id
    page = client.get("/iso9001/context").get_data(as_text=True)
    assert "Krappe arbeidsmarkt" in page and "Opdrachtgevers" in page and "Schoonmaak in Utrecht" in page
    assert [e.action for e in trail(db, "iso_issue")] == ["create"]
    # edit and retire
    assert client.post(f"/iso9001/context/issue/{issue.id}/edit", data={
        "kind": "internal", "description": "Personeelstekort"}).status_code == 302
    assert client.post(f"/iso9001/context/issue/{issue.id}/active").status_code == 302
    db.session.refresh(issue)
    assert issue.description == "Personeelstekort" and issue.active is False
    assert [e.action for e in trail(db, "iso_issue")] == ["create", "update", "update"]


def test_the_climate_determination_needs_reasoning_and_is_dated(client, db, login_as):
    login_as(Role.COORDINATOR)
    response = client.post("/iso9001/context/climate", data={"climate-climate_relevant": "no",
                                                              "climate-climate_reasoning": ""})
    assert response.status_code == 400 and "This field is required" in response.get_data(as_text=True)
    assert db.session.scalar(select(ContextStatement)) is None
    client.post("/iso9001/context/climate", data={"climate-climate_relevant": "yes",
                                                  "climate-climate_reasoning": "Opdrachtgevers vragen CO2-reductie"})
    statement = db.session.scalar(select(ContextStatement))
    assert statement.climate_relevant is True and statement.climate_determined_on == TODAY


def test_exclusions_only_from_chapters_7_and_8_with_a_reason(client, db, login_as):
    login_as(Role.COORDINATOR)
    page = client.post("/iso9001/context/exclusions", data={"exclusion-requirement": "9.2",
                                                            "exclusion-justification": "Geen zin"})
    assert page.status_code == 400 and "Choose a requirement from the list." in page.get_data(as_text=True)
    client.post("/iso9001/context/exclusions", data={"exclusion-requirement": "8.3", "exclusion-justification": "x"})
    page = client.post("/iso9001/context/exclusions", data={"exclusion-requirement": "8.3",
                                                            "exclusion-justification": "again"})
    assert "already listed as not applicable" in page.get_data(as_text=True)
    assert len(db.session.scalars(select(Exclusion)).all()) == 1


def test_risks_with_matrix_review_and_states(client, db, login_as):
    login_as(Role.COORDINATOR)
    response = client.post("/iso9001/risks/new", data={"kind": "risk", "title": "Personeelstekort", "likelihood": "4",
                                                       "impact": "5", "owner_id": ""})
    assert response.status_code == 302
    risk = db.session.scalar(select(Risk))
    assert (risk.likelihood, risk.impact, risk.state) == (4, 5, RiskState.OPEN)
    page = client.get("/iso9001/risks").get_data(as_text=True)
    assert 'href="/iso9001/risks?level=high&amp;kind=risk">1</a>' in page
    bad = client.post("/iso9001/risks/new", data={"kind": "risk", "title": "x", "likelihood": "9", "impact": "1"})
    assert bad.status_code == 200 and "Not a valid choice" in bad.get_data(as_text=True)
    page = client.post(f"/iso9001/risks/{risk.id}/review", data={"effective": "yes", "effectiveness": "Werkt",
                                                                 "next_review": TODAY.isoformat()})
    assert page.status_code == 400 and "must lie after today" in page.get_data(as_text=True)
    client.post(f"/iso9001/risks/{risk.id}/review", data={"effective": "yes", "effectiveness": "Werkt",
                                                          "next_review": (TODAY + dt.timedelta(days=90)).isoformat()})
    db.session.refresh(risk)
    assert risk.effective is True and risk.reviewed_on == TODAY
    client.post(f"/iso9001/risks/{risk.id}/state", data={"state": "closed"})
    db.session.refresh(risk)
    assert risk.state == RiskState.CLOSED
    client.post(f"/iso9001/risks/{risk.id}/state", data={"state": "treated"})  # not allowed from closed
    db.session.refresh(risk)
    assert risk.state == RiskState.CLOSED


def test_objectives_take_frozen_measurements_and_show_a_chart(client, db, login_as):
    login_as(Role.COORDINATOR)
    response = client.post("/iso9001/objectives/new", data={
        "title": "Klanttevredenheid", "direction": "at_least", "target": "7.5", "unit": "cijfer",
        "deadline": (TODAY + dt.timedelta(days=200)).isoformat(), "evaluation": "Kwartaalmeting"})
    assert response.status_code == 302
    objective = db.session.scalar(select(Objective))
    for days, value in ((60, "7.1"), (30, "7.9")):
        assert client.post(f"/iso9001/objectives/{objective.id}/measurements", data={
            "measured_on": (TODAY - dt.timedelta(days=days)).isoformat(), "value": value}).status_code == 302
    future = client.post(f"/iso9001/objectives/{objective.id}/measurements", data={
        "measured_on": (TODAY + dt.timedelta(days=3)).isoformat(), "value": "9"})
    assert future.status_code == 400 and "cannot lie in the future" in future.get_data(as_text=True)
    page = client.get(f"/iso9001/objectives/{objective.id}").get_data(as_text=True)
    assert "<svg" in page and 'class="target-line"' in page and page.count('class="dot ') == 2
    assert "on target" in page
    assert len(db.session.scalars(select(Measurement)).all()) == 2
    client.post(f"/iso9001/objectives/{objective.id}/close", data={"state": "achieved"})
    db.session.refresh(objective)
    assert objective.state == ObjectiveState.ACHIEVED
    closed = client.post(f"/iso9001/objectives/{objective.id}/measurements", data={
        "measured_on": TODAY.isoformat(), "value": "8"})
    assert closed.status_code == 302
    assert "closed objective takes no new measurements" in client.get(closed.location).get_data(as_text=True)
    assert len(db.session.scalars(select(Measurement)).all()) == 2
    assert client.get(f"/iso9001/objectives/{objective.id}/edit").status_code == 302


def test_supplier_evaluation_is_stored_with_its_score_and_shown_on_the_supplier(client, db, login_as):
    supplier = Supplier(name="Van Rijn", active=True)
    db.session.add(supplier)
    db.session.commit()
    login_as(Role.COORDINATOR)
    data = {"quality": "5", "delivery": "4", "communication": "4", "price": "3", "sustainability": "3",
            "decision": "approved", "next_evaluation": (TODAY + dt.timedelta(days=365)).isoformat()}
    assert client.post(f"/iso9001/suppliers/{supplier.id}/evaluate", data=data).status_code == 302
    evaluation = db.session.scalar(select(SupplierEvaluation))
    assert evaluation.score == 78 and evaluation.decision.value == "approved"
    page = client.get(f"/suppliers/{supplier.id}").get_data(as_text=True)
    assert "ISO 9001 evaluation" in page and "78 / 100" in page and "&lt;section" not in page
    low = dict(data, quality="1", delivery="1", communication="2", price="2", sustainability="1")
    page = client.post(f"/iso9001/suppliers/{supplier.id}/evaluate", data=low)
    assert page.status_code == 400 and "cannot be approved without conditions" in page.get_data(as_text=True)
    page = client.post(f"/iso9001/suppliers/{supplier.id}/evaluate", data=dict(low, decision="rejected"))
    assert "Write down the conditions or the reason." in page.get_data(as_text=True)
    assert len(db.session.scalars(select(SupplierEvaluation)).all()) == 1
    overview = client.get("/iso9001/suppliers").get_data(as_text=True)
    assert "Van Rijn" in overview and "78 / 100" in overview


def test_re_evaluation_reminders(app, db, make_user):
    from qms.iso9001.models import Decision
    from qms.notifications import services as notifications
    from qms.notifications.models import Notification

    coordinator = make_user(Role.COORDINATOR)
    supplier = Supplier(name="Glastec", active=True)
    db.session.add(SupplierEvaluation(supplier=supplier, evaluated_on=TODAY - dt.timedelta(days=400), quality=3,
                                      delivery=3, communication=3, price=3, sustainability=3, score=50,
                                      decision=Decision.CONDITIONAL, next_evaluation=TODAY - dt.timedelta(days=1)))
    db.session.commit()
    assert notifications.run_reminders(TODAY) >= 1
    db.session.commit()
    notes = db.session.scalars(select(Notification).where(Notification.user_id == coordinator.id)).all()
    assert any("Glastec" in n.subject and "re-evaluation" in n.subject for n in notes)


def test_owners_are_reminded_of_due_risk_reviews_and_passed_objective_deadlines(app, db, make_user):
    from qms.iso9001.models import Direction, RiskKind
    from qms.notifications import services as notifications
    from qms.notifications.models import Notification

    owner = make_user(Role.COORDINATOR)
    db.session.add(Risk(kind=RiskKind.RISK, title="Hittegolf", likelihood=3, impact=3, owner_id=owner.id,
                        review_on=TODAY - dt.timedelta(days=1), state=RiskState.OPEN))
    db.session.add(Risk(kind=RiskKind.RISK, title="Later", likelihood=3, impact=3, owner_id=owner.id,
                        review_on=TODAY + dt.timedelta(days=30), state=RiskState.OPEN))
    db.session.add(Objective(title="Verzuim", target=Decimal(5), unit="%", direction=Direction.AT_MOST,
                             owner_id=owner.id, deadline=TODAY - dt.timedelta(days=2), evaluation="HR"))
    db.session.commit()
    notifications.run_reminders(TODAY)
    db.session.commit()
    subjects = [n.subject for n in db.session.scalars(select(Notification).where(Notification.user_id == owner.id))]
    assert any("Hittegolf" in s for s in subjects) and not any("Later" in s for s in subjects)
    assert any("Verzuim" in s and "deadline" in s for s in subjects)
    assert notifications.run_reminders(TODAY) == 0  # once per key


def test_editing_a_risk_rescores_it_and_the_trail_keeps_the_old_values(client, db, login_as, make_user):
    login_as(Role.COORDINATOR)
    client.post("/iso9001/risks/new", data={"kind": "risk", "title": "Personeelstekort", "likelihood": "4",
                                            "impact": "5", "owner_id": ""})
    risk = db.session.scalar(select(Risk))
    form = client.get(f"/iso9001/risks/{risk.id}/edit").get_data(as_text=True)
    assert 'value="Personeelstekort"' in form
    owner = make_user(Role.COORDINATOR, name="Olga Owner")
    response = client.post(f"/iso9001/risks/{risk.id}/edit", data={
        "kind": "risk", "title": "Personeelstekort zomer", "likelihood": "2", "impact": "2",
        "actions": "Uitzendbureau vastleggen", "owner_id": str(owner.id)}, follow_redirects=True)
    assert response.status_code == 200 and "Personeelstekort zomer was saved." in response.get_data(as_text=True)
    db.session.refresh(risk)
    assert (risk.title, risk.score, risk.level, risk.owner_id) == ("Personeelstekort zomer", 4, "low", owner.id)
    # the register's level filter follows the new score
    assert "Personeelstekort zomer" in client.get("/iso9001/risks?level=low").get_data(as_text=True)
    assert "Personeelstekort zomer" not in client.get("/iso9001/risks?level=high").get_data(as_text=True)
    changed = [e for e in trail(db, "iso_risk") if e.action == "update"]
    assert len(changed) == 1 and "Personeelstekort zomer" in changed[0].new_values
    assert "4" in changed[0].old_values and "likelihood" in changed[0].old_values


def test_a_risk_edit_with_an_unknown_owner_is_refused_and_changes_nothing(client, db, login_as):
    login_as(Role.COORDINATOR)
    client.post("/iso9001/risks/new", data={"kind": "risk", "title": "Personeelstekort", "likelihood": "4",
                                            "impact": "5", "owner_id": ""})
    risk = db.session.scalar(select(Risk))
    response = client.post(f"/iso9001/risks/{risk.id}/edit", data={
        "kind": "risk", "title": "Anders", "likelihood": "1", "impact": "1", "owner_id": "987654"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Choose an active user from the suggestions" in html and 'value="Anders"' in html
    db.session.expire_all()
    assert (db.session.get(Risk, risk.id).title, db.session.get(Risk, risk.id).score) == ("Personeelstekort", 20)
    assert [e.action for e in trail(db, "iso_risk")] == ["create"]


def test_editing_an_objective_while_it_runs(client, db, login_as):
    login_as(Role.COORDINATOR)
    deadline = (TODAY + dt.timedelta(days=200)).isoformat()
    client.post("/iso9001/objectives/new", data={
        "title": "Klanttevredenheid", "direction": "at_least", "target": "7.5", "unit": "cijfer",
        "deadline": deadline, "evaluation": "Kwartaalmeting"})
    objective = db.session.scalar(select(Objective))
    assert 'value="Klanttevredenheid"' in client.get(f"/iso9001/objectives/{objective.id}/edit").get_data(as_text=True)
    response = client.post(f"/iso9001/objectives/{objective.id}/edit", data={
        "title": "Klanttevredenheid", "direction": "at_least", "target": "8", "unit": "cijfer",
        "deadline": deadline, "evaluation": "Maandmeting"}, follow_redirects=True)
    assert "Klanttevredenheid was saved." in response.get_data(as_text=True)
    db.session.refresh(objective)
    assert (objective.target, objective.evaluation) == (Decimal(8), "Maandmeting")
    assert [e.action for e in trail(db, "iso_objective")] == ["create", "update"]
    bad = client.post(f"/iso9001/objectives/{objective.id}/edit", data={
        "title": "Klanttevredenheid", "direction": "at_least", "target": "veel", "unit": "cijfer",
        "deadline": deadline, "evaluation": "Weekmeting"})
    assert bad.status_code == 200 and "Weekmeting" in bad.get_data(as_text=True)
    db.session.refresh(objective)
    assert objective.target == Decimal(8) and len(trail(db, "iso_objective")) == 2


def test_an_exclusion_is_withdrawn_and_the_requirement_applies_again(client, db, login_as):
    login_as(Role.COORDINATOR)
    client.post("/iso9001/context/exclusions", data={"exclusion-requirement": "8.3",
                                                     "exclusion-justification": "Geen ontwerp"})
    exclusion = db.session.scalar(select(Exclusion))
    exclusion_id = exclusion.id
    response = client.post(f"/iso9001/context/exclusions/{exclusion_id}/remove", follow_redirects=True)
    assert "Requirement 8.3 applies again." in response.get_data(as_text=True)
    assert db.session.scalars(select(Exclusion)).all() == []
    assert [(e.action, e.entity_id) for e in trail(db, "iso_exclusion")] == [
        ("create", str(exclusion_id)), ("delete", str(exclusion_id))]
    assert client.post(f"/iso9001/context/exclusions/{exclusion_id}/remove").status_code == 404


def test_auditors_neither_edit_risks_and_objectives_nor_withdraw_exclusions(client, db, login_as):
    risk = Risk(kind="risk", title="Personeelstekort", likelihood=4, impact=5, state=RiskState.OPEN)
    objective = Objective(title="Klanttevredenheid", direction="at_least", target=Decimal("7.5"), unit="cijfer",
                          deadline=TODAY + dt.timedelta(days=30), evaluation="x", state=ObjectiveState.ACTIVE)
    exclusion = Exclusion(norm_version="2015", requirement="8.3", justification="Geen ontwerp")
    db.session.add_all([risk, objective, exclusion])
    db.session.commit()
    login_as(Role.AUDITOR)
    assert client.post(f"/iso9001/risks/{risk.id}/edit", data={"kind": "risk", "title": "x", "likelihood": "1",
                                                               "impact": "1"}).status_code == 403
    assert client.post(f"/iso9001/objectives/{objective.id}/edit", data={"title": "x"}).status_code == 403
    assert client.post(f"/iso9001/context/exclusions/{exclusion.id}/remove").status_code == 403
    db.session.expire_all()
    assert db.session.get(Risk, risk.id).title == "Personeelstekort"
    assert db.session.get(Objective, objective.id).title == "Klanttevredenheid"
    assert db.session.get(Exclusion, exclusion.id) is not None
