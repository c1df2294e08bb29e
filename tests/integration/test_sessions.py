"""Server-side sessions: the user's list and ending one, an administrator ending all of a user's sessions,
idle timeout and absolute lifetime, a new session at every login, and the password change."""
import datetime as dt

from sqlalchemy import select

from qms.auth.models import UserSession
from qms.permissions import Role
from tests.conftest import PASSWORD


def _open(db, user):
    return db.session.scalars(select(UserSession).where(UserSession.user_id == user.id,
                                                        UserSession.ended_at.is_(None))).all()


def test_user_sees_sessions_and_ends_one_elsewhere(app, db, client, login_as):
    user = login_as(Role.STAFF)
    phone = app.test_client()
    phone.post("/login", data={"email": user.email, "password": PASSWORD},
               headers={"User-Agent": "Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile"})
    page = client.get("/account/sessions").get_data(as_text=True)
    assert "Chrome / Android" in page and "This device" in page
    mine, theirs = sorted(_open(db, user), key=lambda r: r.id)
    assert client.post(f"/account/sessions/{theirs.id}/end").status_code == 302
    assert phone.get("/account").status_code == 302, "the phone is logged out"
    assert client.get("/account").status_code == 200, "this browser is not"
    assert [r.id for r in _open(db, user)] == [mine.id]


def test_nobody_ends_another_users_session(app, db, client, login_as, make_user):
    login_as(Role.STAFF)
    other = make_user(Role.STAFF)
    browser = app.test_client()
    browser.post("/login", data={"email": other.email, "password": PASSWORD})
    [record] = _open(db, other)
    assert client.post(f"/account/sessions/{record.id}/end").status_code == 404
    assert browser.get("/account").status_code == 200


def test_admin_ends_all_sessions_of_a_user(app, db, client, login_as, make_user):
    login_as(Role.ADMIN)
    target = make_user(Role.STAFF)
    one, two = app.test_client(), app.test_client()
    for browser in (one, two):
        browser.post("/login", data={"email": target.email, "password": PASSWORD})
    assert len(_open(db, target)) == 2
    assert client.post(f"/admin/users/{target.id}/end-sessions").status_code == 302
    assert one.get("/account").status_code == 302 and two.get("/account").status_code == 302
    assert _open(db, target) == []


def test_idle_timeout_and_absolute_lifetime(app, db, client, login_as):
    user = login_as(Role.STAFF)
    [record] = _open(db, user)
    record.last_seen_at -= dt.timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] - 1)
    db.session.commit()
    assert client.get("/account").status_code == 200, "within the idle time"
    db.session.refresh(record)
    assert dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - record.last_seen_at < dt.timedelta(minutes=1)
    record.last_seen_at -= dt.timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
    db.session.commit()
    assert client.get("/account").status_code == 302
    db.session.refresh(record)
    assert record.end_reason == "idle"

    client.post("/login", data={"email": user.email, "password": PASSWORD})
    [record] = _open(db, user)
    record.created_at -= dt.timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"])
    db.session.commit()
    assert client.get("/account").status_code == 302, "in use all the time, but past its lifetime"
    db.session.refresh(record)
    assert record.end_reason == "lifetime"


def test_each_login_gets_a_new_session_token(app, db, client, make_user):
    user = make_user(Role.STAFF)
    client.get("/login")
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    first = client.get_cookie("session").value
    client.post("/logout")
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert client.get_cookie("session").value != first
    records = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)).all()
    assert len({r.token_hash for r in records}) == 2 and all(len(r.token_hash) == 64 for r in records)


def test_password_change_ends_the_other_sessions(app, db, client, login_as):
    user = login_as(Role.STAFF)
    other = app.test_client()
    other.post("/login", data={"email": user.email, "password": PASSWORD})
    response = client.post("/account", data={"current_password": PASSWORD, "new_password": "een nieuw lang wachtwoord",
                                             "confirm_password": "een nieuw lang wachtwoord"})
    assert response.status_code == 302
    assert other.get("/account").status_code == 302 and client.get("/account").status_code == 200


def test_weak_new_passwords_are_refused_with_the_reason(app, db, client, login_as):
    from qms.organisation.models import Company

    db.session.add(Company(name="Glans Schoonmaak"))
    db.session.commit()
    user = login_as(Role.STAFF, email="piet.bakker@test.example")
    for password, message in (("Qwerty123456", "most used passwords"), ("piet.bakker@test.example", "e-mail"),
                              ("Glans Schoonmaak!", "company name"), ("elf tekens!", "at least 12")):
        response = client.post("/account", data={"current_password": PASSWORD, "new_password": password,
                                                 "confirm_password": password})
        assert response.status_code == 200 and message in response.get_data(as_text=True), password
    assert "15 or more is better" in client.get("/account").get_data(as_text=True)


def test_security_txt(client):
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert "Contact: mailto:security@localhost" in text
    expires = dt.datetime.strptime(text.split("Expires: ")[1].split()[0], "%Y-%m-%dT%H:%M:%SZ")
    assert dt.timedelta(days=1) < expires - dt.datetime.utcnow() < dt.timedelta(days=366)
    assert "{" not in text


def test_administrator_can_end_every_session_of_every_user(app, db, client, make_user):
    users = [make_user(Role.STAFF), make_user(Role.ADMIN)]
    browsers = [app.test_client() for _ in users]
    for browser, user in zip(browsers, users):
        browser.post("/login", data={"email": user.email, "password": PASSWORD})
    result = app.test_cli_runner().invoke(args=["qms", "sessions-end-all"])
    assert result.exit_code == 0 and "2 sessions ended." in result.output
    assert all(b.get("/account").status_code == 302 for b in browsers)


def test_a_fresh_check_gives_the_session_a_new_token(app, db, client, login_as):
    login_as(Role.STAFF)
    before = client.get_cookie("session").value
    copy = app.test_client()
    copy.set_cookie("session", before)
    assert copy.get("/account").status_code == 200
    assert client.post("/login/confirm?next=/account", data={"password": PASSWORD}).status_code == 302
    assert client.get_cookie("session").value != before
    assert client.get("/account").status_code == 200
    assert copy.get("/account").status_code == 302, "the token from before the check is dead"
