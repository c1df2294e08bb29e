"""Evidence files (upload, edit, review, link to requirements) and links to records kept in the system."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import or_, select

from ...auth.models import User
from ...core.transitions import can_move
from ...database import utcnow
from ...extensions import db
from ...permissions import has_permission
from ...uploads import services as uploads
from ..models import (REVIEW_TRANSITIONS, EvidenceItem, EvidenceRecordLink, EvidenceRequirement, EvidenceRevision,
                      ReviewStatus)
from ..records import record_types
from .common import ALLOWED_KINDS, EvidenceError, _check_requirement

# --- evidence files -------------------------------------------------------------------------------

@dataclass
class EvidenceData:
    title: str
    description: str | None
    owner: User | None
    valid_from: dt.date
    valid_until: dt.date | None


def _check_dates(data: EvidenceData) -> None:
    if data.valid_until is not None and data.valid_until < data.valid_from:
        raise EvidenceError("valid_until", _("Valid until cannot be before valid from."))
    if data.owner is not None and not has_permission(data.owner, "evidence.view"):
        raise EvidenceError("owner", _("The owner must be someone who may see the evidence."))


def add_evidence(data: EvidenceData, file, requirements: list[tuple[str, str, str]]) -> EvidenceItem:
    """Store an uploaded evidence file and link it to the given requirements (awaiting review)."""
    _check_dates(data)
    for key in requirements:
        _check_requirement(*key)
    stored = uploads.store(file, allowed=ALLOWED_KINDS)
    item = EvidenceItem(title=data.title, description=data.description or None, file_id=stored.id,
                        owner_id=data.owner.id if data.owner else None, valid_from=data.valid_from,
                        valid_until=data.valid_until, review_status=ReviewStatus.PENDING)
    item.file = stored
    db.session.add(item)
    for norm, version, code in dict.fromkeys(requirements):
        item.requirements.append(EvidenceRequirement(norm=norm, version=version, code=code))
    db.session.flush()
    first_revision(item)
    db.session.flush()
    return item


def first_revision(item: EvidenceItem) -> EvidenceRevision:
    """Revision 1: the file the item was created with (the item's current file, dates and review)."""
    revision = EvidenceRevision(number=1, file_id=item.file_id, valid_from=item.valid_from,
                                valid_until=item.valid_until, review_status=item.review_status,
                                reviewed_by_id=item.reviewed_by_id, reviewed_at=item.reviewed_at,
                                created_by_id=item.file.uploaded_by_id if item.file is not None else None)
    item.revisions.append(revision)
    return revision


def current_revision(item: EvidenceItem) -> EvidenceRevision:
    """The revision whose file the item holds now (an item saved without history gets its revision 1)."""
    if not item.revisions:
        return first_revision(item)
    return item.revisions[0]


def _sync_current(item: EvidenceItem) -> None:
    """The newest revision carries the item's dates and review (the item is the newest revision's summary)."""
    revision = current_revision(item)
    revision.valid_from, revision.valid_until = item.valid_from, item.valid_until
    revision.review_status = item.review_status
    revision.reviewed_by_id, revision.reviewed_at = item.reviewed_by_id, item.reviewed_at


def add_revision(item: EvidenceItem, file, valid_from: dt.date, valid_until: dt.date | None, note: str | None,
                 user: User) -> EvidenceRevision:
    """A new file for the same evidence (the yearly renewal): the history keeps the old file with its dates and
    review; the item now holds the new file, awaiting review, and keeps its requirement links."""
    if valid_until is not None and valid_until < valid_from:
        raise EvidenceError("valid_until", _("Valid until cannot be before valid from."))
    previous = current_revision(item)
    stored = uploads.store(file, allowed=ALLOWED_KINDS)
    if item.file is not None and stored.sha256 == item.file.sha256:
        raise EvidenceError("file", _("This is the same file as the current revision."))
    revision = EvidenceRevision(number=previous.number + 1, file_id=stored.id, valid_from=valid_from,
                                valid_until=valid_until, review_status=ReviewStatus.PENDING, note=note or None,
                                created_by_id=user.id)
    revision.file = stored
    item.revisions.insert(0, revision)
    item.file_id, item.file = stored.id, stored
    item.valid_from, item.valid_until = valid_from, valid_until
    item.review_status, item.reviewed_by_id, item.reviewed_at = ReviewStatus.PENDING, None, None
    db.session.flush()
    return revision


def update_evidence(item: EvidenceItem, data: EvidenceData) -> EvidenceItem:
    """Change title, owner or validity; a changed validity sends accepted evidence back for review."""
    _check_dates(data)
    validity_changed = (item.valid_from, item.valid_until) != (data.valid_from, data.valid_until)
    item.title = data.title
    item.description = data.description or None
    item.owner_id = data.owner.id if data.owner else None
    item.valid_from = data.valid_from
    item.valid_until = data.valid_until
    if validity_changed and item.review_status == ReviewStatus.ACCEPTED:
        item.review_status = ReviewStatus.PENDING
        item.reviewed_by_id = None
        item.reviewed_at = None
    _sync_current(item)
    db.session.flush()
    return item


def review_evidence(item: EvidenceItem, user: User, status: ReviewStatus) -> EvidenceItem:
    """Accept, reject or reopen the review of an evidence file (see REVIEW_TRANSITIONS)."""
    if not can_move(REVIEW_TRANSITIONS, item.review_status, status):
        raise EvidenceError("status", _("This evidence cannot be moved from %(old)s to %(new)s.",
                                        old=review_label(item.review_status), new=review_label(status)))
    item.review_status = status
    item.reviewed_by_id = user.id if status != ReviewStatus.PENDING else None
    item.reviewed_at = utcnow() if status != ReviewStatus.PENDING else None
    _sync_current(item)
    db.session.flush()
    return item


def review_label(status: ReviewStatus) -> str:
    return {ReviewStatus.PENDING: _("awaiting review"), ReviewStatus.ACCEPTED: _("accepted"),
            ReviewStatus.REJECTED: _("rejected")}[status]


def link_evidence(item: EvidenceItem, norm: str, version: str, code: str) -> EvidenceRequirement:
    """Let one evidence file serve one more requirement (of any norm)."""
    _check_requirement(norm, version, code)
    if any((r.norm, r.version, r.code) == (norm, version, code) for r in item.requirements):
        raise EvidenceError("requirement", _("This evidence is already linked to that requirement."))
    link = EvidenceRequirement(norm=norm, version=version, code=code)
    item.requirements.append(link)
    db.session.flush()
    return link


def unlink_evidence(link: EvidenceRequirement) -> None:
    item = link.evidence
    if len(item.requirements) <= 1:
        raise EvidenceError("requirement", _("Evidence must serve at least one requirement."))
    item.requirements.remove(link)
    db.session.flush()


def search_evidence(text: str, exclude_for: tuple[str, str, str] | None = None, limit: int = 10) -> list[EvidenceItem]:
    """Evidence whose title or number matches, to link to a requirement (not those already linked to it)."""
    stmt = select(EvidenceItem).order_by(EvidenceItem.title, EvidenceItem.id).limit(limit)
    text = (text or "").strip()
    if text:
        conditions = [EvidenceItem.title.ilike(f"%{escape_like(text)}%", escape="\\")]
        if text.lstrip("#").isdigit() and len(text) < 10:
            conditions.append(EvidenceItem.id == int(text.lstrip("#")))
        stmt = stmt.where(or_(*conditions))
    if exclude_for is not None:
        norm, version, code = exclude_for
        linked = select(EvidenceRequirement.evidence_id).where(
            EvidenceRequirement.norm == norm, EvidenceRequirement.version == version, EvidenceRequirement.code == code)
        stmt = stmt.where(EvidenceItem.id.not_in(linked))
    return list(db.session.scalars(stmt).unique())


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# --- links to records -----------------------------------------------------------------------------

def link_record(norm: str, version: str, code: str, record_type: str, reference: str, user: User) -> EvidenceRecordLink:
    """Link a record kept in the system (found by its number or id) to a requirement."""
    _check_requirement(norm, version, code)
    kind = record_types().get(record_type)
    if kind is None:
        raise EvidenceError("record_type", _("Choose a kind of record."))
    found = kind.find(reference)
    if found is None:
        raise EvidenceError("reference", _("No %(kind)s with this number was found.", kind=str(kind.label).lower()))
    record_id, label = found
    exists = db.session.scalar(select(EvidenceRecordLink.id).where(
        EvidenceRecordLink.norm == norm, EvidenceRecordLink.version == version, EvidenceRecordLink.code == code,
        EvidenceRecordLink.record_type == record_type, EvidenceRecordLink.record_id == record_id))
    if exists is not None:
        raise EvidenceError("reference", _("This record is already linked to the requirement."))
    link = EvidenceRecordLink(norm=norm, version=version, code=code, record_type=record_type,
                              record_id=record_id, label=label[:255], created_by_id=user.id)
    db.session.add(link)
    db.session.flush()
    return link


def unlink_record(link: EvidenceRecordLink) -> None:
    db.session.delete(link)
    db.session.flush()
