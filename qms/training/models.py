"""Training records: one certificate or completed course of one employee."""
import datetime as dt
import enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..audit.models import Audited
from ..database import utcnow
from ..extensions import db
from ..organisation.models import Employee
from ..uploads.models import StoredFile


class TrainingKind(str, enum.Enum):
    B_VCA = "b_vca"
    VOL_VCA = "vol_vca"
    VIL_VCU = "vil_vcu"
    BHV = "bhv"
    FIRST_AID = "first_aid"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self])


KIND_LABELS = {
    TrainingKind.B_VCA: _l("B-VCA (basic safety)"),
    TrainingKind.VOL_VCA: _l("VOL-VCA (operational supervisor)"),
    TrainingKind.VIL_VCU: _l("VIL-VCU (agency intermediary)"),
    TrainingKind.BHV: _l("BHV (emergency response)"),
    TrainingKind.FIRST_AID: _l("First aid"),
    TrainingKind.OTHER: _l("Other training"),
}


class TrainingRecord(Audited, db.Model):
    """A diploma, certificate or completed course of one employee."""

    __tablename__ = "training_record"
    __table_args__ = (Index("ix_training_record_valid_until", "valid_until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    kind: Mapped[TrainingKind] = mapped_column(Enum(TrainingKind, native_enum=False, length=20,
                                                    values_callable=lambda e: [m.value for m in e]))
    title: Mapped[str] = mapped_column(String(200))
    #: Certificate number; for VCA diplomas the Centraal Diploma Register (CDR) number.
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
    def exam_date(self) -> dt.date:
        return self.completed_on


from ..audit.services import name_entity_type  # noqa: E402

name_entity_type("training_record", _l("Training record"))
