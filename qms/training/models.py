"""Training records: one certificate or completed course of one employee."""
import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..audit.models import Audited
from ..database import utcnow
from ..extensions import db
from ..organisation.models import Employee
from ..uploads.models import StoredFile
from .rules import DiplomaKind


#: The core's kinds of training; the enabled norms add their diplomas (see :func:`kinds`).
CORE_KINDS = (
    DiplomaKind("bhv", _l("BHV (emergency response)")),
    DiplomaKind("first_aid", _l("First aid")),
    DiplomaKind("other", _l("Other training")),
)


def kinds() -> dict[str, DiplomaKind]:
    """Every kind of training record in this app: the norms' diplomas first, then the core's."""
    from ..norms import registry

    return {**registry().diploma_kinds, **{k.code: k for k in CORE_KINDS}}


def kind_label(code: str) -> str:
    """The kind's label; a kind whose norm is no longer enabled shows its stored code."""
    found = kinds().get(code)
    return str(found.label) if found else code


class TrainingRecord(Audited, db.Model):
    """A diploma, certificate or completed course of one employee."""

    __tablename__ = "training_record"
    __table_args__ = (Index("ix_training_record_valid_until", "valid_until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    #: A kind code of :func:`kinds` (a norm's diploma or one of the core's).
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    #: Certificate number; for a diploma kept in a central register, its number there.
    number: Mapped[str | None] = mapped_column(String(60))
    #: Exam date or the day the course was completed.
    completed_on: Mapped[dt.date] = mapped_column(Date)
    #: Last day the certificate is valid; None for training that does not expire.
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    #: Scan or photo of the certificate (qms.uploads).
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    employee: Mapped[Employee] = relationship(lazy="joined")
    file: Mapped[StoredFile | None] = relationship()

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    @property
    def exam_date(self) -> dt.date:
        return self.completed_on


from ..audit.services import name_entity_type  # noqa: E402

name_entity_type("training_record", _l("Training record"))
