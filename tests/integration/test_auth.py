"""Login, logout, sessions and throttling, exercised through the login form."""
import datetime as dt
import re
import threading

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from qms.audit.models import AuditEntry
from qms.auth import passwords
from qms.auth.models import LoginAttempt, User
from qms.database import utcnow
from qms.extensions import db as _db
from qms.permissions import Role
from tests.conftest import PASSWORD

GENERIC_FAILURE = "That e-mail address and password do not match an active account."


def login(client, email, password=PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def flash_texts(response) -> list[str]:
    return re.findall(r'<p class="flash flash-\w+">([^<]*)</p>', response.get_data(as_text=True))


def is_logged_in(client) -> bool:
    response = client.get("/account")
    return response.status_code == 200


def settle() -> None:
    """End the test's own transaction (keeping loaded objects readable): on SQLite every transaction
    holds the write lock, and app instances other than the test's own write through their own connections."""
    _db.session.expunge_all()
    _db.session.rollback()


def fresh(user_id: int) -> User:
    """The user as stored now, detached."""
    _db.session.expire_all()
    user = _db.session.get(User, user_id)
    settle()
    return user


def actions(action: str) -> list[AuditEntry]:
    _db.session.expire_all()
    entries = _db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                  .order_by(AuditEntry.id)).all()
    settle()
    return entries


def set_user(user_id: int, **values) -> None:
    user = _db.session.get(User, user_id)
    for name, value in values.items():
        setattr(user, name, value)
    _db.session.commit()
    settle()


# --- password hashing --------------------------------------------------------------------------

def test_passwords_are_stored_as_argon2id(make_user):
    user = make_user(Role.STAFF, password="a long enough password")
    assert user.password_hash.startswith("$argon2id$")
    assert "a long enough password" not in user.password_hash
    assert passwords.verify_password(user.password_hash, "a long enough password")
    assert not passwords.verify_password(user.password_hash, "another password")
    assert not passwords.verify_password(None, "a long enough password")


def test_login_upgrades_a_hash_made_with_weaker_parameters(client, db, make_user):
    user = make_user(Role.STAFF)
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    user.password_hash = weak
    db.session.commit()
    assert passwords.needs_rehash(weak)

    assert login(client, user.email).status_code == 302

    upgraded = fresh(user.id).password_hash
    assert upgraded != weak
    assert upgraded.startswith("$argon2id$")
    assert not passwords.needs_rehash(upgraded)
    assert passwords.verify_password(upgraded, PASSWORD)


def test_login_keeps_a_current_hash(client, make_user):
    user = make_user(Role.STAFF)
    before = user.password_hash
    assert login(client, user.email).status_code == 302
    assert fresh(user.id).password_hash == before


# --- failures look the same -----------------------------------------------------------------------

def test_wrong_password_and_unknown_account_get_the_same_answer(client, make_user):
    user = make_user(Role.STAFF)
    wrong = login(client, user.email, "not the password")
    unknown = login(client, "nobody@test.example", "not the password")
    assert wrong.status_code == unknown.status_code == 200
    assert flash_texts(wrong) == flash_texts(unknown)
    assert GENERIC_FAILURE in flash_texts(wrong)[0]
    assert not is_logged_in(client)


def test_deactivated_account_gets_the_same_answer_and_no_session(client, make_user):
    user = make_user(Role.STAFF, active=False)
    response = login(client, user.email)
    assert response.status_code == 200
    assert GENERIC_FAILURE in flash_texts(response)[0]
    assert not is_logged_in(client)


def test_invited_account_without_password_cannot_log_in(client, db, make_user):
    user = make_user(Role.STAFF)
    user.password_hash = None
    db.session.commit()
    response = login(client, user.email, "")
    assert response.status_code == 200
    assert not is_logged_in(client)


def test_email_is_matched_case_insensitively(client, make_user):
    make_user(Role.STAFF, email="jan@test.example")
    assert login(client, "  JAN@Test.Example ").status_code == 302
    assert is_logged_in(client)


# --- throttling ----------------------------------------------------------------------------------

