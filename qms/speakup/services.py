"""Taking in and handling speak-up reports. Every function flushes, never commits; the view commits once.

Nothing identifies a reporter: no account, no address (the rate limit keeps a keyed hash per hour only),
photos re-encoded without metadata under a neutral name. The reporter returns with the case code and a secret
of their own (only its argon2 hash is kept); too many wrong secrets lock the code for a while. Notifications
say that something arrived, never what: the report text stays in this package's pages."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from flask_babel import to_user_timezone
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from ..audit.services import record
from ..auth.models import User, active_users_holding
from ..auth.passwords import hash_password, verify_password
from ..core.errors import FieldError
from ..core.loaders import get_row
from ..database import utcnow
from ..documents.models import Document, DocumentVersion, VersionState
from ..extensions import db
from ..permissions import Role
from ..uploads import services as uploads
from .models import SpeakupAttempt, SpeakupCase, SpeakupMessage, SpeakupPhoto, SpeakupSettings
from .workflow import (Author, CaseDates, CaseState, Category, MessageKind, YearFigures, acknowledge_due,
                       feedback_due, year_figures)

MAX_PHOTOS = 3
MIN_SECRET = 8
#: Letters and digits that cannot be mistaken for each other when read from a note (no 0/O, 1/I/L).
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


class SpeakupError(FieldError):
    """A refusal with the field it belongs to ("" for the form as a whole)."""


class RateLimited(Exception):
    """Too many reports or mailbox openings from one address within the hour."""


class Locked(Exception):
    """Too many wrong secrets for this case code: it is locked for a while."""


def local_now() -> dt.datetime:
    return to_user_timezone(utcnow()).replace(tzinfo=None)


def new_submission_token() -> str:
    return secrets.token_urlsafe(24)


def _new_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_code(code: str | None) -> str:
    """What the reporter typed, as stored: capitals, dashes in place, spaces and other signs dropped."""
    raw = "".join(c for c in (code or "").upper() if c.isalnum())[:12]
    return "-".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def _next_number(year: int) -> str:
    prefix = f"MLD-{year}-"
    last = db.session.scalar(select(func.max(SpeakupCase.number)).where(SpeakupCase.number.like(prefix + "%")))
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


# --- who is told -----------------------------------------------------------------------------------------

def counsellors() -> list[User]:
    return active_users_holding(Role.COUNSELLOR)


def administrators() -> list[User]:
    return active_users_holding(Role.ADMIN)


def case_path(case_id: int) -> str:
    """The counsellor's case page, also outside a request (the daily reminders)."""
    return current_app.url_map.bind("localhost").build("speakup.case", {"case_id": case_id})


def _tell_counsellors(case: SpeakupCase, subject, key: str) -> None:
    """A notification without the report's content: only that something arrived and where to read it."""
    from ..notifications import services as notifications

    notifications.notify(counsellors(), subject, lambda: _("Open the case in QMS to read it."),
                         url=case_path(case.id), key=key)


# --- the report ----------------------------------------------------------------------------------------------

@dataclass
class ReportData:
    category: Category
    subject: str
    description: str
    secret: str
    anonymous: bool = True
    reporter_name: str | None = None
    reporter_contact: str | None = None


def _check_secret(secret: str) -> None:
    if len(secret or "") < MIN_SECRET:
        raise SpeakupError("secret", _("Choose a secret of at least %(n)s characters.", n=MIN_SECRET))


