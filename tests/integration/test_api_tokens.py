"""Personal access tokens: made by a user for themselves, shown once, stored hashed, scoped, expiring,
revocable (by the user, or by an administrator for anyone), never more than the user, every write in the audit
trail as the user via the token; object-level checks as in the pages; rate limits per token."""
import datetime as dt
import hashlib

from sqlalchemy import select

from qms.actions.models import CorrectiveAction
from qms.api.models import ApiToken
from qms.audit.models import AuditEntry
from qms.incidents.models import Incident
from qms.permissions import Role
from qms.training.models import TrainingRecord
from tests.conftest import PASSWORD, csrf_token_from
from tests.integration.api_data import make_company

REPORT = {"type": "near_miss", "occurred_at": "2026-01-05T10:00:00", "description": "Kabel over de gang"}


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _future(days=30) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


def test_a_user_makes_a_token_that_is_shown_once_and_stored_hashed(client, db, login_as):
    user = login_as(Role.COORDINATOR)
    page = client.post("/account/tokens", data={"name": "Koppeling HR", "expires_on": _future(),
                                                "scopes": ["incidents:read", "organisation:read"]})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    plain = html.split('id="new-token">', 1)[1].split("<", 1)[0]
    assert plain.startswith("qms_") and len(plain) > 40
    assert row.token_hash == hashlib.sha256(plain.encode()).hexdigest() and plain not in (row.scopes + row.prefix)
    assert row.scope_set == {"incidents:read", "organisation:read"}
    again = client.get("/account/tokens").get_data(as_text=True)
    assert plain not in again and row.prefix in again and "Koppeling HR" in again
    assert client.get("/api/v1/incidents", headers=_bearer(plain)).status_code == 200
    db.session.expire_all()
    assert db.session.get(ApiToken, row.id).last_used_at is not None  # listed with its last use
    assert "Never" not in client.get("/account/tokens").get_data(as_text=True)


def test_a_token_cannot_get_scopes_its_user_does_not_have(client, db, login_as):
    login_as(Role.STAFF)
    page = client.post("/account/tokens", data={"name": "te veel", "expires_on": _future(),
                                                "scopes": ["evidence:read"]})
    assert page.status_code == 200 and db.session.scalar(select(ApiToken)) is None
    html = client.get("/account/tokens").get_data(as_text=True)
    assert 'value="incidents:write"' in html and 'value="evidence:read"' not in html


def test_even_a_token_with_every_scope_has_no_more_rights_than_its_user(client, db, make_user, api_token):
    staff = make_user(Role.STAFF)
    token = api_token(staff)  # every scope, made past the offer
    for url in ("/api/v1/incidents", "/api/v1/evidence", "/api/v1/employees", "/api/v1/suppliers",
                "/api/v1/audits", "/api/v1/certificates", "/api/v1/pso/score"):
        response = client.get(url, headers=_bearer(token))
        assert response.status_code == 403, url
        assert response.get_json()["code"] == 403
    assert client.post("/api/v1/incidents", json=REPORT, headers=_bearer(token)).status_code == 201


def test_scopes_limit_a_token(client, db, make_user, api_token):
    user = make_user(Role.COORDINATOR)
    read = api_token(user, {"incidents:read"})
    assert client.get("/api/v1/incidents", headers=_bearer(read)).status_code == 200
    refused = client.post("/api/v1/incidents", json=REPORT, headers=_bearer(read))
    assert refused.status_code == 403 and "incidents:write" in refused.get_json()["message"]
    assert client.get("/api/v1/employees", headers=_bearer(read)).status_code == 403
    assert db.session.scalar(select(Incident)) is None
    write = api_token(user, {"incidents:write"})
    assert client.get("/api/v1/incidents", headers=_bearer(write)).status_code == 200  # write includes read


