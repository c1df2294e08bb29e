"""Versions: drafts, review and approval with electronic signatures, publication, supersession, withdrawal."""
from __future__ import annotations

import datetime as dt

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import FileStorage

from ...auth.models import User
from ...auth.passwords import verify_password
from ...database import utcnow
from ...extensions import db
from ...signals import document_published
from ...uploads import services as uploads
from ..content import sha256_text
from ..models import (Document, DocumentVersion, ReviewOutcome, ReviewRecord, Signature, SignatureMeaning,
                      VersionReviewer, VersionState)
from ..workflow import can_transition, next_label, next_review_date
from .errors import DocumentError, StaleDraft
from .reading import notify_readers, path
from .register import DocumentData, apply_data, current_version, latest_version, open_version, reindex

#: Kinds of file a version may carry (see qms.uploads.services.KIND_LABELS).
FILE_KINDS = frozenset({"pdf", "docx", "xlsx", "odt", "image"})


def _move(version: DocumentVersion, target: VersionState) -> None:
    if not can_transition(version.state, target):
        raise DocumentError(_("A version that is %(state)s cannot become %(target)s.",
                              state=state_label(version.state), target=state_label(target)))
    version.state = target
    version.updated_at = utcnow()


def state_label(state: VersionState) -> str:
    from ..labels import STATE_LABELS

    return str(STATE_LABELS[state])


def _void_signatures(version: DocumentVersion) -> int:
    """Signatures over other content than the version now holds no longer count."""
    voided = 0
    for signature in version.signatures:
        if not signature.void and signature.sha256 != version.sha256:
            signature.void, signature.voided_at = True, utcnow()
            voided += 1
    return voided


def start_version(document: Document, author, *, major: int, minor: int, content_markdown: str = "",
                  change_summary: str = "") -> DocumentVersion:
    version = DocumentVersion(document=document, major=major, minor=minor, state=VersionState.DRAFT,
                              content_markdown=content_markdown, change_summary=change_summary,
                              author_id=author.id if author else None, sha256=sha256_text(content_markdown))
    db.session.add(version)
    db.session.flush()
    reindex(document)
    return version


def create_document(data: DocumentData, author, *, content_markdown: str = "", change_summary: str = "") -> Document:
    """A new document with its first draft, version 1.0."""
    document = Document(number=data.number, title=data.title, type=data.type, status=VersionState.DRAFT,
                        search_text="")
    apply_data(document, data)
    db.session.add(document)
    db.session.flush()
    start_version(document, author, major=1, minor=0, content_markdown=content_markdown,
                  change_summary=change_summary or _("First version"))
    return document


def new_version(document: Document, author, *, major_change: bool, change_summary: str = "") -> DocumentVersion:
    """Start the next draft from the newest version's content; one open version per document."""
    if open_version(document) is not None:
        raise DocumentError(_("This document already has a version in progress; finish or reject it first."))
    base = current_version(document) or latest_version(document)
    if base is not None and base.state is VersionState.WITHDRAWN and current_version(document) is None:
        raise DocumentError(_("This document was withdrawn; it cannot get new versions."))
    major, minor = next_label(base.major, base.minor, major_change=major_change) if base else (1, 0)
    version = start_version(document, author, major=major, minor=minor,
                            content_markdown=base.content_markdown or "" if base else "",
                            change_summary=change_summary)
    if base is not None and base.stored_file_id and not base.content_markdown:
        version.content_markdown, version.stored_file_id, version.sha256 = None, base.stored_file_id, base.sha256
    db.session.flush()
    return version


