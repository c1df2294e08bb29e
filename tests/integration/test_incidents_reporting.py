"""Reporting incidents: the logged-in form, photos, double submission, expired forms, the QR form (anonymous,
rate limited, nothing that identifies the sender) and the coordinator's notification."""
import datetime as dt
import io
import json

import pytest
from PIL import Image
from sqlalchemy import func, select

from qms.audit.models import AuditEntry
from qms.incidents import services
from qms.incidents.models import Incident, IncidentPhoto, IncidentReportAttempt
from qms.notifications.models import Notification
from qms.organisation.models import Site
from qms.permissions import Role
from tests.conftest import csrf_token_from


def _photo(name="IMG_jan_jansen.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 20, 20)).save(buffer, "JPEG")
    buffer.seek(0)
    return buffer, name


def _form(**overrides):
    when = (dt.datetime.now() - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    data = {"type": "near_miss", "occurred_at": when, "site_id": "", "location": "Keuken 2e verdieping",
            "involved": ["own_staff"], "injured_count": "0", "description": "Natte vloer zonder bord, bijna gevallen.",
            "immediate_action": "Bord neergezet.", "persons_text": "", "submission_id": "tok-1"}
    data.update(overrides)
    return data


@pytest.fixture
def site(db):
    s = Site(name="Kantoorpand Maliesingel", client="Notariskantoor", active=True)
    db.session.add(s)
    db.session.commit()
    return s


def test_staff_report_with_photo_is_stored_audited_and_the_coordinator_is_told(app, db, client, make_user,
                                                                                login_as, site):
    coordinator = make_user(Role.COORDINATOR)
    staff = login_as(Role.STAFF)
    data = _form(site_id=str(site.id), photos=[_photo()])
    response = client.post("/incidents/report", data=data, content_type="multipart/form-data")
    assert response.status_code == 302 and "/incidents/mine" in response.headers["Location"]
    incident = db.session.scalar(select(Incident))
    assert incident.number.startswith("INC-") and incident.reporter_id == staff.id
    assert incident.site_id == site.id and incident.involved == "own_staff" and not incident.anonymous
    assert len(incident.photos) == 1 and incident.photos[0].stored_file.content_type == "image/jpeg"
    note = db.session.scalar(select(Notification).where(Notification.user_id == coordinator.id))
    assert note is not None and incident.number in note.subject and f"/incidents/{incident.id}" in note.url
    assert any(coordinator.email in str(m["To"]) for m in app.extensions["mail_outbox"])
    created = db.session.scalar(select(AuditEntry).where(AuditEntry.entity_type == "incident",
                                                         AuditEntry.action == "create"))
    assert created.actor_id == staff.id
    mine = client.get("/incidents/mine").get_data(as_text=True)
    assert incident.number in mine


def test_the_same_form_sent_twice_makes_one_record(db, client, login_as):
    login_as(Role.STAFF)
    for _ in range(2):
        assert client.post("/incidents/report", data=_form()).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Incident)) == 1
    assert client.post("/incidents/report", data=_form(submission_id="tok-2")).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Incident)) == 2


