"""Opening the report form from a QR code or a link: the site and the object are filled in, and without them the
reporter's usual site; a QR poster never carries an address that only works on the coordinator's computer."""
import datetime as dt
import re
import subprocess

import pytest

from qms.incidents import services
from qms.organisation.models import Employee, Site
from qms.permissions import Role


def _value(page: str, name: str) -> str | None:
    tag = re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', page)
    if tag is None:
        return None
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return value.group(1) if value else ""


@pytest.fixture
def sites(db):
    usual = Site(name="Ziekenhuis Oost", client="Zorggroep", active=True)
    other = Site(name="Kantoorpand Maliesingel", client="Notariskantoor", active=True)
    closed = Site(name="Oude locatie", client="", active=False)
    db.session.add_all([usual, other, closed])
    db.session.commit()
    return usual, other, closed


def _staff_at(db, login_as, site):
    user = login_as(Role.STAFF)
    db.session.add(Employee(number="E-100", first_name="Fatima", last_name="Yilmaz", function="Schoonmaker",
                            user_id=user.id, site_id=site.id, hired_on=dt.date(2024, 3, 1)))
    db.session.commit()
    return user


def test_the_report_form_starts_at_the_reporters_usual_site(client, db, login_as, sites):
    usual, other, closed = sites
    _staff_at(db, login_as, usual)
    page = client.get("/incidents/report").get_data(as_text=True)
    assert _value(page, "site_id") == str(usual.id)
    assert usual.name in page  # the search box shows the site's name, not only its number


def test_a_link_fills_in_the_site_and_the_object(client, db, login_as, sites):
    usual, other, closed = sites
    _staff_at(db, login_as, usual)
    page = client.get(f"/incidents/report?site={other.id}&object=Schrobzuigmachine%20%203").get_data(as_text=True)
    assert _value(page, "site_id") == str(other.id)
    assert _value(page, "location") == "Schrobzuigmachine 3"
    # a site no longer in use, or nonsense, falls back to the usual site and never fails
    for query in (f"site={closed.id}", "site=abc", "site=99999999999", "site=-4", "object=" + "x" * 400):
        response = client.get(f"/incidents/report?{query}")
        assert response.status_code == 200, query
        assert _value(response.get_data(as_text=True), "site_id") == str(usual.id), query
    assert len(_value(client.get("/incidents/report?object=" + "x" * 400).get_data(as_text=True), "location")) == 255


def test_a_person_without_a_usual_site_gets_an_empty_site(client, login_as, sites):
    login_as(Role.STAFF)
    assert _value(client.get("/incidents/report").get_data(as_text=True), "site_id") == ""


def test_a_sites_qr_form_keeps_its_own_site_and_takes_the_object(client, db, sites):
    usual, other, _closed = sites
    token = services.site_token(usual, create=True).token
    db.session.commit()
    page = client.get(f"/incidents/qr/{token}?site={other.id}&object=Keuken%202e%20verdieping").get_data(as_text=True)
    assert _value(page, "site_id") == str(usual.id)
    assert _value(page, "location") == "Keuken 2e verdieping"


def _pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def test_a_poster_is_refused_for_an_address_only_this_computer_knows(app, client, db, login_as, sites):
    usual, *_ = sites
    login_as(Role.COORDINATOR)
    client.post(f"/incidents/sites/{usual.id}/renew")
    app.config["PUBLIC_URL"] = ""  # the test client's own address is http://localhost/
    response = client.get(f"/incidents/sites/{usual.id}/poster.pdf")
    assert response.status_code == 302 and response.headers["Location"].endswith("/incidents/sites")
    page = client.get("/incidents/sites").get_data(as_text=True)
    assert "The poster is not made" in page and "PUBLIC_URL" in page
    for loopback in ("http://127.0.0.1:5000", "http://[::1]:5000", "http://qms.localhost"):
        app.config["PUBLIC_URL"] = loopback
        assert client.get(f"/incidents/sites/{usual.id}/poster.pdf").status_code == 302, loopback


def test_a_poster_carries_the_public_address_and_the_object(app, client, db, login_as, sites):
    pytest.importorskip("PIL")
    usual, *_ = sites
    login_as(Role.COORDINATOR)
    client.post(f"/incidents/sites/{usual.id}/renew")
    token = services.site_token(usual, create=False).token
    app.config["PUBLIC_URL"] = "https://qms.schoonbedrijf.nl/"
    response = client.get(f"/incidents/sites/{usual.id}/poster.pdf?object=Schrobzuigmachine 3")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    text = " ".join(_pdf_text(response.data).split())
    assert f"https://qms.schoonbedrijf.nl/incidents/qr/{token}?object=Schrobzuigmachine+3" in text
    assert "Schrobzuigmachine 3" in text.replace("?object=Schrobzuigmachine+3", "")
    assert 'name="object"' in client.get("/incidents/sites").get_data(as_text=True)
