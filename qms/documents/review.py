"""The document-control section of the management review input pack: documents in use, changes in the
period, periodic reviews overdue and how well staff have confirmed reading."""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import and_, case, exists, func, or_, select, union

from ..auth.models import User, UserRole
from ..core.changes import until_changed
from ..extensions import db
from ..norms import ReviewSection
from ..signals import review_input_requested
from ..organisation.models import Employee
from .models import DistributionTarget, Document, DocumentVersion, ReadConfirmation, TargetKind, VersionState


@review_input_requested.connect
def documents_section(sender, start: dt.date, end: dt.date, **kwargs) -> ReviewSection:
    in_use, overdue, published, waiting = register_counts(start, end)
    required, confirmed = reading_totals(end)
    rows = [(_("Documents in use"), str(in_use)),
            (_("Versions published in the period"), str(published)),
            (_("Versions waiting for review or approval"), str(waiting)),
            (_("Periodic reviews overdue"), str(overdue)),
            (_("Reading confirmed"), _("%(done)s of %(required)s (%(percent)s%%)", done=confirmed, required=required,
                                       percent=round(100 * confirmed / required) if required else 100))]
    return ReviewSection(key="documents", title=_("Documented information"), rows=rows, order=55,
                         endpoint="documents.index")


@until_changed(Document, DocumentVersion)
def register_counts(start: dt.date, end: dt.date) -> tuple[int, int, int, int]:
    """Documents in use, periodic reviews overdue at ``end``, versions published in the period and versions
    waiting for review or approval: four counts over the whole register, kept until a document changes."""
    in_use_filter = Document.status == VersionState.PUBLISHED
    in_use = db.session.scalar(select(func.count()).select_from(Document).where(in_use_filter)) or 0
    overdue = db.session.scalar(select(func.count()).select_from(Document).where(
        in_use_filter, Document.next_review_on.is_not(None), Document.next_review_on < end)) or 0
    begin = dt.datetime.combine(start, dt.time.min)
    finish = dt.datetime.combine(end, dt.time.max)
    published = db.session.scalar(select(func.count()).select_from(DocumentVersion).where(
        DocumentVersion.published_at >= begin, DocumentVersion.published_at <= finish)) or 0
    waiting = db.session.scalar(select(func.count()).select_from(DocumentVersion).where(
        DocumentVersion.state.in_([VersionState.IN_REVIEW, VersionState.APPROVED]))) or 0
    return in_use, overdue, published, waiting


@until_changed(DistributionTarget, UserRole, Employee, ReadConfirmation, DocumentVersion, User)
def reading_totals(on: dt.date) -> tuple[int, int]:
    """(readers owed, readers confirmed) over every published version, each reader counted once per document
    as ``readers()`` does (by role, by name, by department or work location), counted in the database; kept
    until one of the tables it reads changes."""
    target = DistributionTarget
    employed = or_(Employee.left_on.is_(None), Employee.left_on > on)
    pairs = union(
        select(target.document_id.label("document_id"), UserRole.user_id.label("user_id"))
        .join(UserRole, UserRole.role == target.role).where(target.kind == TargetKind.ROLE),
        select(target.document_id, target.user_id).where(target.kind == TargetKind.USER),
        select(target.document_id, Employee.user_id).join(Employee, Employee.department_id == target.department_id)
        .where(target.kind == TargetKind.DEPARTMENT, Employee.user_id.is_not(None), employed),
        select(target.document_id, Employee.user_id).join(Employee, Employee.site_id == target.site_id)
        .where(target.kind == TargetKind.SITE, Employee.user_id.is_not(None), employed),
    ).subquery()
    confirmed = exists().where(ReadConfirmation.user_id == pairs.c.user_id,
                               ReadConfirmation.document_id == pairs.c.document_id,
                               ReadConfirmation.major == DocumentVersion.major)
    owed, done = db.session.execute(
        select(func.count(), func.coalesce(func.sum(case((confirmed, 1), else_=0)), 0))
        .select_from(pairs)
        .join(DocumentVersion, and_(DocumentVersion.document_id == pairs.c.document_id,
                                    DocumentVersion.state == VersionState.PUBLISHED))
        .join(User, and_(User.id == pairs.c.user_id, User.active))).one()
    return int(owed or 0), int(done or 0)
