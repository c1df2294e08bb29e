"""The audit trail: append-only in the database, hash-chained, written automatically, and browsable
without leaking secrets or special personal data."""
import json
from contextlib import contextmanager

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from qms.audit import services as audit
from qms.audit.keys import entry_key
from qms.audit.models import AuditEntry
from qms.organisation.models import Department
from qms.permissions import Role, require, requires
from tests.conftest import PG_URL

postgres_only = pytest.mark.skipif(not PG_URL, reason="TRUNCATE triggers exist on PostgreSQL only")


def entries(db, **where):
    stmt = select(AuditEntry).order_by(AuditEntry.id)
    for key, value in where.items():
        stmt = stmt.where(getattr(AuditEntry, key) == value)
    return db.session.scalars(stmt).all()


def add_departments(db, *names):
    made = []
    for name in names:
        department = Department(name=name)
        db.session.add(department)
        db.session.commit()
        made.append(department)
    return made


@contextmanager
def triggers_off(db):
    """Switch off the append-only triggers so a test can play the attacker; restored afterwards."""
    if PG_URL:
        db.session.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_no_change"))
        db.session.commit()
        try:
            yield
        finally:
            db.session.rollback()
            db.session.execute(text("ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_no_change"))
            db.session.commit()
    else:
        db.session.execute(text("DROP TRIGGER audit_entry_no_update"))
        db.session.execute(text("DROP TRIGGER audit_entry_no_delete"))
        db.session.commit()
        yield


def run_verify(app):
    return app.test_cli_runner().invoke(args=["qms", "audit-verify"])


# --- append-only in the database ----------------------------------------------------------------

@pytest.mark.parametrize("sql", [
    "UPDATE audit_entry SET reason = 'rewritten' WHERE id = :id",
    "DELETE FROM audit_entry WHERE id = :id",
])
def test_database_refuses_changing_or_deleting_entries(db, sql):
    add_departments(db, "Schoonmaak")
    entry_id = entries(db)[-1].id
    with pytest.raises(DBAPIError) as refused:
        db.session.execute(text(sql), {"id": entry_id})
    assert "append-only" in str(refused.value)
    db.session.rollback()
    assert db.session.get(AuditEntry, entry_id).reason is None


def test_database_refuses_a_bulk_update_too(db):
    add_departments(db, "A", "B")
    with pytest.raises(DBAPIError):
        db.session.execute(text("UPDATE audit_entry SET actor_label = 'nobody'"))
    db.session.rollback()
    assert {e.actor_label for e in entries(db)} == {"system"}


@postgres_only
def test_postgres_refuses_truncate(db):
    add_departments(db, "A")
    with pytest.raises(DBAPIError) as refused:
        db.session.execute(text("TRUNCATE audit_entry"))
    assert "append-only" in str(refused.value)
    db.session.rollback()
    assert len(entries(db)) == 1


# --- the hash chain ---------------------------------------------------------------------------

def test_entries_link_to_their_predecessor(db):
    add_departments(db, "A", "B", "C")
    chain = entries(db)
    assert len(chain) == 3
    assert chain[0].prev_hash == ""
    for before, after in zip(chain, chain[1:]):
        assert after.prev_hash == before.hash
    for entry in chain:
        fields = {k: getattr(entry, k) for k in audit.HASHED_FIELDS}
        assert entry.hash_version == audit.HASH_KEYED
        assert audit.entry_hash(entry.prev_hash, fields, entry_key()) == entry.hash
        assert audit.entry_hash(entry.prev_hash, fields, None) != entry.hash, "keyed, not plain SHA-256"


def test_verify_passes_on_an_intact_trail(app, db):
    add_departments(db, "A", "B", "C")
    result = run_verify(app)
    assert result.exit_code == 0, result.output
    assert "intact" in result.output and "3 entries" in result.output


def test_verify_passes_on_an_empty_trail(app, db):
    result = run_verify(app)
    assert result.exit_code == 0
    assert "0 entries" in result.output


def test_verify_names_the_entry_whose_content_was_altered(app, db):
    add_departments(db, "A", "B", "C", "D")
    chain = entries(db)
    middle = chain[1].id
    with triggers_off(db):
        db.session.execute(text("UPDATE audit_entry SET new_values = :v WHERE id = :id"),
                           {"v": '{"name":"Forged"}', "id": middle})
        db.session.commit()
        result = run_verify(app)
    assert result.exit_code != 0
    assert f"entry {middle}:" in result.output
    assert "content does not match" in result.output


