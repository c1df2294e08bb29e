"""Outgoing webhook subscriptions and the log of their deliveries."""
from __future__ import annotations

import datetime as dt
import enum
import json

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..audit.models import Audited
from ..database import enum_column, utcnow
from ..extensions import db


class DeliveryState(str, enum.Enum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class WebhookSubscription(Audited, db.Model):
    """An administrator's subscription: these events are POSTed, signed, to this URL."""

    __tablename__ = "webhook_subscription"
    __audit_secret__ = frozenset({"secret"})

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(String(200), default="")
    #: Key of the HMAC-SHA256 signature; shown to administrators so the receiver can check it.
    secret: Mapped[str] = mapped_column(String(80))
    #: JSON list of event names (see qms.webhooks.events.EVENTS).
    events: Mapped[str] = mapped_column(Text, default="[]")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: An administrator allowed a target on a loopback or private address (e.g. an on-premises system).
    allow_private: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    @property
    def event_set(self) -> frozenset[str]:
        return frozenset(json.loads(self.events or "[]"))


class WebhookDelivery(db.Model):
    """One event for one subscription, tried until delivered or out of attempts (a log, not audited)."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (UniqueConstraint("subscription_id", "event_key", name="uq_webhook_delivery_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("webhook_subscription.id", ondelete="CASCADE"),
                                                 index=True)
    event: Mapped[str] = mapped_column(String(60))
    #: Once-only key of the event (e.g. "action.overdue:12:2026-12-01"): the same event is sent once.
    event_key: Mapped[str] = mapped_column(String(160))
    payload: Mapped[str] = mapped_column(Text)
    state: Mapped[DeliveryState] = mapped_column(
        enum_column(DeliveryState),
        default=DeliveryState.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[dt.datetime | None]

    subscription: Mapped[WebhookSubscription] = relationship()
    tries: Mapped[list["WebhookAttempt"]] = relationship(order_by="WebhookAttempt.id", lazy="selectin",
                                                         cascade="all, delete-orphan")


class WebhookAttempt(db.Model):
    """One HTTP attempt of a delivery and what the receiver answered."""

    __tablename__ = "webhook_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_delivery.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    status_code: Mapped[int | None]
    #: The start of the receiver's answer (at most 2,000 characters).
    response_body: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
