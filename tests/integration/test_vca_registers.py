"""VCA registers: diploma gaps, equipment and keuringen, risk assessments, inspections, policy, settings,
PDFs, live evidence that reacts to the registers, and the demo year."""
import datetime as dt
import io

from flask import current_app
from sqlalchemy import select

from qms.audit.models import AuditEntry
from qms.norms import registry
from qms.organisation.models import Company
from qms.permissions import Role
from qms.training.models import TrainingRecord
from qms.vca import figures
from qms.vca.models import (AssessmentKind, InspectionState, VcaEquipment, VcaInspection, VcaInspectionFinding,
                            VcaInspectionTemplate, VcaLmraCard, VcaPpeIssue, VcaRiskAssessment, VcaRiskMeasure,
                            VcaWorker)
from tests import factories

TODAY = dt.date.today()


def _employee(db, number, **kw):
    hired_on = kw.pop("hired_on", dt.date(2019, 1, 1))
    return factories.employee(db, number, last_name=f"Person {number}", hired_on=hired_on, **kw)


def _evidence(code):
    with current_app.test_request_context():
        return {e.requirement: e for e in registry().live_evidence("vca", "2017-6.0", "vca2")}[code]


def _kpi(name):
    with current_app.test_request_context():
        return getattr(figures, name)()


def test_diploma_gaps_include_apprentices_and_disappear_with_a_diploma(client, db, login_as):
    login_as(Role.COORDINATOR)
    apprentice = _employee(db, "A1", is_apprentice=True, hired_on=TODAY - dt.timedelta(days=200))
    boss = _employee(db, "B1", is_supervisor=True)
    office = _employee(db, "O1")
    response = client.post(f"/vca/people/{apprentice.id}/worker", data={
        "risky_work_since": (TODAY - dt.timedelta(days=150)).isoformat(), "engagement": "own"})
    assert response.status_code == 302
    page = client.get("/vca/diplomas").get_data(as_text=True)
    assert apprentice.full_name in page and "No VCA diploma" in page
    assert boss.full_name in page and "Supervisor without VOL-VCA" in page
    assert office.full_name not in page
    assert not _evidence("3.2").ok and _evidence("3.2").value == "0 of 2"
    db.session.add_all([
        TrainingRecord(employee_id=apprentice.id, kind="b_vca", title="B-VCA", completed_on=TODAY,
                       valid_until=TODAY + dt.timedelta(days=3650)),
        TrainingRecord(employee_id=boss.id, kind="vol_vca", title="VOL-VCA", completed_on=TODAY,
                       valid_until=TODAY + dt.timedelta(days=3650))])
    db.session.commit()
    assert "No diploma gaps." in client.get("/vca/diplomas").get_data(as_text=True)
    assert _evidence("3.2").ok and _evidence("3.3").ok
    row = db.session.scalar(select(VcaWorker))
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.entity_type == "vca_worker",
                                                      AuditEntry.entity_id == str(row.id))) is not None


def test_equipment_overdue_keuring_and_a_new_keuring(client, db, login_as):
    login_as(Role.COORDINATOR)
    response = client.post("/vca/equipment/new", data={"name": "Ladder", "code": "LD-1", "location": "Bus",
                                                       "interval_months": "12",
                                                       "next_keuring_on": (TODAY - dt.timedelta(days=3)).isoformat()})
    assert response.status_code == 302
    item = db.session.scalar(select(VcaEquipment))
    assert _kpi("kpi_overdue") == "1" and not _evidence("9.2").ok
    assert "Ladder" in client.get("/vca/equipment?show=overdue").get_data(as_text=True)
    bad = client.post(f"/vca/equipment/{item.id}/keuring", data={
        "inspected_on": (TODAY + dt.timedelta(days=5)).isoformat(), "result": "approved"})
    assert "The inspection date cannot lie in the future." in bad.get_data(as_text=True)
    ok = client.post(f"/vca/equipment/{item.id}/keuring", data={
        "inspected_on": TODAY.isoformat(), "result": "approved", "inspected_by": "Keurbedrijf"})
    assert ok.status_code == 302
    db.session.refresh(item)
    assert item.last_keuring_on == TODAY and item.next_keuring_on > TODAY + dt.timedelta(days=360)
    assert _kpi("kpi_overdue") == "0" and _evidence("9.2").ok
    client.post(f"/vca/equipment/{item.id}/keuring", data={"inspected_on": TODAY.isoformat(), "result": "rejected"})
    db.session.refresh(item)
    assert not item.active and item.next_keuring_on is None