def test_verify_detects_a_rehashed_entry_by_the_broken_link_after_it(app, db):
    """Even someone holding the key who recomputes the altered entry's own hash breaks the next entry's link."""
    add_departments(db, "A", "B", "C")
    chain = entries(db)
    target = chain[1]
    fields = {k: getattr(target, k) for k in audit.HASHED_FIELDS}
    fields["actor_label"] = "someone else"
    forged_hash = audit.entry_hash(target.prev_hash, fields, entry_key())
    with triggers_off(db):
        db.session.execute(text("UPDATE audit_entry SET actor_label = 'someone else', hash = :h WHERE id = :id"),
                           {"h": forged_hash, "id": target.id})
        db.session.commit()
        result = run_verify(app)
    assert result.exit_code != 0
    assert f"entry {chain[2].id}:" in result.output
    assert "link" in result.output


def test_verify_detects_an_entry_deleted_from_the_middle(app, db):
    add_departments(db, "A", "B", "C", "D")
    chain = entries(db)
    with triggers_off(db):
        db.session.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": chain[1].id})
        db.session.commit()
        result = run_verify(app)
    assert result.exit_code != 0
    assert f"entry {chain[2].id}:" in result.output


# --- automatic entries ------------------------------------------------------------------------

def test_create_update_delete_are_recorded_with_ids_and_values(db):
    department = Department(name="Glasbewassing")
    db.session.add(department)
    db.session.commit()
    dept_id = department.id

    department.name = "Glazenwassers"
    db.session.commit()

    db.session.delete(department)
    db.session.commit()

    trail = entries(db, entity_type="department")
    assert [e.action for e in trail] == ["create", "update", "delete"]
    assert {e.entity_id for e in trail} == {str(dept_id)}
    created, updated, deleted = trail
    assert created.old_values is None
    assert json.loads(created.new_values) == {"id": dept_id, "name": "Glasbewassing", "active": True}
    assert json.loads(updated.old_values) == {"name": "Glasbewassing"}
    assert json.loads(updated.new_values) == {"name": "Glazenwassers"}
    assert json.loads(deleted.old_values) == {"id": dept_id, "name": "Glazenwassers", "active": True}
    assert deleted.new_values is None


def test_setting_the_same_value_writes_nothing(db):
    (department,) = add_departments(db, "Kantoor")
    before = len(entries(db))
    department.name = "Kantoor"  # the object is expired after commit: the old value must still be known
    department.active = True
    db.session.commit()
    assert len(entries(db)) == before


def test_update_of_an_unloaded_object_records_the_true_old_value(db):
    (department,) = add_departments(db, "Oud")
    department.name = "Nieuw"  # expired after commit, not read before the change
    db.session.commit()
    update = entries(db, action="update")[-1]
    assert json.loads(update.old_values) == {"name": "Oud"}


def test_deleting_an_unloaded_object_records_its_values(db):
    (department,) = add_departments(db, "Weg")
    db.session.delete(department)
    db.session.commit()
    deleted = entries(db, action="delete")[-1]
    assert json.loads(deleted.old_values)["name"] == "Weg"


def test_removing_a_role_from_a_collection_is_recorded(db, make_user):
    user = make_user(Role.STAFF, Role.AUDITOR)
    user.roles = [r for r in user.roles if r.role != Role.AUDITOR]
    db.session.commit()
    deleted = entries(db, entity_type="user_role", action="delete")
    assert [e.entity_id for e in deleted] == [f"{user.id},auditor"]
    assert json.loads(deleted[0].old_values)["role"] == "auditor"


def test_secret_columns_are_masked(db, make_user):
    user = make_user(Role.STAFF)
    created = entries(db, entity_type="user", action="create")[-1]
    values = json.loads(created.new_values)
    assert values["password_hash"] == "***"
    assert user.password_hash not in created.new_values
    assert "last_login_at" not in values  # ignored bookkeeping column


def test_a_failed_flush_leaves_no_entries_behind(db):
    add_departments(db, "Uniek")
    before = len(entries(db))
    db.session.add(Department(name="Uniek"))
    with pytest.raises(DBAPIError):
        db.session.commit()
    db.session.rollback()
    add_departments(db, "Anders")
    trail = entries(db)
    assert len(trail) == before + 1
    assert json.loads(trail[-1].new_values)["name"] == "Anders"


def test_reason_is_stored(db):
    (department,) = add_departments(db, "Tijdelijk")
    with audit.reason(db.session, "Afdeling opgeheven na reorganisatie"):
        department.active = False
    db.session.commit()
    update = entries(db, action="update")[-1]
    assert update.reason == "Afdeling opgeheven na reorganisatie"
    add_departments(db, "Later")
    assert entries(db)[-1].reason is None


def test_record_writes_an_event_entry(db):
    audit.record(db.session, "view", "employee", 12, new={"section": "dossier"}, reason="Audit")
    db.session.commit()
    (entry,) = entries(db, action="view")
    assert (entry.entity_type, entry.entity_id, entry.reason) == ("employee", "12", "Audit")
    assert entry.actor_label == "system"