def test_expired_revoked_unknown_and_deactivated_are_refused(client, db, make_user, api_token):
    user = make_user(Role.COORDINATOR)
    expired = api_token(user, expires_at=dt.datetime(2020, 1, 1))
    assert client.get("/api/v1/incidents", headers=_bearer(expired)).status_code == 401
    answer = client.get("/api/v1/incidents", headers=_bearer("qms_not-a-real-token"))
    assert answer.status_code == 401 and answer.headers["WWW-Authenticate"].startswith("Bearer")
    live = api_token(user)
    assert client.get("/api/v1/incidents", headers=_bearer(live)).status_code == 200
    user.active = False
    db.session.commit()
    assert client.get("/api/v1/incidents", headers=_bearer(live)).status_code == 401


def test_the_user_revokes_their_token_and_others_cannot(client, db, login_as, make_user, api_token):
    other = make_user(Role.COORDINATOR)
    others_token = api_token(other)
    user = login_as(Role.COORDINATOR)
    mine = api_token(user)
    mine_row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    other_row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == other.id))
    assert client.post(f"/account/tokens/{other_row.id}/revoke").status_code == 404
    assert client.post(f"/account/tokens/{mine_row.id}/revoke").status_code == 302
    assert client.get("/api/v1/incidents", headers=_bearer(mine)).status_code == 401
    assert client.get("/api/v1/incidents", headers=_bearer(others_token)).status_code == 200


def test_an_administrator_sees_and_revokes_any_token(client, db, login_as, make_user, api_token):
    owner = make_user(Role.HR, email="hr-owner@test.example")
    token = api_token(owner, name="salarissysteem")
    login_as(Role.ADMIN)
    listing = client.get("/admin/api-tokens").get_data(as_text=True)
    assert "hr-owner@test.example" in listing and "salarissysteem" in listing
    row = db.session.scalar(select(ApiToken))
    assert client.post(f"/account/tokens/{row.id}/revoke").headers["Location"].endswith("/admin/api-tokens")
    assert client.get("/api/v1/employees", headers=_bearer(token)).status_code == 401
    db.session.expire_all()
    assert db.session.get(ApiToken, row.id).revoked_by_id != owner.id


def test_every_api_write_is_in_the_audit_trail_as_the_user_via_the_token(client, db, make_user, api_token):
    user = make_user(Role.COORDINATOR, email="kc@test.example")
    token = api_token(user, name="meldingen-app")
    created = client.post("/api/v1/incidents", json=REPORT, headers=_bearer(token))
    assert created.status_code == 201
    incident_id = created.get_json()["id"]
    moved = client.post(f"/api/v1/incidents/{incident_id}/state", json={"state": "triaged"}, headers=_bearer(token))
    assert moved.status_code == 200 and moved.get_json()["state"] == "triaged"
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "incident",
                                                          AuditEntry.entity_id == str(incident_id))).all()
    assert {e.action for e in entries} >= {"create", "update"}
    for entry in entries:
        assert entry.actor_id == user.id
        assert "kc@test.example via API token" in entry.actor_label and "meldingen-app" in entry.actor_label


def test_a_refused_business_rule_is_a_422_with_the_message_and_changes_nothing(client, db, make_user, api_token):
    token = api_token(make_user(Role.COORDINATOR))
    incident_id = client.post("/api/v1/incidents", json=REPORT, headers=_bearer(token)).get_json()["id"]
    refused = client.post(f"/api/v1/incidents/{incident_id}/state", json={"state": "closed"}, headers=_bearer(token))
    assert refused.status_code == 422 and "cannot go from" in refused.get_json()["message"]
    assert db.session.get(Incident, incident_id).state.value == "reported"
    future = dict(REPORT, occurred_at=(dt.datetime.now() + dt.timedelta(days=2)).isoformat(timespec="seconds"))
    bad = client.post("/api/v1/incidents", json=future, headers=_bearer(token))
    assert bad.status_code == 422 and "future" in bad.get_json()["errors"]["json"]["occurred_at"][0]
    shape = client.post("/api/v1/incidents", json={"type": "nonsense"}, headers=_bearer(token))
    assert shape.status_code == 422 and "description" in shape.get_json()["errors"]["json"]


