"""Distribution and reading: who must read a document, the "to read" list, read confirmations, coverage,
periodic review and the reminders that the daily run sends."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app, has_request_context, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import contains_eager, defer, lazyload
from sqlalchemy.exc import IntegrityError

from ...auth.models import User, UserRole
from ...database import lock_writers, utcnow
from ...extensions import db
from ...organisation.models import Employee
from ..models import DistributionTarget, Document, DocumentVersion, ReadConfirmation, TargetKind, VersionState
from .errors import DocumentError
from .register import current_version

#: Days before the review date that the owner is reminded; days after publication that readers are.
REVIEW_WARN_DAYS = 14
UNREAD_REMIND_AFTER_DAYS = 7


def path(endpoint: str, **values) -> str:
    """A site-relative URL, also outside a request (the daily reminder run from the command line)."""
    if has_request_context():
        return url_for(endpoint, **values)
    root = current_app.config.get("APPLICATION_ROOT") or "/"
    return current_app.url_map.bind("localhost", script_name=root).build(endpoint, values)


def _employed(today: dt.date):
    return or_(Employee.left_on.is_(None), Employee.left_on > today)


def readers(document: Document, today: dt.date | None = None) -> list[User]:
    """Active users the document is distributed to (by role, by name, or through their department or work
    location)."""
    today = today or utcnow().date()
    roles = [t.role for t in document.targets if t.kind is TargetKind.ROLE]
    user_ids = [t.user_id for t in document.targets if t.kind is TargetKind.USER]
    departments = [t.department_id for t in document.targets if t.kind is TargetKind.DEPARTMENT]
    sites = [t.site_id for t in document.targets if t.kind is TargetKind.SITE]
    conditions = []
    if roles:
        conditions.append(exists().where(UserRole.user_id == User.id, UserRole.role.in_(roles)))
    if user_ids:
        conditions.append(User.id.in_(user_ids))
    if departments:
        conditions.append(exists().where(Employee.user_id == User.id, Employee.department_id.in_(departments),
                                         _employed(today)))
    if sites:
        conditions.append(exists().where(Employee.user_id == User.id, Employee.site_id.in_(sites),
                                         _employed(today)))
    if not conditions:
        return []
    return list(db.session.scalars(select(User).where(User.active, or_(*conditions)).order_by(User.name)))


def _documents_for(user: User):
    """SQL: ids of the documents distributed to ``user`` (by role, by name, through the department or the
    work location)."""
    department = select(Employee.department_id).where(Employee.user_id == user.id).scalar_subquery()
    site = select(Employee.site_id).where(Employee.user_id == user.id).scalar_subquery()
    return select(DistributionTarget.document_id).where(
        or_(and_(DistributionTarget.kind == TargetKind.ROLE, DistributionTarget.role.in_([r.value for r in user.role_set])),
            and_(DistributionTarget.kind == TargetKind.USER, DistributionTarget.user_id == user.id),
            and_(DistributionTarget.kind == TargetKind.DEPARTMENT, DistributionTarget.department_id == department),
            and_(DistributionTarget.kind == TargetKind.SITE, DistributionTarget.site_id == site)))


def to_read_query(user: User, with_documents: bool = False):
    """Published versions distributed to ``user`` without a confirmation for their major version. Driven by the
    (few) distribution targets, so its cost does not grow with the size of the register. ``with_documents``
    loads each version's document in the same query (a list that shows both)."""
    confirmed = exists().where(ReadConfirmation.user_id == user.id,
                               ReadConfirmation.document_id == DocumentVersion.document_id,
                               ReadConfirmation.major == DocumentVersion.major)
    stmt = (select(DocumentVersion).join(Document, DocumentVersion.document_id == Document.id)
            .where(DocumentVersion.document_id.in_(_documents_for(user)),
                   DocumentVersion.state == VersionState.PUBLISHED, ~confirmed)
            .order_by(DocumentVersion.published_at.desc(), Document.number))
    if not with_documents:
        return stmt
    # The list shows numbers, titles, labels and dates: not the text, the file, the people or the search text.
    return stmt.options(lazyload("*"), defer(DocumentVersion.content_markdown),
                        contains_eager(DocumentVersion.document).lazyload("*"),
                        contains_eager(DocumentVersion.document).defer(Document.search_text))


def to_read(user: User) -> list[DocumentVersion]:
    return list(db.session.scalars(to_read_query(user, with_documents=True)))