def report(data: ReportData, *, token: str | None, photos=()) -> tuple[SpeakupCase, bool]:
    """Record a report; returns (case, created). The same form sent twice gives the first case."""
    existing = db.session.scalar(select(SpeakupCase).where(SpeakupCase.submission_token == token)) if token else None
    if existing is not None:
        return existing, False
    _check_secret(data.secret)
    if not data.anonymous and not (data.reporter_name or "").strip():
        raise SpeakupError("reporter_name", _("Fill in your name, or choose to stay anonymous."))
    photos = [p for p in photos if p is not None and getattr(p, "filename", "")]
    if len(photos) > MAX_PHOTOS:
        raise SpeakupError("photos", _("Add at most %(n)s photos.", n=MAX_PHOTOS))
    now = utcnow()
    case = SpeakupCase(
        number=_next_number(local_now().year), code=_new_code(), secret_hash=hash_password(data.secret),
        category=data.category, subject=data.subject, description=data.description, anonymous=data.anonymous,
        reporter_name=None if data.anonymous else data.reporter_name,
        reporter_contact=None if data.anonymous else (data.reporter_contact or None),
        received_at=now, received_on=local_now().date(), submission_token=token or None)
    for attempt in range(3):  # a number or code taken by a concurrent report is drawn again
        savepoint = db.session.begin_nested()
        try:
            db.session.add(case)
            db.session.flush()
            savepoint.commit()
            break
        except IntegrityError:
            savepoint.rollback()
            if attempt == 2:
                raise
            case.number, case.code = _next_number(local_now().year), _new_code()
    for upload in photos:
        upload.filename = "photo" + _suffix(upload.filename)  # the original name may name the sender
        try:
            stored = uploads.store(upload, allowed={"image"})
        except uploads.UploadRejected as error:
            raise SpeakupError("photos", str(error)) from None
        db.session.add(SpeakupPhoto(case_id=case.id, stored_file_id=stored.id))
    db.session.flush()
    _tell_counsellors(case, lambda number=case.number: _("New speak-up report %(number)s", number=number),
                      f"speakup-new-{case.id}")
    return case, True


def _suffix(filename: str) -> str:
    dot = filename.rfind(".")
    return filename[dot:][:6] if dot > 0 else ".jpg"


# --- the rate limit and the reporter's return -------------------------------------------------------------

def _attempt_key(ip: str | None) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, b"speakup:" + (ip or "unknown").encode(), hashlib.sha256).hexdigest()


def check_allowance(kind: str, ip: str | None) -> None:
    """Count a report or a mailbox opening against the address's hourly limit (keyed hash and hour only)."""
    now = utcnow()
    hour = now.replace(minute=0, second=0, microsecond=0)
    key = _attempt_key(ip)
    limit = current_app.config.get("SPEAKUP_MAX_PER_HOUR", {"report": 10, "mailbox": 30})[kind]
    db.session.execute(delete(SpeakupAttempt).where(SpeakupAttempt.hour < hour - dt.timedelta(days=1)))
    used = db.session.scalar(select(func.count()).select_from(SpeakupAttempt).where(
        SpeakupAttempt.kind == kind, SpeakupAttempt.key == key, SpeakupAttempt.hour >= hour)) or 0
    if used >= limit:
        raise RateLimited()
    db.session.add(SpeakupAttempt(kind=kind, key=key, hour=hour))
    db.session.flush()


def open_mailbox(code: str, secret: str) -> SpeakupCase | None:
    """The case when code and secret match; None otherwise. Wrong secrets count; too many lock the code.

    Raises :class:`Locked` while the code is locked (even with the right secret)."""
    case = db.session.scalar(select(SpeakupCase).where(SpeakupCase.code == normalise_code(code)))
    now = utcnow()
    if case is not None and case.locked_until is not None and case.locked_until > now:
        raise Locked()
    if not verify_password(case.secret_hash if case else None, secret or ""):
        if case is not None:
            case.failed_attempts = (case.failed_attempts or 0) + 1
            if case.failed_attempts >= current_app.config.get("SPEAKUP_MAX_FAILURES", 5):
                case.locked_until = now + dt.timedelta(seconds=current_app.config.get("SPEAKUP_LOCK_SECONDS", 3600))
                case.failed_attempts = 0
            db.session.flush()
        return None
    case.failed_attempts, case.locked_until = 0, None
    db.session.flush()
    return case


def reporter_reply(case: SpeakupCase, body: str) -> SpeakupMessage:
    """The reporter answers or asks something through the mailbox."""
    if case.state is CaseState.CLOSED:
        raise SpeakupError("body", _("This case is closed. If you want to report something new, make a new report."))
    message = SpeakupMessage(case_id=case.id, author=Author.REPORTER, kind=MessageKind.REPORTER, body=body)
    db.session.add(message)
    db.session.flush()
    _tell_counsellors(case, lambda number=case.number: _("The reporter of %(number)s wrote a message", number=number),
                      f"speakup-reply-{message.id}")
    return message


# --- handling (the counsellor) -----------------------------------------------------------------------------

def load_case(case_id: int) -> SpeakupCase | None:
    return get_row(SpeakupCase, case_id)


def record_view(case: SpeakupCase, what: str = "case") -> None:
    """Every time the counsellor opens a report it is written to the trail (who, when; never what it says)."""
    record(db.session, "view", "speakup_case", case.id, new={"viewed": what})