def test_bad_input_is_refused_next_to_the_field_and_kept(db, client, login_as):
    login_as(Role.STAFF)
    future = (dt.datetime.now() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    html = client.post("/incidents/report", data=_form(occurred_at=future)).get_data(as_text=True)
    assert "The time lies in the future" in html and "Natte vloer zonder bord" in html
    html = client.post("/incidents/report", data=_form(type="lti", injured_count="0")).get_data(as_text=True)
    assert "how many people" in html
    html = client.post("/incidents/report", data=_form(type="nonsense", site_id="99999999999")).get_data(as_text=True)
    assert "Not a valid choice" in html or "Choose" in html
    assert db.session.scalar(select(func.count()).select_from(Incident)) == 0


def test_a_non_image_photo_is_refused_and_the_report_kept(db, client, login_as):
    login_as(Role.STAFF)
    data = _form(photos=[(io.BytesIO(b"%PDF-1.4 not an image"), "x.pdf")])
    html = client.post("/incidents/report", data=data, content_type="multipart/form-data").get_data(as_text=True)
    assert "not accepted" in html and "Natte vloer zonder bord" in html
    assert db.session.scalar(select(func.count()).select_from(Incident)) == 0


def test_an_expired_form_keeps_what_was_typed(app_factory, make_user):
    app = app_factory(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        email = make_user(Role.STAFF).email
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"email": email, "password": "correct horse battery",
                                "csrf_token": csrf_token_from(page)})
    response = client.post("/incidents/report", data=_form(csrf_token="expired"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Natte vloer zonder bord" in html and "tok-1" in html
    # Sent again with the fresh token from that page, the report arrives once.
    again = _form(csrf_token=csrf_token_from(html))
    assert client.post("/incidents/report", data=again).status_code == 302
    with app.app_context():
        assert services.find_by_token("tok-1") is not None


# --- the QR form ------------------------------------------------------------------------------------

def _token(db, site) -> str:
    token = services.site_token(site).token
    db.session.commit()
    return token


def test_anonymous_report_through_the_qr_code_keeps_no_trace_of_the_sender(app, db, client, make_user, login_as, site):
    make_user(Role.COORDINATOR)
    token = _token(db, site)
    login_as(Role.STAFF)  # even a logged-in visitor of the QR form stays anonymous
    page = client.get(f"/incidents/qr/{token}")
    assert page.status_code == 200 and site.name in page.get_data(as_text=True)
    data = _form(anonymous="y", reporter_name="Jan Jansen", site_id=str(site.id), photos=[_photo()])
    response = client.post(f"/incidents/qr/{token}", data=data, content_type="multipart/form-data",
                           environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert response.status_code == 302 and "/thanks" in response.headers["Location"]
    incident = db.session.scalar(select(Incident))
    assert incident.anonymous and incident.via_qr and incident.reporter_id is None and incident.reporter_name is None
    photo = db.session.scalar(select(IncidentPhoto))
    assert photo.stored_file.uploaded_by_id is None and "jansen" not in photo.stored_file.original_name
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type.in_(
        ["incident", "incident_photo", "stored_file", "incident_report_attempt"]))).all()
    assert entries and all(e.actor_id is None and e.actor_label == "anonymous" and e.ip is None for e in entries)
    assert all("203.0.113.9" not in (e.new_values or "") for e in entries)
    attempt = db.session.scalar(select(IncidentReportAttempt))
    assert "203.0.113.9" not in attempt.key and attempt.hour.minute == 0 and attempt.hour.second == 0
    assert "Thank you" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_named_qr_report_keeps_the_name_for_the_coordinator(db, client, site):
    token = _token(db, site)
    data = _form(reporter_name="Piet Klaassen", reporter_contact="06-12345678")
    client.post(f"/incidents/qr/{token}", data=data)
    incident = db.session.scalar(select(Incident))
    assert not incident.anonymous and incident.reporter_name == "Piet Klaassen"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity_type == "incident"))
    assert "Piet" not in entry.new_values and json.loads(entry.new_values)["reporter_name"] == "***"


def test_public_reports_are_rate_limited_per_address(app_factory, site):
    app = app_factory(INCIDENT_PUBLIC_MAX_PER_HOUR=2)
    client = app.test_client()
    from qms.extensions import db

    with app.app_context():
        db.session.add(Site(name="Sportpark", active=True))
        db.session.commit()
        site = db.session.scalar(select(Site))
        token = _token(db, site)
    address = {"REMOTE_ADDR": "198.51.100.7"}
    for n in range(2):
        assert client.post(f"/incidents/qr/{token}", data=_form(submission_id=f"t{n}"),
                           environ_base=address).status_code == 302
    refused = client.post(f"/incidents/qr/{token}", data=_form(submission_id="t3"), environ_base=address)
    assert refused.status_code == 429 and "Natte vloer zonder bord" in refused.get_data(as_text=True)
    other = client.post(f"/incidents/qr/{token}", data=_form(submission_id="t4"),
                        environ_base={"REMOTE_ADDR": "198.51.100.8"})
    assert other.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Incident)) == 3


def test_unknown_renewed_or_inactive_site_tokens_are_not_found(db, client, site, login_as):
    assert client.get("/incidents/qr/not-a-token").status_code == 404
    old = _token(db, site)
    services.renew_site_token(site)
    db.session.commit()
    assert client.get(f"/incidents/qr/{old}").status_code == 404
    new = services.site_token(site).token
    assert client.get(f"/incidents/qr/{new}").status_code == 200
    site.active = False
    db.session.commit()
    assert client.get(f"/incidents/qr/{new}").status_code == 404


