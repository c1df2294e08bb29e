"""The installable field app: the manifest, the service worker (its scope, headers and the pages the packages
registered), the fresh form token for the outbox, and one-time submission ids made on the phone."""
import datetime as dt
import io
import json
import re
import secrets

import pytest
from PIL import Image
from sqlalchemy import func, select

from qms.incidents import services
from qms.incidents.models import Incident, IncidentPhoto
from qms.offline import pages, path_pattern, register_offline_page
from qms.organisation.models import Site
from qms.permissions import Role


def _form(**overrides):
    when = (dt.datetime.now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    data = {"type": "near_miss", "occurred_at": when, "site_id": "", "location": "Parkeergarage -2",
            "involved": ["own_staff"], "injured_count": "0", "description": "Lekkende leiding boven de trap.",
            "immediate_action": "", "persons_text": ""}
    data.update(overrides)
    return data


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (10, 160, 60)).save(buffer, "PNG")
    buffer.seek(0)
    return buffer, "plas.png"


def _phone_token() -> str:
    """What qms/static/offline.js makes: 24 random bytes in base64url."""
    return secrets.token_urlsafe(24)


def test_the_manifest_is_public_and_names_the_app(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200 and response.mimetype == "application/manifest+json"
    manifest = json.loads(response.get_data(as_text=True))
    assert manifest["short_name"] == "QMS" and manifest["name"]
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert manifest["icons"][0]["src"] == "/static/favicon.svg"
    assert client.get(manifest["icons"][0]["src"]).status_code == 200


def test_the_service_worker_is_served_from_the_root_for_the_whole_app(client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response.headers["Cache-Control"]
    body = response.get_data(as_text=True)
    config = json.loads(re.search(r"var CONFIG = (\{.*?\});\n", body).group(1))
    for asset in ("/static/qms.css", "/static/qms.js", "/static/offline.js", "/static/favicon.svg",
                  "/incidents/static/incidents.js"):
        assert asset in config["shell"]
    assert config["offline_page"] == "/offline"
    for path in ("/incidents/report", "/incidents/qr/*"):
        assert path in config["paths"] and path_pattern(path) in config["pages"]
    for asset in config["shell"] + [config["offline_page"]]:
        assert client.get(asset).status_code == 200, asset


def test_the_service_worker_keeps_exactly_the_registered_pages(app, client):
    patterns = [re.compile(p) for p in json.loads(re.search(r"var CONFIG = (\{.*?\});\n",
                                                            client.get("/sw.js").get_data(as_text=True))
                                                  .group(1))["pages"]]

    def kept(path):
        return any(p.search(path) for p in patterns)

    assert kept("/incidents/report") and kept("/incidents/qr/abcDEF123")
    assert not kept("/incidents/") and not kept("/incidents/report/x") and not kept("/incidents/qr/a/thanks")
    assert not kept("/") and not kept("/admin/users")
    assert len(set(pages(app).paths)) == len(pages(app).paths)  # one entry per path


def test_a_package_registers_its_own_offline_pages(app_factory):
    other = app_factory()
    register_offline_page(other, "/field/checks/*/do", assets=(("static", "qms.css"),))
    register_offline_page(other, "/field/checks/*/do")
    assert pages(other).paths.count("/field/checks/*/do") == 1
    body = other.test_client().get("/sw.js").get_data(as_text=True)
    assert json.dumps(path_pattern("/field/checks/*/do"))[1:-1] in body
    assert re.search(path_pattern("/field/checks/*/do"), "/field/checks/12/do")
    assert not re.search(path_pattern("/field/checks/*/do"), "/field/checks/12/13/do")
    for bad in ("field", "/field/../x", "/field/**", "/field?x=1"):
        with pytest.raises(ValueError):
            register_offline_page(other, bad)


def test_the_offline_page_is_public_and_names_nobody(client, login_as):
    login_as(Role.STAFF, name="Fatima Bakker")
    response = client.get("/offline")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "data-outbox" in html and "/incidents/report" in html and "Fatima Bakker" not in html
    assert 'name="csrf_token"' not in html


def test_the_form_token_is_fresh_json_never_stored_and_open_to_anyone(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.get("/csrf-token")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    token = response.get_json()["token"]
    assert isinstance(token, str) and len(token) > 20
    with app.app_context():
        site = Site(name="Winkelcentrum Zuid", active=True)
        from qms.extensions import db
        db.session.add(site)
        db.session.commit()
        qr = services.site_token(site).token
        db.session.commit()
    # A kept form whose token expired: the outbox puts the fresh one in and the report is taken.
    refused = client.post(f"/incidents/qr/{qr}", data=_form(anonymous="y", csrf_token="expired"))
    assert refused.status_code == 400
    sent = client.post(f"/incidents/qr/{qr}", data=_form(anonymous="y", csrf_token=token,
                                                         submission_id=_phone_token()))
    assert sent.status_code == 302 and "/thanks" in sent.headers["Location"]


def test_a_submission_id_made_on_the_phone_is_kept_and_a_resend_is_stored_once(db, client, login_as):
    login_as(Role.STAFF)
    token = _phone_token()
    first = client.post("/incidents/report", data=_form(submission_id=token, photos=[_png()]),
                        content_type="multipart/form-data")
    assert first.status_code == 302 and "/incidents/mine" in first.headers["Location"]
    again = client.post("/incidents/report", data=_form(submission_id=token, photos=[_png()]),
                        content_type="multipart/form-data")  # the outbox sent it again (answer lost)
    assert again.status_code == 302 and "/incidents/mine" in again.headers["Location"]
    assert db.session.scalar(select(func.count(Incident.id))) == 1
    incident = db.session.scalar(select(Incident))
    assert incident.submission_token == token
    assert db.session.scalar(select(func.count(IncidentPhoto.id))) == 1


def test_two_reports_with_their_own_phone_ids_are_both_stored(db, client, login_as):
    login_as(Role.STAFF)
    for _ in range(2):
        assert client.post("/incidents/report", data=_form(submission_id=_phone_token())).status_code == 302
    assert db.session.scalar(select(func.count(Incident.id))) == 2


@pytest.mark.parametrize("odd", ["a b", "x" * 65, "<script>", "tok;1"])
def test_a_submission_id_of_another_shape_is_replaced(db, client, login_as, odd):
    login_as(Role.STAFF)
    assert client.post("/incidents/report", data=_form(submission_id=odd)).status_code == 302
    stored = db.session.scalar(select(Incident.submission_token))
    assert stored != odd and services.is_submission_token(stored)


def test_the_field_forms_are_marked_for_the_outbox_and_every_page_loads_it(client, login_as):
    login_as(Role.STAFF)
    html = client.get("/incidents/report").get_data(as_text=True)
    assert re.search(r"<form[^>]*class=\"form incident-form\"[^>]*data-offline", html)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert "/static/offline.js" in html and 'data-sw-url="/sw.js"' in html
    assert 'data-say-waiting="Waiting to be sent ({n})"' in html
    assert 'data-say-login="Log in to send your report"' in html
    assert re.search(r'<form method="post" action="/logout"[^>]*data-logout', html)