def test_account_lock_holds_for_the_right_password_until_it_expires(app_factory, make_user):
    app = app_factory(LOGIN_MAX_FAILURES=3, LOGIN_LOCK_SECONDS=600)
    user = fresh(make_user(Role.STAFF).id)
    client = app.test_client()
    for _ in range(3):
        assert GENERIC_FAILURE in flash_texts(login(client, user.email, "wrong password"))[0]
    assert fresh(user.id).locked_until > utcnow()

    response = login(client, user.email)
    assert response.status_code == 200
    assert GENERIC_FAILURE in flash_texts(response)[0]
    assert not is_logged_in(client)
    assert "locked" in actions("login_failed")[-1].new_values

    set_user(user.id, locked_until=utcnow() - dt.timedelta(seconds=1))
    assert login(client, user.email).status_code == 302
    assert is_logged_in(client)
    assert fresh(user.id).locked_until is None


def test_account_lock_holds_across_processes(app_factory, make_user):
    """Two app instances on one database stand for two worker processes."""
    first = app_factory(LOGIN_MAX_FAILURES=3)
    second = app_factory(LOGIN_MAX_FAILURES=3)
    user = fresh(make_user(Role.STAFF).id)

    one, two = first.test_client(), second.test_client()
    login(one, user.email, "wrong password")
    login(two, user.email, "wrong password")
    login(one, user.email, "wrong password")

    response = login(two, user.email)
    assert response.status_code == 200
    assert GENERIC_FAILURE in flash_texts(response)[0]
    assert not is_logged_in(two)
    assert fresh(user.id).locked_until is not None


def test_per_address_limit_answers_429(app_factory, make_user):
    app = app_factory(LOGIN_IP_MAX_ATTEMPTS=3)
    user = fresh(make_user(Role.STAFF).id)
    client = app.test_client()
    for n in range(3):
        assert login(client, f"nobody{n}@test.example", "wrong password").status_code == 200
    blocked = login(client, user.email)
    assert blocked.status_code == 429
    assert not is_logged_in(client)
    # Another address is not affected.
    other = app.test_client()
    assert other.post("/login", data={"email": user.email, "password": PASSWORD},
                      environ_base={"REMOTE_ADDR": "10.9.8.7"}).status_code == 302


def test_per_address_limit_counts_only_failures(app_factory, make_user):
    app = app_factory(LOGIN_IP_MAX_ATTEMPTS=2)
    user = fresh(make_user(Role.STAFF).id)
    for _ in range(4):
        client = app.test_client()
        assert login(client, user.email).status_code == 302
    _db.session.expire_all()
    assert _db.session.scalars(select(LoginAttempt.success)).all() == [True] * 4
    settle()


def test_per_address_limit_holds_under_parallel_requests(app_factory, make_user):
    """Parallel failed logins from one address: exactly the allowed number get through, on either database
    (each thread is its own request with its own connection, as in a multi-worker deployment)."""
    app = app_factory(LOGIN_IP_MAX_ATTEMPTS=5)
    settle()
    threads_n = 16
    start = threading.Barrier(threads_n)
    codes: list[int] = []

    def attempt(n: int) -> None:
        client = app.test_client()
        start.wait()
        codes.append(login(client, f"nobody{n}@test.example", "wrong password").status_code)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [200] * 5 + [429] * (threads_n - 5)
    _db.session.expire_all()
    assert _db.session.scalar(select(func.count()).select_from(LoginAttempt)) == 5
    settle()


# --- sessions ------------------------------------------------------------------------------------

def test_password_change_ends_other_sessions(app, make_user):
    user = make_user(Role.STAFF)
    phone, laptop = app.test_client(), app.test_client()
    assert login(phone, user.email).status_code == 302
    assert login(laptop, user.email).status_code == 302

    response = phone.post("/account", data={"current_password": PASSWORD, "new_password": "a brand new secret",
                                            "confirm_password": "a brand new secret"})
    assert response.status_code == 302
    assert is_logged_in(phone), "the session that changed the password continues"

    response = laptop.get("/account")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert login(laptop, user.email).status_code == 200  # the old password no longer works
    assert login(laptop, user.email, "a brand new secret").status_code == 302