def test_risk_assessments_tra_age_and_plan_of_action(client, db, login_as):
    coordinator = login_as(Role.COORDINATOR)
    old = (TODAY - dt.timedelta(days=400)).isoformat()
    response = client.post("/vca/risks/new", data={"kind": "tra", "title": "TRA hoogwerker", "subject": "",
                                                   "assessed_on": old})
    assert "Name the function or task that was assessed." in response.get_data(as_text=True)
    client.post("/vca/risks/new", data={"kind": "tra", "title": "TRA hoogwerker", "subject": "Hoogwerker",
                                        "assessed_on": old})
    tra = db.session.scalar(select(VcaRiskAssessment))
    assert tra.kind is AssessmentKind.TRA
    assert "Older than 12 months" in client.get("/vca/risks?kind=tra").get_data(as_text=True)
    assert not _evidence("2.2").ok
    client.post("/vca/risks/new", data={"kind": "rie", "title": "RI&E", "assessed_on": TODAY.isoformat()})
    rie = db.session.scalar(select(VcaRiskAssessment).where(VcaRiskAssessment.kind == AssessmentKind.RIE))
    client.post(f"/vca/risks/{rie.id}/measures", data={"measure": "Tilhulp kopen", "owner_id": coordinator.id,
                                                       "due_on": (TODAY - dt.timedelta(days=1)).isoformat()})
    measure = db.session.scalar(select(VcaRiskMeasure))
    assert measure.owner_id == coordinator.id and not _evidence("2.1").ok
    assert client.post(f"/vca/measures/{measure.id}/done").status_code == 302
    db.session.refresh(measure)
    assert measure.done_on == TODAY and _evidence("2.1").ok


