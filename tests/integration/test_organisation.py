"""Organisation reference data: company profile, departments, sites and the employee register."""
import datetime as dt
import json

import pytest
from sqlalchemy import select

from qms.audit.models import AuditEntry
from qms.organisation.models import Company, Department, Employee, Site
from qms.permissions import Role


def trail(db, entity_type, action=None):
    stmt = select(AuditEntry).where(AuditEntry.entity_type == entity_type).order_by(AuditEntry.id)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    return db.session.scalars(stmt).all()


def make_department(db, name="Schoonmaak", active=True):
    department = Department(name=name, active=active)
    db.session.add(department)
    db.session.commit()
    return department


def make_employee(db, number, first="Jan", last="Jansen", **fields):
    fields.setdefault("function", "Schoonmaker")
    fields.setdefault("hired_on", dt.date(2023, 1, 1))
    employee = Employee(number=number, first_name=first, last_name=last, **fields)
    db.session.add(employee)
    db.session.commit()
    return employee


def employee_form(**overrides):
    data = {"number": "E100", "first_name": "Fatima", "last_name": "El Amrani", "function": "Schoonmaker",
            "department_id": "", "mentor_id": "", "hired_on": "2024-03-01", "left_on": ""}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- access -----------------------------------------------------------------------------------

REFERENCE_PAGES = ["/organisation/reference", "/organisation/departments", "/organisation/sites"]
REGISTER_PAGES = ["/organisation/employees", "/organisation/employees/new"]


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.AUDITOR, Role.STAFF, Role.HR])
@pytest.mark.parametrize("url", REFERENCE_PAGES)
def test_reference_data_is_for_admins_only(client, login_as, role, url):
    login_as(role)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("role", [Role.STAFF, Role.AUDITOR])
def test_staff_and_auditors_cannot_open_the_employee_register(client, db, login_as, role):
    person = make_employee(db, "E1")
    login_as(role)
    for url in REGISTER_PAGES + [f"/organisation/employees/{person.id}",
                                 f"/organisation/employees/{person.id}/edit"]:
        assert client.get(url).status_code == 403, url
    assert client.post("/organisation/employees/new", data=employee_form()).status_code == 403
    assert db.session.scalar(select(Employee).where(Employee.number == "E100")) is None


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR, Role.HR])
def test_register_roles_open_and_edit_the_register(client, db, login_as, role):
    person = make_employee(db, "E1")
    login_as(role)
    for url in REGISTER_PAGES + [f"/organisation/employees/{person.id}",
                                 f"/organisation/employees/{person.id}/edit"]:
        assert client.get(url).status_code == 200, url


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get("/organisation/employees")
    assert response.status_code == 302 and "/login" in response.location


@pytest.mark.parametrize("url", [
    "/organisation/employees/999", "/organisation/employees/99999999999999999999",
    "/organisation/employees/abc", "/organisation/departments/99999999999/edit", "/organisation/sites/0/edit",
])
def test_unknown_records_are_404(client, login_as, url):
    login_as(Role.ADMIN)
    assert client.get(url).status_code == 404


# --- company profile --------------------------------------------------------------------------

def test_company_profile_is_saved_and_audited(client, db, login_as):
    admin = login_as(Role.ADMIN)
    response = client.post("/organisation/reference", data={
        "name": "Schoon & Co B.V.", "kvk_number": "1234 5678", "address": "Dorpsstraat 1", "city": "Utrecht"})
    assert response.status_code == 302
    (company,) = db.session.scalars(select(Company)).all()
    assert (company.name, company.kvk_number, company.city) == ("Schoon & Co B.V.", "12345678", "Utrecht")
    client.post("/organisation/reference", data={"name": "Schoon & Co B.V.", "kvk_number": "87654321",
                                                 "address": "Dorpsstraat 1", "city": "Utrecht"})
    assert len(db.session.scalars(select(Company)).all()) == 1
    created, updated = trail(db, "company")
    assert created.action == "create" and created.actor_id == admin.id
    assert json.loads(updated.old_values) == {"kvk_number": "12345678"}
    assert json.loads(updated.new_values) == {"kvk_number": "87654321"}
    page = client.get("/organisation/reference").get_data(as_text=True)
    assert "87654321" in page


@pytest.mark.parametrize("kvk", ["1234567", "123456789", "1234567a", "12-34-56-78"])
def test_kvk_number_must_be_eight_digits(client, db, login_as, kvk):
    login_as(Role.ADMIN)
    response = client.post("/organisation/reference", data={"name": "Schoon B.V.", "kvk_number": kvk})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "exactly 8 digits" in page
    assert 'value="Schoon B.V."' in page  # what the user typed is kept
    assert db.session.scalars(select(Company)).all() == []
    assert trail(db, "company") == []


