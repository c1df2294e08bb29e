"""Two-factor sign-in: TOTP enrolment and login, one-time recovery codes, the per-role policy (administrators
and HR by default), the administrator's reset, and step-up before sensitive changes."""
import datetime as dt
import re
import time

import pyotp
import pytest
from sqlalchemy import select

from qms.audit.models import AuditEntry
from qms.auth import mfa
from qms.auth.models import RecoveryCode, TotpSecret, User, UserSession
from qms.permissions import Role
from tests.conftest import PASSWORD


def _code(secret: str, step_offset: int = 0) -> str:
    return pyotp.TOTP(secret).generate_otp(int(time.time()) // 30 + step_offset)


def _enrol_totp(client, db, user) -> tuple[str, list[str]]:
    assert client.post("/account/two-factor/totp").status_code == 302
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert 'src="data:image/svg+xml;base64,' in page, "the QR code is shown"
    secret = re.search(r"data-totp-secret>([A-Z2-7]+)<", page).group(1)
    assert client.post("/account/two-factor/totp/confirm", data={"totp-code": "000000"}).status_code == 302
    assert db.session.get(TotpSecret, user.id).confirmed_at is None, "a wrong code confirms nothing"
    assert client.post("/account/two-factor/totp/confirm", data={"totp-code": _code(secret)}).status_code == 302
    page = client.get("/account/two-factor").get_data(as_text=True)
    codes = re.findall(r"<code>([a-z2-7]{5}-[a-z2-7]{5})</code>", page)
    assert len(codes) == 10, "ten recovery codes are shown once"
    assert not re.findall(r"<code>([a-z2-7]{5}-[a-z2-7]{5})</code>", client.get("/account/two-factor").get_data(
        as_text=True)), "and only once"
    return secret, codes


def _login(client, email, password=PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def test_totp_enrolment_then_login_asks_the_code_once(client, db, login_as, app):
    user = login_as(Role.STAFF)
    secret, codes = _enrol_totp(client, db, user)
    stored = db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10 and all(r.code_hash.startswith("$argon2id$") for r in stored)
    assert not any(c in r.code_hash for c in codes for r in stored)
    client.post("/logout")

    other = app.test_client()
    response = _login(other, user.email)
    assert response.status_code == 302 and response.headers["Location"] == "/login/verify"
    assert other.get("/account").status_code == 302, "not logged in before the second step"
    assert other.post("/login/verify", data={"code": "123456"}).status_code == 200
    # The code of the step the enrolment used is spent: the next one is needed (a code works once).
    code = _code(secret, 1)
    assert other.post("/login/verify", data={"code": code}).status_code == 302
    assert other.get("/account").status_code == 200
    record = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id,
                                                         UserSession.ended_at.is_(None)))
    assert record.second_factor_at is not None
    third = app.test_client()
    _login(third, user.email)
    assert third.post("/login/verify", data={"code": code}).status_code == 200, "a used code is refused"


def test_a_recovery_code_works_once(client, db, login_as, app):
    user = login_as(Role.STAFF)
    _secret, codes = _enrol_totp(client, db, user)
    for attempt, expected in ((codes[0].upper().replace("-", ""), 302), (codes[0], 200)):
        browser = app.test_client()
        _login(browser, user.email)
        assert browser.post("/login/verify", data={"code": attempt}).status_code == expected
    assert mfa.recovery_codes_left(user) == 9
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "recovery_code_used")) is not None


def test_wrong_codes_lock_the_account_like_wrong_passwords(client, db, login_as, app):
    user = login_as(Role.STAFF)
    _enrol_totp(client, db, user)
    browser = app.test_client()
    _login(browser, user.email)
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        assert browser.post("/login/verify", data={"code": "000000"}).status_code == 200
    assert browser.post("/login/verify", data={"code": "000000"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).locked_until is not None


def test_roles_that_require_it_enrol_before_anything_else(app_factory, make_user):
    app = app_factory(MFA_REQUIRED_ROLES="admin,hr")  # the shipped default (config.Config)
    client = app.test_client()
    with app.app_context():
        from config import Config

        assert Config.MFA_REQUIRED_ROLES == "admin,hr" or "MFA_REQUIRED_ROLES" in __import__("os").environ
        hr = make_user(Role.HR)
        response = _login(client, hr.email)
        assert response.headers["Location"] == "/account/two-factor"
        assert client.get("/").headers["Location"] == "/account/two-factor"
        assert client.get("/account/sessions").status_code == 200, "own account pages stay open"
        staff = make_user(Role.STAFF)
        assert _login(app.test_client(), staff.email).headers["Location"] == "/"


def test_admin_sets_the_policy_sees_enrolment_and_resets_a_user(client, db, login_as, make_user, app):
    admin = login_as(Role.ADMIN)
    staff = make_user(Role.STAFF, name="Sam Staff")
    totp = mfa.start_totp(staff)
    totp.confirmed_at = dt.datetime(2026, 1, 1)
    db.session.commit()
    page = client.get("/admin/two-factor").get_data(as_text=True)
    row = re.search(rf'data-user="{staff.id}">.*?</tr>', page, re.S).group(0)
    assert "Set up" in row
    assert client.post("/admin/two-factor", data={"roles": ["admin", "staff"]}).status_code == 302
    assert mfa.policy()[Role.STAFF] and not mfa.policy()[Role.HR]

    assert client.post(f"/admin/users/{staff.id}/two-factor-reset").status_code == 302
    assert not mfa.is_enrolled(staff)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "second_factor_reset"))
    assert entry.entity_id == str(staff.id) and entry.actor_id == admin.id