def test_inspection_on_a_phone_with_a_photo_and_a_finding_that_becomes_an_action(client, db, login_as, app):
    login_as(Role.COORDINATOR)
    client.post("/vca/inspections/templates", data={"name": "Werkplek", "items": "PBM gedragen\nWerkplek afgezet"})
    template = db.session.scalar(select(VcaInspectionTemplate))
    assert template.item_list == ["PBM gedragen", "Werkplek afgezet"]
    client.post("/vca/inspections/new", data={"template_id": template.id, "planned_on": TODAY.isoformat()})
    inspection = db.session.scalar(select(VcaInspection))
    missing_note = client.post(f"/vca/inspections/{inspection.id}/carry-out", data={
        "done_on": TODAY.isoformat(), "result-0": "ok", "result-1": "not_ok", "note-1": ""})
    assert "Describe what is wrong." in missing_note.get_data(as_text=True)
    assert db.session.scalar(select(VcaInspectionFinding)) is None
    png = _png()
    response = client.post(f"/vca/inspections/{inspection.id}/carry-out", data={
        "done_on": TODAY.isoformat(), "result-0": "ok", "result-1": "not_ok", "note-1": "Geen afzetting",
        "photo-1": (io.BytesIO(png), "foto.png")}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[-800:]
    db.session.refresh(inspection)
    assert inspection.state is InspectionState.DONE
    bad = [f for f in inspection.findings if f.result.value == "not_ok"][0]
    assert bad.photo_id is not None and bad.note == "Geen afzetting"
    try:
        from qms.actions.models import Nonconformity
    except ImportError:
        Nonconformity = None
    if Nonconformity is not None:
        nc = db.session.get(Nonconformity, bad.nonconformity_id)
        assert nc.source_type == "vca_inspection" and nc.source_id == str(inspection.id)
    # A carried-out inspection is a record: a second submission changes nothing.
    client.post(f"/vca/inspections/{inspection.id}/carry-out", data={"done_on": TODAY.isoformat(), "result-0": "na",
                                                                     "result-1": "na"})
    assert len(db.session.scalars(select(VcaInspectionFinding)).all()) == 2
    assert client.get(f"/files/{bad.photo_id}").status_code == 200
    assert _evidence("7.1").ok


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def test_settings_keep_other_targets_and_change_the_toolbox_minimum(client, db, login_as):
    db.session.add(Company(name="X", certification_targets="iso9001:2015,vca:vca2,pso:trede3"))
    db.session.commit()
    login_as(Role.COORDINATOR)
    assert _kpi("kpi_toolbox").endswith("of 10")
    assert client.post("/vca/settings", data={"level": "vca1", "version": "2017-6.0"}).status_code == 302
    company = db.session.scalar(select(Company))
    assert company.targets == {"iso9001": "2015", "vca": "vca1", "pso": "trede3"}
    assert _kpi("kpi_toolbox").endswith("of 4")
    response = client.post("/vca/settings", data={"level": "gold", "version": "2017-6.0"})
    assert response.status_code == 200 and db.session.scalar(select(Company)).targets["vca"] == "vca1"


def test_policy_statement_evaluation_due_after_three_years(client, db, login_as):
    login_as(Role.COORDINATOR)
    signed = TODAY - dt.timedelta(days=4 * 365)
    assert client.post("/vca/policy/edit", data={"title": "VGM-beleid", "signed_on": signed.isoformat(),
                                                 "signed_by": "Directeur"}).status_code == 302
    assert "Overdue" in client.get("/vca/policy").get_data(as_text=True) and not _evidence("1.1").ok
    client.post("/vca/policy/edit", data={"title": "VGM-beleid", "signed_on": signed.isoformat(),
                                          "signed_by": "Directeur", "evaluated_on": TODAY.isoformat()})
    assert _evidence("1.1").ok


def test_status_report_and_lmra_card_are_pdfs(client, db, login_as):
    login_as(Role.AUDITOR)
    response = client.get("/vca/report.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    client.post("/logout")
    login_as(Role.COORDINATOR)
    client.post("/vca/cards/new", data={"title": "LMRA", "task": "Ramen", "questions": "Vraag 1\n\nVraag 2"})
    assert "2 questions" in client.get("/vca/cards").get_data(as_text=True)
    pdf = client.get("/vca/cards/1.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_staff_and_hr_privacy(client, db, login_as):
    login_as(Role.STAFF)
    person = _employee(db, "Z1")
    for url in ("/vca/", "/vca/diplomas", f"/vca/people/{person.id}", "/vca/ppe", "/vca/report.pdf"):
        assert client.get(url).status_code == 403, url
    client.post("/logout")
    login_as(Role.HR)
    assert client.get("/vca/diplomas").status_code == 200
    assert client.post(f"/vca/people/{person.id}/worker", data={"engagement": "own"}).status_code == 403


def test_demo_year_shows_gaps_overdue_keuring_and_a_stale_tra(app, db):
    from qms.demo.company import load_demo

    load_demo(db.session, "demo-password-for-tests")
    db.session.commit()
    with current_app.test_request_context():
        f = figures.collect()
    assert f.overdue_keuringen == 1 and f.stale_tras == 1 and f.tras == 3
    assert f.held_12m >= 10 and f.overdue_inspections == 1
    gap_people = {p.employee.number for p in f.gaps}
    assert {"DG015", "DG017", "DG026"} <= gap_people  # apprentices and the temporary worker
    assert any(p.facts.is_apprentice for p in f.gaps)


def test_reminders_warn_coordinators_of_expiring_diplomas_and_overdue_keuringen(app, db, make_user):
    from qms.notifications import services as notifications
    from qms.notifications.models import Notification

    coordinator = make_user(Role.COORDINATOR)
    person = _employee(db, "R1")
    today = TODAY
    db.session.add_all([
        TrainingRecord(employee_id=person.id, kind="b_vca", title="B-VCA", completed_on=dt.date(2017, 1, 1),
                       valid_until=today + dt.timedelta(days=30)),
        VcaEquipment(name="Hoogwerker", interval_months=12, next_keuring_on=today - dt.timedelta(days=2), active=True)])
    db.session.commit()
    assert notifications.run_reminders(today) == 2
    db.session.commit()
    subjects = sorted(n.subject for n in db.session.scalars(select(Notification)))
    assert subjects == ["Keuring of Hoogwerker is overdue", f"VCA diploma of {person.full_name} expires soon"]
    assert all(n.user_id == coordinator.id for n in db.session.scalars(select(Notification)))
    assert notifications.run_reminders(today) == 0  # once per key


def test_overview_shows_the_shared_readiness_of_the_chosen_level(client, db, login_as):
    __import__("pytest").importorskip("qms.evidence.services")
    db.session.add(Company(name="X", certification_targets="vca:vca2"))
    db.session.commit()
    login_as(Role.COORDINATOR)
    page = client.get("/vca/").get_data(as_text=True)
    assert "Readiness for VCA**" in page and "must-questions not yet answered positively" in page
    client.post("/logout")
    login_as(Role.HR)  # reads VCA but not the evidence pages
    page = client.get("/vca/").get_data(as_text=True)
    assert client.get("/vca/").status_code == 200 and "Readiness for" not in page


def test_audit_trail_names_vca_records_and_policy_reminder(client, db, login_as, app):
    from qms.audit.services import entity_type_name
    from qms.notifications import services as notifications
    from qms.notifications.models import Notification

    with app.test_request_context():
        assert entity_type_name("vca_toolbox_attendance") == "Toolbox attendance"
    login_as(Role.COORDINATOR)
    signed = TODAY - dt.timedelta(days=3 * 365)
    client.post("/vca/policy/edit", data={"title": "VGM", "signed_on": signed.isoformat(), "signed_by": "D"})
    assert notifications.run_reminders(TODAY) >= 1
    db.session.commit()
    assert any("VGM policy statement is to be evaluated" in n.subject for n in db.session.scalars(select(Notification)))


def test_the_assigned_inspector_carries_out_their_own_inspection_only(client, db, login_as, make_user):
    other = make_user(Role.AUDITOR)
    inspector = login_as(Role.AUDITOR)
    template = VcaInspectionTemplate(name="Werkplek", items="PBM", active=True)
    db.session.add(template)
    db.session.flush()
    mine = VcaInspection(template_id=template.id, planned_on=TODAY, inspector_id=inspector.id)
    theirs = VcaInspection(template_id=template.id, planned_on=TODAY, inspector_id=other.id)
    db.session.add_all([mine, theirs])
    db.session.commit()
    assert client.get(f"/vca/inspections/{theirs.id}/carry-out").status_code == 404
    response = client.post(f"/vca/inspections/{mine.id}/carry-out", data={"done_on": TODAY.isoformat(), "result-0": "ok"})
    assert response.status_code == 302
    db.session.refresh(mine)
    assert mine.state is InspectionState.DONE and mine.findings[0].result.value == "ok"


def test_every_evidence_code_is_a_question_of_its_catalogue_version(app):
    from qms.vca.codes import REQUIREMENTS

    norm = registry().get("vca")
    for version, codes in REQUIREMENTS.items():
        for key, code in codes.items():
            requirement = norm.requirement(version, code)
            assert requirement is not None and requirement.kind == "requirement", (version, key, code)
    with app.test_request_context():
        old = {e.requirement for e in registry().live_evidence("vca", "2008-5.1", "vca2")}
    assert {"4.1", "8.1", "10.2", "3.2"} <= old


def test_ppe_issued_to_a_person_is_listed_and_a_bad_date_is_refused(client, db, login_as):
    login_as(Role.COORDINATOR)
    person = _employee(db, "P1")
    issued = TODAY - dt.timedelta(days=400)
    response = client.post(f"/vca/people/{person.id}/ppe", data={
        "item": "Veiligheidsschoenen", "size": "43", "issued_on": issued.isoformat(),
        "replace_on": (TODAY - dt.timedelta(days=5)).isoformat()})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/vca/people/{person.id}")
    rows = db.session.scalars(select(VcaPpeIssue)).all()
    assert [(r.employee_id, r.item, r.size, r.issued_on) for r in rows] == [(person.id, "Veiligheidsschoenen", "43",
                                                                            issued)]
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.entity_type == "vca_ppe_issue",
                                                      AuditEntry.action == "create")) is not None
    page = client.get("/vca/ppe").get_data(as_text=True)
    assert "Veiligheidsschoenen" in page and person.full_name in page and "badge-warn" in page  # past its date
    refused = client.post(f"/vca/people/{person.id}/ppe", data={
        "item": "Handschoenen", "issued_on": TODAY.isoformat(),
        "replace_on": (TODAY - dt.timedelta(days=1)).isoformat()})
    assert refused.status_code == 200 and "Handschoenen" in refused.get_data(as_text=True)  # the input is kept
    assert len(db.session.scalars(select(VcaPpeIssue)).all()) == 1


def test_staff_do_not_record_ppe(client, db, login_as):
    login_as(Role.STAFF)
    person = _employee(db, "P2")
    assert client.post(f"/vca/people/{person.id}/ppe", data={"item": "Helm", "issued_on": TODAY.isoformat()}
                       ).status_code == 403
    assert db.session.scalars(select(VcaPpeIssue)).all() == []


def _trail(db, entity_type):
    return [(e.action, e.entity_id) for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity_type == entity_type).order_by(AuditEntry.id))]


