"""Customer feedback and complaints (9.1.2, 8.7) and customer satisfaction results."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...core.enums import LabelledEnum, labels
from ...audit.models import Audited
from ...auth.models import User
from ...database import enum_column, utcnow
from ...extensions import db
from ...organisation.models import Site


class Channel(LabelledEnum):
    PHONE = "phone"
    EMAIL = "email"
    IN_PERSON = "in_person"
    LOGBOOK = "logbook"
    WEBSITE = "website"
    OTHER = "other"


CHANNEL_LABELS = labels(Channel, {
    Channel.PHONE: _l("Phone"), Channel.EMAIL: _l("E-mail"), Channel.IN_PERSON: _l("In person"),
    Channel.LOGBOOK: _l("Site logbook"), Channel.WEBSITE: _l("Website or app"), Channel.OTHER: _l("Other"),
})


class FeedbackKind(LabelledEnum):
    COMPLAINT = "complaint"
    FEEDBACK = "feedback"
    COMPLIMENT = "compliment"


labels(FeedbackKind, {FeedbackKind.COMPLAINT: _l("Complaint"), FeedbackKind.FEEDBACK: _l("Suggestion or remark"),
                      FeedbackKind.COMPLIMENT: _l("Compliment")})


class ComplaintState(LabelledEnum):
    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    ANSWERED = "answered"
    CLOSED = "closed"


labels(ComplaintState, {ComplaintState.RECEIVED: _l("Received"), ComplaintState.IN_PROGRESS: _l("Being handled"),
                        ComplaintState.ANSWERED: _l("Answered"), ComplaintState.CLOSED: _l("Closed")})


#: Allowed state changes; a closed complaint is a record and is not reopened or changed.
COMPLAINT_TRANSITIONS = {
    ComplaintState.RECEIVED: {ComplaintState.IN_PROGRESS, ComplaintState.CLOSED},
    ComplaintState.IN_PROGRESS: {ComplaintState.ANSWERED},
    ComplaintState.ANSWERED: {ComplaintState.IN_PROGRESS, ComplaintState.CLOSED},
    ComplaintState.CLOSED: set(),
}


class Complaint(Audited, db.Model):
    """Customer feedback or a complaint from any channel, handled before its deadline."""

    __tablename__ = "iso_complaint"
    __table_args__ = (Index("ix_iso_complaint_state_deadline", "state", "deadline"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "KL-2026-0007"
    number: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[FeedbackKind] = mapped_column(enum_column(FeedbackKind), default=FeedbackKind.COMPLAINT)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))
    received_on: Mapped[dt.date] = mapped_column(index=True)
    client: Mapped[str] = mapped_column(String(200))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"), index=True)
    contact: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    deadline: Mapped[dt.date]
    state: Mapped[ComplaintState] = mapped_column(enum_column(ComplaintState), default=ComplaintState.RECEIVED)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    #: What we did and told the client.
    response: Mapped[str | None] = mapped_column(Text)
    answered_on: Mapped[dt.date | None]
    closed_on: Mapped[dt.date | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    site: Mapped[Site | None] = relationship(lazy="joined")
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id], lazy="joined")


class SatisfactionResult(Audited, db.Model):
    """A customer satisfaction measurement: a survey or evaluation meeting with one client (9.1.2)."""

    __tablename__ = "iso_satisfaction"

    id: Mapped[int] = mapped_column(primary_key=True)
    surveyed_on: Mapped[dt.date] = mapped_column(index=True)
    client: Mapped[str] = mapped_column(String(200))
    #: Score on a 1–10 scale (Dutch report mark).
    score: Mapped[Decimal] = mapped_column(Numeric(4, 1))
    method: Mapped[str | None] = mapped_column(String(120))
    remarks: Mapped[str | None] = mapped_column(Text)
