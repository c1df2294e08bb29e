"""Audits through the pages: plan → prepare → conduct → report (opening nonconformities) → close, the
independence rule, the VCA must-question rule, coverage, access per role, output and the trail."""
import datetime as dt
import io

import pytest
from sqlalchemy import select

from qms.actions.models import Nonconformity
from qms.audit.models import AuditEntry
from qms.audits import services
from qms.audits.models import Audit, AuditItem, AuditNorm, AuditScope
from qms.audits.rules import AuditState, Result
from qms.organisation.models import Company, Department
from qms.permissions import Role
from tests import factories


def _plan(client, auditor, **extra):
    data = {"title": "Internal audit purchasing", "type": "internal", "norms": ["iso9001|2015"],
            "scope_codes": ["iso9001|2015|8.4"], "planned_start": dt.date.today().isoformat(),
            "lead_auditor_id": str(auditor.id), "scope": "Purchasing", "criteria": "ISO 9001:2015 and procedure P-12"}
    data.update(extra)
    return client.post("/audits/new", data=data)


def _employee(db, number, user=None, department=None):
    return factories.employee(db, number, first_name="E", user=user, department=department)


def _audit(db) -> Audit:
    return db.session.scalars(select(Audit).order_by(Audit.id.desc())).first()


def test_plan_prepare_conduct_report_close(client, db, login_as):
    auditor = login_as(Role.AUDITOR)
    assert _plan(client, auditor).status_code == 302
    audit = _audit(db)
    assert audit.number == f"AU-{dt.date.today().year}-01" and audit.state is AuditState.PLANNED

    # preparing needs a checklist
    assert client.post(f"/audits/{audit.id}/state", data={"target": "prepared"}).status_code == 400
    client.post(f"/audits/{audit.id}/checklist", data={})
    checklist = services.items(audit)
    assert checklist and all(i.requirement.startswith("8.4") for i in checklist)
    client.post(f"/audits/{audit.id}/questions", data={"question": "Are delivery notes kept?"})
    checklist = services.items(audit)
    assert checklist[-1].requirement is None and checklist[-1].question == "Are delivery notes kept?"

    assert client.post(f"/audits/{audit.id}/state", data={"target": "prepared"}).status_code == 302
    assert client.post(f"/audits/{audit.id}/state", data={"target": "in_progress"}).status_code == 302
    db.session.refresh(audit)
    assert audit.state is AuditState.IN_PROGRESS and audit.conducted_on == dt.date.today()

    first, *rest = checklist
    r = client.post(f"/audits/{audit.id}/items/{first.id}", data={"result": "minor", "notes": "Two suppliers unevaluated",
                                                                  "photo": (io.BytesIO(b""), "")},
                    content_type="multipart/form-data")
    assert r.status_code == 302
    # not applicable needs a justification; the typed notes stay on the page
    r = client.post(f"/audits/{audit.id}/items/{rest[0].id}", data={"result": "not_applicable", "notes": "keep me"})
    assert r.status_code == 400 and "keep me" in r.get_data(as_text=True)
    # reporting is refused while questions are open
    r = client.post(f"/audits/{audit.id}/state", data={"target": "reported", "conclusion": "Fine"})
    assert r.status_code == 400
    for item in rest:
        client.post(f"/audits/{audit.id}/items/{item.id}", data={"result": "conform"})
    client.post(f"/audits/{audit.id}/items/{rest[0].id}/links", data={"kind": "other", "label": "Supplier list 2026"})

    r = client.post(f"/audits/{audit.id}/state", data={"target": "reported", "conclusion": "Purchasing works."})
    assert r.status_code == 302
    db.session.refresh(audit)
    assert audit.state is AuditState.REPORTED
    nc = db.session.scalars(select(Nonconformity).where(Nonconformity.source_type == "audit_finding")).one()
    assert nc.source_id == str(first.id) and nc.severity.value == "minor" and nc.requirement == first.requirement
    # the nonconformity links back to the finding
    page = client.get(f"/actions/nc/{nc.id}").get_data(as_text=True)
    assert f"/audits/finding/{first.id}" in page

    # a reported audit's results are frozen
    r = client.post(f"/audits/{audit.id}/items/{first.id}", data={"result": "conform"})
    assert r.status_code == 400
    db.session.refresh(first)
    assert first.result is Result.MINOR

    pdf = client.get(f"/audits/{audit.id}/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and len(pdf.data) > 2000
    assert client.post(f"/audits/{audit.id}/state", data={"target": "closed"}).status_code == 302
    db.session.refresh(audit)
    assert audit.state is AuditState.CLOSED and audit.closed_on == dt.date.today()
    assert client.post(f"/audits/{audit.id}/state", data={"target": "reported"}).status_code == 400

    trail = db.session.scalars(select(AuditEntry.new_values).where(AuditEntry.entity_type == "audit_audit",
                                                                   AuditEntry.entity_id == str(audit.id))).all()
    assert any('"closed"' in (v or "") for v in trail) and any('"reported"' in (v or "") for v in trail)


def test_independence_rule_warns_and_records_justification(client, db, login_as):
    auditor = login_as(Role.AUDITOR)
    cleaning = Department(name="Cleaning", active=True)
    db.session.add(cleaning)
    db.session.commit()
    _employee(db, "A1", user=auditor, department=cleaning)
    r = _plan(client, auditor, department_id=str(cleaning.id))
    assert r.status_code == 200 and "would audit their own department" in r.get_data(as_text=True)
    assert db.session.scalar(select(Audit.id)) is None
    r = _plan(client, auditor, department_id=str(cleaning.id),
              independence_note="Only trained auditor; the coordinator reviews the report.")
    assert r.status_code == 302
    assert _audit(db).independence_note == "Only trained auditor; the coordinator reviews the report."


def test_auditor_may_not_audit_themselves(client, db, login_as):
    auditor = login_as(Role.AUDITOR)
    me = _employee(db, "A2", user=auditor)
    r = _plan(client, auditor, auditee_ids=[str(me.id)])
    assert r.status_code == 200 and db.session.scalar(select(Audit.id)) is None


def test_vca_must_question_is_never_not_applicable(client, db, login_as):
    auditor = login_as(Role.AUDITOR)
    r = _plan(client, auditor, type="internal", norms=["vca|2017-6.0"], scope_codes=["vca|2017-6.0|1"], level="vca2")
    assert r.status_code == 302
    audit = _audit(db)
    client.post(f"/audits/{audit.id}/checklist", data={})
    items = {i.requirement: i for i in services.items(audit)}
    assert items["1.1"].must and not items["1.7"].must
    client.post(f"/audits/{audit.id}/state", data={"target": "prepared"})
    client.post(f"/audits/{audit.id}/state", data={"target": "in_progress"})
    r = client.post(f"/audits/{audit.id}/items/{items['1.1'].id}",
                    data={"result": "not_applicable", "justification": "We have no policy"})
    assert r.status_code == 400 and "never be not applicable" in r.get_data(as_text=True)
    db.session.refresh(items["1.1"])
    assert items["1.1"].result is None
    r = client.post(f"/audits/{audit.id}/items/{items['1.7'].id}",
                    data={"result": "not_applicable", "justification": "No subcontractors"})
    assert r.status_code == 302
    with pytest.raises(services.AuditError):
        services.record_result(items["1.1"], audit, auditor, result="not_applicable", notes=None, justification="x")


def test_vca1_leaves_out_requirements_not_applicable_at_that_level(client, db, login_as):
    auditor = login_as(Role.AUDITOR)
    _plan(client, auditor, type="internal", norms=["vca|2017-6.0"], scope_codes=[], level="vca1")
    audit = _audit(db)
    client.post(f"/audits/{audit.id}/checklist", data={})
    codes = {i.requirement for i in services.items(audit)}
    assert "1.1" in codes and "1.4" not in codes


def test_coverage_shows_requirements_not_audited_in_the_cycle(client, db, login_as):
    auditor = login_as(Role.AUDITOR)
    db.session.add(Company(name="Test", certification_targets="iso9001:2015"))
    db.session.commit()
    audit = Audit(number="AU-2025-01", title="Old", planned_start=dt.date.today() - dt.timedelta(days=30),
                  conducted_on=dt.date.today() - dt.timedelta(days=30), lead_auditor_id=auditor.id,
                  state=AuditState.REPORTED)
    db.session.add(audit)
    db.session.flush()
    db.session.add(AuditItem(audit_id=audit.id, position=1, norm="iso9001", version="2015", requirement="8.4.1",
                             question="x", result=Result.CONFORM))
    db.session.commit()
    planned = Audit(number="AU-2026-02", title="Next", planned_start=dt.date.today() + dt.timedelta(days=20),
                    lead_auditor_id=auditor.id)
    planned.norms = [AuditNorm(norm="iso9001", version="2015")]
    planned.scope_items = [AuditScope(norm="iso9001", version="2015", code="7.5")]
    db.session.add(planned)
    db.session.commit()
    cov = services.coverage()
    assert [c["norm"].code for c in cov] == ["iso9001"]
    assert "7.5.3.1" in cov[0]["planned"] and "8.2.1" not in cov[0]["planned"]
    gaps = {r.code for r in cov[0]["gaps"]}
    assert "8.4.1" not in gaps and "7.5.3.1" in gaps
    page = client.get("/audits/coverage").get_data(as_text=True)
    assert "never audited" in page


@pytest.mark.parametrize("role, status", [(Role.STAFF, 403), (Role.HR, 403), (Role.AUDITOR, 200),
                                          (Role.COORDINATOR, 200)])
def test_access_per_role(client, db, login_as, make_user, role, status):
    lead = make_user(Role.AUDITOR)
    audit = Audit(number="AU-2026-09", title="x", planned_start=dt.date.today(), lead_auditor_id=lead.id)
    db.session.add(audit)
    db.session.commit()
    login_as(role)
    assert client.get(f"/audits/{audit.id}").status_code == status
    assert client.get("/audits/").status_code == status


def test_only_the_team_conducts(client, db, login_as, make_user):
    lead = make_user(Role.AUDITOR)
    audit = Audit(number="AU-2026-08", title="x", planned_start=dt.date.today(), lead_auditor_id=lead.id)
    db.session.add(audit)
    db.session.commit()
    login_as(Role.AUDITOR)
    assert client.get(f"/audits/{audit.id}/conduct").status_code == 403
    assert client.post(f"/audits/{audit.id}/state", data={"target": "prepared"}).status_code == 403


def test_programme_exports(client, db, login_as):
    auditor = login_as(Role.AUDITOR)
    _plan(client, auditor, title="=cmd|x")
    year = dt.date.today().year
    csv = client.get(f"/audits/programme/{year}.csv")
    assert csv.status_code == 200 and "'=cmd|x" in csv.get_data(as_text=True)
    pdf = client.get(f"/audits/programme/{year}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get("/audits/programme/1800.pdf").status_code == 404
    page = client.get(f"/audits/?year={year}").get_data(as_text=True)
    assert "=cmd|x" in page


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_photo_and_evidence_links_on_a_finding(app, client, db, login_as, make_user):
    from qms.actions import services as actions

    auditor = login_as(Role.AUDITOR)
    _plan(client, auditor)
    audit = _audit(db)
    client.post(f"/audits/{audit.id}/checklist", data={})
    client.post(f"/audits/{audit.id}/state", data={"target": "prepared"})
    client.post(f"/audits/{audit.id}/state", data={"target": "in_progress"})
    item = services.items(audit)[0]
    r = client.post(f"/audits/{audit.id}/items/{item.id}", content_type="multipart/form-data",
                    data={"result": "observation", "notes": "See photo", "photo": (io.BytesIO(_png()), "ladder.png")})
    assert r.status_code == 302
    db.session.refresh(item)
    assert len(item.files) == 1
    file_id = item.files[0].stored_file_id
    # a file that is not an image or PDF is refused next to the field; the result is not changed
    r = client.post(f"/audits/{audit.id}/items/{item.id}", content_type="multipart/form-data",
                    data={"result": "conform", "photo": (io.BytesIO(b"MZ\x90\x00 not a picture"), "x.exe")})
    assert r.status_code == 400 and "not accepted" in r.get_data(as_text=True)
    db.session.refresh(item)
    assert item.result is Result.OBSERVATION and len(item.files) == 1

    nc = actions.open_nonconformity(title="Earlier", description="", source_type="manual")
    db.session.commit()
    r = client.post(f"/audits/{audit.id}/items/{item.id}/links", data={"kind": "nonconformity", "reference": "nc-x"})
    assert r.status_code == 400 and "No record with this number" in r.get_data(as_text=True)
    r = client.post(f"/audits/{audit.id}/items/{item.id}/links",
                    data={"kind": "nonconformity", "reference": nc.number.lower()})
    assert r.status_code == 302
    db.session.refresh(item)
    assert item.links[0].target_id == nc.id and item.links[0].label.startswith(nc.number)
    page = client.get(f"/audits/{audit.id}").get_data(as_text=True)
    assert f'href="/actions/nc/{nc.id}"' in page and f"/files/{file_id}" in page

    # the photo is readable for whoever may read audits, and hidden from staff
    other_auditor = make_user(Role.AUDITOR, password="another good password")
    staff = make_user(Role.STAFF, password="another good password")
    for user, expected in ((other_auditor, 200), (staff, 404)):
        c = app.test_client()
        c.post("/login", data={"email": user.email, "password": "another good password"})
        assert c.get(f"/files/{file_id}").status_code == expected


def test_recorded_results_are_never_lost_by_rebuilding_the_checklist(client, db, login_as):
    auditor = login_as(Role.AUDITOR)
    _plan(client, auditor)
    audit = _audit(db)
    client.post(f"/audits/{audit.id}/checklist", data={})
    client.post(f"/audits/{audit.id}/state", data={"target": "prepared"})
    client.post(f"/audits/{audit.id}/state", data={"target": "in_progress"})
    item = services.items(audit)[0]
    client.post(f"/audits/{audit.id}/items/{item.id}", data={"result": "conform", "notes": "checked"})
    client.post(f"/audits/{audit.id}/state", data={"target": "prepared"})
    r = client.post(f"/audits/{audit.id}/checklist", data={}, follow_redirects=True)
    assert "nothing is lost" in r.get_data(as_text=True)
    db.session.refresh(item)
    assert item.result is Result.CONFORM and item.notes == "checked"


def test_lead_auditor_and_team_are_reminded_a_week_before(app, db, make_user):
    from qms.audits.models import AuditMember
    from qms.notifications import services as notifications

    lead, member = make_user(Role.AUDITOR), make_user(Role.COORDINATOR)
    audit = Audit(number="AU-2026-07", title="Planning", planned_start=dt.date(2026, 6, 10), lead_auditor_id=lead.id)
    audit.members = [AuditMember(user_id=member.id)]
    db.session.add(audit)
    db.session.commit()
    app.extensions.setdefault("mail_outbox", []).clear()
    assert notifications.run_reminders(dt.date(2026, 6, 1)) == 0
    assert notifications.run_reminders(dt.date(2026, 6, 3)) == 2
    assert notifications.run_reminders(dt.date(2026, 6, 4)) == 0
    db.session.commit()
    assert {m["To"] for m in app.extensions["mail_outbox"]} == {lead.email, member.email}


def _report_with_a_finding(client, db, auditor, **extra) -> Nonconformity:
    assert _plan(client, auditor, **extra).status_code == 302
    audit = _audit(db)
    client.post(f"/audits/{audit.id}/checklist", data={})
    client.post(f"/audits/{audit.id}/state", data={"target": "prepared"})
    client.post(f"/audits/{audit.id}/state", data={"target": "in_progress"})
    first, *rest = services.items(audit)
    client.post(f"/audits/{audit.id}/items/{first.id}", data={"result": "minor", "notes": "Two suppliers unevaluated"})
    for item in rest:
        client.post(f"/audits/{audit.id}/items/{item.id}", data={"result": "conform"})
    assert client.post(f"/audits/{audit.id}/state", data={"target": "reported", "conclusion": "Mostly fine."}
                       ).status_code == 302
    return db.session.scalars(select(Nonconformity).where(Nonconformity.source_type == "audit_finding")
                              .order_by(Nonconformity.id.desc())).first()


def test_a_finding_goes_to_the_auditee_who_is_notified(client, db, login_as, make_user):
    from qms.notifications.models import Notification

    purchaser = make_user(Role.STAFF, name="Paula Purchaser")
    auditee = _employee(db, "A-77", user=purchaser)
    auditor = login_as(Role.AUDITOR)
    nc = _report_with_a_finding(client, db, auditor, auditee_ids=[str(auditee.id)])
    assert nc.owner_id == purchaser.id
    assert db.session.scalar(select(Notification).where(Notification.user_id == purchaser.id)) is not None


def test_a_finding_without_an_auditee_login_goes_to_the_quality_coordinator(client, db, login_as, make_user):
    from qms.notifications.models import Notification

    coordinator = make_user(Role.COORDINATOR, name="Quinn Coordinator")
    auditor = login_as(Role.AUDITOR)
    nc = _report_with_a_finding(client, db, auditor, auditee_ids=[str(_employee(db, "A-78").id)])
    assert nc.owner_id == coordinator.id
    assert db.session.scalar(select(Notification).where(Notification.user_id == coordinator.id)) is not None


def test_the_audit_report_starts_with_its_content_and_counts_its_pages(client, db, login_as):
    import shutil
    import subprocess

    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    auditor = login_as(Role.AUDITOR)
    _report_with_a_finding(client, db, auditor)
    data = client.get(f"/audits/{_audit(db).id}/report.pdf").data
    pages = [p for p in subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True,
                                       check=True).stdout.decode().split("\f") if p.strip()]
    first = pages[0]
    assert "ISO 9001:2015" in first and "ISO 9001 2015" not in first
    assert "Scope" in first and "Findings per requirement" in first  # no near-empty cover page
    assert f"Page 1 of {len(pages)}" in first


def test_changing_a_plan_until_the_audit_starts(client, db, login_as, make_user):
    lead = make_user(Role.AUDITOR, name="Lia Lead")
    audit = factories.audit(db, lead=lead, title="Interne audit inkoop", scope_codes=["iso9001|2015|8.4"])
    login_as(Role.COORDINATOR)
    form = client.get(f"/audits/{audit.id}/edit").get_data(as_text=True)
    assert 'value="Interne audit inkoop"' in form
    start = dt.date.today() + dt.timedelta(days=21)
    response = _plan_edit(client, audit, lead, title="Interne audit inkoop en magazijn", planned_start=start.isoformat(),
                          planned_end=(start + dt.timedelta(days=1)).isoformat())
    assert response.status_code == 302
    assert f"The plan of {audit.number} was saved." in client.get(response.location).get_data(as_text=True)
    db.session.refresh(audit)
    assert (audit.title, audit.planned_start, audit.planned_end) == (
        "Interne audit inkoop en magazijn", start, start + dt.timedelta(days=1))
    changed = db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "audit_audit",
                                                          AuditEntry.action == "update")).all()
    assert len(changed) == 1 and "Interne audit inkoop en magazijn" in changed[0].new_values
    # an end before the start is refused next to the field, keeping what was typed
    backwards = _plan_edit(client, audit, lead, title="Verkeerd om", planned_start=start.isoformat(),
                           planned_end=(start - dt.timedelta(days=3)).isoformat())
    html = backwards.get_data(as_text=True)
    assert "The end date cannot lie before the start date." in html and 'value="Verkeerd om"' in html
    db.session.refresh(audit)
    assert audit.title == "Interne audit inkoop en magazijn"
    # once it has started the plan is a record
    audit.state = AuditState.IN_PROGRESS
    db.session.commit()
    started = _plan_edit(client, audit, lead, title="Te laat")
    assert started.status_code == 302
    assert "This audit has started; its plan can no longer be changed." in client.get(started.location).get_data(
        as_text=True)
    db.session.refresh(audit)
    assert audit.title == "Interne audit inkoop en magazijn"


def _plan_edit(client, audit, lead, **extra):
    data = {"title": audit.title, "type": "internal", "norms": ["iso9001|2015"], "scope_codes": ["iso9001|2015|8.4"],
            "planned_start": audit.planned_start.isoformat(), "lead_auditor_id": str(lead.id), "scope": "Inkoop",
            "criteria": "ISO 9001:2015", "level": "", "department_id": "", "site_id": ""}
    data.update(extra)
    return client.post(f"/audits/{audit.id}/edit", data=data)


@pytest.mark.parametrize("role", [Role.STAFF, Role.HR])
def test_staff_and_hr_do_not_change_a_plan(client, db, login_as, make_user, role):
    lead = make_user(Role.AUDITOR)
    audit = factories.audit(db, lead=lead, title="Interne audit inkoop")
    login_as(role)
    assert _plan_edit(client, audit, lead, title="Anders").status_code == 403
    db.session.refresh(audit)
    assert audit.title == "Interne audit inkoop"
