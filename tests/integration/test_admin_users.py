"""User administration end to end: list and filters, invitations, roles, deactivation, password links."""
import datetime as dt
import json
import re

import pytest
from sqlalchemy import event, select

from qms.audit.models import AuditEntry
from qms.auth import passwords
from qms.auth.models import User
from qms.auth.services import hash_token
from qms.database import utcnow
from qms.extensions import db as _db
from qms.permissions import Role
from tests.conftest import PASSWORD, csrf_token_from

NEW_PASSWORD = "a fresh and long password"


def settle() -> None:
    """End the test's own transaction, keeping loaded objects readable."""
    _db.session.expunge_all()
    _db.session.rollback()


def fresh(user_id: int) -> User:
    _db.session.expire_all()
    user = _db.session.get(User, user_id)
    settle()
    return user


def entries(**where) -> list[AuditEntry]:
    _db.session.expire_all()
    stmt = select(AuditEntry).order_by(AuditEntry.id)
    for name, value in where.items():
        stmt = stmt.where(getattr(AuditEntry, name) == value)
    found = _db.session.scalars(stmt).all()
    settle()
    return found


def flashes(response) -> str:
    return " ".join(re.findall(r'<p class="flash flash-\w+">([^<]*)</p>', response.get_data(as_text=True)))


def invite(client, name="Fatima de Vries", email="fatima@example.com", roles=("staff",)):
    return client.post("/admin/users/invite", data={"name": name, "email": email, "roles": list(roles)})


def link_from_mail(message) -> str:
    return re.search(r"http://localhost(/set-password/[A-Za-z0-9_-]+)", message.get_content()).group(1)


@pytest.fixture
def admin(login_as):
    """The logged-in administrator (detached, readable after the test ends its transactions)."""
    return fresh(login_as(Role.ADMIN, name="Anna Admin", email="anna@test.example").id)


# --- access --------------------------------------------------------------------------------------------

ADMIN_ROUTES = [
    ("get", "/admin/users"),
    ("get", "/admin/users/invite"),
    ("post", "/admin/users/invite"),
    ("get", "/admin/users/{id}"),
    ("post", "/admin/users/{id}"),
    ("post", "/admin/users/{id}/deactivate"),
    ("post", "/admin/users/{id}/reactivate"),
    ("post", "/admin/users/{id}/password-link"),
]


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.ADMIN])
@pytest.mark.parametrize("method, path", ADMIN_ROUTES)
def test_other_roles_get_403(client, login_as, make_user, role, method, path):
    other = make_user(Role.STAFF)
    login_as(role)
    before = fresh(other.id)
    response = getattr(client, method)(path.format(id=other.id), data={"name": "X", "roles": ["admin"]})
    assert response.status_code == 403
    after = fresh(other.id)
    assert (after.name, after.active, after.invite_token_hash) == (before.name, before.active, None)


@pytest.mark.parametrize("method, path", ADMIN_ROUTES)
def test_anonymous_visitors_are_sent_to_login(client, make_user, method, path):
    other = make_user(Role.STAFF)
    response = getattr(client, method)(path.format(id=other.id))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("path", ["/admin/users/999999", "/admin/users/0", "/admin/users/abc",
                                  "/admin/users/99999999999999999999", "/admin/users/-1"])
def test_unknown_user_ids_are_404(client, admin, path):
    assert client.get(path).status_code == 404
    assert client.post(path.rstrip("/") + "/deactivate").status_code == 404


# --- list ------------------------------------------------------------------------------------------------

def test_list_filters_by_text_role_and_status(client, admin, make_user):
    make_user(Role.STAFF, name="Jan Jansen", email="jan@schoon.example")
    make_user(Role.HR, Role.STAFF, name="Petra Pieters", email="petra@schoon.example")
    make_user(Role.AUDITOR, name="Karel Oud", email="karel@schoon.example", active=False)

    def names(query=""):
        html = client.get("/admin/users" + query).get_data(as_text=True)
        return re.findall(r'<a href="/admin/users/\d+">([^<]+)</a>', html)

    assert names() == ["Anna Admin", "Jan Jansen", "Karel Oud", "Petra Pieters"]
    assert names("?q=jans") == ["Jan Jansen"]
    assert names("?q=PETRA@") == ["Petra Pieters"]
    assert names("?role=hr") == ["Petra Pieters"]
    assert names("?role=staff") == ["Jan Jansen", "Petra Pieters"]
    assert names("?status=inactive") == ["Karel Oud"]
    assert names("?status=active&role=auditor") == []
    assert names("?q=%25") == []  # a wildcard typed by the user is matched literally
    assert names("?q=_") == []