def test_step_up_when_the_last_check_is_old(client, db, login_as, make_user, app):
    admin = login_as(Role.ADMIN)
    other = make_user(Role.STAFF, name="Target")
    record = db.session.scalar(select(UserSession).where(UserSession.user_id == admin.id))
    record.verified_at -= dt.timedelta(minutes=app.config["STEP_UP_MINUTES"] + 1)
    db.session.commit()
    form = {"name": "Target", "roles": ["staff", "coordinator"]}
    refused = client.post(f"/admin/users/{other.id}", data=form,
                          headers={"Referer": f"http://localhost/admin/users/{other.id}"})
    assert refused.status_code == 302 and refused.headers["Location"].startswith("/login/confirm")
    db.session.expire_all()
    assert db.session.get(User, other.id).role_set == {Role.STAFF}, "nothing changed"
    assert client.post(refused.headers["Location"], data={"password": "wrong"}).status_code == 200
    confirmed = client.post(refused.headers["Location"], data={"password": PASSWORD})
    assert confirmed.headers["Location"] == f"/admin/users/{other.id}"
    assert client.post(f"/admin/users/{other.id}", data=form).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, other.id).role_set == {Role.STAFF, Role.COORDINATOR}


@pytest.mark.parametrize("path", ["/account/two-factor/passkey-options", "/login/confirm/passkey-options"])
def test_passkey_options_are_json_with_a_challenge(client, login_as, path):
    login_as(Role.STAFF)
    response = client.post(path)
    assert response.status_code == 200 and response.is_json and len(response.json["challenge"]) >= 16


def test_a_passkey_answer_that_is_not_one_is_refused(client, db, login_as):
    user = login_as(Role.STAFF)
    client.post("/account/two-factor/passkey-options")
    response = client.post("/account/two-factor/passkey", data={"pk-name": "Laptop", "pk-passkey_answer": '{"id": 1}'})
    assert response.status_code == 302 and not mfa.passkeys_of(user)


def test_changing_own_factors_and_ending_sessions_ask_a_fresh_check(client, db, login_as, app):
    user = login_as(Role.STAFF)
    _enrol_totp(client, db, user)
    record = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id,
                                                         UserSession.ended_at.is_(None)))
    record.second_factor_at -= dt.timedelta(minutes=app.config["STEP_UP_MINUTES"] + 1)
    db.session.commit()
    for path in ("/account/two-factor/totp/remove", "/account/two-factor/recovery-codes", "/account/sessions/end-others"):
        response = client.post(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login/confirm"), path
    assert mfa.has_totp(user), "nothing removed"


def test_a_password_reset_link_does_not_skip_the_second_factor(client, db, login_as, app):
    from qms.auth.services import issue_password_token

    user = login_as(Role.STAFF)
    _enrol_totp(client, db, user)
    token = issue_password_token(user)
    db.session.commit()
    browser = app.test_client()
    new = "een heel nieuw wachtwoord " + "x" * 60  # 86 characters: long passwords are welcome
    response = browser.post(f"/set-password/{token}", data={"new_password": new, "confirm_password": new})
    assert response.status_code == 302 and response.headers["Location"] == "/login/verify"
    assert browser.get("/account").status_code == 302


@pytest.mark.parametrize("role, path, data", [
    (Role.HR, "/pso/measurements/new", {"year": "2026"}),  # the PSO norm package calls the core's helper
    (Role.COORDINATOR, "/documents/1/versions/1/sign", {"meaning": "approved", "password": PASSWORD}),
])
def test_freezing_a_measurement_and_signing_ask_a_fresh_check(client, db, login_as, app, role, path, data):
    from qms.pso.models import PsoMeasurement

    user = login_as(role)
    record = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    record.verified_at -= dt.timedelta(minutes=app.config["STEP_UP_MINUTES"] + 1)
    db.session.commit()
    response = client.post(path, data=data)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login/confirm")
    assert db.session.scalar(select(PsoMeasurement)) is None


def test_the_policy_may_require_no_role(client, login_as):
    login_as(Role.ADMIN)
    assert client.post("/admin/two-factor", data={}).status_code == 302
    assert not any(mfa.policy().values())
