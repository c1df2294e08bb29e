"""Company profile, departments, work sites and the employee register shared by every norm."""
import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..audit.models import Audited
from ..extensions import db


class Company(Audited, db.Model):
    """The one organisation this installation serves."""

    __tablename__ = "company"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    #: Chamber of Commerce (KvK) number: 8 digits.
    kvk_number: Mapped[str | None] = mapped_column(String(8))
    address: Mapped[str | None] = mapped_column(Text)
    city: Mapped[str | None] = mapped_column(String(100))
    #: Certification targets per norm, e.g. "vca:vca2,pso:trede3,iso9001:2015".
    certification_targets: Mapped[str | None] = mapped_column(String(255))

    @property
    def targets(self) -> dict[str, str]:
        """Certification targets as {norm code: level or version code}; malformed parts are skipped."""
        pairs = (part.split(":", 1) for part in (self.certification_targets or "").split(",") if ":" in part)
        return {norm.strip(): target.strip() for norm, target in pairs if norm.strip() and target.strip()}


class Department(Audited, db.Model):
    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Site(Audited, db.Model):
    """A place where work is done: an own location or a client's site."""

    __tablename__ = "site"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    client: Mapped[str | None] = mapped_column(String(160))
    address: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Employee(Audited, db.Model):
    """A person who works for the company, with or without a login. No special personal data here:
    target-group status lives in the PSO package's own tables."""

    __tablename__ = "employee"
    __table_args__ = (Index("ix_employee_last_name", "last_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    function: Mapped[str] = mapped_column(String(120))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    #: The person's usual work location (own location or client site).
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"), index=True)
    #: The master trainer who supervises this person (apprentices).
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"), index=True)
    #: Login account of this person, if any.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), unique=True)
    is_master_trainer: Mapped[bool] = mapped_column(Boolean, default=False)
    is_apprentice: Mapped[bool] = mapped_column(Boolean, default=False)
    is_supervisor: Mapped[bool] = mapped_column(Boolean, default=False)
    hired_on: Mapped[dt.date]
    left_on: Mapped[dt.date | None]

    department: Mapped[Department | None] = relationship(lazy="joined")
    site: Mapped[Site | None] = relationship(lazy="joined")
    mentor: Mapped["Employee | None"] = relationship(remote_side=[id], lazy="joined", join_depth=1)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"
