"""The VCA lists cost the same number of queries for 3 rows as for 30 (no query per row)."""
import datetime as dt

import pytest
from sqlalchemy import event

from qms.extensions import db as _db
from qms.organisation.models import Company, Employee, Site
from qms.permissions import Role
from qms.training.models import TrainingRecord
from qms.vca.models import (AssessmentKind, AttendanceMethod, InspectionState, MeetingState, VcaEquipment,
                            VcaInspection, VcaInspectionTemplate, VcaPpeIssue, VcaRiskAssessment,
                            VcaToolboxAttendance, VcaToolboxMeeting, VcaWorker)

TODAY = dt.date.today()
PAGES = ["/vca/", "/vca/toolbox", "/vca/toolbox/attendance", "/vca/toolbox/follow-up", "/vca/diplomas?show=all",
         "/vca/people", "/vca/equipment", "/vca/inspections", "/vca/risks", "/vca/ppe", "/vca/toolbox/1"]


def _seed(db, n: int, offset: int) -> None:
    site = Site(name=f"Site {offset}", active=True)
    template = VcaInspectionTemplate(name=f"T{offset}", items="A\nB", active=True)
    db.session.add_all([site, template])
    db.session.flush()
    meetings = []
    for i in range(n):
        presenter = Employee(number=f"E{offset + i}", first_name="A", last_name=f"B{offset + i}", function="C",
                             hired_on=dt.date(2020, 1, 1), is_supervisor=i % 2 == 0, is_apprentice=i % 3 == 0)
        db.session.add(presenter)
        db.session.flush()
        db.session.add(VcaWorker(employee_id=presenter.id, risky_work_since=dt.date(2020, 1, 1)))
        db.session.add(TrainingRecord(employee_id=presenter.id, kind="b_vca", title="B",
                                      completed_on=dt.date(2020, 1, 1), valid_until=dt.date(2029, 12, 31)))
        meeting = VcaToolboxMeeting(planned_on=TODAY - dt.timedelta(days=i + 1), held_on=TODAY - dt.timedelta(days=i + 1),
                                    topic=f"T{i}", state=MeetingState.CLOSED, presenter_id=presenter.id)
        db.session.add(meeting)
        meetings.append((meeting, presenter))
        db.session.add(VcaEquipment(name=f"L{offset + i}", interval_months=12, next_keuring_on=TODAY, active=True))
        db.session.add(VcaInspection(template_id=template.id, site_id=site.id, planned_on=TODAY - dt.timedelta(days=i),
                                     state=InspectionState.PLANNED))
        db.session.add(VcaRiskAssessment(kind=AssessmentKind.TRA, title=f"TRA {i}", subject="x",
                                         assessed_on=TODAY - dt.timedelta(days=30 * i), active=True))
        db.session.add(VcaPpeIssue(employee_id=presenter.id, item="Schoenen", issued_on=TODAY))
    db.session.flush()
    for meeting, presenter in meetings:
        db.session.add(VcaToolboxAttendance(meeting_id=meeting.id, employee_id=presenter.id,
                                            method=AttendanceMethod.SIGNED))
    db.session.commit()


def _count(client, url: str) -> int:
    n = [0]

    def count(*_args):
        n[0] += 1

    event.listen(_db.engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        event.remove(_db.engine, "before_cursor_execute", count)
    assert response.status_code == 200, url
    return n[0]


@pytest.mark.parametrize("url", PAGES)
def test_query_count_does_not_grow_with_the_rows(app, client, db, login_as, url):
    app.config["ITEMS_PER_PAGE"] = 100
    db.session.add(Company(name="X", certification_targets="vca:vca2"))
    db.session.commit()
    login_as(Role.COORDINATOR)
    _seed(db, 3, 0)
    few = _count(client, url)
    _seed(db, 30, 100)
    assert _count(client, url) <= few + 1, url  # one more at most (e.g. a follow-up list that became non-empty)
