"""Work locations: an employee's usual site, and documents distributed to everyone working at a site."""
import datetime as dt
import re

import pytest
from sqlalchemy import event, select

from qms.documents import services
from qms.documents.models import Document, DistributionTarget, TargetKind
from qms.extensions import db as _db
from qms.organisation.models import Employee, Site
from qms.organisation.services import EmployeeData, OrganisationError, save_employee
from qms.permissions import Role
from tests.integration.test_documents_workflow import approve_and_publish, client_for, create, people  # noqa: F401
from tests.factories import read_and_confirm


def make_site(db, name, active=True):
    site = Site(name=name, client="Opdrachtgever B.V.", active=active)
    db.session.add(site)
    db.session.commit()
    return site


def place(db, user, number, site):
    db.session.add(Employee(number=number, first_name=user.name.split()[0], last_name=user.name.split()[-1],
                            function="Schoonmaker", user_id=user.id, site_id=site.id if site else None,
                            hired_on=dt.date(2020, 1, 1)))
    db.session.commit()


@pytest.fixture
def sites(db):
    return make_site(db, "Kantoorpand Maliesingel"), make_site(db, "Bedrijvenpark Papendorp")


def edit_targets(app, people, document, **targets):
    form = {"number": document.number, "title": document.title, "type": "procedure",
            "owner_id": str(people["author"].id), "department_id": "", "site_id": "",
            "review_interval_months": "12", "requirements": ""}
    form.update(targets)
    return client_for(app, people["author"]).post(f"/documents/{document.id}/edit", data=form)


def test_a_site_target_makes_exactly_the_people_at_that_site_readers(app, db, people, sites, make_user):
    malie, papendorp = sites
    here = make_user(Role.STAFF, name="Mila Malie")
    there = make_user(Role.STAFF, name="Piet Papendorp")
    left = make_user(Role.STAFF, name="Lex Vertrokken")
    place(db, here, "E1", malie)
    place(db, there, "E2", papendorp)
    place(db, left, "E3", malie)
    db.session.scalar(select(Employee).where(Employee.number == "E3")).left_on = dt.date(2021, 1, 1)
    db.session.commit()

    author = client_for(app, people["author"])
    assert create(author, target_roles=[], target_sites=[str(malie.id)]).status_code == 302
    document = db.session.scalar(select(Document))
    target = db.session.scalar(select(DistributionTarget))
    assert target.kind is TargetKind.SITE and target.site_id == malie.id
    version = approve_and_publish(app, db, people, document)
    document = db.session.get(Document, document.id)

    assert [u.name for u in services.readers(document)] == ["Mila Malie"]
    # the reader's to-read list shows it, the others' do not
    assert "PR-012" in client_for(app, here).get("/documents/to-read").get_data(as_text=True)
    assert "PR-012" not in client_for(app, there).get("/documents/to-read").get_data(as_text=True)
    assert "PR-012" not in client_for(app, people["staff"]).get("/documents/to-read").get_data(as_text=True)
    # the document page names the site
    assert "Kantoorpand Maliesingel" in author.get(f"/documents/{document.id}").get_data(as_text=True)

    # coverage counts the people at the site
    _version, rows = services.coverage(document)
    assert [(r.user.name, r.confirmed_at) for r in rows] == [("Mila Malie", None)]
    assert [(r.must_read, r.confirmed) for r in services.coverage_by_person([here, there, left])] == \
        [(1, 0), (0, 0), (0, 0)]
    read_and_confirm(client_for(app, here), document.id, version.id)
    assert [(r.must_read, r.confirmed) for r in services.coverage_by_person([here])] == [(1, 1)]
    page = client_for(app, people["reviewer"]).get(f"/documents/{document.id}/coverage").get_data(as_text=True)
    assert "1 / 1" in page and "Mila Malie" in page

    # moving the target to the other site moves the readers; the edit form shows the choice
    assert edit_targets(app, people, document, target_sites=[str(papendorp.id)]).status_code == 302
    db.session.expire_all()
    document = db.session.get(Document, document.id)
    assert [u.name for u in services.readers(document)] == ["Piet Papendorp"]
    assert [t.site_id for t in document.targets] == [papendorp.id]
    assert "PR-012" in client_for(app, there).get("/documents/to-read").get_data(as_text=True)
    edit_page = author.get(f"/documents/{document.id}/edit").get_data(as_text=True)
    assert "Bedrijvenpark Papendorp" in edit_page
    # the sites are a searched list of chips (no checkbox per site): it holds the chosen site only
    assert re.search(rf'<input[^>]*name="target_sites"[^>]*value="{papendorp.id}"', edit_page)
    assert not re.search(rf'<input[^>]*name="target_sites"[^>]*value="[^"]*\b{malie.id}\b', edit_page)


def test_readers_and_coverage_do_not_query_per_person(app, db, people, sites, make_user):
    malie, _papendorp = sites
    users = [make_user(Role.STAFF, name=f"Medewerker {n}") for n in range(6)]
    for n, user in enumerate(users):
        place(db, user, f"E{n}", malie)
    document = Document(number="WI-009", title="Werkinstructie", type="work_instruction", search_text="")
    document.targets = [DistributionTarget(kind=TargetKind.SITE, site_id=malie.id)]
    db.session.add(document)
    db.session.commit()
    assert len(db.session.get(Document, document.id).targets) == 1  # loaded before counting
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(_db.engine, "before_cursor_execute", listener)
    try:
        assert len(services.readers(document)) == 6
        services.coverage_by_person(users)
    finally:
        event.remove(_db.engine, "before_cursor_execute", listener)
    # readers: users + their roles; coverage: versions, targets, employees, confirmations — not one per person
    assert len([s for s in statements if s.startswith("SELECT")]) <= 6, "\n".join(s[:90] for s in statements)


