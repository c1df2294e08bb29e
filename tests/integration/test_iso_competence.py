"""Competence (7.2): functions, the people × functions matrix fed by training records, learning paths signed off
by the apprentice's own master trainer."""
import datetime as dt

import pytest
from sqlalchemy import event, select

from qms.extensions import db as _db
from qms.iso9001.models import (Competence, EmployeeFunction, JobFunction, LearningAssignment, LearningPath,
                                LearningStep, StepSignoff)
from qms.organisation.models import Employee
from qms.permissions import Role
from qms.training.models import TrainingRecord

TODAY = dt.date.today()


def person(db, number, **fields):
    fields.setdefault("function", "Schoonmaker")
    employee = Employee(number=number, first_name=fields.pop("first", "Jan"), last_name=fields.pop("last", number),
                        hired_on=dt.date(2020, 1, 1), **fields)
    db.session.add(employee)
    db.session.commit()
    return employee


def function_with(db, name, *competences):
    function = JobFunction(name=name, active=True)
    for competence_name, kind in competences:
        function.competences.append(Competence(name=competence_name, training_kind=kind))
    db.session.add(function)
    db.session.commit()
    return function


def training(db, employee, kind, days):
    db.session.add(TrainingRecord(employee_id=employee.id, kind=kind, title=kind,
                                  completed_on=TODAY - dt.timedelta(days=400),
                                  valid_until=TODAY + dt.timedelta(days=days)))
    db.session.commit()


def test_the_matrix_shows_met_expiring_missing_and_not_held(client, db, login_as):
    cleaner = function_with(db, "Schoonmaker", ("Basisveiligheid", "b_vca"))
    leader = function_with(db, "Voorman", ("VOL-VCA", "vol_vca"), ("BHV", "bhv"))
    ok, soon, lacking = person(db, "E1", last="Alpha"), person(db, "E2", last="Beta"), person(db, "E3", last="Gamma")
    for employee in (ok, soon, lacking):
        db.session.add(EmployeeFunction(employee_id=employee.id, function_id=cleaner.id))
    db.session.add(EmployeeFunction(employee_id=ok.id, function_id=leader.id))
    db.session.commit()
    training(db, ok, "b_vca", 2000)
    training(db, soon, "b_vca", 20)
    training(db, lacking, "b_vca", -5)
    login_as(Role.HR)
    page = client.get("/iso9001/competence").get_data(as_text=True)
    rows = {name: page.split(name, 1)[1].split("</tr>", 1)[0] for name in ("Alpha", "Beta", "Gamma")}
    assert "cell-met" in rows["Alpha"] and "cell-missing" in rows["Alpha"]  # cleaner met, leader missing
    assert "cell-expiring" in rows["Beta"] and "cell-none" in rows["Beta"]
    assert "cell-missing" in rows["Gamma"]
    filtered = client.get(f"/iso9001/competence?function={leader.id}").get_data(as_text=True)
    assert "Alpha" in filtered and "Beta" not in filtered


def test_the_matrix_does_not_query_per_person(app, client, db, login_as):
    functions = [function_with(db, f"F{n}", ("Basis", "b_vca"), ("BHV", "bhv")) for n in range(3)]
    for n in range(20):
        employee = person(db, f"P{n:02d}")
        db.session.add(EmployeeFunction(employee_id=employee.id, function_id=functions[n % 3].id))
        training(db, employee, "b_vca", 300)
    login_as(Role.COORDINATOR)
    client.get("/iso9001/competence")
    counted = []
    listener = lambda *args: counted.append(1)  # noqa: E731
    event.listen(_db.engine, "before_cursor_execute", listener)
    try:
        assert client.get("/iso9001/competence").status_code == 200
    finally:
        event.remove(_db.engine, "before_cursor_execute", listener)
    assert len(counted) < 15


