"""Start-page tasks of document control: documents to read, versions waiting for my review or approval,
approved versions I can publish, and periodic reviews of documents I own that are due."""
from __future__ import annotations

import datetime as dt

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import and_, exists, select

from ..core.tasks import first_rows, listed, urgency_of
from ..norms import Task, TaskSource
from ..permissions import has_permission
from .models import Document, DocumentVersion, Signature, SignatureMeaning, VersionReviewer, VersionState
from .services.reading import to_read_query

#: Days before a periodic review is due that it shows as a task.
REVIEW_SOON_DAYS = 14

_COLUMNS = (DocumentVersion.id, DocumentVersion.document_id, Document.number, Document.title,
            DocumentVersion.major, DocumentVersion.minor)


def _signed(user_id, meaning):
    return exists().where(Signature.version_id == DocumentVersion.id, Signature.signer_id == user_id,
                          Signature.meaning == meaning, Signature.void.is_(False))


def _version_url(row) -> str:
    return url_for("documents.version", document_id=row.document_id, version_id=row.id)


def reading_tasks(user, today: dt.date):
    rows, total = first_rows(to_read_query(user).with_only_columns(*_COLUMNS))
    return listed(rows, total,
                  lambda r: Task(_("Read %(number)s %(title)s", number=r.number, title=r.title),
                                 url_for("documents.read", document_id=r.document_id, version_id=r.id),
                                 detail=_("Version %(label)s", label=f"{r.major}.{r.minor}")),
                  lambda n: Task(ngettext("%(num)s more document to read", "%(num)s more documents to read", n),
                                 url_for("documents.to_read")))


def workflow_tasks(user, today: dt.date):
    """Reviews and approvals waiting for the user; for document managers also approved versions to publish and
    periodic reviews coming due (one query each)."""
    tasks = []
    review = (select(*_COLUMNS).join(Document, Document.id == DocumentVersion.document_id)
              .join(VersionReviewer, and_(VersionReviewer.version_id == DocumentVersion.id,
                                          VersionReviewer.user_id == user.id))
              .where(DocumentVersion.state == VersionState.IN_REVIEW, ~_signed(user.id, SignatureMeaning.REVIEWED))
              .order_by(DocumentVersion.updated_at, DocumentVersion.id))
    rows, total = first_rows(review)
    tasks += listed(rows, total,
                    lambda r: Task(_("Review %(number)s %(title)s", number=r.number, title=r.title), _version_url(r),
                                   detail=_("Version %(label)s", label=f"{r.major}.{r.minor}")),
                    lambda n: Task(ngettext("%(num)s more version to review", "%(num)s more versions to review", n),
                                   url_for("documents.index")))
    reviewer_waiting = exists().where(VersionReviewer.version_id == DocumentVersion.id,
                                      ~exists().where(Signature.version_id == DocumentVersion.id,
                                                      Signature.signer_id == VersionReviewer.user_id,
                                                      Signature.meaning == SignatureMeaning.REVIEWED,
                                                      Signature.void.is_(False)))
    approve = (select(*_COLUMNS).join(Document, Document.id == DocumentVersion.document_id)
               .where(DocumentVersion.state == VersionState.IN_REVIEW, DocumentVersion.approver_id == user.id,
                      ~reviewer_waiting).order_by(DocumentVersion.updated_at, DocumentVersion.id))
    rows, total = first_rows(approve)
    tasks += listed(rows, total,
                    lambda r: Task(_("Approve %(number)s %(title)s", number=r.number, title=r.title), _version_url(r),
                                   detail=_("Version %(label)s", label=f"{r.major}.{r.minor}")),
                    lambda n: Task(ngettext("%(num)s more version to approve", "%(num)s more versions to approve", n),
                                   url_for("documents.index")))
    if has_permission(user, "documents.manage"):
        publish = (select(*_COLUMNS).join(Document, Document.id == DocumentVersion.document_id)
                   .where(DocumentVersion.state == VersionState.APPROVED, DocumentVersion.author_id == user.id)
                   .order_by(DocumentVersion.updated_at, DocumentVersion.id))
        rows, total = first_rows(publish)
        tasks += listed(rows, total,
                        lambda r: Task(_("Publish %(number)s %(title)s", number=r.number, title=r.title),
                                       _version_url(r), detail=_("Version %(label)s is approved",
                                                                 label=f"{r.major}.{r.minor}")),
                        lambda n: Task(ngettext("%(num)s more approved version to publish",
                                                "%(num)s more approved versions to publish", n),
                                       url_for("documents.index")))
        due = (select(Document.id, Document.number, Document.title, Document.next_review_on)
               .where(Document.owner_id == user.id, Document.status == VersionState.PUBLISHED,
                      Document.next_review_on.is_not(None),
                      Document.next_review_on <= today + dt.timedelta(days=REVIEW_SOON_DAYS))
               .order_by(Document.next_review_on, Document.number))
        rows, total = first_rows(due)
        tasks += listed(rows, total,
                        lambda r: Task(_("Periodic review of %(number)s %(title)s", number=r.number, title=r.title),
                                       url_for("documents.detail", document_id=r.id),
                                       urgency=urgency_of(r.next_review_on, today, REVIEW_SOON_DAYS),
                                       due=r.next_review_on),
                        lambda n: Task(ngettext("%(num)s more periodic review due", "%(num)s more periodic reviews due",
                                                n), url_for("documents.reviews"), urgency="due"))
    return tasks


SOURCES = (TaskSource("documents.read", "documents.view", reading_tasks, order=40),
           TaskSource("documents.workflow", "documents.view", workflow_tasks, order=30))


def register(app) -> None:
    from ..norms import registry

    for source in SOURCES:
        registry(app).add_task_source(source)
