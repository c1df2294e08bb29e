"""External providers (8.4): evaluations of suppliers from the core supplier register."""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, SmallInteger, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...core.enums import LabelledEnum, labels
from ...audit.models import Audited
from ...auth.models import User
from ...database import enum_column, utcnow
from ...extensions import db
from ...suppliers.models import Supplier


class Decision(LabelledEnum):
    APPROVED = "approved"
    CONDITIONAL = "conditional"
    REJECTED = "rejected"


labels(Decision, {Decision.APPROVED: _l("Approved"), Decision.CONDITIONAL: _l("Approved with conditions"),
                  Decision.REJECTED: _l("Not approved")})


class SupplierEvaluation(Audited, db.Model):
    """One evaluation of a supplier against the criteria (1–5 each); frozen once recorded."""

    __tablename__ = "iso_supplier_evaluation"
    __table_args__ = (Index("ix_iso_supplier_evaluation_supplier_on", "supplier_id", "evaluated_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id"))
    evaluated_on: Mapped[dt.date]
    evaluated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    quality: Mapped[int] = mapped_column(SmallInteger)
    delivery: Mapped[int] = mapped_column(SmallInteger)
    communication: Mapped[int] = mapped_column(SmallInteger)
    price: Mapped[int] = mapped_column(SmallInteger)
    sustainability: Mapped[int] = mapped_column(SmallInteger)
    #: Weighted score 0–100 (qms.iso9001.scoring.supplier_score), stored so history never shifts.
    score: Mapped[int] = mapped_column(SmallInteger)
    decision: Mapped[Decision] = mapped_column(enum_column(Decision))
    next_evaluation: Mapped[dt.date] = mapped_column(index=True)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    supplier: Mapped[Supplier] = relationship(lazy="joined")
    evaluated_by: Mapped[User | None] = relationship(lazy="joined")