def test_password_change_needs_the_current_password(client, make_user):
    user = make_user(Role.STAFF)
    login(client, user.email)
    response = client.post("/account", data={"current_password": "not it", "new_password": "a brand new secret",
                                             "confirm_password": "a brand new secret"})
    assert response.status_code == 200
    assert "This is not your current password." in response.get_data(as_text=True)
    assert passwords.verify_password(fresh(user.id).password_hash, PASSWORD)


@pytest.mark.parametrize("new, confirm, message", [
    ("short", "short", "Use at least"),
    ("a brand new secret", "a different secret", "The two passwords differ."),
])
def test_password_change_checks_the_new_password(client, make_user, new, confirm, message):
    user = make_user(Role.STAFF)
    login(client, user.email)
    response = client.post("/account", data={"current_password": PASSWORD, "new_password": new,
                                             "confirm_password": confirm})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert passwords.verify_password(fresh(user.id).password_hash, PASSWORD)


def test_deactivation_ends_sessions(app, make_user):
    user = make_user(Role.STAFF)
    client = app.test_client()
    login(client, user.email)
    assert is_logged_in(client)
    set_user(user.id, active=False, session_version=user.session_version + 1)
    response = client.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_login_starts_a_new_session(client, make_user):
    """Whatever was in the session before login (a planted value) does not survive it."""
    user = make_user(Role.STAFF)
    with client.session_transaction() as sess:
        sess["planted"] = "x"
    login(client, user.email)
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess["_user_id"] == f"{user.id}:{user.session_version}"


# --- redirects after login -------------------------------------------------------------------------

def test_login_returns_to_a_local_next(client, make_user):
    user = make_user(Role.STAFF)
    response = login(client, user.email, next="/account?tab=1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account?tab=1"


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example", "/\\evil.example",
                                    "javascript:alert(1)"])