def test_functions_competences_and_assignment_through_the_pages(client, db, login_as):
    employee = person(db, "E9")
    login_as(Role.COORDINATOR)
    assert client.post("/iso9001/functions", data={"name": "Glazenwasser"}).status_code == 302
    function = db.session.scalar(select(JobFunction))
    assert client.post("/iso9001/functions", data={"name": "glazenwasser"}).status_code == 400
    client.post(f"/iso9001/functions/{function.id}/competences", data={"name": "Werken op hoogte",
                                                                       "training_kind": "other",
                                                                       "training_title": "hoogwerker"})
    client.post(f"/iso9001/functions/{function.id}/competences", data={"name": "Vakdiploma", "training_kind": ""})
    assert len(function.competences) == 2
    client.post(f"/iso9001/competence/{employee.id}/functions", data={"function_id": str(function.id)})
    link = db.session.scalar(select(EmployeeFunction))
    assert link.employee_id == employee.id
    again = client.post(f"/iso9001/competence/{employee.id}/functions", data={"function_id": str(function.id)})
    assert again.status_code == 400 and "already holds this function" in again.get_data(as_text=True)
    diploma = next(c for c in function.competences if c.training_kind is None)
    client.post(f"/iso9001/competence/{employee.id}/evidence", data={
        "competence_id": str(diploma.id), "obtained_on": TODAY.isoformat(), "note": "Praktijkexamen"})
    page = client.get(f"/iso9001/competence/{employee.id}").get_data(as_text=True)
    assert "Vakdiploma" in page and page.count("badge-ok") >= 1 and "badge-bad" in page


def test_staff_do_not_see_the_matrix(client, login_as):
    login_as(Role.STAFF)
    assert client.get("/iso9001/competence").status_code == 403
    assert client.get("/iso9001/functions").status_code == 403


@pytest.fixture
def apprenticeship(db, make_user):
    """A master trainer with a staff login, an apprentice on a two-step path, and another master trainer."""
    trainer_user = make_user(Role.STAFF, name="Wim de Boer")
    trainer = person(db, "M1", first="Wim", last="de Boer", is_master_trainer=True, user_id=trainer_user.id)
    other_user = make_user(Role.STAFF, name="Anita Kok")
    person(db, "M2", first="Anita", last="Kok", is_master_trainer=True, user_id=other_user.id)
    apprentice = person(db, "A1", first="Tim", last="van Leeuwen", is_apprentice=True, mentor_id=trainer.id)
    path = LearningPath(name="BBL Glazenwasser")
    path.steps = [LearningStep(position=1, title="Ladder en steiger"), LearningStep(position=2, title="Binnenglas")]
    db.session.add(path)
    db.session.flush()
    db.session.add(LearningAssignment(employee_id=apprentice.id, path_id=path.id, started_on=TODAY))
    db.session.commit()
    return {"trainer_user": trainer_user, "other_user": other_user, "apprentice": apprentice, "path": path}


def login_user(client, user):
    from tests.conftest import PASSWORD

    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


def test_the_master_trainer_signs_off_a_step_once(client, db, apprenticeship):
    login_user(client, apprenticeship["trainer_user"])
    apprentice, step = apprenticeship["apprentice"], apprenticeship["path"].steps[0]
    assert "Tim van Leeuwen" in client.get("/iso9001/learning").get_data(as_text=True)
    page = client.get(f"/iso9001/learning/{apprentice.id}").get_data(as_text=True)
    assert "Sign off this step" in page
    ask = client.post(f"/iso9001/learning/{apprentice.id}/steps/{step.id}/signoff", data={"note": "Netjes"})
    assert ask.status_code == 200 and "Confirm the sign-off" in ask.get_data(as_text=True)
    assert db.session.scalar(select(StepSignoff)) is None  # asking stores nothing
    response = client.post(f"/iso9001/learning/{apprentice.id}/steps/{step.id}/signoff",
                           data={"note": "Netjes", "confirmed": "yes"})
    assert response.status_code == 302
    signoff = db.session.scalar(select(StepSignoff))
    assert signoff.signed_by_user_id == apprenticeship["trainer_user"].id and signoff.note == "Netjes"
    again = client.post(f"/iso9001/learning/{apprentice.id}/steps/{step.id}/signoff", data={"confirmed": "yes"})
    assert "already been signed off" in client.get(again.location).get_data(as_text=True)
    assert len(db.session.scalars(select(StepSignoff)).all()) == 1
    assert "1 of 2 steps signed off" in client.get(f"/iso9001/learning/{apprentice.id}").get_data(as_text=True)


