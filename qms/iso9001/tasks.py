"""ISO 9001's start-page tasks: a master trainer's apprentices with learning steps still to sign off (one
query, counted per apprentice in the database). Registered on the registry in the setup."""
from __future__ import annotations

import datetime as dt

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import exists, func, or_, select

from qms.core.tasks import first_rows, listed
from qms.norms import Task, TaskSource
from qms.organisation.models import Employee

from .models import LearningAssignment, LearningStep, StepSignoff


def learning_tasks(user, today: dt.date):
    mentor = select(Employee.id).where(Employee.user_id == user.id, Employee.is_master_trainer.is_(True))
    stmt = (select(Employee.id, Employee.first_name, Employee.last_name, func.count(LearningStep.id).label("steps"))
            .join(LearningAssignment, LearningAssignment.employee_id == Employee.id)
            .join(LearningStep, LearningStep.path_id == LearningAssignment.path_id)
            .where(Employee.mentor_id.in_(mentor), Employee.is_apprentice.is_(True),
                   or_(Employee.left_on.is_(None), Employee.left_on > today),
                   ~exists().where(StepSignoff.employee_id == Employee.id, StepSignoff.step_id == LearningStep.id))
            .group_by(Employee.id, Employee.first_name, Employee.last_name)
            .order_by(Employee.last_name, Employee.first_name, Employee.id))
    rows, total = first_rows(stmt)
    return listed(rows, total,
                  lambda r: Task(_("Sign off learning steps of %(name)s", name=f"{r.first_name} {r.last_name}"),
                                 url_for("iso9001.apprentice", employee_id=r.id),
                                 detail=ngettext("%(num)s step open", "%(num)s steps open", r.steps)),
                  lambda n: Task(ngettext("%(num)s more apprentice with steps to sign off",
                                          "%(num)s more apprentices with steps to sign off", n),
                                 url_for("iso9001.learning")))


SOURCES = (TaskSource("iso9001.learning", "iso9001.learning", learning_tasks, order=50),)
