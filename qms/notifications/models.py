"""Notifications shown in the app (and mailed). Messages, not records: they are not written to the audit trail;
the change that caused one is."""
import datetime as dt
import enum

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..audit.models import Audited
from ..database import utcnow
from ..extensions import db


class Notification(db.Model):
    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("user_id", "key", name="uq_notification_user_key"),
        Index("ix_notification_user_unread", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    #: Once-only key (e.g. "document-review:12:2026-12-01"); a user never gets two notifications with one key.
    key: Mapped[str | None] = mapped_column(String(200))
    #: Subject and body in the recipient's language at the time of sending.
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    #: Path on this site where the notification leads.
    url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    read_at: Mapped[dt.datetime | None]


class Delivery(str, enum.Enum):
    """How a user receives the daily reminders."""

    #: One message a day listing everything due, counted per kind (the default).
    DIGEST = "digest"
    #: A notification and an e-mail for every reminder.
    IMMEDIATE = "immediate"


class NotificationPreference(Audited, db.Model):
    """A user's choice of reminder delivery; without a row the user gets the daily digest."""

    __tablename__ = "notification_preference"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    reminders: Mapped[str] = mapped_column(String(20), default=Delivery.DIGEST.value)


class ReminderSent(db.Model):
    """A reminder (by its once-only key) that went out to a user in a digest, so no later digest repeats it."""

    __tablename__ = "reminder_sent"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_reminder_sent_user_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    #: The day of the digest that carried it.
    sent_on: Mapped[dt.date] = mapped_column(Date)