def test_editing_equipment_keeps_its_keuring_history_and_is_in_the_trail(client, db, login_as):
    login_as(Role.COORDINATOR)
    due = (TODAY + dt.timedelta(days=30)).isoformat()
    client.post("/vca/equipment/new", data={"name": "Ladder", "code": "LD-1", "location": "Bus", "interval_months": "12",
                                            "next_keuring_on": due})
    item = db.session.scalar(select(VcaEquipment))
    assert 'value="LD-1"' in client.get(f"/vca/equipment/{item.id}/edit").get_data(as_text=True)
    response = client.post(f"/vca/equipment/{item.id}/edit", data={
        "name": "Ladder 3 treden", "code": "LD-1", "location": "Magazijn", "interval_months": "6",
        "next_keuring_on": due}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Ladder 3 treden was saved." in html and "Magazijn" in html
    db.session.refresh(item)
    assert (item.name, item.location, item.interval_months) == ("Ladder 3 treden", "Magazijn", 6)
    assert _trail(db, "vca_equipment") == [("create", str(item.id)), ("update", str(item.id))]
    bad = client.post(f"/vca/equipment/{item.id}/edit", data={
        "name": "Ladder kapot", "code": "LD-1", "location": "Magazijn", "interval_months": "0"})
    assert bad.status_code == 200 and 'value="Ladder kapot"' in bad.get_data(as_text=True)
    db.session.refresh(item)
    assert item.name == "Ladder 3 treden" and len(_trail(db, "vca_equipment")) == 2


def test_editing_a_risk_assessment_and_an_lmra_card(client, db, login_as):
    login_as(Role.COORDINATOR)
    client.post("/vca/risks/new", data={"kind": "tra", "title": "TRA hoogwerker", "subject": "Hoogwerker",
                                        "assessed_on": TODAY.isoformat()})
    tra = db.session.scalar(select(VcaRiskAssessment))
    assert 'value="TRA hoogwerker"' in client.get(f"/vca/risks/{tra.id}/edit").get_data(as_text=True)
    saved = client.post(f"/vca/risks/{tra.id}/edit", data={
        "kind": "tra", "title": "TRA hoogwerker 12 m", "subject": "Hoogwerker", "assessed_on": TODAY.isoformat(),
        "assessed_by": "Veiligheidskundige"}, follow_redirects=True)
    assert "The risk assessment was saved." in saved.get_data(as_text=True)
    db.session.refresh(tra)
    assert (tra.title, tra.assessed_by) == ("TRA hoogwerker 12 m", "Veiligheidskundige")
    later = client.post(f"/vca/risks/{tra.id}/edit", data={
        "kind": "tra", "title": "TRA later", "subject": "Hoogwerker",
        "assessed_on": (TODAY + dt.timedelta(days=3)).isoformat()})
    assert "The assessment date cannot lie in the future." in later.get_data(as_text=True)
    db.session.refresh(tra)
    assert tra.title == "TRA hoogwerker 12 m"
    assert _trail(db, "vca_risk_assessment") == [("create", str(tra.id)), ("update", str(tra.id))]

    client.post("/vca/cards/new", data={"title": "LMRA", "task": "Ramen", "questions": "Vraag 1\n\nVraag 2"})
    card = db.session.scalar(select(VcaLmraCard))
    assert "Vraag 2" in client.get(f"/vca/cards/{card.id}/edit").get_data(as_text=True)
    client.post(f"/vca/cards/{card.id}/edit", data={"title": "LMRA glas", "task": "Ramen",
                                                    "questions": "Vraag 1\nVraag 2\nVraag 3"})
    db.session.refresh(card)
    assert (card.title, card.question_list) == ("LMRA glas", ["Vraag 1", "Vraag 2", "Vraag 3"])
    many = "\n".join(f"Vraag {n}" for n in range(1, 32))
    too_long = client.post(f"/vca/cards/{card.id}/edit", data={"title": "LMRA lang", "task": "Ramen",
                                                               "questions": many})
    html = too_long.get_data(as_text=True)
    assert "A card holds at most 30 questions." in html and 'value="LMRA lang"' in html
    db.session.refresh(card)
    assert card.title == "LMRA glas"
    assert _trail(db, "vca_lmra_card") == [("create", str(card.id)), ("update", str(card.id))]


def test_auditors_do_not_edit_vca_registers(client, db, login_as):
    item = VcaEquipment(name="Ladder", interval_months=12, active=True)
    card = VcaLmraCard(title="LMRA", questions="Vraag 1", active=True)
    tra = VcaRiskAssessment(kind=AssessmentKind.TRA, title="TRA", subject="Hoogwerker", assessed_on=TODAY,
                            active=True)
    db.session.add_all([item, card, tra])
    db.session.commit()
    login_as(Role.AUDITOR)
    assert client.post(f"/vca/equipment/{item.id}/edit", data={"name": "x", "interval_months": "6"}).status_code == 403
    assert client.post(f"/vca/cards/{card.id}/edit", data={"title": "x", "questions": "y"}).status_code == 403
    assert client.post(f"/vca/risks/{tra.id}/edit", data={"kind": "tra", "title": "x", "subject": "y",
                                                          "assessed_on": TODAY.isoformat()}).status_code == 403
    db.session.expire_all()
    assert (db.session.get(VcaEquipment, item.id).name, db.session.get(VcaLmraCard, card.id).title,
            db.session.get(VcaRiskAssessment, tra.id).title) == ("Ladder", "LMRA", "TRA")
