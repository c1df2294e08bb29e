"""Management review meetings and their decisions (a decision may be tracked as an action)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Text, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..actions.models import CorrectiveAction
from ..audit.models import Audited
from ..auth.models import User
from ..database import enum_column, utcnow
from ..extensions import db
from .rules import ReviewState


class Review(Audited, db.Model):
    __tablename__ = "review"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    #: Date of the meeting (planned, then held).
    meeting_on: Mapped[dt.date] = mapped_column(Date)
    chair_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    attendees: Mapped[str | None] = mapped_column(Text)
    state: Mapped[ReviewState] = mapped_column(
        enum_column(ReviewState, strict=True), default=ReviewState.PLANNED)
    conclusions: Mapped[str | None] = mapped_column(Text)
    #: The input pack as the meeting saw it (JSON), frozen when the meeting is marked as held.
    input_pack: Mapped[str | None] = mapped_column(Text)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    chair: Mapped[User] = relationship(lazy="joined")
    decisions: Mapped[list["ReviewDecision"]] = relationship(back_populates="review", order_by="ReviewDecision.id",
                                                             lazy="selectin")


class ReviewDecision(Audited, db.Model):
    """A decision of the review; when someone must act on it, it is tracked as an action."""

    __tablename__ = "review_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("corrective_action.id"))

    review: Mapped[Review] = relationship(back_populates="decisions")
    action: Mapped[CorrectiveAction | None] = relationship(lazy="joined")


def _name_entity_types() -> None:
    from flask_babel import lazy_gettext as _l

    from ..audit.services import name_entity_type

    name_entity_type("review", _l("Management review"))
    name_entity_type("review_decision", _l("Decision of a management review"))


_name_entity_types()
