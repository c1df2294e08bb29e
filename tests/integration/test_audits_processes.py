"""Auditing one's own process through the plan form: the ISO 9001 process register offers the processes, the
owner as auditor is warned, an override is recorded with its justification; without ISO 9001 the form keeps free
text only."""
import datetime as dt
import json
import re
import uuid

from sqlalchemy import select

from qms.audit.models import AuditEntry
from qms.audits.models import Audit
from qms.extensions import db as _db
from qms.iso9001.models import Process
from qms.permissions import Role
from tests.conftest import PASSWORD


def _plan(client, auditor, **extra):
    data = {"title": "Internal audit purchasing", "type": "internal", "norms": ["iso9001|2015"],
            "planned_start": dt.date.today().isoformat(), "lead_auditor_id": str(auditor.id)}
    data.update(extra)
    return client.post("/audits/new", data=data)


def _process(db, name, owner=None, active=True):
    process = Process(name=name, category="core", owner_id=owner.id if owner else None, active=active)
    db.session.add(process)
    db.session.commit()
    return process


def test_the_form_offers_the_active_processes_of_the_register(client, db, login_as, make_user):
    auditor = login_as(Role.AUDITOR)
    _process(db, "Purchasing", owner=make_user(Role.STAFF))
    _process(db, "Old process", active=False)
    html = client.get("/audits/new").get_data(as_text=True)
    assert 'name="process_names"' in html and 'value="Purchasing"' in html and "Old process" not in html
    assert auditor is not None


def test_the_lead_auditor_owning_a_chosen_process_is_warned_and_the_override_recorded(client, db, login_as):
    auditor = login_as(Role.AUDITOR, name="Ingrid Owner")
    _process(db, "Purchasing", owner=auditor)
    _process(db, "Planning")
    r = _plan(client, auditor, process_names=["Purchasing", "Planning"], processes="Window cleaning")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "Ingrid Owner would audit their own department, their own process" in html
    assert db.session.scalar(select(Audit.id)) is None
    assert 'value="Window cleaning"' in html  # what was typed stays

    note = "Only trained auditor; the coordinator reviews the purchasing findings."
    r = _plan(client, auditor, process_names=["Purchasing", "Planning"], processes="Window cleaning",
              independence_note=note)
    assert r.status_code == 302
    audit = db.session.scalars(select(Audit)).one()
    assert audit.processes == "Purchasing; Planning; Window cleaning" and audit.independence_note == note
    created = db.session.scalars(select(AuditEntry.new_values).where(
        AuditEntry.entity_type == "audit_audit", AuditEntry.entity_id == str(audit.id))).all()
    assert any(json.loads(v or "{}").get("independence_note") == note for v in created)

    # editing shows the chosen processes ticked and only the rest as free text
    html = client.get(f"/audits/{audit.id}/edit").get_data(as_text=True)
    ticked = re.findall(r'<input[^>]*name="process_names"[^>]*>', html)
    assert [t for t in ticked if "checked" in t and 'value="Purchasing"' in t]
    assert not [t for t in ticked if "checked" in t and 'value="Window cleaning"' in t]
    assert 'value="Window cleaning"' in html


def test_typing_a_known_process_name_counts_as_choosing_it(client, db, login_as):
    auditor = login_as(Role.AUDITOR)
    _process(db, "Purchasing", owner=auditor)
    r = _plan(client, auditor, processes="purchasing")
    assert r.status_code == 200 and "their own process" in r.get_data(as_text=True)


def test_a_team_member_owning_a_process_is_flagged_and_other_owners_are_not(client, db, login_as, make_user):
    auditor = login_as(Role.AUDITOR)
    colleague = make_user(Role.STAFF, name="Jeroen Team")
    _process(db, "Planning", owner=colleague)
    r = _plan(client, auditor, process_names=["Planning"], team_ids=[str(colleague.id)])
    assert r.status_code == 200 and "Jeroen Team would audit" in r.get_data(as_text=True)
    assert _plan(client, auditor, process_names=["Planning"]).status_code == 302


def test_an_unknown_process_name_is_refused_next_to_the_field(client, db, login_as):
    auditor = login_as(Role.AUDITOR)
    _process(db, "Purchasing")
    r = _plan(client, auditor, process_names=["Made up"])
    assert r.status_code == 200 and "Choose the processes from the list." in r.get_data(as_text=True)
    assert db.session.scalar(select(Audit.id)) is None


def test_without_iso9001_the_form_keeps_free_text_only(app_factory):
    app = app_factory(QMS_NORMS=["qms.vca", "qms.pso"])
    from qms.auth.models import User, UserRole
    from qms.auth.passwords import hash_password

    with app.app_context():
        email = f"{uuid.uuid4().hex[:10]}@test.example"
        user = User(email=email, name="Vca Auditor", active=True, password_hash=hash_password(PASSWORD))
        user.roles = [UserRole(role=Role.AUDITOR)]
        _db.session.add(user)
        _db.session.commit()
        client = app.test_client()
        assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
        html = client.get("/audits/new").get_data(as_text=True)
        assert 'name="process_names"' not in html and 'name="processes"' in html
        r = _plan(client, user, norms=["vca|2017-6.0"], processes="Window cleaning; Office cleaning")
        assert r.status_code == 302, r.get_data(as_text=True)[:3000]
        audit = _db.session.scalars(select(Audit)).one()
        assert audit.processes == "Window cleaning; Office cleaning"