def test_another_master_trainer_neither_sees_nor_signs(client, db, apprenticeship):
    login_user(client, apprenticeship["other_user"])
    apprentice, step = apprenticeship["apprentice"], apprenticeship["path"].steps[0]
    assert "Tim van Leeuwen" not in client.get("/iso9001/learning").get_data(as_text=True)
    assert client.get(f"/iso9001/learning/{apprentice.id}").status_code == 404
    assert client.post(f"/iso9001/learning/{apprentice.id}/steps/{step.id}/signoff").status_code == 404
    assert db.session.scalars(select(StepSignoff)).all() == []


def test_a_coordinator_sees_the_path_but_cannot_sign_for_the_master_trainer(client, db, login_as, apprenticeship):
    login_as(Role.COORDINATOR)
    apprentice, step = apprenticeship["apprentice"], apprenticeship["path"].steps[0]
    page = client.get(f"/iso9001/learning/{apprentice.id}").get_data(as_text=True)
    assert "Ladder en steiger" in page and "Sign off this step" not in page
    response = client.post(f"/iso9001/learning/{apprentice.id}/steps/{step.id}/signoff")
    assert "Only the apprentice" in client.get(response.location).get_data(as_text=True)
    assert db.session.scalars(select(StepSignoff)).all() == []


def test_the_signer_can_undo_a_sign_off_within_ten_minutes_and_the_trail_keeps_it(client, db, apprenticeship, app):
    import datetime as dt

    from qms.audit.models import AuditEntry

    login_user(client, apprenticeship["trainer_user"])
    apprentice, step = apprenticeship["apprentice"], apprenticeship["path"].steps[0]
    client.post(f"/iso9001/learning/{apprentice.id}/steps/{step.id}/signoff", data={"confirmed": "yes"})
    signoff = db.session.scalar(select(StepSignoff))
    page = client.get(f"/iso9001/learning/{apprentice.id}").get_data(as_text=True)
    assert "Undo this sign-off" in page
    undo = client.post(f"/iso9001/learning/{apprentice.id}/steps/{step.id}/undo")
    assert "was undone" in client.get(undo.location).get_data(as_text=True)
    assert db.session.scalars(select(StepSignoff)).all() == []
    actions = [e.action for e in db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity_type == "iso_step_signoff", AuditEntry.entity_id == str(signoff.id)))]
    assert actions == ["create", "delete"]
    # Signed again and eleven minutes later: final.
    client.post(f"/iso9001/learning/{apprentice.id}/steps/{step.id}/signoff", data={"confirmed": "yes"})
    signoff = db.session.scalar(select(StepSignoff))
    signoff.signed_at = signoff.signed_at - dt.timedelta(minutes=11)
    db.session.commit()
    assert "Undo this sign-off" not in client.get(f"/iso9001/learning/{apprentice.id}").get_data(as_text=True)
    late = client.post(f"/iso9001/learning/{apprentice.id}/steps/{step.id}/undo")
    assert "within 10 minutes" in client.get(late.location).get_data(as_text=True)
    assert len(db.session.scalars(select(StepSignoff)).all()) == 1
def trail(db, entity_type, action):
    from qms.audit.models import AuditEntry

    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == entity_type,
                                                            AuditEntry.action == action).order_by(AuditEntry.id)))