def test_a_session_cookie_does_not_authenticate_the_api(client, db, login_as):
    login_as(Role.ADMIN)
    assert client.get("/api/v1/incidents").status_code == 401
    assert client.post("/api/v1/incidents", json=REPORT).status_code == 401


def test_csrf_does_not_apply_to_token_calls_but_still_to_pages(app_factory, db, make_user, api_token):
    app = app_factory(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    token = api_token(make_user(Role.COORDINATOR))
    user = make_user(Role.STAFF)
    email, user_id = user.email, user.id
    db.session.rollback()  # this test's session holds no lock while the other app's requests write
    assert client.post("/api/v1/incidents", json=REPORT, headers=_bearer(token)).status_code == 201
    form = client.get("/login").get_data(as_text=True)
    logged_in = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf_token_from(form)})
    assert logged_in.status_code == 302
    no_csrf = client.post("/account/tokens", data={"name": "x", "expires_on": _future(), "scopes": ["incidents:read"]})
    assert no_csrf.status_code == 400
    assert db.session.scalar(select(ApiToken).where(ApiToken.user_id == user_id)) is None


def test_rate_limit_per_token(app_factory, db, make_user, api_token):
    app = app_factory(API_RATE_LIMIT="3/minute")
    client = app.test_client()
    user = make_user(Role.COORDINATOR)
    first, second = api_token(user), api_token(user)
    db.session.rollback()
    answers = [client.get("/api/v1/incidents", headers=_bearer(first)).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    limited = client.get("/api/v1/incidents", headers=_bearer(first))
    assert limited.get_json()["code"] == 429 and "Retry-After" in limited.headers
    assert client.get("/api/v1/incidents", headers=_bearer(second)).status_code == 200  # per token


def test_object_level_checks_are_those_of_the_pages(client, db, make_user, api_token):
    users = {r.value: make_user(r) for r in Role}
    ids = make_company(db, users)
    staff = api_token(users["staff"])
    own = db.session.scalar(select(CorrectiveAction).where(CorrectiveAction.owner_id == users["staff"].id))
    others = db.session.scalar(select(CorrectiveAction).where(CorrectiveAction.owner_id != users["staff"].id))
    assert client.get(f"/api/v1/actions/{own.id}", headers=_bearer(staff)).status_code == 200
    assert client.get(f"/api/v1/actions/{others.id}", headers=_bearer(staff)).status_code == 404
    listed = client.get("/api/v1/actions", headers=_bearer(staff)).get_json()
    assert [a["id"] for a in listed["items"]] == [own.id] and listed["total"] == 1
    assert client.get(f"/api/v1/nonconformities/{ids['nc']}", headers=_bearer(staff)).status_code == 404
    mine = db.session.scalar(select(TrainingRecord).where(TrainingRecord.employee_id == ids["employee"]))
    theirs = db.session.scalar(select(TrainingRecord).where(TrainingRecord.employee_id == ids["other_employee"]))
    assert client.get(f"/api/v1/training/records/{mine.id}", headers=_bearer(staff)).status_code == 200
    assert client.get(f"/api/v1/training/records/{theirs.id}", headers=_bearer(staff)).status_code == 404
    assert client.get("/api/v1/training/records", headers=_bearer(staff)).get_json()["total"] == 1
    hr = api_token(users["hr"])
    assert client.get("/api/v1/training/records", headers=_bearer(hr)).get_json()["total"] == 2
    refused = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "access_refused")).all()
    assert any(e.actor_id == users["staff"].id for e in refused)


