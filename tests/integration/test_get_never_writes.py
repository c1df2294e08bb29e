"""A GET never writes: every page each role may open, walked over the demo company with a statement hook.

Every rule in ``app.url_map`` that answers GET is opened as each role that holds its permission (and the
public ones anonymously), with URL arguments pointing at demo records. A statement hook on the engine
(``before_cursor_execute``) collects every INSERT, UPDATE and DELETE issued while a GET is served.

One kind of write is deliberate and allowed: an entry in the audit trail that *records a read* — who viewed
special personal data (action ``view``: the PSO target-group dossier, measurement with names and named
dossier PDF) and a refused access (``access_refused``, the security log). Keeping that trail is the point of
those pages; the views that write it are marked ``writes_on_read`` so their SQLite transaction takes the
write lock from the start.

A second one is the session's "last seen" (qms/auth/sessions.py): the idle timeout needs to know when a
session was last used, so a GET moves ``user_session.last_seen_at`` on, at most once per
SESSION_TOUCH_SECONDS and touching that one column only. Any other write during a GET fails this test.
"""
import datetime as dt
import re

import pytest
from sqlalchemy import event, select

from qms.demo.company import load_demo
from qms.evidence.services import record_snapshots
from qms.incidents import services as incidents
from qms.organisation.models import Site
from qms.permissions import AUTHENTICATED, PUBLIC, Role, roles_for
from tests.integration.test_route_permissions import _is_static

DEMO_PASSWORD = "demo-password-for-tests"
WRITE = re.compile(r"^\s*(WITH\b.*?\)\s*)?(INSERT|UPDATE|DELETE|REPLACE|MERGE)\b", re.IGNORECASE | re.DOTALL)
#: Audit entries that record a read (see the module docstring): allowed during a GET.
READ_LOG_ACTIONS = {"view", "access_refused"}
#: The throttled last-seen update of the session record (see the module docstring): allowed during a GET.
SESSION_TOUCH = re.compile(r'^\s*UPDATE\s+"?user_session"?\s+SET\s+last_seen_at=[^,]*?\s+WHERE\s+"?user_session"?\.id\s*=',
                           re.IGNORECASE)


def _holds(role: Role | None, permission: str | None) -> bool:
    if permission == PUBLIC:
        return True
    if role is None or permission is None:
        return False
    return permission == AUTHENTICATED or role in roles_for(permission)


def _values(db) -> dict[str, object]:
    """URL arguments by name, pointing at demo records (integers not listed here: id 1, which the demo has)."""
    site = db.session.scalar(select(Site).order_by(Site.id))
    token = incidents.site_token(site)  # made here, as the coordinator's POST would
    db.session.commit()
    return {"norm": "iso9001", "version": "2015", "code": "7.5.1", "token": token.token, "entity_type": "incident",
            "entity_id": "1", "year": dt.date.today().year, "filename": "x"}


def _urls(app, values) -> list[tuple[str, str, str | None]]:
    out = []
    for rule in app.url_map.iter_rules():
        if _is_static(rule.endpoint) or "GET" not in rule.methods:
            continue
        args = {}
        for name in rule.arguments:
            converter = rule._converters.get(name)
            items = getattr(converter, "items", None)
            args[name] = sorted(items)[0] if items else values.get(name, 1)
        url = rule.build(args, append_unknown=False)[1]
        permission = getattr(app.view_functions[rule.endpoint], "_qms_permission", None)
        out.append((rule.endpoint, url, permission))
    return sorted(out)


@pytest.fixture
def writes(app, db):
    """Statements that change data, collected while ``writes.watching`` is true."""
    found: list[tuple[str, dict]] = []

    def hook(conn, cursor, statement, parameters, context, executemany):
        if hook.watching and WRITE.match(statement):
            params = (context.compiled_parameters or [{}])[0] if context is not None else {}
            found.append((statement, params))

    hook.watching = False
    hook.found = found
    event.listen(db.engine, "before_cursor_execute", hook)
    yield hook
    event.remove(db.engine, "before_cursor_execute", hook)


def _unexpected(found) -> list[str]:
    out = []
    for statement, params in found:
        table = re.search(r"(?:INTO|UPDATE|FROM)\s+\"?(\w+)", statement, re.IGNORECASE)
        if table and table.group(1) == "audit_entry" and params.get("action") in READ_LOG_ACTIONS:
            continue
        if SESSION_TOUCH.match(statement):
            continue
        out.append(" ".join(statement.split())[:160])
    return out


@pytest.mark.parametrize("role", [None, *Role], ids=lambda r: r.value if r else "anonymous")
def test_no_get_page_writes_for_any_role(app, db, client, make_user, writes, role):
    with app.test_request_context():
        load_demo(db.session, DEMO_PASSWORD)
        db.session.commit()
        record_snapshots()  # the daily run's snapshot, so the readiness chart has history
        db.session.commit()
    values = _values(db)
    if role is not None:
        user = make_user(role)
        assert client.post("/login", data={"email": user.email, "password": "correct horse battery"}).status_code == 302
    problems, opened = [], 0
    for endpoint, url, permission in _urls(app, values):
        if not _holds(role, permission) or endpoint == "auth.logout":
            continue
        writes.found.clear()
        writes.watching = True
        try:
            status = client.get(url).status_code
        finally:
            writes.watching = False
        opened += status == 200
        problems += [f"GET {url} ({endpoint}): {statement}" for statement in _unexpected(writes.found)]
    assert opened >= (5 if role is None else 20), f"only {opened} pages opened: the walk does not reach the pages"
    assert not problems, "GET requests that wrote:\n  " + "\n  ".join(problems)


def test_the_hook_sees_a_write(app, db, client, writes):
    """The hook is not blind: a write issued while watching is reported (and a read-log entry is not)."""
    from qms.audit.services import record
    from qms.organisation.models import Department

    writes.watching = True
    db.session.add(Department(name="Nieuw"))
    db.session.flush()
    record(db.session, "view", "pso_target_status", None, new={"viewed": "test"})
    writes.watching = False
    db.session.rollback()
    problems = _unexpected(writes.found)
    assert len(writes.found) == 4  # the department, the note that its table changed, its audit entry, the view
    assert len(problems) == 3 and "department" in problems[0] and "table_change" in problems[1]
    assert "audit_entry" in problems[2]


def test_a_get_moves_last_seen_only_when_it_is_old(app, db, client, make_user, writes):
    """The one session write a GET may make happens once per SESSION_TOUCH_SECONDS, and the hook lets exactly
    that statement through (any other UPDATE of the session record is still reported)."""
    import datetime as dt

    from qms.auth.models import UserSession

    user = make_user(Role.STAFF)
    assert client.post("/login", data={"email": user.email, "password": "correct horse battery"}).status_code == 302
    writes.watching = True
    assert client.get("/account").status_code == 200
    assert writes.found == [], "a fresh session writes nothing on a GET"
    record = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    writes.watching = False
    record.last_seen_at -= dt.timedelta(seconds=app.config["SESSION_TOUCH_SECONDS"] + 1)
    db.session.commit()
    writes.watching = True
    assert client.get("/account").status_code == 200
    writes.watching = False
    assert len(writes.found) == 1 and _unexpected(writes.found) == []
    assert _unexpected([("UPDATE user_session SET ended_at=? WHERE user_session.id = ?", {})])
