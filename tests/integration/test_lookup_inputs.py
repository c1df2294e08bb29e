"""Long lists are searchable inputs, not drop-downs: a permission-checked JSON search, and a plain number
input that works without JavaScript and is validated on the server."""
import re

from sqlalchemy import select

from qms.incidents.models import Incident
from qms.organisation.models import Employee, Site
from qms.permissions import Role
from tests.integration.test_incidents_reporting import _form


def _sites(db, n=300):
    db.session.add_all(Site(name=f"Kantoor {i:03d}", client="Gemeente Utrecht" if i % 2 else None, active=True)
                       for i in range(n))
    db.session.commit()


def test_the_search_answers_matches_for_signed_in_users_only(client, db, login_as):
    _sites(db)
    assert client.get("/lookup/sites?q=kantoor").status_code in (302, 401)
    login_as(Role.STAFF)
    found = client.get("/lookup/sites?q=Kantoor 01").get_json()["results"]
    assert 1 <= len(found) <= 20 and all("Kantoor 01" in r["label"] for r in found)
    assert client.get("/lookup/sites?q=utrecht").get_json()["results"][0]["label"].endswith("(Gemeente Utrecht)")
    assert client.get("/lookup/sites?q=k").get_json() == {"results": []}  # two letters at least
    assert client.get("/lookup/sites?q=%25").get_json() == {"results": []}  # a wildcard is a letter like any
    assert client.get("/lookup/employees?q=an").status_code == 403  # staff may not list employees
    assert client.get("/lookup/nothing?q=an").status_code == 404


def test_employees_are_found_by_name_or_number_for_coordinators(client, db, login_as):
    import datetime as dt

    db.session.add(Employee(number="E4711", first_name="Fatima", last_name="Bakker", function="x",
                            hired_on=dt.date(2020, 1, 1)))
    db.session.commit()
    login_as(Role.COORDINATOR)
    for q in ("fatima", "4711", "BAKKER"):
        assert client.get(f"/lookup/employees?q={q}").get_json()["results"][0]["label"] == "Fatima Bakker (E4711)"


def test_the_report_form_carries_no_list_of_sites_and_takes_a_site_number(client, db, login_as):
    _sites(db)
    login_as(Role.STAFF)
    page = client.get("/incidents/report").get_data(as_text=True)
    assert "<option" not in page.split('name="site_id"')[0][-200:] and "Kantoor 150" not in page
    assert re.search(r'<input[^>]*data-lookup="/lookup/sites"[^>]*name="site_id"|'
                     r'<input[^>]*name="site_id"[^>]*data-lookup="/lookup/sites"', page)
    site = db.session.scalar(select(Site).where(Site.name == "Kantoor 150"))
    # Without JavaScript the number is typed; a wrong one is refused next to the field, the text kept.
    html = client.post("/incidents/report", data=_form(site_id="nonsense")).get_data(as_text=True)
    assert "Choose from the suggestions, or enter the number." in html and "Natte vloer zonder bord" in html
    html = client.post("/incidents/report", data=_form(site_id="99999")).get_data(as_text=True)
    assert "Choose a place from the list." in html
    assert db.session.scalar(select(Incident.id)) is None
    assert client.post("/incidents/report", data=_form(site_id=str(site.id))).status_code == 302
    assert db.session.scalar(select(Incident.site_id)) == site.id


def test_a_chosen_site_is_shown_by_name_in_the_log_filter(client, db, login_as):
    _sites(db, 5)
    site = db.session.scalar(select(Site).where(Site.name == "Kantoor 003"))
    login_as(Role.COORDINATOR)
    page = client.get(f"/incidents/?site={site.id}").get_data(as_text=True)
    assert 'data-lookup-label="Kantoor 003 (Gemeente Utrecht)"' in page and "<option value=\"%s\"" % site.id not in page


def test_the_action_list_filters_on_a_searched_user_not_a_list_of_everyone(client, db, login_as):
    import datetime as dt

    from qms.actions import services as actions
    from tests import factories

    owners = [factories.user(db, Role.STAFF, name=f"Uitvoerder {n:03d}") for n in range(30)]
    nc = factories.nonconformity(db, "Ladder niet gekeurd", owner=owners[0])
    actions.add_action(nc, kind="corrective", description="Ladder keuren", owner=owners[7], due_date=dt.date.today())
    actions.add_action(nc, kind="corrective", description="Trap vervangen", owner=owners[8], due_date=dt.date.today())
    db.session.commit()
    login_as(Role.COORDINATOR)
    page = client.get("/actions/all").get_data(as_text=True)
    assert "Uitvoerder 029" not in page and 'data-lookup="/lookup/users"' in page
    page = client.get(f"/actions/all?owner={owners[7].id}").get_data(as_text=True)
    assert "Ladder keuren" in page and "Trap vervangen" not in page
    assert f'data-lookup-label="Uitvoerder 007' in page
    assert "Trap vervangen" in client.get("/actions/all?owner=").get_data(as_text=True)  # blank: everyone
    assert client.get("/actions/all?owner=abc").status_code == 200  # a bad number is ignored, never a 500