def test_a_coordinator_builds_a_learning_path_step_by_step(client, db, login_as):
    login_as(Role.COORDINATOR)
    response = client.post("/iso9001/learning/paths", data={"name": "BBL Schoonmaker",
                                                             "description": "Niveau 2, twee jaar."})
    path = db.session.scalar(select(LearningPath))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/iso9001/learning/paths/{path.id}")
    assert client.get("/iso9001/learning/paths").get_data(as_text=True).count("BBL Schoonmaker") >= 1
    for title in ("Veilig werken met middelen", "Sanitair reinigen"):
        added = client.post(f"/iso9001/learning/paths/{path.id}/steps", data={"title": title,
                                                                              "description": "Laat zien"})
        assert added.status_code == 302
    page = client.get(f"/iso9001/learning/paths/{path.id}").get_data(as_text=True)
    assert "The step was added." in page and "Sanitair reinigen" in page and "Niveau 2, twee jaar." in page
    db.session.expire_all()
    assert [(s.position, s.title) for s in db.session.get(LearningPath, path.id).steps] == [
        (1, "Veilig werken met middelen"), (2, "Sanitair reinigen")]
    assert [e.entity_id for e in trail(db, "iso_learning_path", "create")] == [str(path.id)]
    assert len(trail(db, "iso_learning_step", "create")) == 2


def test_a_duplicate_path_or_an_empty_step_is_refused_and_keeps_what_was_typed(client, db, login_as):
    login_as(Role.COORDINATOR)
    client.post("/iso9001/learning/paths", data={"name": "BBL Schoonmaker"})
    path = db.session.scalar(select(LearningPath))
    again = client.post("/iso9001/learning/paths", data={"name": "bbl schoonmaker", "description": "Kopie"})
    html = again.get_data(as_text=True)
    assert again.status_code == 400 and "A learning path with this name already exists." in html
    assert 'value="bbl schoonmaker"' in html and "Kopie" in html
    empty = client.post(f"/iso9001/learning/paths/{path.id}/steps", data={"title": "", "description": "Alleen tekst"})
    assert empty.status_code == 400 and "Alleen tekst" in empty.get_data(as_text=True)
    assert len(db.session.scalars(select(LearningPath)).all()) == 1
    assert db.session.scalars(select(LearningStep)).all() == []
    assert client.post("/iso9001/learning/paths/99999/steps", data={"title": "x"}).status_code == 404


def test_hr_puts_an_apprentice_on_a_path_once(client, db, login_as):
    from tests import factories

    trainer = factories.employee(db, "M1", first_name="Wim", last_name="de Boer", master_trainer=True)
    apprentice = factories.employee(db, "A1", first_name="Tim", last_name="van Leeuwen", apprentice=True,
                                    mentor=trainer)
    colleague = factories.employee(db, "E1", first_name="Eva")
    path = LearningPath(name="BBL Glazenwasser", steps=[LearningStep(position=1, title="Ladder en steiger")])
    db.session.add(path)
    db.session.commit()
    login_as(Role.HR)
    response = client.post(f"/iso9001/learning/{apprentice.id}/paths", data={
        "path_id": str(path.id), "started_on": TODAY.isoformat()}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Tim van Leeuwen now follows BBL Glazenwasser." in html
    assert "Ladder en steiger" in html and "0 of 1 steps signed off" in html
    assignment = db.session.scalar(select(LearningAssignment))
    assert (assignment.employee_id, assignment.path_id, assignment.started_on) == (apprentice.id, path.id, TODAY)
    assert [e.entity_id for e in trail(db, "iso_learning_assignment", "create")] == [str(assignment.id)]
    again = client.post(f"/iso9001/learning/{apprentice.id}/paths", data={
        "path_id": str(path.id), "started_on": TODAY.isoformat()})
    assert again.status_code == 400
    assert "This apprentice already follows this learning path." in again.get_data(as_text=True)
    unknown = client.post(f"/iso9001/learning/{apprentice.id}/paths", data={"path_id": "424242",
                                                                            "started_on": TODAY.isoformat()})
    assert unknown.status_code == 400 and "Choose a learning path." in unknown.get_data(as_text=True)
    # someone who is not an apprentice has no learning page to be put on
    assert client.post(f"/iso9001/learning/{colleague.id}/paths", data={
        "path_id": str(path.id), "started_on": TODAY.isoformat()}).status_code == 404
    assert len(db.session.scalars(select(LearningAssignment)).all()) == 1


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.STAFF])
def test_auditors_and_staff_do_not_edit_learning_paths(client, db, login_as, apprenticeship, role):
    login_as(role)
    path, apprentice = apprenticeship["path"], apprenticeship["apprentice"]
    assert client.post("/iso9001/learning/paths", data={"name": "Nieuw pad"}).status_code == 403
    assert client.post(f"/iso9001/learning/paths/{path.id}/steps", data={"title": "Extra"}).status_code == 403
    assert client.post(f"/iso9001/learning/{apprentice.id}/paths", data={
        "path_id": str(path.id), "started_on": TODAY.isoformat()}).status_code == 403
    db.session.expire_all()
    assert [p.name for p in db.session.scalars(select(LearningPath))] == ["BBL Glazenwasser"]
    assert len(db.session.scalars(select(LearningStep)).all()) == 2
    if role is Role.AUDITOR:  # reads the paths
        assert "Ladder en steiger" in client.get(f"/iso9001/learning/paths/{path.id}").get_data(as_text=True)