def test_company_name_is_required_and_overlong_values_are_refused(client, db, login_as):
    login_as(Role.ADMIN)
    assert client.post("/organisation/reference", data={"name": ""}).status_code == 200
    response = client.post("/organisation/reference", data={"name": "x" * 201, "city": "y" * 5000})
    assert response.status_code == 200
    assert db.session.scalars(select(Company)).all() == []


# --- departments and sites --------------------------------------------------------------------

def test_department_add_edit_deactivate(client, db, login_as):
    login_as(Role.ADMIN)
    assert client.post("/organisation/departments", data={"name": "Glasbewassing"}).status_code == 302
    department = db.session.scalar(select(Department))
    assert client.post(f"/organisation/departments/{department.id}/edit",
                       data={"name": "Glazenwassers"}).status_code == 302
    assert client.post(f"/organisation/departments/{department.id}/active", data={"active": "0"}).status_code == 302
    db.session.expire_all()
    assert (department.name, department.active) == ("Glazenwassers", False)
    page = client.get("/organisation/departments").get_data(as_text=True)
    assert "Glazenwassers" in page and "Deactivated" in page
    client.post(f"/organisation/departments/{department.id}/active", data={"active": "1"})
    db.session.expire_all()
    assert department.active is True
    assert [e.action for e in trail(db, "department")] == ["create", "update", "update", "update"]


def test_department_names_are_unique_ignoring_case(client, db, login_as):
    make_department(db, "Kantoor")
    other = make_department(db, "Bouw")
    login_as(Role.ADMIN)
    response = client.post("/organisation/departments", data={"name": "kantoor"})
    assert response.status_code == 200 and "already exists" in response.get_data(as_text=True)
    response = client.post(f"/organisation/departments/{other.id}/edit", data={"name": "KANTOOR"})
    assert response.status_code == 200 and "already exists" in response.get_data(as_text=True)
    assert sorted(db.session.scalars(select(Department.name))) == ["Bouw", "Kantoor"]


def test_bad_toggle_changes_nothing(client, db, login_as):
    department = make_department(db)
    login_as(Role.ADMIN)
    client.post(f"/organisation/departments/{department.id}/active", data={"active": "maybe"})
    db.session.expire_all()
    assert department.active is True


def test_site_add_edit_deactivate(client, db, login_as):
    login_as(Role.ADMIN)
    client.post("/organisation/sites", data={"name": "Hoofdkantoor", "client": "Gemeente Utrecht",
                                             "address": "Stadsplateau 1"})
    site = db.session.scalar(select(Site))
    assert (site.client, site.active) == ("Gemeente Utrecht", True)
    client.post(f"/organisation/sites/{site.id}/edit", data={"name": "Stadskantoor", "client": "", "address": ""})
    client.post(f"/organisation/sites/{site.id}/active", data={"active": "0"})
    db.session.expire_all()
    assert (site.name, site.client, site.address, site.active) == ("Stadskantoor", None, None, False)
    assert [e.action for e in trail(db, "site")] == ["create", "update", "update"]
    assert client.post("/organisation/sites", data={"name": ""}).status_code == 200


# --- employee register ------------------------------------------------------------------------

def test_add_employee_with_mentor_and_see_it_on_both_detail_pages(client, db, login_as):
    department = make_department(db)
    mentor = make_employee(db, "M1", "Piet", "de Vries", is_master_trainer=True)
    coordinator = login_as(Role.COORDINATOR)
    response = client.post("/organisation/employees/new", data=employee_form(
        department_id=str(department.id), mentor_id=str(mentor.id), is_apprentice="y"))
    assert response.status_code == 302
    person = db.session.scalar(select(Employee).where(Employee.number == "E100"))
    assert (person.mentor_id, person.department_id, person.is_apprentice) == (mentor.id, department.id, True)
    assert response.location.endswith(f"/organisation/employees/{person.id}")

    page = client.get(f"/organisation/employees/{person.id}").get_data(as_text=True)
    assert "Piet de Vries" in page and "Schoonmaak" in page
    page = client.get(f"/organisation/employees/{mentor.id}").get_data(as_text=True)
    assert "Apprentices under this master trainer" in page and "Fatima El Amrani" in page

    (created,) = trail(db, "employee", "create")[-1:]
    assert created.entity_id == str(person.id) and created.actor_id == coordinator.id
    assert json.loads(created.new_values)["mentor_id"] == mentor.id


