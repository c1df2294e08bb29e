"""The start page's "my tasks": every kind of task appears for the person who has to do it (and only for
them), with a link to where it is done; the Arbeidsinspectie deadline is on top; a report button for all."""
import datetime as dt
import html as html_lib
import re

import pytest

from qms.core.dates import today
from qms.extensions import db as _db
from qms.permissions import Role
from tests import factories
from tests.conftest import PASSWORD


def _tasks(html: str) -> list[tuple[str, str, str]]:
    """(kind, href, text) of each task in page order."""
    section = html.split('data-tasks', 1)[1].split("</section>", 1)[0]
    found = re.findall(r'<li class="task task-(\w+)" data-task="([^"]+)">\s*<a href="([^"]+)">(.*?)</a>', section, re.S)
    return [(kind, html_lib.unescape(href), html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()))
            for _u, kind, href, text in found]


def _published(db, number, title, **targets):
    from qms.documents.models import DistributionTarget, Document, DocumentVersion, TargetKind, VersionState

    doc = Document(number=number, title=title, type="procedure", status=VersionState.PUBLISHED)
    doc.versions = [DocumentVersion(major=1, minor=0, state=VersionState.PUBLISHED, content_markdown="Tekst",
                                    published_at=dt.datetime(2026, 1, 5), effective_date=dt.date(2026, 1, 5))]
    if "role" in targets:
        doc.targets = [DistributionTarget(kind=TargetKind.ROLE, role=targets["role"])]
    db.session.add(doc)
    db.session.commit()
    return doc


def test_everyone_gets_the_report_button_and_an_empty_task_list(client, login_as):
    login_as(Role.AUDITOR)
    html = client.get("/").get_data(as_text=True)
    assert 'data-report-now' in html and 'href="/incidents/report"' in html
    assert "Nothing to do right now" in html
    assert html.index("data-report-now") < html.index("data-tasks") < html.index("Key figures")


def test_documents_to_read_are_listed_with_a_link_to_the_reading_view(client, db, login_as):
    docs = [_published(db, f"WI-00{n}", f"Werkinstructie {n}", role="staff") for n in range(1, 6)]
    login_as(Role.STAFF)
    tasks = _tasks(client.get("/").get_data(as_text=True))
    reads = [t for t in tasks if t[0] == "documents.read"]
    assert len(reads) == 4  # three by name, then "2 more documents to read"
    assert all(t[1] == f"/documents/{d.id}/versions/{d.versions[0].id}/read" for t, d in zip(reads, docs)) or \
        {t[1] for t in reads[:3]} <= {f"/documents/{d.id}/versions/{d.versions[0].id}/read" for d in docs}
    assert "Read WI-00" in reads[0][2]
    assert reads[3][1] == "/documents/to-read" and "2 more documents to read" in reads[3][2]


def test_reviews_and_approvals_wait_for_the_named_people(app, client, db, login_as, make_user):
    from qms.documents.models import Document, DocumentVersion, Signature, SignatureMeaning, VersionReviewer, VersionState

    reviewer = login_as(Role.STAFF)
    approver = make_user(Role.COORDINATOR)
    doc = Document(number="PR-010", title="Vloeronderhoud", type="procedure", status=VersionState.IN_REVIEW)
    version = DocumentVersion(major=1, minor=0, state=VersionState.IN_REVIEW, content_markdown="x",
                              approver_id=approver.id)
    doc.versions = [version]
    db.session.add(doc)
    db.session.flush()
    db.session.add(VersionReviewer(version_id=version.id, user_id=reviewer.id))
    db.session.commit()
    tasks = _tasks(client.get("/").get_data(as_text=True))
    assert [(t[1], t[2]) for t in tasks if t[0] == "documents.workflow"] == [
        (f"/documents/{doc.id}/versions/{version.id}", "Review PR-010 Vloeronderhoud Version 1.0")]
    other = app.test_client()
    other.post("/login", data={"email": approver.email, "password": PASSWORD})
    # The approver waits until every reviewer has signed.
    assert not [t for t in _tasks(other.get("/").get_data(as_text=True)) if "Approve" in t[2]]
    db.session.add(Signature(version_id=version.id, signer_id=reviewer.id, signer_name=reviewer.name,
                             meaning=SignatureMeaning.REVIEWED, signed_at=dt.datetime(2026, 1, 1), sha256=""))
    db.session.commit()
    assert [t[2] for t in _tasks(other.get("/").get_data(as_text=True)) if "Approve" in t[2]] == [
        "Approve PR-010 Vloeronderhoud Version 1.0"]
    assert not [t for t in _tasks(client.get("/").get_data(as_text=True)) if t[0] == "documents.workflow"]