def confirm_read(version: DocumentVersion, user: User) -> ReadConfirmation:
    """One tap: the user read this published version. Confirming twice keeps the first confirmation, also when
    both taps arrive at the same moment (the second waits for the writers' lock and finds the first; should it
    still meet the first in the unique index, its insert is undone in a savepoint and the first is returned)."""
    if version.state is not VersionState.PUBLISHED:
        raise DocumentError(_("Only the version in use can be confirmed as read."))
    lock_writers(db.session.connection())
    existing = _confirmation(version, user)
    if existing is not None:
        return existing
    confirmation = ReadConfirmation(user_id=user.id, version_id=version.id, document_id=version.document_id,
                                    major=version.major, confirmed_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(confirmation)
    except IntegrityError:
        existing = _confirmation(version, user)
        if existing is None:
            raise
        return existing
    return confirmation


def _confirmation(version: DocumentVersion, user: User) -> ReadConfirmation | None:
    return db.session.scalar(select(ReadConfirmation).where(ReadConfirmation.user_id == user.id,
                                                            ReadConfirmation.version_id == version.id))


@dataclass
class CoverageRow:
    user: User
    confirmed_at: dt.datetime | None


def coverage(document: Document) -> tuple[DocumentVersion | None, list[CoverageRow]]:
    """Per reader of the version in use: when they confirmed its major version, or None."""
    version = current_version(document)
    if version is None:
        return None, []
    people = readers(document)
    rows = db.session.execute(select(ReadConfirmation.user_id, func.min(ReadConfirmation.confirmed_at))
                              .where(ReadConfirmation.document_id == document.id,
                                     ReadConfirmation.major == version.major)
                              .group_by(ReadConfirmation.user_id)).all()
    confirmed = dict(rows)
    return version, [CoverageRow(u, confirmed.get(u.id)) for u in people]


@dataclass
class PersonCoverage:
    user: User
    must_read: int
    confirmed: int

    @property
    def open(self) -> int:
        return self.must_read - self.confirmed


def coverage_by_person(users: list[User], today: dt.date | None = None) -> list[PersonCoverage]:
    """For a page of users: how many documents in use they must read and have confirmed (three queries)."""
    today = today or utcnow().date()
    if not users:
        return []
    ids = [u.id for u in users]
    live = db.session.execute(
        select(DocumentVersion.document_id, DocumentVersion.major)
        .where(DocumentVersion.state == VersionState.PUBLISHED)).all()
    majors = dict(live)
    targets = db.session.scalars(select(DistributionTarget).where(DistributionTarget.document_id.in_(majors))).all()
    placed = {uid: (department_id, site_id) for uid, department_id, site_id in db.session.execute(
        select(Employee.user_id, Employee.department_id, Employee.site_id)
        .where(Employee.user_id.in_(ids), _employed(today))).all()}
    done = {(uid, did) for uid, did, major in db.session.execute(
        select(ReadConfirmation.user_id, ReadConfirmation.document_id, ReadConfirmation.major)
        .where(ReadConfirmation.user_id.in_(ids))).all() if majors.get(did) == major}
    result = []
    for user in users:
        roles = {r.value for r in user.role_set}
        department_id, site_id = placed.get(user.id, (None, None))
        docs = {t.document_id for t in targets
                if (t.kind is TargetKind.ROLE and t.role in roles) or (t.kind is TargetKind.USER and t.user_id == user.id)
                or (t.kind is TargetKind.DEPARTMENT and t.department_id is not None
                    and department_id == t.department_id)
                or (t.kind is TargetKind.SITE and t.site_id is not None and site_id == t.site_id)}
        result.append(PersonCoverage(user, len(docs), len({d for d in docs if (user.id, d) in done})))
    return result


def notify_readers(version: DocumentVersion, previous: DocumentVersion | None) -> int:
    """On publication: a new document or major version goes on the readers' "to read" list with a message."""
    if previous is not None and previous.major == version.major:
        return 0
    from ...notifications import services as notifications

    document = version.document
    return notifications.notify(
        readers(document),
        lambda: _("Please read %(number)s %(title)s (version %(label)s)", number=document.number,
                  title=document.title, label=version.label),
        url=path("documents.to_read"), key=f"document-read-{document.id}-{version.major}")


def remind_unconfirmed(document: Document, today: dt.date) -> int:
    """Remind every reader who has not confirmed the version in use (once a day at most)."""
    from ...notifications import services as notifications

    version, rows = coverage(document)
    if version is None:
        raise DocumentError(_("This document has no version in use."))
    waiting = [row.user for row in rows if row.confirmed_at is None]
    return notifications.notify(
        waiting, lambda: _("Reminder: please read %(number)s %(title)s", number=document.number, title=document.title),
        url=path("documents.to_read"), key=f"document-unread-{document.id}-{version.major}-{today.isoformat()}")


# --- periodic review --------------------------------------------------------------------------

def reviews_due_query(today: dt.date, within_days: int = 30):
    """Documents in use whose periodic review is overdue or due within ``within_days``, soonest first."""
    return (select(Document).where(Document.status == VersionState.PUBLISHED, Document.next_review_on.is_not(None),
                                   Document.next_review_on <= today + dt.timedelta(days=within_days))
            .order_by(Document.next_review_on, Document.number))


def reviews_due(today: dt.date, within_days: int = 30) -> list[Document]:
    return list(db.session.scalars(reviews_due_query(today, within_days)))


def collect_reminders(today: dt.date):
    """Reminder collector (qms.notifications): reviews coming due or overdue go to the document's owner;
    readers who have not confirmed a version a week after publication are reminded once."""
    from ...notifications.services import Reminder

    for document in reviews_due(today, REVIEW_WARN_DAYS):
        if document.owner is None:
            continue
        overdue = document.next_review_on < today
        due = document.next_review_on

        def subject(document=document, due=due, overdue=overdue):
            if overdue:
                return _("The review of %(number)s is overdue (due %(date)s)", number=document.number,
                         date=format_date(due))
            return _("The review of %(number)s is due on %(date)s", number=document.number, date=format_date(due))

        yield Reminder(document.owner, subject, url=path("documents.detail", document_id=document.id),
                       key=f"document-review-{document.id}-{due.isoformat()}-{'overdue' if overdue else 'due'}")
    cutoff = dt.datetime.combine(today - dt.timedelta(days=UNREAD_REMIND_AFTER_DAYS), dt.time.max)
    versions = db.session.scalars(select(DocumentVersion).where(DocumentVersion.state == VersionState.PUBLISHED,
                                                                DocumentVersion.published_at <= cutoff)).all()
    for version in versions:
        document = version.document
        _in_use, rows = coverage(document)
        waiting = [row.user for row in rows if row.confirmed_at is None]
        if waiting:
            yield Reminder(waiting, lambda document=document: _("Reminder: please read %(number)s %(title)s",
                                                                number=document.number, title=document.title),
                           url=path("documents.to_read"), key=f"document-unread-{document.id}-{version.major}")
