"""The register: documents, their requirement links and distribution, the filtered query and search."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import Select, and_, exists, func, or_, select, text
from sqlalchemy.orm import defer

from ...database import lock_writers, value_taken
from ...extensions import db
from ...norms import registry
from ..models import (DistributionTarget, Document, DocumentRequirement, DocumentType, DocumentVersion,
                      TargetKind, VersionState)
from ..workflow import OPEN_STATES, valid_number
from .errors import DocumentError


@dataclass
class DocumentData:
    """What the document form gives the service (validated in shape by the form)."""

    number: str
    title: str
    type: DocumentType
    owner_id: int | None = None
    department_id: int | None = None
    site_id: int | None = None
    retention_years: int | None = None
    review_interval_months: int = 12
    #: "norm version code" keys, e.g. ("iso9001", "2015", "7.5").
    requirements: list[tuple[str, str, str]] = field(default_factory=list)
    target_roles: list[str] = field(default_factory=list)
    target_user_ids: list[int] = field(default_factory=list)
    target_department_ids: list[int] = field(default_factory=list)
    target_site_ids: list[int] = field(default_factory=list)


@dataclass
class Filters:
    q: str = ""
    type: str = ""
    status: str = ""
    owner_id: int | None = None
    requirement: str = ""
    review: str = ""  # "due", "overdue" or ""
    today: dt.date | None = None


# --- contract ---------------------------------------------------------------------------------

def current_version(document: Document) -> DocumentVersion | None:
    """The published version of a document: the one in use, or None."""
    for version in document.versions:
        if version.state is VersionState.PUBLISHED:
            return version
    return None


def documents_for_requirement(norm: str, version: str, code: str) -> list[Document]:
    """Documents linked to one requirement of a norm's catalogue, by number."""
    stmt = (select(Document).join(DocumentRequirement)
            .where(DocumentRequirement.norm == norm, DocumentRequirement.norm_version == version,
                   DocumentRequirement.requirement == code)
            .order_by(Document.number))
    return list(db.session.scalars(stmt).unique())


# --- documents --------------------------------------------------------------------------------

def parse_requirements(raw: str) -> list[tuple[str, str, str]]:
    """Lines or commas of "norm version code" (e.g. "iso9001 2015 7.5"); shape only, see _check_requirements."""
    keys = []
    for part in re.split(r"[\n,;]+", raw or ""):
        words = part.split()
        if not words:
            continue
        if len(words) != 3:
            raise DocumentError(_("Write each requirement as: norm version code, e.g. \"%(example)s\".",
                                  example=registry().example_key()), field="requirements")
        keys.append((words[0].lower(), words[1], words[2]))
    return list(dict.fromkeys(keys))


def _check_requirements(keys: list[tuple[str, str, str]]) -> None:
    norms = registry()
    for norm, version, code in keys:
        if norms.requirement(norm, version, code) is None:
            raise DocumentError(_("%(key)s is not a requirement in an enabled norm catalogue.",
                                  key=f"{norm} {version} {code}"), field="requirements")


def _check_number(number: str, document: Document | None) -> None:
    if not valid_number(number):
        raise DocumentError(_("Use a prefix in capitals, a dash and digits, like PR-012 or WI-034."), field="number")
    lock_writers(db.session.connection())  # two people typing the same number at once: the second is told
    if value_taken(Document.number, number, other_than=document):
        raise DocumentError(_("Another document already has number %(number)s.", number=number), field="number")


def apply_data(document: Document, data: DocumentData) -> None:
    _check_number(data.number, document)
    _check_requirements(data.requirements)
    document.number = data.number
    document.title = data.title
    document.type = data.type
    document.owner_id = data.owner_id
    document.department_id = data.department_id
    document.site_id = data.site_id
    document.retention_years = data.retention_years
    document.review_interval_months = data.review_interval_months
    wanted = set(data.requirements)
    have = {(r.norm, r.norm_version, r.requirement): r for r in document.requirements}
    for key, link in have.items():
        if key not in wanted:
            document.requirements.remove(link)
    for key in data.requirements:
        if key not in have:
            document.requirements.append(DocumentRequirement(norm=key[0], norm_version=key[1], requirement=key[2]))
    targets = ({(TargetKind.ROLE, r, None, None, None) for r in data.target_roles}
               | {(TargetKind.USER, None, u, None, None) for u in data.target_user_ids}
               | {(TargetKind.DEPARTMENT, None, None, d, None) for d in data.target_department_ids}
               | {(TargetKind.SITE, None, None, None, s) for s in data.target_site_ids})
    current = {(t.kind, t.role, t.user_id, t.department_id, t.site_id): t for t in document.targets}
    for key, target in current.items():
        if key not in targets:
            document.targets.remove(target)
    for key in sorted(targets - current.keys(), key=str):
        document.targets.append(DistributionTarget(kind=key[0], role=key[1], user_id=key[2], department_id=key[3],
                                                   site_id=key[4]))