def test_login_refuses_a_foreign_next(client, make_user, target):
    user = make_user(Role.STAFF)
    response = login(client, user.email, next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_page_drops_a_foreign_next_from_the_query(client):
    def next_field(url):
        html = client.get(url).get_data(as_text=True)
        return re.search(r'<input id="next" name="next" type="hidden" value="([^"]*)">', html).group(1)

    assert next_field("/login?next=https://evil.example") == ""
    assert next_field("/login?next=//evil.example") == ""
    assert next_field("/login?next=/account") == "/account"


def test_protected_page_sends_anonymous_visitors_to_login_with_next(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


# --- logout ----------------------------------------------------------------------------------------

def test_logout_is_post_only(client, make_user):
    user = make_user(Role.STAFF)
    login(client, user.email)
    response = client.get("/logout")
    assert response.status_code in (302, 405)
    assert is_logged_in(client)
    response = client.post("/logout")
    assert response.status_code == 302
    assert not is_logged_in(client)


def test_logout_needs_a_csrf_token(app_factory, make_user):
    app = app_factory(WTF_CSRF_ENABLED=True)
    user = fresh(make_user(Role.STAFF).id)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"email": user.email, "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302
    assert client.post("/logout").status_code == 400
    assert is_logged_in(client)


def test_logout_ends_the_session_server_side(app, make_user):
    """A copy of the session cookie taken before logout no longer opens anything after it."""
    user = make_user(Role.STAFF)
    browser, thief = app.test_client(), app.test_client()
    assert login(browser, user.email).status_code == 302
    thief.set_cookie("session", browser.get_cookie("session").value)
    assert is_logged_in(thief), "the copied cookie is a working session before logout"

    assert browser.post("/logout").status_code == 302
    response = thief.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert not is_logged_in(browser)
    assert login(browser, user.email).status_code == 302, "logging in again works"
    assert is_logged_in(browser)


def test_a_remember_cookie_alone_opens_no_session(app, make_user):
    """A remember-me cookie (Flask-Login signs the user id with its session version) carries no server-side
    session record, so it opens nothing: before logout or after."""
    from flask_login.utils import encode_cookie

    user = make_user(Role.STAFF)
    browser, thief = app.test_client(), app.test_client()
    login(browser, user.email)
    thief.set_cookie(app.config.get("REMEMBER_COOKIE_NAME", "remember_token"), encode_cookie(user.get_id()))
    assert not is_logged_in(thief), "a signed remember cookie without a session record is refused"
    assert is_logged_in(browser)
    browser.post("/logout")
    assert not is_logged_in(thief) and not is_logged_in(browser)


# --- audit trail -----------------------------------------------------------------------------------

def test_login_logout_and_failures_are_in_the_audit_trail(client, make_user):
    user = fresh(make_user(Role.STAFF).id)
    login(client, user.email, "wrong password")
    login(client, "nobody@test.example", "wrong password")
    login(client, user.email)
    client.post("/logout")

    failed = actions("login_failed")
    assert [(e.entity_id, e.actor_id) for e in failed] == [(str(user.id), None), (None, None)]
    assert "wrong password" in failed[0].new_values
    assert "nobody@test.example" in failed[1].new_values
    assert PASSWORD not in "".join(e.new_values or "" for e in failed)
    [entered] = actions("login")
    assert (entered.entity_id, entered.actor_id, entered.actor_label) == (str(user.id), user.id, user.email)
    [left] = actions("logout")
    assert (left.entity_id, left.actor_id) == (str(user.id), user.id)


# --- cookies ---------------------------------------------------------------------------------------

def session_cookie_header(response) -> str:
    [header] = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")]
    return header


def test_session_cookie_is_httponly_and_samesite_lax(client, make_user):
    user = make_user(Role.STAFF)
    header = session_cookie_header(login(client, user.email))
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
    assert "Secure" not in header


def test_session_cookie_is_secure_when_configured(app_factory, make_user):
    app = app_factory(SESSION_COOKIE_SECURE=True)
    user = fresh(make_user(Role.STAFF).id)
    response = app.test_client().post("/login", data={"email": user.email, "password": PASSWORD},
                                      base_url="https://localhost")
    header = session_cookie_header(response)
    assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_production_config_marks_cookies_secure(monkeypatch):
    import importlib

    import config

    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    fresh_config = importlib.reload(config)
    try:
        assert fresh_config.ProductionConfig.SESSION_COOKIE_SECURE is True
        assert fresh_config.ProductionConfig.REMEMBER_COOKIE_SECURE is True
        assert fresh_config.ProductionConfig.SESSION_COOKIE_HTTPONLY is True
        assert fresh_config.ProductionConfig.SESSION_COOKIE_SAMESITE == "Lax"
    finally:
        monkeypatch.undo()
        importlib.reload(config)


# --- robustness ------------------------------------------------------------------------------------

@pytest.mark.parametrize("data", [
    {},
    {"email": "x" * 5000, "password": "y"},
    {"email": "a@b.c", "password": "p" * 5000},
    {"email": "\x01", "password": "\x01"},
    {"email": "a@b.c", "password": "p", "next": "/" + "a" * 10000},
])
def test_malformed_login_input_never_fails(client, data):
    response = client.post("/login", data=data)
    assert response.status_code in (200, 302)
    assert not is_logged_in(client)


def test_the_daily_run_prunes_old_login_attempts(app, make_user):
    now = utcnow()
    _db.session.add_all([LoginAttempt(ip="10.0.0.1", at=now - dt.timedelta(days=8)),
                         LoginAttempt(ip="10.0.0.1", at=now - dt.timedelta(days=6)),
                         LoginAttempt(ip="10.0.0.2", at=now, success=True)])
    _db.session.commit()
    settle()
    result = app.test_cli_runner().invoke(args=["qms", "reminders"])
    assert result.exit_code == 0, result.output
    assert "1 old login attempts removed" in result.output
    _db.session.expire_all()
    assert sorted(a.at for a in _db.session.scalars(select(LoginAttempt))) == [now - dt.timedelta(days=6), now]
    settle()
