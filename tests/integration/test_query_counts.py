"""The number of SQL statements of each key page does not grow with the number of rows: the same pages are
asked on a small and on a larger data set, and every page must issue exactly as many statements on both
(a query per row would show as a difference). Timing is left to ``make bench``."""
import datetime as dt

import pytest
from sqlalchemy import event, select

from qms.extensions import db as _db
from qms.permissions import Role
from tests.conftest import PASSWORD, PG_URL, _reset_postgres

#: (label, role, URL or a function of the app giving it). Add a line to guard another page.
PAGES = [
    ("dashboard", Role.COORDINATOR, "/"),
    ("dashboard", Role.STAFF, "/"),
    ("dashboard", Role.HR, "/"),
    ("dashboard", Role.AUDITOR, "/"),
    ("dashboard", Role.ADMIN, "/"),
    ("incident log", Role.COORDINATOR, "/incidents/"),
    ("incident log search", Role.COORDINATOR, "/incidents/?q=uitgegleden"),
    ("documents register", Role.COORDINATOR, "/documents/"),
    ("documents search", Role.COORDINATOR, "/documents/?q=vloer"),
    ("documents to read", Role.STAFF, "/documents/to-read"),
    ("evidence readiness", Role.COORDINATOR, "/evidence/"),
    ("evidence norm tree", Role.COORDINATOR, "/evidence/norms/iso9001/2015"),
    ("evidence requirement", Role.COORDINATOR, lambda: f"/evidence/norms/iso9001/2015/req/{_first_requirement()}"),
    ("all actions", Role.COORDINATOR, "/actions/?status=all"),
    ("audit programme", Role.AUDITOR, "/audits/"),
    ("audit trail", Role.AUDITOR, "/audit/"),
    ("pso score", Role.HR, "/pso/"),
    ("pso register", Role.HR, "/pso/register"),
    ("vca overview", Role.COORDINATOR, "/vca/"),
    ("employees", Role.HR, "/organisation/employees"),
]


def _first_requirement() -> str:
    """The requirement the first evidence file of the bench seed serves (so it has evidence in both sets)."""
    from qms.norms import registry

    cat = registry().get("iso9001").versions["2015"]
    return next(r.code for r in cat.requirements.values() if r.kind == "requirement")


def _empty_database() -> None:
    _db.session.remove()
    if PG_URL:
        _reset_postgres()
    else:
        _db.drop_all()
        _db.create_all()


def _seed(scale: int, rows: int) -> None:
    from qms.demo.seed import seed
    from qms.documents.demo import seed_documents
    from qms.evidence.seed import seed_evidence
    from qms.incidents.seed import seed_incidents

    seed(_db.session, scale)
    seed_documents(_db.session, rows)
    seed_evidence(_db.session, "iso9001", "2015", count=rows)
    seed_incidents(_db.session, rows, today=dt.date.today())
    _db.session.commit()