def test_actor_is_the_logged_in_user(client, db, login_as):
    user = login_as(Role.STAFF)
    response = client.post("/language", data={"lang": "en", "next": "/"})
    assert response.status_code == 302
    update = entries(db, entity_type="user", action="update")[-1]
    assert update.actor_id == user.id
    assert update.actor_label == user.email
    assert json.loads(update.new_values) == {"locale": "en"}
    login = entries(db, action="login")[-1]
    assert login.actor_id == user.id and login.ip == "127.0.0.1"


def test_anonymous_request_after_a_logged_in_one_is_not_attributed(client, db, login_as):
    user = login_as(Role.STAFF)
    client.post("/logout")
    client.post("/login", data={"email": user.email, "password": "wrong password"})
    failed = entries(db, action="login_failed")[-1]
    assert (failed.actor_id, failed.actor_label) == (None, "anonymous")


# --- refused access ---------------------------------------------------------------------------

def test_wrong_role_is_refused_and_recorded(client, db, login_as):
    user = login_as(Role.STAFF)
    assert client.get("/audit/").status_code == 403
    (refused,) = entries(db, action="access_refused")
    assert refused.actor_id == user.id
    assert refused.entity_id == "audit.index"
    assert json.loads(refused.new_values) == {"path": "/audit/", "method": "GET", "status": 403}


def test_object_level_refusal_is_a_404_and_recorded(app, client, db, login_as):
    @requires("dashboard.view")
    def secret_probe():
        require(False)

    app.add_url_rule("/probe/secret", "secret_probe", secret_probe)
    user = login_as(Role.ADMIN)
    assert client.get("/probe/secret").status_code == 404
    refused = entries(db, action="access_refused")
    assert [(e.actor_id, e.entity_id) for e in refused] == [(user.id, "secret_probe")]
    assert json.loads(refused[0].new_values)["status"] == 404


# --- the trail browser ------------------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.STAFF, Role.HR])
def test_browser_is_closed_to_staff_and_hr(client, db, login_as, role):
    user = login_as(role)
    for url in ["/audit/", "/audit/record/user/1", f"/audit/user/{user.id}"]:
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR, Role.AUDITOR])
def test_browser_lists_entries_newest_first(client, db, login_as, role):
    add_departments(db, "Eerste afdeling", "Tweede afdeling")
    login_as(role)
    page = client.get("/audit/").get_data(as_text=True)
    assert page.index("Tweede afdeling") < page.index("Eerste afdeling")
    login = entries(db, action="login")[-1]
    assert page.index(f'id="entry-{login.id}"') < page.index("Tweede afdeling")


def test_browser_shows_changed_fields_old_and_new(client, db, login_as):
    (department,) = add_departments(db, "Oude naam")
    department.name = "Nieuwe naam"
    db.session.commit()
    login_as(Role.AUDITOR)
    page = client.get(f"/audit/record/department/{department.id}").get_data(as_text=True)
    assert '<span class="old">Oude naam</span> → <span class="new">Nieuwe naam</span>' in page


def test_browser_never_shows_secrets(client, db, login_as, make_user):
    other = make_user(Role.STAFF)
    login_as(Role.ADMIN)
    page = client.get(f"/audit/record/user/{other.id}").get_data(as_text=True)
    assert "password_hash" in page and "***" in page
    assert other.password_hash not in page
    assert "argon2" not in page


@pytest.mark.parametrize("query, expected", [
    ("?entity_type=department", {"Alfa", "Beta"}),
    ("?entity_type=department&action=update", {"Beta"}),
    ("?entity_type=site", set()),
    ("?date_from=2000-01-01&date_to=2999-12-31", {"Alfa", "Beta"}),
    ("?date_from=2999-01-01", set()),
    ("?date_to=2000-01-01", set()),
])
def test_browser_filters(client, db, login_as, query, expected):
    alfa, beta = add_departments(db, "Alfa", "Bèta")
    beta.name = "Beta"
    db.session.commit()
    login_as(Role.AUDITOR)
    page = client.get("/audit/" + query).get_data(as_text=True)
    assert {n for n in ("Alfa", "Beta") if f">{n}<" in page} == expected


def test_browser_filters_by_entity_id_and_actor(client, db, login_as, make_user):
    alfa, beta = add_departments(db, "Alfa", "Beta")
    other = make_user(Role.STAFF)
    auditor = login_as(Role.AUDITOR)
    page = client.get(f"/audit/?entity_type=department&entity_id={beta.id}").get_data(as_text=True)
    assert ">Beta<" in page and ">Alfa<" not in page
    page = client.get(f"/audit/?actor={auditor.id}").get_data(as_text=True)
    assert "Logged in" in page and ">Alfa<" not in page
    assert page.count('<tr id="entry-') == 1  # only the auditor's login; not the user made by the system
    page = client.get(f"/audit/?actor={other.id}").get_data(as_text=True)
    assert "No entries match." in page