def test_a_function_and_a_competence_entered_by_mistake_are_removed(client, db, login_as):
    employee = person(db, "E9", first="Eva", last="Smit")
    function = function_with(db, "Glazenwasser", ("Werken op hoogte", "other"), ("Vakdiploma", None))
    login_as(Role.COORDINATOR)
    client.post(f"/iso9001/competence/{employee.id}/functions", data={"function_id": str(function.id)})
    link = db.session.scalar(select(EmployeeFunction))
    response = client.post(f"/iso9001/competence/{employee.id}/functions/{link.id}/remove", follow_redirects=True)
    assert "The function was removed from Eva Smit." in response.get_data(as_text=True)
    assert db.session.scalars(select(EmployeeFunction)).all() == []
    assert [e.entity_id for e in trail(db, "iso_employee_function", "delete")] == [str(link.id)]
    # a link is only removed through its own employee
    other = person(db, "E8")
    client.post(f"/iso9001/competence/{employee.id}/functions", data={"function_id": str(function.id)})
    link = db.session.scalar(select(EmployeeFunction))
    assert client.post(f"/iso9001/competence/{other.id}/functions/{link.id}/remove").status_code == 404
    assert db.session.scalar(select(EmployeeFunction)) is not None

    height, diploma = sorted(function.competences, key=lambda c: c.name != "Werken op hoogte")
    client.post(f"/iso9001/competence/{employee.id}/evidence", data={
        "competence_id": str(diploma.id), "obtained_on": TODAY.isoformat(), "note": "Praktijkexamen"})
    kept = client.post(f"/iso9001/competences/{diploma.id}/remove", follow_redirects=True)
    assert "Evidence has been recorded for this competence; it cannot be removed." in kept.get_data(as_text=True)
    removed = client.post(f"/iso9001/competences/{height.id}/remove", follow_redirects=True)
    page = removed.get_data(as_text=True)
    assert "The competence was removed." in page and "Vakdiploma" in page
    db.session.expire_all()
    assert [c.name for c in db.session.scalars(select(Competence))] == ["Vakdiploma"]
    assert [e.entity_id for e in trail(db, "iso_competence", "delete")] == [str(height.id)]


def test_auditors_do_not_remove_functions_or_competences(client, db, login_as):
    employee = person(db, "E9")
    function = function_with(db, "Glazenwasser", ("Werken op hoogte", "other"))
    link = EmployeeFunction(employee_id=employee.id, function_id=function.id)
    db.session.add(link)
    db.session.commit()
    login_as(Role.AUDITOR)
    assert client.post(f"/iso9001/competence/{employee.id}/functions/{link.id}/remove").status_code == 403
    assert client.post(f"/iso9001/competences/{function.competences[0].id}/remove").status_code == 403
    assert db.session.scalar(select(EmployeeFunction)) is not None and db.session.scalar(select(Competence))