def test_my_actions_overdue_first_and_only_my_own(client, db, login_as, make_user):
    from qms.actions.models import CorrectiveAction

    me = login_as(Role.STAFF)
    someone = make_user(Role.STAFF)
    on = today()
    db.session.add_all([
        CorrectiveAction(description="Ladder keuren", owner_id=me.id, due_date=on + dt.timedelta(days=5)),
        CorrectiveAction(description="Schoonmaakkar vervangen", owner_id=me.id, due_date=on - dt.timedelta(days=3)),
        CorrectiveAction(description="Later werk", owner_id=me.id, due_date=on + dt.timedelta(days=60)),
        CorrectiveAction(description="Niet van mij", owner_id=someone.id, due_date=on),
    ])
    db.session.commit()
    tasks = [t for t in _tasks(client.get("/").get_data(as_text=True)) if t[0] == "actions"]
    assert [t[2].split(" Action")[0] for t in tasks] == ["Schoonmaakkar vervangen", "Ladder keuren"]
    assert all(t[1].startswith("/actions/?status=open#action-") for t in tasks)
    html = client.get("/").get_data(as_text=True)
    assert "task task-overdue" in html and "task task-due" in html


def test_incidents_to_triage_with_the_arbeidsinspectie_deadline_on_top(client, db, login_as, make_user):
    from qms.incidents.models import Incident
    from qms.incidents.workflow import ArboReason, IncidentType

    now = dt.datetime.now().replace(microsecond=0) - dt.timedelta(hours=2)
    db.session.add_all([
        Incident(number="INC-2026-0001", type=IncidentType.NEAR_MISS, occurred_at=now, occurred_on=now.date(),
                 description="Bijna gevallen"),
        Incident(number="INC-2026-0002", type=IncidentType.LTI, occurred_at=now, occurred_on=now.date(),
                 description="Van trap gevallen", arbo_reason=ArboReason.HOSPITAL),
    ])
    db.session.commit()
    login_as(Role.COORDINATOR)
    tasks = _tasks(client.get("/").get_data(as_text=True))
    assert tasks[0][0] == "incidents" and "Report accident INC-2026-0002 to the Arbeidsinspectie" in tasks[0][2]
    assert "Deadline" in tasks[0][2] and "Legal deadline" in tasks[0][2]
    assert ("incidents", "/incidents/?state=reported", "2 reports to triage") in tasks
    # Staff report incidents but do not triage them: no such tasks on their page.
    client.post("/logout")
    login_as(Role.STAFF)
    assert not [t for t in _tasks(client.get("/").get_data(as_text=True)) if t[0] == "incidents"]


def test_audits_to_prepare_and_conduct_for_their_auditors(client, db, login_as, make_user):
    from qms.audits.models import Audit
    from qms.audits.rules import AuditState

    me = login_as(Role.AUDITOR)
    other = make_user(Role.AUDITOR)
    on = today()
    db.session.add_all([
        Audit(number="AU-2026-01", title="Documentbeheer", state=AuditState.PLANNED,
              planned_start=on + dt.timedelta(days=10), lead_auditor_id=me.id),
        Audit(number="AU-2026-02", title="Inkoop", state=AuditState.IN_PROGRESS,
              planned_start=on - dt.timedelta(days=1), lead_auditor_id=me.id),
        Audit(number="AU-2026-03", title="Ver weg", state=AuditState.PLANNED,
              planned_start=on + dt.timedelta(days=200), lead_auditor_id=me.id),
        Audit(number="AU-2026-04", title="Van een ander", state=AuditState.PLANNED,
              planned_start=on + dt.timedelta(days=3), lead_auditor_id=other.id),
    ])
    db.session.commit()
    texts = [t[2] for t in _tasks(client.get("/").get_data(as_text=True)) if t[0] == "audits"]
    assert len(texts) == 2
    assert texts[0].startswith("Conduct audit AU-2026-02 Inkoop")
    assert texts[1].startswith("Prepare audit AU-2026-01 Documentbeheer")


def test_evidence_expiring_and_to_review_for_evidence_managers(client, db, login_as):
    from qms.evidence.models import EvidenceItem, ReviewStatus
    from qms.uploads.models import StoredFile

    on = today()
    for n, (until, status) in enumerate([(on - dt.timedelta(days=1), ReviewStatus.ACCEPTED),
                                         (on + dt.timedelta(days=20), ReviewStatus.ACCEPTED),
                                         (None, ReviewStatus.PENDING)]):
        stored = StoredFile(stored_name=f"f{n}", original_name=f"f{n}.pdf", content_type="application/pdf", size=1,
                            sha256="0" * 64)
        db.session.add(stored)
        db.session.flush()
        db.session.add(EvidenceItem(title=f"Bewijs {n}", file_id=stored.id, valid_from=on - dt.timedelta(days=400),
                                    valid_until=until, review_status=status))
    db.session.commit()
    login_as(Role.COORDINATOR)
    tasks = [t for t in _tasks(client.get("/").get_data(as_text=True)) if t[0] == "evidence"]
    assert [(t[1], t[2]) for t in tasks] == [
        ("/evidence/items?status=expired", "1 evidence file has expired"),
        ("/evidence/items?status=expiring", "1 evidence file expires within 60 days"),
        ("/evidence/items?status=pending", "1 evidence file to review")]