def test_the_poster_pdf_carries_the_qr_code_made_by_a_post(app, db, client, login_as, site):
    app.config["PUBLIC_URL"] = "https://qms.schoonbedrijf.nl"  # the address phones use (never a loopback one)
    login_as(Role.COORDINATOR)
    # Without a code the poster (a GET) makes none: it sends the coordinator to the button that does.
    response = client.get(f"/incidents/sites/{site.id}/poster.pdf")
    assert response.status_code == 302 and response.headers["Location"].endswith("/incidents/sites")
    assert services.site_token(site, create=False) is None
    page = client.get("/incidents/sites").get_data(as_text=True)
    assert site.name in page and "Make a QR code" in page and "has no QR code yet" in page
    response = client.post(f"/incidents/sites/{site.id}/renew")
    assert response.status_code == 302
    assert "has a QR code; print the poster" in client.get("/incidents/sites").get_data(as_text=True)
    token = services.site_token(site, create=False)
    assert token is not None
    response = client.get(f"/incidents/sites/{site.id}/poster.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert services.site_token(site, create=False).token == token.token


def test_the_coordinators_are_told_by_a_job_after_the_report_answered(app_factory, tmp_path, make_user):
    """The report's request only queues the announcement; the worker notifies and e-mails the coordinators."""
    from qms import jobs
    from qms.extensions import db as _db
    from qms.jobs import Job, JobState
    from tests.conftest import PASSWORD

    app = app_factory(JOBS_IMMEDIATE=False, JOBS_DATABASE=str(tmp_path / "q.sqlite3"), REDIS_URL="")
    with app.app_context():
        coordinators = [make_user(Role.COORDINATOR) for _ in range(3)]
        staff = make_user(Role.STAFF)
        client = app.test_client()
        assert client.post("/login", data={"email": staff.email, "password": PASSWORD}).status_code == 302
        assert client.post("/incidents/report", data=_form()).status_code == 302
        _db.session.rollback()
        assert _db.session.scalar(select(func.count()).select_from(Notification)) == 0
        assert not app.extensions.get("mail_outbox")
        job = _db.session.scalars(select(Job).where(Job.task == "incidents.announce")).one()
        huey = jobs.huey_of(app)
        _db.session.rollback()
        huey.execute(huey.dequeue())
        _db.session.rollback()
        assert _db.session.get(Job, job.id).state == JobState.DONE
        told = set(_db.session.scalars(select(Notification.user_id)))
        assert told == {c.id for c in coordinators}
        assert len(app.extensions["mail_outbox"]) == 3
        _db.session.remove()


def test_a_validation_error_keeps_the_photo_and_sums_up_what_to_correct(db, client, login_as, site):
    """The error is named at the top with a link to its field, and the photo chosen is kept: sending the
    corrected form without choosing it again stores the report with that photo, once."""
    import re

    login_as(Role.STAFF)
    data = _form(site_id=str(site.id), description="", photos=[_photo("vloer.jpg")])
    response = client.post("/incidents/report", data=data, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and db.session.scalar(select(func.count()).select_from(Incident)) == 0
    summary = html.split("data-error-summary", 1)[1].split("</div>", 1)[0]
    assert 'href="#description"' in summary and "This field is required" not in summary.split("<h2", 1)[0]
    assert html.index("data-error-summary") < html.index('name="description"')
    assert "Photo kept: vloer.jpg" in html
    token = re.search(r'name="kept_photo" value="([^"]+)"', html).group(1)
    fixed = _form(site_id=str(site.id), kept_photo=token)
    sent = client.post("/incidents/report", data=fixed, content_type="multipart/form-data")
    assert sent.status_code == 302
    incident = db.session.scalar(select(Incident))
    assert [p.stored_file.original_name for p in incident.photos] == ["vloer.jpg"]
    # The kept file is gone once the report is stored; its token does not bring it back.
    again = client.post("/incidents/report", data=_form(site_id=str(site.id), description="", kept_photo=token,
                                                        submission_id="tok-2"), content_type="multipart/form-data")
    assert "Photo kept" not in again.get_data(as_text=True)


def test_a_forged_kept_photo_token_is_ignored(db, client, login_as, site):
    login_as(Role.STAFF)
    sent = client.post("/incidents/report", data=_form(site_id=str(site.id), kept_photo="forged.token"),
                       content_type="multipart/form-data")
    assert sent.status_code == 302
    assert db.session.scalar(select(Incident)).photos == []


def test_the_reporter_opens_their_own_report_and_sees_what_the_handler_shared(app, db, client, login_as, make_user,
                                                                                site):
    from qms.incidents.workflow import IncidentState
    from tests.conftest import PASSWORD

    staff = login_as(Role.STAFF)
    client.post("/incidents/report", data=_form(site_id=str(site.id)), content_type="multipart/form-data")
    incident = db.session.scalar(select(Incident))
    mine = client.get("/incidents/mine").get_data(as_text=True)
    assert f'href="/incidents/mine/{incident.id}"' in mine
    page = client.get(f"/incidents/mine/{incident.id}").get_data(as_text=True)
    assert "Natte vloer zonder bord" in page and "Reported" in page
    assert "has not shared anything" in page

    coordinator = make_user(Role.COORDINATOR)
    handler = app.test_client()
    handler.post("/login", data={"email": coordinator.email, "password": PASSWORD})
    assert "Shared with the reporter" in handler.get(f"/incidents/{incident.id}").get_data(as_text=True)
    done = handler.post(f"/incidents/{incident.id}/reporter-note",
                        data={"note": "Dank je. Er komen nu borden op elke verdieping."})
    assert done.status_code == 302
    too_long = handler.post(f"/incidents/{incident.id}/reporter-note", data={"note": "x" * 2001})
    assert too_long.status_code == 400
    db.session.refresh(incident)
    assert incident.reporter_note == "Dank je. Er komen nu borden op elke verdieping."
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity_type == "incident",
                                                       AuditEntry.entity_id == str(incident.id),
                                                       AuditEntry.action == "update",
                                                       AuditEntry.actor_id == coordinator.id))
    assert entry is not None and "borden op elke verdieping" in json.loads(entry.new_values)["reporter_note"]
    incident.state = IncidentState.TRIAGED
    db.session.commit()
    page = client.get(f"/incidents/mine/{incident.id}").get_data(as_text=True)
    assert "Er komen nu borden op elke verdieping." in page
    assert 'data-state>' in page and incident.state.label in page

    # Only one's own report: another staff member, and a report without a reporter, are not found.
    other = make_user(Role.STAFF)
    stranger = app.test_client()
    stranger.post("/login", data={"email": other.email, "password": PASSWORD})
    assert stranger.get(f"/incidents/mine/{incident.id}").status_code == 404
    assert stranger.get("/incidents/mine/999999999999").status_code == 404
    assert staff.id == incident.reporter_id