def post_message(case: SpeakupCase, author: User, body: str, kind: MessageKind, *,
                 is_feedback: bool = False) -> SpeakupMessage:
    """A message to the reporter or an internal note. The first message to the reporter confirms receipt;
    one marked as feedback records the feedback (3-month term)."""
    if case.state is CaseState.CLOSED:
        raise SpeakupError("body", _("This case is closed and can no longer be changed."))
    if kind not in (MessageKind.TO_REPORTER, MessageKind.INTERNAL_NOTE):
        raise SpeakupError("kind", _("Choose who the message is for."))
    if is_feedback and kind is not MessageKind.TO_REPORTER:
        raise SpeakupError("is_feedback", _("Feedback is a message to the reporter, not an internal note."))
    message = SpeakupMessage(case_id=case.id, author=Author.HANDLER, kind=kind, author_user_id=author.id, body=body)
    db.session.add(message)
    now, today = utcnow(), local_now().date()
    if kind is MessageKind.TO_REPORTER and case.acknowledged_at is None:
        case.acknowledged_at, case.acknowledged_on = now, today
        case.state = CaseState.ACKNOWLEDGED
    if is_feedback and case.feedback_at is None:
        case.feedback_at, case.feedback_on = now, today
        case.state = CaseState.FEEDBACK
    db.session.flush()
    return message


def close(case: SpeakupCase) -> SpeakupCase:
    if case.state is CaseState.CLOSED:
        raise SpeakupError("", _("This case is closed already."))
    if case.feedback_at is None:
        raise SpeakupError("", _("Give the reporter feedback before you close the case."))
    case.state, case.closed_at = CaseState.CLOSED, utcnow()
    db.session.flush()
    return case


def cases_statement(state: CaseState | None = None):
    stmt = select(SpeakupCase).order_by(SpeakupCase.received_at.desc(), SpeakupCase.id.desc())
    if state is not None:
        stmt = stmt.where(SpeakupCase.state == state)
    return stmt


def deadlines(case: SpeakupCase) -> tuple[dt.date, dt.date]:
    return acknowledge_due(case.received_on), feedback_due(case.received_on)


# --- figures ---------------------------------------------------------------------------------------------------

def figures(year: int, today: dt.date | None = None) -> YearFigures:
    """The year's anonymous figures, from the dates and categories only (one query)."""
    rows = db.session.execute(select(SpeakupCase.category, SpeakupCase.received_on, SpeakupCase.acknowledged_on,
                                     SpeakupCase.feedback_on)
                              .where(SpeakupCase.received_on >= dt.date(year, 1, 1),
                                     SpeakupCase.received_on <= dt.date(year, 12, 31)))
    cases = [CaseDates(c.value, r, a, f) for c, r, a, f in rows]
    return year_figures(year, cases, today or local_now().date())


# --- the procedure ---------------------------------------------------------------------------------------------

def settings() -> SpeakupSettings:
    row = db.session.scalar(select(SpeakupSettings).order_by(SpeakupSettings.id).limit(1))
    if row is None:
        row = SpeakupSettings()
        db.session.add(row)
        db.session.flush()
    return row


def current_settings() -> SpeakupSettings | None:
    """The settings without creating them (a GET never writes)."""
    return db.session.scalar(select(SpeakupSettings).order_by(SpeakupSettings.id).limit(1))


def published_documents() -> list[Document]:
    return list(db.session.scalars(select(Document).where(Document.status == VersionState.PUBLISHED)
                                   .order_by(Document.number)))


def set_procedure(document_id: int | None) -> SpeakupSettings:
    if document_id is not None:
        document = get_row(Document, document_id)
        if document is None or document.status is not VersionState.PUBLISHED:
            raise SpeakupError("document_id", _("Choose a published document from the list."))
    row = settings()
    row.procedure_document_id = document_id
    db.session.flush()
    return row


def procedure() -> tuple[Document, DocumentVersion] | None:
    """The chosen document and its current published version, or None when none is chosen or published."""
    row = current_settings()
    if row is None or row.procedure_document_id is None:
        return None
    document = db.session.get(Document, row.procedure_document_id)
    if document is None:
        return None
    version = db.session.scalar(select(DocumentVersion).where(
        DocumentVersion.document_id == document.id, DocumentVersion.state == VersionState.PUBLISHED)
        .order_by(DocumentVersion.id.desc()).limit(1))
    return (document, version) if version is not None else None