def _give_tasks(user, rows: int) -> None:
    """Something of every kind of start-page task for ``user``, ``rows`` of each: actions due, audits to
    conduct, documents to read (all of them on the to-read list) and to review, accidents to report, toolbox meetings to sign, apprentices'
    learning steps and expiring diplomas. The start page must ask the same number of queries for 5 as for 25."""
    from qms.actions.models import CorrectiveAction
    from qms.audits.models import Audit
    from qms.audits.rules import AuditState
    from qms.documents.models import (Document, DocumentVersion, DistributionTarget, TargetKind, VersionReviewer,
                                      VersionState)
    from qms.incidents.models import Incident
    from qms.incidents.workflow import ArboReason, IncidentType
    from qms.iso9001.models import LearningAssignment, LearningPath, LearningStep
    from qms.organisation.models import Employee
    from qms.training.models import TrainingRecord
    from qms.vca.models import MeetingState, VcaToolboxMeeting

    on = dt.date.today()
    session = _db.session
    me = Employee(number=f"Q{user.id}", first_name="Taak", last_name=str(user.id), function="x",
                  hired_on=dt.date(2020, 1, 1), user_id=user.id, is_master_trainer=True)
    path = LearningPath(name=f"Pad {user.id}")
    path.steps = [LearningStep(position=n, title=f"Stap {n}") for n in range(1, 4)]
    session.add_all([me, path])
    session.flush()
    for n in range(rows):
        key = f"{user.id}-{n}"
        session.add(CorrectiveAction(description=f"Actie {key}", owner_id=user.id, due_date=on + dt.timedelta(days=n % 10 - 5)))
        session.add(Audit(number=f"AQ-{key}", title="Audit", state=AuditState.IN_PROGRESS, planned_start=on,
                          lead_auditor_id=user.id))
        if n < 6:  # six each on both sets (more than the page lists), so the register's first page is the same
            version = DocumentVersion(major=1, minor=0, state=VersionState.IN_REVIEW, content_markdown="x")
            session.add(Document(number=f"A-{user.id}{n}", title="In review", type="procedure",
                                 status=VersionState.IN_REVIEW, owner_id=user.id, next_review_on=on,
                                 versions=[version]))
            session.flush()
            session.add(VersionReviewer(version_id=version.id, user_id=user.id))
        # A published document distributed to the user, still to be read (the to-read list shows them all).
        session.add(Document(number=f"R-{key}", title=f"Te lezen {key}", type="procedure",
                             status=VersionState.PUBLISHED, owner_id=user.id,
                             versions=[DocumentVersion(major=1, minor=0, state=VersionState.PUBLISHED,
                                                       content_markdown="x", published_at=dt.datetime.now(),
                                                       effective_date=on)],
                             targets=[DistributionTarget(kind=TargetKind.USER, user_id=user.id)]))
        session.add(Incident(number=f"IQ-{key}", type=IncidentType.LTI, occurred_at=dt.datetime.now(),
                             occurred_on=on, description="x", arbo_reason=ArboReason.HOSPITAL))
        session.add(VcaToolboxMeeting(planned_on=on, held_on=on, topic=f"Toolbox {key}", state=MeetingState.HELD))
        apprentice = Employee(number=f"QA{key}", first_name="Leer", last_name=key, function="x",
                              hired_on=dt.date(2020, 1, 1), is_apprentice=True, mentor_id=me.id)
        session.add(apprentice)
        session.flush()
        session.add(LearningAssignment(employee_id=apprentice.id, path_id=path.id, started_on=on))
        session.add(TrainingRecord(employee_id=apprentice.id if n else me.id, kind="b_vca", title="B-VCA",
                                   completed_on=on, valid_until=on + dt.timedelta(days=n)))
    session.commit()


def _counts(app, make_user, rows: int) -> dict[tuple[str, str], int]:
    clients = {}
    for role in {role for _label, role, _url in PAGES}:
        user = make_user(role)
        _give_tasks(user, rows)
        client = app.test_client()
        assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
        clients[role] = client
    statements = []

    def count(*_args):
        statements.append(1)

    out = {}
    event.listen(_db.engine, "before_cursor_execute", count)
    try:
        for label, role, url in PAGES:
            url = url() if callable(url) else url
            clients[role].get(url)  # warm (caches that legitimately fill once)
            _db.session.remove()  # a fresh session, as every real request has (tests share one app context)
            statements.clear()
            response = clients[role].get(url)
            assert response.status_code == 200, (label, role, url, response.status_code)
            out[(label, role.value)] = len(statements)
    finally:
        event.remove(_db.engine, "before_cursor_execute", count)
    return out


def test_key_pages_issue_as_many_queries_on_five_times_the_rows(app, db, make_user):
    """Seeds twice (scale 1 with 5 rows per bench table, then scale 2 with 25): about 10 s, the price of two
    data sets, for one guard over every key page."""
    from qms.norms import registry

    if "iso9001" not in registry():
        pytest.skip("the guard reads the ISO 9001 evidence pages")
    _empty_database()
    _seed(1, 5)
    small = _counts(app, make_user, 5)
    _empty_database()
    _seed(2, 25)
    large = _counts(app, make_user, 25)
    grown = {page: (small[page], large[page]) for page in small if large[page] != small[page]}
    assert not grown, f"queries per page grew with the rows (small, large): {grown}"