def test_a_site_not_on_the_list_is_never_a_target(app, db, people, sites):
    closed = make_site(db, "Gesloten locatie", active=False)
    author = client_for(app, people["author"])
    assert "Gesloten locatie" not in author.get("/documents/new").get_data(as_text=True)
    response = create(author, target_sites=["999999", str(closed.id), str(sites[0].id)])
    assert response.status_code == 302
    targets = db.session.scalars(select(DistributionTarget).where(DistributionTarget.kind == TargetKind.SITE))
    assert [t.site_id for t in targets] == [sites[0].id]


# --- the employee's work location -------------------------------------------------------------

def employee_form(**overrides):
    data = {"number": "E100", "first_name": "Fatima", "last_name": "El Amrani", "function": "Schoonmaker",
            "department_id": "", "site_id": "", "mentor_id": "", "hired_on": "2024-03-01", "left_on": ""}
    data.update(overrides)
    return data


def test_employee_form_saves_the_work_location_and_shows_it(client, db, login_as, sites):
    malie, papendorp = sites
    login_as(Role.HR)
    # the sites are searched (/lookup/sites), not listed in the page
    form_page = client.get("/organisation/employees/new").get_data(as_text=True)
    assert 'data-lookup="/lookup/sites"' in form_page and "Kantoorpand Maliesingel" not in form_page
    response = client.post("/organisation/employees/new", data=employee_form(site_id=str(malie.id)))
    assert response.status_code == 302
    employee = db.session.scalar(select(Employee))
    assert employee.site_id == malie.id
    page = client.get(f"/organisation/employees/{employee.id}").get_data(as_text=True)
    assert "Work location" in page and "Kantoorpand Maliesingel" in page
    assert 'data-lookup-label="Kantoorpand Maliesingel' in client.get(
        f"/organisation/employees/{employee.id}/edit").get_data(as_text=True)
    client.post(f"/organisation/employees/{employee.id}/edit", data=employee_form(site_id=str(papendorp.id)))
    db.session.expire_all()
    assert db.session.get(Employee, employee.id).site_id == papendorp.id
    client.post(f"/organisation/employees/{employee.id}/edit", data=employee_form(site_id=""))
    db.session.expire_all()
    assert db.session.get(Employee, employee.id).site_id is None


@pytest.mark.parametrize("value", ["999999", "99999999999999999999", "abc"])
def test_employee_form_refuses_an_unknown_site_with_a_message(client, db, login_as, sites, value):
    login_as(Role.HR)
    response = client.post("/organisation/employees/new", data=employee_form(site_id=value, last_name="Bewaard"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'class="error"' in page and 'id="site_id-err"' in page
    if value == "999999":  # a well-formed id of no site; a number no id can be is refused by the core field
        assert "Choose a work location from the list." in page
    else:
        assert "Choose from the suggestions, or enter the number." in page
    assert f'value="{value}"' in page  # what was typed stays in the field
    assert 'value="Bewaard"' in page
    assert db.session.scalar(select(Employee)) is None


def test_service_refuses_unknown_and_inactive_sites(app, db):
    with app.test_request_context():
        service_refuses_unknown_and_inactive_sites(db)


def service_refuses_unknown_and_inactive_sites(db):
    closed = make_site(db, "Gesloten locatie", active=False)
    data = EmployeeData(number="E9", first_name="A", last_name="B", function="C", hired_on=dt.date(2024, 1, 1),
                        site_id=999999)
    with pytest.raises(OrganisationError) as error:
        save_employee(None, data)
    assert error.value.field == "site_id"
    data.site_id = closed.id
    with pytest.raises(OrganisationError, match="no longer in use"):
        save_employee(None, data)
    db.session.rollback()
    # someone already placed there keeps the site when other details change
    employee = Employee(number="E9", first_name="A", last_name="B", function="C", hired_on=dt.date(2024, 1, 1),
                        site_id=closed.id)
    db.session.add(employee)
    db.session.commit()
    data.function = "Voorman"
    assert save_employee(employee, data).site_id == closed.id


def test_demo_people_have_work_locations_and_one_document_goes_to_a_site(app, db):
    from qms.auth.models import User
    from tests.integration.test_documents_demo import _demo

    _demo(db)
    placed = db.session.scalars(select(Employee).where(Employee.site_id.is_not(None))).all()
    assert len(placed) >= 15
    document = db.session.scalar(select(Document).where(Document.number == "WI-001"))
    site_targets = [t for t in document.targets if t.kind is TargetKind.SITE]
    assert [t.site.name for t in site_targets] == ["Kantoorpand Maliesingel"]
    # the glass-cleaning master trainer is not in the office-cleaning department but works at that site
    trainer = db.session.scalar(select(User).where(User.email.like("leermeester@%")))
    assert trainer in services.readers(document)