def update_document(document: Document, data: DocumentData) -> Document:
    apply_data(document, data)
    db.session.flush()
    reindex(document)
    return document


def latest_version(document: Document) -> DocumentVersion | None:
    return document.versions[-1] if document.versions else None


def document_status(document: Document) -> VersionState:
    """The register status: published while a version is in use, else the newest version's state."""
    if current_version(document) is not None:
        return VersionState.PUBLISHED
    newest = latest_version(document)
    return newest.state if newest else VersionState.DRAFT


def open_version(document: Document) -> DocumentVersion | None:
    """The version being worked on (draft, in review or approved), if any."""
    return next((v for v in document.versions if v.state in OPEN_STATES), None)


# --- full-text search -------------------------------------------------------------------------

def reindex(document: Document) -> None:
    """Refresh the searchable text (number, title, newest authored content) and the SQLite FTS5 row."""
    newest, published = latest_version(document), current_version(document)
    texts = [document.number, document.title, published.content_markdown if published else ""]
    if newest is not None and newest is not published:
        texts.append(newest.content_markdown or "")
    body = "\n".join(filter(None, texts))
    document.search_text = body
    document.status = document_status(document)
    db.session.flush()
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(text("DELETE FROM document_fts WHERE rowid = :id"), {"id": document.id})
        db.session.execute(text("INSERT INTO document_fts (rowid, body) VALUES (:id, :body)"),
                           {"id": document.id, "body": body})


def _fts_query(q: str) -> str:
    """Words of the user's query as quoted FTS5 prefix terms (no operators from user input)."""
    words = re.findall(r"\w+", q, flags=re.UNICODE)
    return " ".join(f'"{w}"*' for w in words[:12])


def _search_clause(q: str):
    """Full-text search (prefix match per word) over number, title and text; an exact number also matches.
    SQLite uses the FTS5 table, PostgreSQL the GIN index; other databases fall back to LIKE."""
    dialect = db.session.get_bind().dialect.name
    words = re.findall(r"\w+", q, flags=re.UNICODE)[:12]
    exact = Document.number == q.strip().upper()
    if dialect in ("sqlite", "postgresql") and words:
        if dialect == "sqlite":
            # The index holds the number too; without an OR the matching rowids drive the query.
            return text("document.id IN (SELECT rowid FROM document_fts WHERE document_fts MATCH :fts)"
                        ).bindparams(fts=_fts_query(q))
        # Written exactly as the GIN index expression (migration 0003), so the planner can use the index; as
        # a subquery, so the matches are found once through it even when the page's order walks another index
        # (a register page of 25 by number would otherwise test the text of every document until 25 match).
        match = text("document.id IN (SELECT search.id FROM document AS search WHERE "
                     "to_tsvector('simple', coalesce(search.search_text, '')) @@ to_tsquery('simple', :tsq))"
                     ).bindparams(tsq=" & ".join(f"{w}:*" for w in words))
        return or_(exact, match)
    like = f"%{q.lower()}%"
    return or_(exact, func.lower(Document.number).like(like), func.lower(Document.title).like(like),
               func.lower(Document.search_text).like(like))


def register_query(filters: Filters, *, include_unpublished: bool) -> Select:
    """The register as one select, filtered in the database. Staff see documents in use only."""
    stmt = select(Document).options(defer(Document.search_text))
    if not include_unpublished:
        stmt = stmt.where(Document.status == VersionState.PUBLISHED)
    q = (filters.q or "").strip()[:200]
    if q:
        stmt = stmt.where(_search_clause(q))
    if filters.type:
        stmt = stmt.where(Document.type == filters.type)
    if filters.status and include_unpublished:
        stmt = stmt.where(Document.status == filters.status)
    if filters.owner_id:
        stmt = stmt.where(Document.owner_id == filters.owner_id)
    if filters.requirement:
        parts = filters.requirement.split()
        cond = [DocumentRequirement.document_id == Document.id, DocumentRequirement.norm == parts[0].lower()]
        if len(parts) == 3:
            cond += [DocumentRequirement.norm_version == parts[1], DocumentRequirement.requirement == parts[2]]
        elif len(parts) == 2:
            cond.append(DocumentRequirement.requirement == parts[1])
        stmt = stmt.where(exists().where(and_(*cond)))
    if filters.review and filters.today:
        live = Document.status == VersionState.PUBLISHED
        if filters.review == "overdue":
            stmt = stmt.where(live, Document.next_review_on < filters.today)
        elif filters.review == "due":
            stmt = stmt.where(live, Document.next_review_on <= filters.today + dt.timedelta(days=30))
    return stmt.order_by(Document.number)