def save_draft(version: DocumentVersion, *, content_markdown: str | None, change_summary: str,
               lock_version: int, file: FileStorage | None = None, remove_file: bool = False) -> DocumentVersion:
    """Save a draft's content. A save based on an older ``lock_version`` is refused (StaleDraft): the other
    editor's text stays, and the view shows both so nothing is lost."""
    if version.state is not VersionState.DRAFT:
        raise DocumentError(_("Only a draft can be changed; this version is %(state)s.",
                              state=state_label(version.state)))
    if lock_version != version.lock_version:
        raise StaleDraft(_("Someone else saved this draft while you were editing it. Compare both texts, "
                           "then save again."), version)
    if file is not None and file.filename:
        stored = uploads.store(file, allowed=FILE_KINDS)
        version.stored_file_id, version.stored_file = stored.id, stored
        version.content_markdown = None
        version.sha256 = stored.sha256
    else:
        if remove_file:
            version.stored_file_id, version.stored_file = None, None
        if version.stored_file_id is None:
            version.content_markdown = content_markdown or ""
            version.sha256 = sha256_text(version.content_markdown)
    version.change_summary = change_summary or ""
    version.updated_at = utcnow()
    _void_signatures(version)
    try:
        db.session.flush()
    except StaleDataError:  # another save committed between our check and our write
        raise StaleDraft(_("Someone else saved this draft while you were editing it. Compare both texts, "
                           "then save again."), version) from None
    reindex(version.document)
    return version


def submit(version: DocumentVersion, user, *, reviewers: list, approver) -> DocumentVersion:
    """Send a draft for review: named reviewers sign "reviewed", then the approver signs "approved"."""
    if approver is None:
        raise DocumentError(_("Choose an approver."), field="approver_id")
    if version.author_id is not None and approver.id == version.author_id:
        raise DocumentError(_("The approver cannot be the author of the version."), field="approver_id")
    if version.author_id is not None and any(r.id == version.author_id for r in reviewers):
        raise DocumentError(_("The author cannot review their own version; choose someone else."), field="reviewers")
    if not (version.content_markdown or "").strip() and version.stored_file_id is None:
        raise DocumentError(_("An empty version cannot be reviewed. Write the content or attach a file first."))
    _move(version, VersionState.IN_REVIEW)
    version.approver_id, version.approver = approver.id, approver
    version.reviewers = [VersionReviewer(user_id=r.id) for r in reviewers if r.id != approver.id]
    version.reject_comment = None
    db.session.flush()
    reindex(version.document)
    _notify(list(reviewers) + [approver], version,
            lambda: _("Please review %(number)s version %(label)s", number=version.document.number,
                      label=version.label), key=f"document-review-request-{version.id}-{version.lock_version}")
    return version


def sign(version: DocumentVersion, user, password: str, meaning: SignatureMeaning) -> Signature:
    """An electronic signature after the signer re-entered the password; approving moves to approved."""
    if not verify_password(user.password_hash, password or ""):
        raise DocumentError(_("The password is not correct. Your signature was not recorded."), field="password")
    if version.state is not VersionState.IN_REVIEW:
        raise DocumentError(_("Only a version in review can be signed."))
    current_hash = content_hash(version)
    if current_hash != version.sha256:
        raise DocumentError(_("The stored content no longer matches its hash; the version cannot be signed."))
    reviewer_ids = {r.user_id for r in version.reviewers}
    signed = {(s.signer_id, s.meaning) for s in version.valid_signatures}
    if meaning is SignatureMeaning.REVIEWED:
        if user.id not in reviewer_ids:
            raise DocumentError(_("You are not a reviewer of this version."))
        if (user.id, meaning) in signed:
            raise DocumentError(_("You have already signed this version as reviewer."))
    else:
        if user.id != version.approver_id:
            raise DocumentError(_("Only the named approver can approve this version."))
        if user.id == version.author_id:
            raise DocumentError(_("The approver cannot be the author of the version."))
        waiting = reviewer_ids - {uid for uid, m in signed if m is SignatureMeaning.REVIEWED}
        if waiting:
            raise DocumentError(_("Not every reviewer has signed yet (%(n)s waiting).", n=len(waiting)))
    signature = Signature(version=version, signer_id=user.id, signer_name=user.name, meaning=meaning,
                          signed_at=utcnow(), sha256=version.sha256)
    db.session.add(signature)
    number, label = version.document.number, version.label
    if meaning is SignatureMeaning.APPROVED:
        _move(version, VersionState.APPROVED)
        reindex(version.document)
        _notify([version.author], version, lambda: _("%(number)s version %(label)s is approved and can be published",
                                                     number=number, label=label))
    elif reviewer_ids <= {uid for uid, m in signed if m is SignatureMeaning.REVIEWED} | {user.id}:
        _notify([version.approver], version, lambda: _("%(number)s version %(label)s is reviewed and waits for "
                                                       "your approval", number=number, label=label))
    db.session.flush()
    return signature