def test_learning_steps_to_sign_off_come_from_the_iso9001_package(client, db, login_as):
    from qms.iso9001.models import LearningAssignment, LearningPath, LearningStep, StepSignoff
    from qms.norms import registry

    assert any(s.key == "iso9001.learning" for s in registry().task_sources)
    trainer = login_as(Role.STAFF)
    wim = factories.employee(db, "M1", first_name="Wim", user=trainer, is_master_trainer=True)
    tim = factories.employee(db, "A1", first_name="Tim", last_name="Leeuwen", is_apprentice=True, mentor_id=wim.id)
    path = LearningPath(name="BBL niveau 2")
    path.steps = [LearningStep(position=n, title=f"Stap {n}") for n in (1, 2, 3)]
    db.session.add(path)
    db.session.flush()
    db.session.add(LearningAssignment(employee_id=tim.id, path_id=path.id, started_on=dt.date(2026, 1, 1)))
    db.session.add(StepSignoff(employee_id=tim.id, step_id=path.steps[0].id, signed_by_employee_id=wim.id,
                               signed_by_user_id=trainer.id, signed_on=dt.date(2026, 2, 1)))
    db.session.commit()
    tasks = [t for t in _tasks(client.get("/").get_data(as_text=True)) if t[0] == "iso9001.learning"]
    assert tasks == [("iso9001.learning", f"/iso9001/learning/{tim.id}",
                      "Sign off learning steps of Tim Leeuwen 2 steps open")]


def test_toolbox_to_sign_and_diplomas_expiring_come_from_the_vca_package(app, client, db, login_as, make_user):
    from qms.training.models import TrainingRecord
    from qms.vca.models import MeetingState, VcaToolboxAttendance, VcaToolboxMeeting

    me = login_as(Role.STAFF)
    person = factories.employee(db, "S1", first_name="Kevin", user=me)
    on = today()
    signed = VcaToolboxMeeting(planned_on=on, held_on=on, topic="Ladders", state=MeetingState.HELD)
    open_ = VcaToolboxMeeting(planned_on=on, held_on=on - dt.timedelta(days=2), topic="Agressie",
                              state=MeetingState.HELD)
    db.session.add_all([signed, open_,
                        TrainingRecord(employee_id=person.id, kind="b_vca", title="B-VCA",
                                       completed_on=on - dt.timedelta(days=3600),
                                       valid_until=on + dt.timedelta(days=40))])
    db.session.flush()
    db.session.add(VcaToolboxAttendance(meeting_id=signed.id, employee_id=person.id, method="signed"))
    db.session.commit()
    tasks = _tasks(client.get("/").get_data(as_text=True))
    assert [(t[1], t[2]) for t in tasks if t[0] == "vca.toolbox"] == [
        (f"/vca/toolbox/{open_.id}/sign", f"Sign the toolbox meeting \"Agressie\" held on "
                                          f"{(on - dt.timedelta(days=2)).strftime('%b %-d, %Y')}")]
    own = [t for t in tasks if t[0] == "vca.own_diplomas"]
    assert len(own) == 1 and own[0][1] == "/training/mine" and "Your B-VCA (basic safety) expires on" in own[0][2]
    coordinator = make_user(Role.COORDINATOR)
    other = app.test_client()
    other.post("/login", data={"email": coordinator.email, "password": PASSWORD})
    company = [t for t in _tasks(other.get("/").get_data(as_text=True)) if t[0] == "vca.diplomas"]
    assert company == [("vca.diplomas", "/vca/diplomas", "1 VCA diploma expires within 90 days")]


def test_figure_cards_link_to_what_is_behind_them(client, login_as):
    login_as(Role.COORDINATOR)
    html = client.get("/").get_data(as_text=True)
    figures = html.split("Key figures", 1)[1].split("Norms in use", 1)[0]
    assert figures.count('class="card kpi-card"') == figures.count('class="card')
    for href in ("/vca/toolbox", "/vca/diplomas", "/iso9001/objectives", "/pso/"):
        assert f'href="{href}"' in figures
