"""VCA's start-page tasks: toolbox meetings open for my signature, my VCA diploma expiring, and for VCA
managers the diplomas expiring in the company. Registered on the registry in the setup."""
from __future__ import annotations

import datetime as dt

from flask import url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from qms.core.tasks import first_rows, listed, urgency_of
from qms.extensions import db
from qms.norms import Task, TaskSource
from qms.organisation.models import Employee
from qms.training.models import TrainingRecord

from .models import DIPLOMA_LABELS, MeetingState, VcaToolboxAttendance, VcaToolboxMeeting

#: A held meeting stays on the attendees' task list this long.
SIGN_DAYS = 30
#: A diploma shows as a task from this many days before it expires.
DIPLOMA_SOON_DAYS = 90


def toolbox_tasks(user, today: dt.date):
    me = select(Employee.id).where(Employee.user_id == user.id).limit(1).scalar_subquery()
    stmt = (select(VcaToolboxMeeting.id, VcaToolboxMeeting.topic, VcaToolboxMeeting.held_on)
            .where(VcaToolboxMeeting.state == MeetingState.HELD,
                   VcaToolboxMeeting.held_on >= today - dt.timedelta(days=SIGN_DAYS),
                   exists().where(Employee.user_id == user.id),
                   ~exists().where(VcaToolboxAttendance.meeting_id == VcaToolboxMeeting.id,
                                   VcaToolboxAttendance.employee_id == me))
            .order_by(VcaToolboxMeeting.held_on.desc(), VcaToolboxMeeting.id))
    rows, total = first_rows(stmt)
    return listed(rows, total,
                  lambda r: Task(_("Sign the toolbox meeting \"%(topic)s\"", topic=r.topic),
                                 url_for("vca.sign", meeting_id=r.id), urgency="due",
                                 detail=_("held on %(date)s", date=format_date(r.held_on)) if r.held_on else ""),
                  lambda n: Task(ngettext("%(num)s more toolbox meeting to sign", "%(num)s more toolbox meetings to sign",
                                          n), url_for("vca.my_toolbox"), urgency="due"))


def _latest_expiring(today: dt.date):
    """VCA diplomas expiring within the window (or expired) that no later diploma of the same kind replaces."""
    newer = aliased(TrainingRecord)
    return and_(TrainingRecord.kind.in_(list(DIPLOMA_LABELS)), TrainingRecord.valid_until.is_not(None),
                TrainingRecord.valid_until <= today + dt.timedelta(days=DIPLOMA_SOON_DAYS),
                ~exists().where(newer.employee_id == TrainingRecord.employee_id, newer.kind == TrainingRecord.kind,
                                or_(newer.valid_until.is_(None), newer.valid_until > TrainingRecord.valid_until)))


def own_diploma_tasks(user, today: dt.date):
    rows = db.session.execute(
        select(TrainingRecord.id, TrainingRecord.kind, TrainingRecord.valid_until)
        .join(Employee, Employee.id == TrainingRecord.employee_id)
        .where(Employee.user_id == user.id, _latest_expiring(today))
        .order_by(TrainingRecord.valid_until).limit(3)).all()
    tasks = []
    for r in rows:
        label = str(DIPLOMA_LABELS[r.kind])
        if r.valid_until < today:
            text = _("Your %(diploma)s expired on %(date)s", diploma=label, date=format_date(r.valid_until))
        else:
            text = _("Your %(diploma)s expires on %(date)s", diploma=label, date=format_date(r.valid_until))
        tasks.append(Task(text, url_for("training.mine"), urgency=urgency_of(r.valid_until, today, 30),
                          due=r.valid_until, detail=_("Plan the exam in time")))
    return tasks


def company_diploma_tasks(user, today: dt.date):
    employed = or_(Employee.left_on.is_(None), Employee.left_on > today)
    expired, expiring = db.session.execute(
        select(func.count().filter(TrainingRecord.valid_until < today),
               func.count().filter(TrainingRecord.valid_until >= today))
        .select_from(TrainingRecord).join(Employee, Employee.id == TrainingRecord.employee_id)
        .where(employed, _latest_expiring(today))).one()
    tasks = []
    if expired:
        tasks.append(Task(ngettext("%(num)s VCA diploma has expired", "%(num)s VCA diplomas have expired", expired),
                          url_for("vca.diplomas"), urgency="overdue"))
    if expiring:
        tasks.append(Task(ngettext("%(num)s VCA diploma expires within %(days)s days",
                                   "%(num)s VCA diplomas expire within %(days)s days", expiring,
                                   days=DIPLOMA_SOON_DAYS), url_for("vca.diplomas"), urgency="due"))
    return tasks


SOURCES = (TaskSource("vca.toolbox", "vca.sign", toolbox_tasks, order=45),
           TaskSource("vca.own_diplomas", "vca.sign", own_diploma_tasks, order=55),
           TaskSource("vca.diplomas", "vca.manage", company_diploma_tasks, order=56))
