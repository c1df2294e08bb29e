"""Speak-up reports (Wet bescherming klokkenluiders): cases, the messages between reporter and counsellor,
photos, the reporter's access attempts and the channel's settings.

What the reporter wrote is ``__audit_secret__``: the trail records that it changed, never its value, so a
coordinator or auditor reading the trail learns nothing of the report. The reporter's secret is stored only as
an argon2 hash; no address, no user account and no original file name is ever stored."""
from __future__ import annotations

import datetime as dt
from functools import partial

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..audit.models import Audited
from ..database import enum_column, utcnow
from ..extensions import db
from ..uploads.models import StoredFile
from .workflow import Author, CaseState, Category, MessageKind


#: This package's enum columns: the member values in up to 24 characters, an unknown string refused.
_enum = partial(enum_column, length=24, strict=True)


class SpeakupCase(Audited, db.Model):
    """One integrity report and its handling by the confidential counsellor."""

    __tablename__ = "speakup_case"
    __audit_secret__ = frozenset({"code", "secret_hash", "subject", "description", "reporter_name",
                                  "reporter_contact"})
    #: Failed secrets and the lockout are bookkeeping, not changes to the case.
    __audit_ignore__ = frozenset({"failed_attempts", "locked_until"})
    __table_args__ = (Index("ix_speakup_case_state_received", "state", "received_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "MLD-2026-0003": the handler's record number (year of receipt and a sequence).
    number: Mapped[str] = mapped_column(String(20), unique=True)
    #: The case code the reporter keeps, random so it says nothing about order or time ("K7QM-4XPD-93HT").
    code: Mapped[str] = mapped_column(String(20), unique=True)
    #: argon2 hash of the secret the reporter chose; with the code it opens the mailbox.
    secret_hash: Mapped[str] = mapped_column(String(255))
    category: Mapped[Category] = mapped_column(_enum(Category))
    state: Mapped[CaseState] = mapped_column(_enum(CaseState), default=CaseState.RECEIVED)
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Only when the reporter chose to give them: seen by the counsellor alone.
    reporter_name: Mapped[str | None] = mapped_column(String(160))
    reporter_contact: Mapped[str | None] = mapped_column(String(160))
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: Local calendar day of receipt (Europe/Amsterdam): the legal terms count from it.
    received_on: Mapped[dt.date] = mapped_column(Date)
    acknowledged_at: Mapped[dt.datetime | None]
    acknowledged_on: Mapped[dt.date | None] = mapped_column(Date)
    feedback_at: Mapped[dt.datetime | None]
    feedback_on: Mapped[dt.date | None] = mapped_column(Date)
    closed_at: Mapped[dt.datetime | None]
    #: One-time token of the form that created it: a second submission finds this case.
    submission_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: Wrong secrets in a row for this code, and until when the code is locked after too many.
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None]

    messages: Mapped[list["SpeakupMessage"]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="SpeakupMessage.id", lazy="selectin")
    photos: Mapped[list["SpeakupPhoto"]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="SpeakupPhoto.id", lazy="selectin")

    @property
    def reporter_messages(self) -> list["SpeakupMessage"]:
        """What the reporter sees: their own messages and the counsellor's messages to them, never notes."""
        return [m for m in self.messages if m.kind is not MessageKind.INTERNAL_NOTE]


class SpeakupMessage(Audited, db.Model):
    """A message in a case: from the reporter, to the reporter, or an internal note of the counsellor."""

    __tablename__ = "speakup_message"
    __audit_secret__ = frozenset({"body"})

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("speakup_case.id", ondelete="CASCADE"), index=True)
    author: Mapped[Author] = mapped_column(_enum(Author))
    kind: Mapped[MessageKind] = mapped_column(_enum(MessageKind))
    #: The counsellor who wrote it (None for the reporter's messages).
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    case: Mapped[SpeakupCase] = relationship(back_populates="messages")


class SpeakupPhoto(Audited, db.Model):
    """A photo sent with a report, re-encoded without metadata and under a neutral file name."""

    __tablename__ = "speakup_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("speakup_case.id", ondelete="CASCADE"), index=True)
    stored_file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id"), unique=True)

    case: Mapped[SpeakupCase] = relationship(back_populates="photos")
    stored_file: Mapped[StoredFile] = relationship(lazy="joined")


class SpeakupAttempt(db.Model):
    """A report sent or a mailbox opened, counted for the rate limit: a keyed hash of the address and the hour
    only, so it cannot be tied to the case it belongs to."""

    __tablename__ = "speakup_attempt"
    __table_args__ = (Index("ix_speakup_attempt_key_hour", "kind", "key", "hour"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "report" or "mailbox".
    kind: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(64))
    hour: Mapped[dt.datetime]


class SpeakupSettings(Audited, db.Model):
    """Settings of the speak-up channel (one row)."""

    __tablename__ = "speakup_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The controlled document that holds the company's reporting procedure; its published version is shown.
    procedure_document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