def test_edit_employee_is_audited_field_by_field(client, db, login_as):
    person = make_employee(db, "E1")
    login_as(Role.HR)
    response = client.post(f"/organisation/employees/{person.id}/edit", data=employee_form(
        number="E1", first_name="Jan", last_name="Jansen", function="Voorman", hired_on="2023-01-01",
        left_on="2025-06-30"))
    assert response.status_code == 302
    (update,) = trail(db, "employee", "update")
    assert json.loads(update.old_values) == {"function": "Schoonmaker", "left_on": None}
    assert json.loads(update.new_values) == {"function": "Voorman", "left_on": "2025-06-30"}


def test_saving_unchanged_employee_writes_no_entry(client, db, login_as):
    person = make_employee(db, "E1")
    login_as(Role.ADMIN)
    client.post(f"/organisation/employees/{person.id}/edit", data=employee_form(
        number="E1", first_name="Jan", last_name="Jansen", hired_on="2023-01-01"))
    assert trail(db, "employee", "update") == []


def test_employee_number_is_unique(client, db, login_as):
    make_employee(db, "E100")
    other = make_employee(db, "E200", "Kees", "Bakker")
    login_as(Role.ADMIN)
    response = client.post("/organisation/employees/new", data=employee_form(number="e100"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Another employee already has this number." in page and 'value="El Amrani"' in page
    response = client.post(f"/organisation/employees/{other.id}/edit", data=employee_form(number="E100"))
    assert "Another employee already has this number." in response.get_data(as_text=True)
    assert len(db.session.scalars(select(Employee)).all()) == 2


def test_leaving_date_cannot_precede_hiring(client, db, login_as):
    login_as(Role.ADMIN)
    response = client.post("/organisation/employees/new",
                           data=employee_form(hired_on="2024-03-01", left_on="2024-02-29"))
    assert response.status_code == 200
    assert "cannot lie before the date of employment" in response.get_data(as_text=True)
    assert db.session.scalars(select(Employee)).all() == []


def test_mentor_must_be_a_master_trainer(client, db, login_as):
    colleague = make_employee(db, "E5", "Ans", "Smit")
    login_as(Role.ADMIN)
    response = client.post("/organisation/employees/new", data=employee_form(mentor_id=str(colleague.id)))
    assert response.status_code == 200
    assert db.session.scalars(select(Employee).where(Employee.number == "E100")).all() == []


def test_service_refuses_a_mentor_who_is_no_master_trainer(app, db):
    from qms.organisation.services import EmployeeData, OrganisationError, save_employee

    colleague = make_employee(db, "E5", "Ans", "Smit")
    with app.test_request_context():
        with pytest.raises(OrganisationError) as refused:
            save_employee(None, EmployeeData(number="E6", first_name="A", last_name="B", function="C",
                                             hired_on=dt.date(2024, 1, 1), mentor_id=colleague.id))
    assert refused.value.field == "mentor_id"
    assert "master trainer" in refused.value.message


def test_a_master_trainer_cannot_mentor_themselves(client, db, login_as):
    trainer = make_employee(db, "M1", is_master_trainer=True)
    login_as(Role.ADMIN)
    response = client.post(f"/organisation/employees/{trainer.id}/edit", data=employee_form(
        number="M1", is_master_trainer="y", mentor_id=str(trainer.id)))
    assert response.status_code == 200
    db.session.expire_all()
    assert trainer.mentor_id is None


def test_service_refuses_self_mentoring(app, db):
    from qms.organisation.services import EmployeeData, OrganisationError, save_employee

    trainer = make_employee(db, "M1", is_master_trainer=True)
    with app.test_request_context():
        with pytest.raises(OrganisationError) as refused:
            save_employee(trainer, EmployeeData(number="M1", first_name="Jan", last_name="Jansen", function="C",
                                                hired_on=dt.date(2023, 1, 1), is_master_trainer=True,
                                                mentor_id=trainer.id))
    assert "own mentor" in refused.value.message


def test_master_trainer_flag_stays_while_they_mentor_someone(client, db, login_as):
    trainer = make_employee(db, "M1", is_master_trainer=True)
    make_employee(db, "A1", "Sara", "Visser", mentor_id=trainer.id, is_apprentice=True)
    login_as(Role.ADMIN)
    response = client.post(f"/organisation/employees/{trainer.id}/edit", data=employee_form(number="M1"))
    assert response.status_code == 200
    assert "still mentors apprentices" in response.get_data(as_text=True)
    db.session.expire_all()
    assert trainer.is_master_trainer is True


@pytest.mark.parametrize("overrides", [
    {"hired_on": "2024-02-30"}, {"hired_on": ""}, {"hired_on": "0001-01-01"}, {"left_on": "yesterday"},
    {"department_id": "abc"}, {"department_id": "99999"}, {"mentor_id": "99999999999999999999"},
    {"number": "x" * 21}, {"first_name": ""}, {"function": "f" * 500}, {"last_name": "Nul\x01teken"},
])
def test_malformed_employee_input_is_refused_without_error(client, db, login_as, overrides):
    login_as(Role.ADMIN)
    response = client.post("/organisation/employees/new", data=employee_form(**overrides))
    if "last_name" in overrides:  # control characters are dropped, the rest is stored
        assert response.status_code == 302
        assert db.session.scalar(select(Employee.last_name)) == "Nulteken"
        return
    assert response.status_code == 200
    assert 'class="error"' in response.get_data(as_text=True)
    assert db.session.scalars(select(Employee)).all() == []


def test_deactivated_department_is_not_offered_for_new_employees(client, db, login_as):
    gone = make_department(db, "Opgeheven", active=False)
    login_as(Role.ADMIN)
    page = client.get("/organisation/employees/new").get_data(as_text=True)
    assert "Opgeheven" not in page
    response = client.post("/organisation/employees/new", data=employee_form(department_id=str(gone.id)))
    assert response.status_code == 200
    assert db.session.scalars(select(Employee)).all() == []


# --- register list and filters ------------------------------------------------------------------

@pytest.fixture
def register(db):
    cleaning = make_department(db, "Schoonmaak")
    office = make_department(db, "Kantoor")
    trainer = make_employee(db, "M1", "Piet", "de Vries", function="Voorman", is_master_trainer=True,
                            department_id=cleaning.id)
    make_employee(db, "A1", "Sara", "Visser", is_apprentice=True, mentor_id=trainer.id, department_id=cleaning.id)
    make_employee(db, "K1", "Kees", "Bakker", function="Administratief medewerker", department_id=office.id)
    make_employee(db, "L1", "Lotte", "Mulder", left_on=dt.date(2024, 5, 1))
    return {"cleaning": cleaning, "office": office}


def listed(client, query=""):
    response = client.get("/organisation/employees" + query)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    names = ["Piet de Vries", "Sara Visser", "Kees Bakker", "Lotte Mulder"]
    return {n for n in names if f">{n}</a>" in page}, page  # the name column links; the mentor column does not


def test_register_lists_employed_people_by_default(client, login_as, register):
    login_as(Role.COORDINATOR)
    names, _ = listed(client)
    assert names == {"Piet de Vries", "Sara Visser", "Kees Bakker"}
    assert listed(client, "?status=left")[0] == {"Lotte Mulder"}
    assert len(listed(client, "?status=all")[0]) == 4


@pytest.mark.parametrize("query, expected", [
    ("?q=visser", {"Sara Visser"}),
    ("?q=piet+de", {"Piet de Vries"}),
    ("?q=K1", {"Kees Bakker"}),
    ("?q=%25", set()),
    ("?master_trainer=yes", {"Piet de Vries"}),
    ("?apprentice=yes", {"Sara Visser"}),
    ("?apprentice=no&master_trainer=no", {"Kees Bakker"}),
    ("?function=Voorman", {"Piet de Vries"}),
])
def test_register_filters(client, login_as, register, query, expected):
    login_as(Role.HR)
    assert listed(client, query)[0] == expected


def test_register_filters_by_department(client, login_as, register):
    login_as(Role.ADMIN)
    assert listed(client, f"?department={register['office'].id}")[0] == {"Kees Bakker"}


@pytest.mark.parametrize("query", ["?department=abc", "?department=99999999999999", "?status=bogus",
                                   "?master_trainer=perhaps", "?page=abc", "?page=-4", "?q=" + "x" * 300])
def test_bad_register_filters_are_ignored_with_a_message(client, login_as, register, query):
    login_as(Role.ADMIN)
    names, page = listed(client, query)
    assert names == {"Piet de Vries", "Sara Visser", "Kees Bakker"}
    if "page=" not in query:
        assert "were not understood" in page


def test_register_is_paginated_in_the_database(app, client, db, login_as):
    app.config["ITEMS_PER_PAGE"] = 5
    for n in range(12):
        db.session.add(Employee(number=f"N{n:02}", first_name="Test", last_name=f"Persoon{n:02}",
                                function="Schoonmaker", hired_on=dt.date(2024, 1, 1)))
    db.session.commit()
    login_as(Role.ADMIN)
    first = client.get("/organisation/employees").get_data(as_text=True)
    last = client.get("/organisation/employees?page=3").get_data(as_text=True)
    assert "Persoon00" in first and "Persoon05" not in first and "Page 1 of 3" in first
    assert "Persoon10" in last and "Persoon11" in last and "Persoon00" not in last
    assert "Persoon10" in client.get("/organisation/employees?page=999").get_data(as_text=True)
    odd = client.get("/organisation/employees?page=2&endpoint=x&_method=DELETE&_external=1")
    assert odd.status_code == 200
    assert 'href="/organisation/employees?page=3"' in odd.get_data(as_text=True)