def test_renewing_a_qr_code_retires_the_old_poster_and_is_in_the_trail(db, client, login_as, site):
    old = _token(db, site)
    login_as(Role.COORDINATOR)
    response = client.post(f"/incidents/sites/{site.id}/renew", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Site Kantoorpand Maliesingel has a new QR code; print the new poster. The old code no longer works." in html
    new = services.site_token(site, create=False).token
    assert new != old
    assert client.get(f"/incidents/qr/{old}").status_code == 404
    assert client.get(f"/incidents/qr/{new}").status_code == 200
    changed = db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "incident_site_token",
                                                          AuditEntry.action == "update")).all()
    assert len(changed) == 1
    # the code itself is a secret: the trail says that it changed, never what it is
    assert old not in (changed[0].old_values or "") and new not in (changed[0].new_values or "")
    assert "token" in changed[0].new_values


@pytest.mark.parametrize("role", [Role.STAFF, Role.AUDITOR, Role.HR])
def test_only_incident_managers_renew_a_qr_code(db, client, login_as, site, role):
    old = _token(db, site)
    login_as(role)
    assert client.post(f"/incidents/sites/{site.id}/renew").status_code == 403
    assert services.site_token(site, create=False).token == old
    assert client.get(f"/incidents/qr/{old}").status_code == 200
