"""Input that once answered 500 (found by fuzzing): each is refused or ignored with a message now.

Non-finite and oversized numbers, blank select values in list filters, ids no row can have, and a form
field left out of a POST.
"""
import datetime as dt

import pytest
from sqlalchemy import select

from qms.documents.models import Document
from qms.incidents.models import IncidentHours
from qms.permissions import Role
from tests.integration.test_documents_workflow import REQ, client_for, create, people  # noqa: F401


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "NaN", "sNaN", "1e309", "9" * 40, "1e999999"])
def test_hours_worked_refuse_non_finite_and_huge_numbers(db, client, login_as, value):
    login_as(Role.COORDINATOR)
    year = dt.date.today().year - 1
    response = client.post("/incidents/hours", data={"year": str(year), "h_1_own_staff": value,
                                                     "h_2_own_staff": "1000"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'value="{value}"' in page  # what was typed is kept
    assert "Enter a number." in page or "This number is too large." in page or "Number must be" in page
    assert db.session.scalars(select(IncidentHours)).all() == []  # nothing saved, not even the good month


@pytest.mark.parametrize("url, role", [
    ("/training/?kind=%20", Role.HR), ("/training/?kind=%20&status=%20", Role.HR),
    ("/admin/users?role=%20", Role.ADMIN), ("/admin/users?role=%20&status=%20%20", Role.ADMIN),
    ("/iso9001/competence?function=99999999999999999999", Role.HR),
    ("/iso9001/competence?function=-1", Role.HR), ("/iso9001/competence?function=%20", Role.HR),
])
def test_list_filters_ignore_blank_and_impossible_values(db, client, login_as, url, role):
    login_as(role)
    assert client.get(url).status_code == 200


def test_a_blank_role_filter_lists_everyone(db, client, login_as, make_user):
    login_as(Role.ADMIN, name="Ada Admin")
    make_user(Role.STAFF, name="Sam Staff")
    page = client.get("/admin/users?role=%20").get_data(as_text=True)
    assert "Ada Admin" in page and "Sam Staff" in page


def test_a_document_edit_without_the_requirements_field_is_not_a_500(app, db, people):
    author = client_for(app, people["author"])
    assert create(author).status_code == 302
    document = db.session.scalar(select(Document))
    data = {"number": document.number, "title": "Nieuwe titel", "type": "procedure", "owner_id": "",
            "department_id": "", "site_id": "", "review_interval_months": "12", "target_roles": ["staff"]}
    response = author.post(f"/documents/{document.id}/edit", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    assert document.title == "Nieuwe titel" and document.requirements == []  # left out means none
    data["requirements"] = REQ
    assert author.post(f"/documents/{document.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert len(document.requirements) == 1


def test_a_document_edit_with_an_impossible_reader_id_is_refused(app, db, people):
    author = client_for(app, people["author"])
    create(author)
    document = db.session.scalar(select(Document))
    response = author.post(f"/documents/{document.id}/edit", data={
        "number": document.number, "title": "T", "type": "procedure", "review_interval_months": "12",
        "retention_years": "99999999999999", "target_users": ["99999999999999"]})
    assert response.status_code == 200 and "This number is too large." in response.get_data(as_text=True)