def test_names_in_incidents_only_for_roles_that_see_persons(client, db, make_user, api_token):
    users = {r.value: make_user(r) for r in Role}
    ids = make_company(db, users)
    coordinator = client.get(f"/api/v1/incidents/{ids['incident']}", headers=_bearer(api_token(users["coordinator"])))
    assert coordinator.get_json()["persons_text"] == "Anna de Vries"
    auditor = client.get(f"/api/v1/incidents/{ids['incident']}", headers=_bearer(api_token(users["auditor"])))
    assert auditor.status_code == 200 and auditor.get_json()["persons_text"] is None
    assert auditor.get_json()["reporter_name"] is None


def test_pso_gives_aggregates_to_pso_roles_and_pseudonyms_only_to_hr(client, db, make_user, api_token):
    users = {r.value: make_user(r) for r in Role}
    make_company(db, users)
    coordinator = api_token(users["coordinator"])
    score = client.get("/api/v1/pso/score", headers=_bearer(coordinator))
    assert score.status_code == 200 and score.get_json()["persons"] == 2
    assert "Anna" not in score.get_data(as_text=True)
    assert client.get("/api/v1/pso/score/persons", headers=_bearer(coordinator)).status_code == 403
    rows = client.get("/api/v1/pso/score/persons", headers=_bearer(api_token(users["hr"])))
    assert rows.status_code == 200
    body = rows.get_data(as_text=True)
    assert "Anna" not in body and "E-001" not in body
    assert len(rows.get_json()) == 2 and all(row["pseudonym"].startswith("P-") for row in rows.get_json())
    assert score.get_json()["total_fte"] == sum(row["fte"] for row in rows.get_json())  # one calculation


def test_an_evidence_file_is_served_to_evidence_roles_only(client, db, make_user, api_token):
    users = {r.value: make_user(r) for r in Role}
    ids = make_company(db, users)
    auditor = _bearer(api_token(users["auditor"]))
    item = client.get(f"/api/v1/evidence/{ids['evidence']}", headers=auditor).get_json()
    assert item["file"]["sha256"] and item["requirements"] == [{"norm": "vca", "version": "6.0", "code": "1.1"}]
    download = client.get(f"/api/v1/evidence/{ids['evidence']}/file", headers=auditor)
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert download.headers["Content-Type"].startswith("application/pdf")
    staff = _bearer(api_token(users["staff"]))
    assert client.get(f"/api/v1/evidence/{ids['evidence']}/file", headers=staff).status_code == 403


def test_unknown_api_addresses_and_methods_answer_json(client, db, make_user, api_token):
    token = _bearer(api_token(make_user(Role.COORDINATOR)))
    missing = client.get("/api/v1/no-such-thing", headers=token)
    assert missing.status_code == 404 and missing.get_json()["code"] == 404
    wrong = client.delete("/api/v1/incidents", headers=token)
    assert wrong.status_code == 405 and wrong.get_json()["code"] == 405


def test_the_owner_completes_an_action_and_others_cannot(client, db, make_user, api_token):
    users = {r.value: make_user(r) for r in Role}
    make_company(db, users)
    own = db.session.scalar(select(CorrectiveAction).where(CorrectiveAction.owner_id == users["staff"].id))
    others = db.session.scalar(select(CorrectiveAction).where(CorrectiveAction.owner_id != users["staff"].id))
    staff = _bearer(api_token(users["staff"]))
    empty = client.post(f"/api/v1/actions/{own.id}/complete", json={"note": "  "}, headers=staff)
    assert empty.status_code == 422 and empty.get_json()["errors"]["json"]["note"]
    done = client.post(f"/api/v1/actions/{own.id}/complete", json={"note": "Bord geplaatst"}, headers=staff)
    assert done.status_code == 200 and done.get_json()["done_at"]
    assert client.post(f"/api/v1/actions/{others.id}/complete", json={"note": "x"}, headers=staff).status_code == 404
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity_type == "corrective_action",
                                                       AuditEntry.entity_id == str(own.id),
                                                       AuditEntry.action == "update"))
    assert entry.actor_id == users["staff"].id and "via API token" in entry.actor_label