@pytest.mark.parametrize("query", [
    "?actor=abc", "?actor=-1", "?actor=99999999999999999999", "?date_from=2024-13-01", "?date_to=yesterday",
    "?date_from=0001-01-01", "?date_to=9999-12-31", "?entity_id=" + "9" * 200, "?action=" + "a" * 100,
    "?date_from=2024-05-02&date_to=2024-05-01",
])
def test_bad_filters_are_ignored_with_a_message(client, db, login_as, query):
    add_departments(db, "Alfa")
    login_as(Role.AUDITOR)
    response = client.get("/audit/" + query)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "were not understood" in page
    assert 'class="error"' in page
    assert ">Alfa<" in page  # the bad filter is ignored, not applied


@pytest.mark.parametrize("query", ["?page=abc", "?page=-1", "?page=99999999999999999999999", "?unknown=1"])
def test_odd_query_strings_do_not_break_the_browser(client, login_as, query):
    login_as(Role.AUDITOR)
    assert client.get("/audit/" + query).status_code == 200


def test_browser_is_paginated(app, client, db, login_as):
    app.config["ITEMS_PER_PAGE"] = 3
    add_departments(db, *[f"Afdeling{n:02}" for n in range(7)])
    login_as(Role.AUDITOR)
    first = client.get("/audit/?entity_type=department").get_data(as_text=True)
    assert "Page 1 of 3" in first and ">Afdeling06<" in first and ">Afdeling03<" not in first
    last = client.get("/audit/?entity_type=department&page=3").get_data(as_text=True)
    assert ">Afdeling00<" in last and ">Afdeling06<" not in last
    assert 'href="/audit/?entity_type=department&amp;page=2"' in last


def test_record_view_shows_one_records_history(client, db, login_as):
    alfa, beta = add_departments(db, "Alfa", "Beta")
    alfa.name = "Alfa twee"
    db.session.commit()
    login_as(Role.COORDINATOR)
    page = client.get(f"/audit/record/department/{alfa.id}").get_data(as_text=True)
    assert "Alfa twee" in page and ">Alfa<" in page and ">Beta<" not in page
    assert client.get("/audit/record/department/99999").status_code == 404
    assert client.get("/audit/record/" + "x" * 300 + "/1").status_code == 404


def test_user_view_shows_what_one_user_did(client, db, login_as, make_user):
    auditor = login_as(Role.AUDITOR)
    client.get("/admin/users")  # refused: recorded under the auditor
    add_departments(db, "Systeemwerk")
    page = client.get(f"/audit/user/{auditor.id}").get_data(as_text=True)
    assert "Logged in" in page and "Access refused" in page
    assert "Systeemwerk" not in page
    assert client.get("/audit/user/99999").status_code == 404
    assert client.get("/audit/user/99999999999999999999").status_code == 404


def test_restricted_entity_types_hide_values_without_target_group_permission(client, db, login_as, monkeypatch):
    monkeypatch.setitem(audit.RESTRICTED_ENTITY_TYPES, "department", "target_group.view")
    with audit.reason(db.session, "Doelgroepverklaring gemeente"):
        add_departments(db, "Bijzonder gegeven")
    login_as(Role.AUDITOR)
    for url in ["/audit/", "/audit/?entity_type=department", "/audit/record/department/1"]:
        page = client.get(url).get_data(as_text=True)
        assert "Bijzonder gegeven" not in page and "Doelgroepverklaring" not in page, url
        assert "Hidden: special personal data." in page


def test_restricted_values_show_to_a_user_with_target_group_permission(client, db, login_as, monkeypatch):
    monkeypatch.setitem(audit.RESTRICTED_ENTITY_TYPES, "department", "target_group.view")
    add_departments(db, "Bijzonder gegeven")
    login_as(Role.AUDITOR, Role.HR)
    page = client.get("/audit/record/department/1").get_data(as_text=True)
    assert "Bijzonder gegeven" in page and "Hidden: special personal data." not in page


def test_restrict_entity_type_checks_its_permission(monkeypatch):
    monkeypatch.setattr(audit, "RESTRICTED_ENTITY_TYPES", {})
    with pytest.raises(LookupError):
        audit.restrict_entity_type("pso_status", "no.such.permission")
    audit.restrict_entity_type("pso_status")
    audit.restrict_entity_type("pso_status")  # registering twice alike is harmless
    with pytest.raises(ValueError):
        audit.restrict_entity_type("pso_status", "users.manage")
    assert audit.RESTRICTED_ENTITY_TYPES == {"pso_status": "target_group.view"}
