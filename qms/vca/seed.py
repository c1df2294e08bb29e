"""Benchmark data for the VCA pages (``make bench``): every seeded employee on risky work with a diploma, a
year of monthly toolbox meetings with full attendance lists, 500 items of equipment and a year of inspections.
Bulk inserts, once per database."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, insert, select

from qms.extensions import db
from qms.organisation.models import Employee
from qms.training.models import TrainingRecord

from .models import (InspectionState, MeetingState, VcaEquipment, VcaInspection, VcaInspectionTemplate,
                     VcaToolboxAttendance, VcaToolboxMeeting, VcaWorker)
from .rules import add_months


def bench_vca_args(app) -> dict:
    """Seed the VCA registers once; the VCA pages take no URL arguments."""
    with app.app_context():
        if db.session.scalar(select(func.count()).select_from(VcaToolboxMeeting)):
            return {}
        today = dt.date.today()
        people = db.session.execute(select(Employee.id, Employee.hired_on).where(Employee.left_on.is_(None))).all()
        db.session.execute(insert(VcaWorker), [
            {"employee_id": p.id, "risky_work_since": p.hired_on, "engagement": "own"} for p in people])
        db.session.execute(insert(TrainingRecord), [
            {"employee_id": p.id, "kind": "b_vca", "title": "B-VCA", "number": f"CDR{p.id:07d}",
             "completed_on": today - dt.timedelta(days=400 + p.id % 3000),
             "valid_until": today + dt.timedelta(days=3000 - p.id % 3000)} for p in people if p.id % 10])
        for i in range(12):
            day = add_months(today, -i - 1)
            meeting = VcaToolboxMeeting(planned_on=day, held_on=day, topic=f"Toolbox {i}", state=MeetingState.CLOSED)
            db.session.add(meeting)
            db.session.flush()
            db.session.execute(insert(VcaToolboxAttendance), [
                {"meeting_id": meeting.id, "employee_id": p.id, "method": "signed"}
                for p in people if (p.id + i) % 7 and p.hired_on <= day])
        db.session.execute(insert(VcaEquipment), [
            {"name": f"Ladder {n}", "code": f"LD-{n}", "interval_months": 12, "active": True,
             "last_keuring_on": add_months(today, -(n % 14)), "next_keuring_on": add_months(today, 12 - n % 14)}
            for n in range(500)])
        template = VcaInspectionTemplate(name="Werkplek", items="PBM\nAfzetting\nMiddelen", active=True)
        db.session.add(template)
        db.session.flush()
        db.session.execute(insert(VcaInspection), [
            {"template_id": template.id, "planned_on": today - dt.timedelta(days=n), "state": InspectionState.DONE.value,
             "done_on": today - dt.timedelta(days=n)} for n in range(0, 365, 3)])
        db.session.commit()
    return {}