def content_hash(version: DocumentVersion) -> str:
    """SHA-256 of what the version holds now: the Markdown text, or the stored file's recorded hash."""
    if version.stored_file_id is not None and version.stored_file is not None:
        return version.stored_file.sha256
    return sha256_text(version.content_markdown)


def reject(version: DocumentVersion, user, comment: str) -> DocumentVersion:
    """Back to draft with a comment for the author; signatures given so far no longer count."""
    if not (comment or "").strip():
        raise DocumentError(_("Say why the version is rejected."), field="comment")
    _move(version, VersionState.DRAFT)
    version.reject_comment = comment.strip()
    for signature in version.signatures:
        if not signature.void:
            signature.void, signature.voided_at = True, utcnow()
    db.session.flush()
    reindex(version.document)
    if version.author is not None:
        _notify([version.author], version, lambda: _("%(number)s version %(label)s was rejected",
                                                     number=version.document.number, label=version.label))
    return version


def publish(version: DocumentVersion, user, *, effective_date: dt.date) -> DocumentVersion:
    """Put an approved version in use; the version it replaces is superseded automatically."""
    if version.state is VersionState.APPROVED and not any(
            s.meaning is SignatureMeaning.APPROVED and s.sha256 == version.sha256 for s in version.valid_signatures):
        raise DocumentError(_("The approval signature is missing or void; approve the version again."))
    previous = current_version(version.document)
    _move(version, VersionState.PUBLISHED)
    version.effective_date = effective_date
    version.published_at = utcnow()
    if previous is not None and previous is not version:
        _move(previous, VersionState.SUPERSEDED)
        previous.retired_at = utcnow()
    document = version.document
    document.next_review_on = next_review_date(effective_date, document.review_interval_months)
    db.session.flush()
    reindex(document)
    document_published.send(current_app._get_current_object(), version=version, superseded=previous)
    notify_readers(version, previous)
    return version


def withdraw(version: DocumentVersion, user, reason: str) -> DocumentVersion:
    """Take the document out of use; the version stays available to auditors, marked withdrawn."""
    if not (reason or "").strip():
        raise DocumentError(_("Say why the document is withdrawn."), field="reason")
    _move(version, VersionState.WITHDRAWN)
    version.withdraw_reason = reason.strip()
    version.retired_at = utcnow()
    version.document.next_review_on = None
    db.session.flush()
    reindex(version.document)
    return version


def _notify(users, version: DocumentVersion, subject, key: str | None = None) -> None:
    from ...notifications import services as notifications

    url = path("documents.version", document_id=version.document_id, version_id=version.id)
    notifications.notify([u for u in users if u is not None], subject, url=url, key=key)


def record_review(document: Document, user: User, *, outcome: ReviewOutcome, note: str,
                  today: dt.date) -> ReviewRecord:
    """Periodic review: confirm the version in use (next review planned) or start a new draft."""
    version = current_version(document)
    if version is None:
        raise DocumentError(_("Only a document in use can be reviewed."))
    if outcome is ReviewOutcome.CONFIRMED:
        document.next_review_on = next_review_date(today, document.review_interval_months)
    else:
        new_version(document, user, major_change=False, change_summary=note or _("Periodic review"))
    record = ReviewRecord(document_id=document.id, version_id=version.id, reviewed_by_id=user.id, reviewed_on=today,
                          outcome=outcome, note=note or "")
    db.session.add(record)
    db.session.flush()
    return record