def test_list_shows_roles_as_badges(client, admin, make_user):
    make_user(Role.HR, Role.COORDINATOR, name="Petra Pieters")
    html = client.get("/admin/users?q=Petra").get_data(as_text=True)
    assert '<span class="badge badge-info">HR officer</span>' in html
    assert '<span class="badge badge-info">Quality coordinator</span>' in html
    assert 'class="list responsive"' in html and 'data-label="Roles"' in html


def test_list_loads_roles_without_a_query_per_row(app, client, admin, make_user):
    for n in range(12):
        make_user(Role.STAFF, Role.HR, name=f"Medewerker {n:02d}")
    statements = []

    def count(conn, cursor, statement, *args):
        if "user_role" in statement.lower():
            statements.append(statement)

    engine = _db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get("/admin/users").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    # One query for the roles of the whole page (plus the current user's own), not one per row.
    assert len(statements) <= 3


def test_list_is_paginated_in_the_database(app, client, admin, make_user):
    app.config["ITEMS_PER_PAGE"] = 5
    for n in range(11):
        make_user(Role.STAFF, name=f"Medewerker {n:02d}")
    html = client.get("/admin/users?page=3").get_data(as_text=True)
    assert "Page 3 of 3" in html
    assert len(re.findall(r'<a href="/admin/users/\d+">', html)) == 2


@pytest.mark.parametrize("query", ["?page=abc", "?page=-5", "?page=99999999999999999999", "?role=root",
                                   "?status=everything", "?q=" + "x" * 5000])
def test_malformed_filters_never_fail(client, admin, query):
    assert client.get("/admin/users" + query).status_code == 200


# --- invitation ----------------------------------------------------------------------------------------

def test_invitation_mails_a_link_that_sets_the_password_and_logs_in(app, client, admin):
    response = invite(client, roles=("staff", "hr"))
    assert response.status_code == 302
    user = _db.session.scalar(select(User).where(User.email == "fatima@example.com"))
    settle()
    assert user.role_set == {Role.STAFF, Role.HR}
    assert user.password_hash is None
    assert user.invite_expires_at - utcnow() > dt.timedelta(hours=71)

    [message] = app.extensions["mail_outbox"]
    assert message["To"] == "fatima@example.com"
    path = link_from_mail(message)
    token = path.rsplit("/", 1)[1]
    assert user.invite_token_hash == hash_token(token)
    assert token not in json.dumps([e.new_values for e in entries()])

    # The admin sees the link once, on the user's page.
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert path in page
    assert path not in client.get(response.headers["Location"]).get_data(as_text=True)

    invited = app.test_client()
    form = invited.get(path)
    assert form.status_code == 200 and "fatima@example.com" in form.get_data(as_text=True)
    done = invited.post(path, data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert done.status_code == 302
    assert invited.get("/account").status_code == 200
    stored = fresh(user.id)
    assert passwords.verify_password(stored.password_hash, NEW_PASSWORD)
    assert stored.invite_token_hash is None and stored.invite_expires_at is None

    # The link cannot be used again.
    again = app.test_client()
    reuse = again.get(path)
    assert reuse.status_code == 200 and "This link is no longer valid" in reuse.get_data(as_text=True)
    reuse = again.post(path, data={"new_password": "someone elses pass", "confirm_password": "someone elses pass"})
    assert "This link is no longer valid" in reuse.get_data(as_text=True)
    assert again.get("/account").status_code == 302
    assert passwords.verify_password(fresh(user.id).password_hash, NEW_PASSWORD)


def test_invitation_refuses_a_duplicate_email(app, client, admin, make_user):
    make_user(Role.STAFF, email="jan@schoon.example")
    response = invite(client, name="Another Jan", email="  JAN@schoon.example ")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "There is already a user with this e-mail address." in html
    assert 'value="Another Jan"' in html  # what was typed is kept
    assert _db.session.scalar(select(User).where(User.name == "Another Jan")) is None
    assert app.extensions.get("mail_outbox", []) == []


@pytest.mark.parametrize("data, field, message", [
    ({"name": "", "email": "a@example.com", "roles": ["staff"]}, "name", None),
    ({"name": "\x01 ", "email": "a@example.com", "roles": ["staff"]}, "name", None),
    ({"name": "X", "email": "not-an-address", "roles": ["staff"]}, "email", "Enter a valid e-mail address."),
    ({"name": "X", "email": "a@example.com"}, "roles", "Choose at least one role."),
    ({"name": "X", "email": "a@example.com", "roles": ["superuser"]}, "roles", None),
    ({"name": "X" * 300, "email": "a@example.com", "roles": ["staff"]}, "name", None),
    ({"name": "X", "email": "a" * 300 + "@example.com", "roles": ["staff"]}, "email", None),
])
def test_invitation_form_explains_bad_input(app, client, admin, data, field, message):
    response = client.post("/admin/users/invite", data=data)
    assert response.status_code == 200
    errors = re.findall(rf'<p class="error" id="{field}-err">([^<]+)</p>', response.get_data(as_text=True))
    assert errors, f"no error shown next to {field}"
    if message:
        assert message in errors
    assert _db.session.scalar(select(User).where(User.email == "a@example.com")) is None
    assert app.extensions.get("mail_outbox", []) == []


def test_invitation_still_stands_when_mail_fails(app, client, admin, monkeypatch):
    def broken(message):
        raise OSError("mail server unreachable")

    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="mail.invalid")
    monkeypatch.setattr("qms.mail._send_smtp", broken)
    response = invite(client)
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert "could not be sent" in flashes(page)
    assert "/set-password/" in page.get_data(as_text=True)
    assert _db.session.scalar(select(User).where(User.email == "fatima@example.com")) is not None


