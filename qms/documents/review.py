"""The document-control section of the management review input pack: documents in use, changes in the
period, periodic reviews overdue and how well staff have confirmed reading."""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..extensions import db
from ..norms import ReviewSection
from ..signals import review_input_requested
from .models import Document, DocumentVersion, VersionState
from .services.reading import coverage


@review_input_requested.connect
def documents_section(sender, start: dt.date, end: dt.date, **kwargs) -> ReviewSection:
    in_use = db.session.scalars(select(Document).where(Document.status == VersionState.PUBLISHED)).all()
    begin = dt.datetime.combine(start, dt.time.min)
    finish = dt.datetime.combine(end, dt.time.max)
    published = db.session.scalar(select(func.count()).select_from(DocumentVersion).where(
        DocumentVersion.published_at >= begin, DocumentVersion.published_at <= finish)) or 0
    waiting = db.session.scalar(select(func.count()).select_from(DocumentVersion).where(
        DocumentVersion.state.in_([VersionState.IN_REVIEW, VersionState.APPROVED]))) or 0
    overdue = sum(1 for d in in_use if d.next_review_on is not None and d.next_review_on < end)
    required = confirmed = 0
    for document in in_use:
        _version, rows = coverage(document)
        required += len(rows)
        confirmed += sum(1 for row in rows if row.confirmed_at is not None)
    rows = [(_("Documents in use"), str(len(in_use))),
            (_("Versions published in the period"), str(published)),
            (_("Versions waiting for review or approval"), str(waiting)),
            (_("Periodic reviews overdue"), str(overdue)),
            (_("Reading confirmed"), _("%(done)s of %(required)s (%(percent)s%%)", done=confirmed, required=required,
                                       percent=round(100 * confirmed / required) if required else 100))]
    return ReviewSection(key="documents", title=_("Documented information"), rows=rows, order=55,
                         endpoint="documents.index")
