"""Competence (7.2): functions with required competences, who holds which function, and learning paths."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...audit.models import Audited
from ...auth.models import User
from ...database import utcnow
from ...extensions import db
from ...organisation.models import Employee


class JobFunction(Audited, db.Model):
    """A function (role in the work) with the competences it requires."""

    __tablename__ = "iso_function"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    competences: Mapped[list["Competence"]] = relationship(back_populates="function", order_by="Competence.id")


class Competence(Audited, db.Model):
    """A competence a function requires. Met by a valid training record of ``training_kind`` (qms.training),
    optionally whose title contains ``training_title``; or, without a training kind, by recorded evidence."""

    __tablename__ = "iso_competence"

    id: Mapped[int] = mapped_column(primary_key=True)
    function_id: Mapped[int] = mapped_column(ForeignKey("iso_function.id"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    #: A qms.training kind code (b_vca, vol_vca, bhv, first_aid, other …) or None.
    training_kind: Mapped[str | None] = mapped_column(String(20))
    training_title: Mapped[str | None] = mapped_column(String(120))

    function: Mapped[JobFunction] = relationship(back_populates="competences")


class EmployeeFunction(Audited, db.Model):
    """An employee holds a function (a person may hold several)."""

    __tablename__ = "iso_employee_function"
    __table_args__ = (UniqueConstraint("employee_id", "function_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    function_id: Mapped[int] = mapped_column(ForeignKey("iso_function.id"), index=True)


class CompetenceEvidence(Audited, db.Model):
    """Evidence of a competence that is not a training record (assessment on the job, experience)."""

    __tablename__ = "iso_competence_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    competence_id: Mapped[int] = mapped_column(ForeignKey("iso_competence.id"), index=True)
    obtained_on: Mapped[dt.date]
    valid_until: Mapped[dt.date | None]
    note: Mapped[str | None] = mapped_column(String(500))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class LearningPath(Audited, db.Model):
    """The steps an apprentice goes through (BBL), e.g. "Glazenwasser niveau 2"."""

    __tablename__ = "iso_learning_path"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    description: Mapped[str | None] = mapped_column(Text)

    steps: Mapped[list["LearningStep"]] = relationship(back_populates="path", order_by="LearningStep.position")


class LearningStep(Audited, db.Model):
    __tablename__ = "iso_learning_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    path_id: Mapped[int] = mapped_column(ForeignKey("iso_learning_path.id"), index=True)
    position: Mapped[int] = mapped_column(SmallInteger)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)

    path: Mapped[LearningPath] = relationship(back_populates="steps")


class LearningAssignment(Audited, db.Model):
    """An apprentice follows a learning path."""

    __tablename__ = "iso_learning_assignment"
    __table_args__ = (UniqueConstraint("employee_id", "path_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    path_id: Mapped[int] = mapped_column(ForeignKey("iso_learning_path.id"), index=True)
    started_on: Mapped[dt.date]

    employee: Mapped[Employee] = relationship(lazy="joined")
    path: Mapped[LearningPath] = relationship(lazy="joined")


class StepSignoff(Audited, db.Model):
    """A master trainer's sign-off of one step for one apprentice: a record, never changed or removed."""

    __tablename__ = "iso_step_signoff"
    __table_args__ = (UniqueConstraint("employee_id", "step_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("iso_learning_step.id"), index=True)
    #: The master trainer (employee) who signed, and the login they signed with.
    signed_by_employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    signed_by_user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    signed_on: Mapped[dt.date]
    signed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    note: Mapped[str | None] = mapped_column(String(500))

    signed_by_user: Mapped[User] = relationship(lazy="joined")