# --- set-password page -----------------------------------------------------------------------------------

@pytest.mark.parametrize("token", ["unknown", "x" * 5000, "%00", "%E2%82", "Zm9v.YmFy"])
def test_unknown_links_get_a_friendly_page(client, token):
    response = client.get(f"/set-password/{token}")
    assert response.status_code == 200
    assert "This link is no longer valid" in response.get_data(as_text=True)
    response = client.post(f"/set-password/{token}", data={"new_password": NEW_PASSWORD,
                                                           "confirm_password": NEW_PASSWORD})
    assert "This link is no longer valid" in response.get_data(as_text=True)


def test_odd_link_paths_never_fail(client):
    assert client.get("/set-password/..%2F..%2Fetc").status_code == 404
    assert client.get("/set-password/").status_code == 404


def test_expired_link_gets_the_friendly_page(app, client, admin):
    invite(client)
    path = link_from_mail(app.extensions["mail_outbox"][0])
    user = _db.session.scalar(select(User).where(User.email == "fatima@example.com"))
    user.invite_expires_at = utcnow() - dt.timedelta(minutes=1)
    _db.session.commit()
    response = app.test_client().get(path)
    assert "This link is no longer valid" in response.get_data(as_text=True)


def test_set_password_checks_length_and_confirmation(app, client, admin):
    invite(client)
    path = link_from_mail(app.extensions["mail_outbox"][0])
    visitor = app.test_client()
    short = visitor.post(path, data={"new_password": "short", "confirm_password": "short"})
    assert short.status_code == 200 and "Use at least" in short.get_data(as_text=True)
    differ = visitor.post(path, data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD + "x"})
    assert "The two passwords differ." in differ.get_data(as_text=True)
    assert visitor.get("/account").status_code == 302
    # The link is still usable after the mistakes.
    done = visitor.post(path, data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert done.status_code == 302


# --- edit ------------------------------------------------------------------------------------------------

def test_editing_roles_is_in_the_audit_trail(client, admin, make_user):
    user = make_user(Role.STAFF, Role.AUDITOR, name="Jan Jansen")
    response = client.post(f"/admin/users/{user.id}", data={"name": "Jan Jansen-Smit", "roles": ["staff", "hr"]})
    assert response.status_code == 302
    changed = fresh(user.id)
    assert changed.name == "Jan Jansen-Smit"
    assert changed.role_set == {Role.STAFF, Role.HR}

    role_entries = [e for e in entries(entity_type="user_role") if e.entity_id.startswith(f"{user.id},")]
    created = [e.entity_id for e in role_entries if e.action == "create"]
    deleted = [e.entity_id for e in role_entries if e.action == "delete"]
    assert f"{user.id},hr" in created
    assert deleted == [f"{user.id},auditor"]
    assert all(e.actor_id == admin.id for e in role_entries if e.entity_id == f"{user.id},hr")
    [rename] = [e for e in entries(entity_type="user", action="update") if e.entity_id == str(user.id)]
    assert "Jan Jansen-Smit" in rename.new_values


def test_edit_form_shows_current_values(client, admin, make_user):
    user = make_user(Role.HR, name="Petra Pieters")
    html = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert 'value="Petra Pieters"' in html
    assert re.search(r'<input checked id="roles-\d+" name="roles" type="checkbox" value="hr">', html)
    assert not re.search(r'<input checked id="roles-\d+" name="roles" type="checkbox" value="staff">', html)


def test_admin_cannot_remove_own_admin_role(client, admin, make_user):
    make_user(Role.ADMIN)  # not the last administrator: the rule is about oneself
    response = client.post(f"/admin/users/{admin.id}", data={"name": "Anna", "roles": ["staff"]})
    assert response.status_code == 200
    refusal = "You cannot deactivate yourself or remove your own administrator role."
    assert refusal in response.get_data(as_text=True)
    assert fresh(admin.id).role_set == {Role.ADMIN}
    assert fresh(admin.id).name == "Anna Admin"


def test_last_active_administrator_keeps_the_role(app, db, make_user):
    """Through the service, as the CLI would: the only active admin cannot lose the role."""
    from qms.admin import services

    only = make_user(Role.ADMIN)
    make_user(Role.ADMIN, active=False)
    other = make_user(Role.COORDINATOR)
    with pytest.raises(services.LastAdministrator):
        services.update_user(other, only, only.name, [Role.STAFF])
    with pytest.raises(services.LastAdministrator):
        services.deactivate_user(other, only)
    db.session.rollback()
    assert fresh(only.id).role_set == {Role.ADMIN}


def test_another_administrator_can_lose_the_role(client, admin, make_user):
    colleague = make_user(Role.ADMIN, Role.STAFF)
    response = client.post(f"/admin/users/{colleague.id}", data={"name": colleague.name, "roles": ["staff"]})
    assert response.status_code == 302
    assert fresh(colleague.id).role_set == {Role.STAFF}


# --- deactivate / reactivate -------------------------------------------------------------------------------

def test_deactivation_ends_sessions_and_is_audited(app, client, admin, make_user):
    user = make_user(Role.STAFF, name="Jan Jansen")
    user_id, email, version = user.id, user.email, user.session_version
    settle()
    theirs = app.test_client()
    assert theirs.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    assert theirs.get("/account").status_code == 200

    response = client.post(f"/admin/users/{user_id}/deactivate")
    assert response.status_code == 302
    assert "deactivated" in flashes(client.get(response.headers["Location"]))
    stored = fresh(user_id)
    assert stored.active is False and stored.session_version == version + 1

    kicked = theirs.get("/account")
    assert kicked.status_code == 302 and kicked.headers["Location"].startswith("/login")
    assert theirs.post("/login", data={"email": email, "password": PASSWORD}).status_code == 200

    [entry] = [e for e in entries(entity_type="user", action="update") if e.entity_id == str(user_id)]
    assert entry.actor_id == admin.id
    assert json.loads(entry.new_values)["active"] is False
    assert json.loads(entry.old_values)["active"] is True

    response = client.post(f"/admin/users/{user_id}/reactivate")
    assert response.status_code == 302
    assert fresh(user_id).active is True
    assert theirs.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302


def test_admin_cannot_deactivate_themselves(client, admin, make_user):
    make_user(Role.ADMIN)
    response = client.post(f"/admin/users/{admin.id}/deactivate")
    assert response.status_code == 302
    assert "You cannot deactivate yourself" in flashes(client.get(response.headers["Location"]))
    assert fresh(admin.id).active is True
    assert client.get("/admin/users").status_code == 200


def test_deactivation_withdraws_an_open_link(app, client, admin):
    invite(client)
    path = link_from_mail(app.extensions["mail_outbox"][0])
    user = _db.session.scalar(select(User).where(User.email == "fatima@example.com"))
    settle()
    client.post(f"/admin/users/{user.id}/deactivate")
    assert fresh(user.id).invite_token_hash is None
    assert "This link is no longer valid" in app.test_client().get(path).get_data(as_text=True)


def test_destructive_actions_ask_for_confirmation(client, admin, make_user):
    user = make_user(Role.STAFF)
    html = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert re.search(rf'action="/admin/users/{user.id}/deactivate"[^>]*data-confirm="', html)
    assert re.search(rf'action="/admin/users/{user.id}/password-link"[^>]*data-confirm="', html)


def test_actions_need_post_and_csrf(app_factory, make_user):
    app = app_factory(WTF_CSRF_ENABLED=True)
    target = make_user(Role.STAFF)
    boss = make_user(Role.ADMIN)
    target_id, boss_email = target.id, boss.email
    settle()
    client = app.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    assert client.post("/login", data={"email": boss_email, "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302
    assert client.get(f"/admin/users/{target_id}/deactivate").status_code in (302, 405)
    assert client.post(f"/admin/users/{target_id}/deactivate").status_code == 400
    assert fresh(target_id).active is True
    token = csrf_token_from(client.get(f"/admin/users/{target_id}").get_data(as_text=True))
    assert client.post(f"/admin/users/{target_id}/deactivate", data={"csrf_token": token}).status_code == 302
    assert fresh(target_id).active is False


# --- password reset ------------------------------------------------------------------------------------------

def test_password_reset_link_replaces_the_old_one(app, client, admin, make_user):
    user = make_user(Role.STAFF, name="Jan Jansen")
    user_id = user.id
    settle()
    first = client.post(f"/admin/users/{user_id}/password-link")
    assert first.status_code == 302
    second = client.post(f"/admin/users/{user_id}/password-link")
    assert second.status_code == 302
    old_path, new_path = (link_from_mail(m) for m in app.extensions["mail_outbox"])
    assert old_path != new_path

    visitor = app.test_client()
    assert "This link is no longer valid" in visitor.get(old_path).get_data(as_text=True)
    assert passwords.verify_password(fresh(user_id).password_hash, PASSWORD)  # old password works until then
    assert visitor.post(new_path, data={"new_password": NEW_PASSWORD,
                                        "confirm_password": NEW_PASSWORD}).status_code == 302
    assert passwords.verify_password(fresh(user_id).password_hash, NEW_PASSWORD)
    assert "This link is no longer valid" in app.test_client().get(new_path).get_data(as_text=True)
    logins = [e for e in entries(action="login") if e.entity_id == str(user_id)]
    assert logins and "password link" in logins[-1].new_values


def test_password_link_refused_for_deactivated_user(app, client, admin, make_user):
    user = make_user(Role.STAFF, active=False)
    response = client.post(f"/admin/users/{user.id}/password-link")
    assert response.status_code == 302
    assert "Reactivate it first" in flashes(client.get(response.headers["Location"]))
    assert fresh(user.id).invite_token_hash is None
    assert app.extensions.get("mail_outbox", []) == []


# --- mail backends ---------------------------------------------------------------------------------------

def test_smtp_backend_uses_starttls_and_login(app, monkeypatch):
    from qms.mail import send_mail

    calls = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            calls.append(("connect", host, port))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            calls.append(("quit",))

        def starttls(self, context):
            calls.append(("starttls",))

        def login(self, user, password):
            calls.append(("login", user, password))

        def send_message(self, message):
            calls.append(("send", message["To"], message["From"], message["Subject"]))

    monkeypatch.setattr("smtplib.SMTP", FakeSMTP)
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="smtp.example.com", MAIL_PORT=587, MAIL_USE_TLS=True,
                      MAIL_USERNAME="qms", MAIL_PASSWORD="secret", MAIL_DEFAULT_SENDER="qms@schoon.example")
    assert send_mail("jan@example.com", "Onderwerp", "Tekst") is True
    assert calls == [("connect", "smtp.example.com", 587), ("starttls",), ("login", "qms", "secret"),
                     ("send", "jan@example.com", "qms@schoon.example", "Onderwerp"), ("quit",)]


def test_mail_failures_are_reported_not_raised(app, caplog):
    from qms.mail import send_mail

    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="")
    assert send_mail("jan@example.com", "Subject", "Body") is False
    app.config.update(MAIL_BACKEND="pigeon")
    assert send_mail("jan@example.com", "Subject", "Body") is False
    app.config.update(MAIL_BACKEND="log")
    with caplog.at_level("INFO", logger="qms.mail"):
        assert send_mail("jan@example.com", "Subject", "Body text") is True
    assert "Body text" in caplog.text
