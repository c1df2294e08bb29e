"""Published documents that serve the requirements of norm versions (document control, qms/documents).

Only documents with a published version count, and always with that current version. The lookup reads only
the columns the evidence pages and the dossier show (number, title, version label, effective date), in one
query for any number of norm versions: no whole documents, no owners, reviewers or signers with their roles.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

from sqlalchemy import and_, func, or_, select

from ..extensions import db
from ..documents.models import Document, DocumentRequirement, DocumentVersion, VersionState


@dataclass(frozen=True)
class DocumentRef:
    id: int
    number: str
    title: str


@dataclass(frozen=True)
class VersionRef:
    label: str
    effective_date: dt.date | None


@dataclass(frozen=True)
class DocumentEvidence:
    document: DocumentRef
    #: The published version: what the certifying body gets to see.
    version: VersionRef


def documents_by_norm(keys: Iterable[tuple[str, str]],
                      code: str | None = None) -> dict[tuple[str, str], dict[str, list[DocumentEvidence]]]:
    """{(norm, version): {requirement code: [published documents, by number]}} for several norm versions at once."""
    keys = list(dict.fromkeys(keys))
    out: dict[tuple[str, str], dict[str, list[DocumentEvidence]]] = {key: {} for key in keys}
    if not keys:
        return out
    stmt = (select(DocumentRequirement.norm, DocumentRequirement.norm_version, DocumentRequirement.requirement,
                   Document.id, Document.number, Document.title, DocumentVersion.major, DocumentVersion.minor,
                   DocumentVersion.effective_date)
            .join(Document, Document.id == DocumentRequirement.document_id)
            .join(DocumentVersion, (DocumentVersion.document_id == Document.id)
                  & (DocumentVersion.state == VersionState.PUBLISHED))
            .where(or_(*(and_(DocumentRequirement.norm == n, DocumentRequirement.norm_version == v) for n, v in keys)))
            .order_by(Document.number, Document.id))
    if code is not None:
        stmt = stmt.where(DocumentRequirement.requirement == code)
    for norm, version, req_code, doc_id, number, title, major, minor, effective in db.session.execute(stmt):
        out[(norm, version)].setdefault(req_code, []).append(
            DocumentEvidence(DocumentRef(doc_id, number, title), VersionRef(f"{major}.{minor}", effective)))
    return out


def document_counts_by_norm(keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], dict[str, int]]:
    """{(norm, version): {requirement code: number of published documents}}: what readiness and the norm tree
    need, one aggregate row per requirement however many documents there are."""
    keys = list(dict.fromkeys(keys))
    out: dict[tuple[str, str], dict[str, int]] = {key: {} for key in keys}
    if not keys:
        return out
    rows = db.session.execute(
        select(DocumentRequirement.norm, DocumentRequirement.norm_version, DocumentRequirement.requirement,
               func.count(func.distinct(DocumentRequirement.document_id)))
        .join(DocumentVersion, (DocumentVersion.document_id == DocumentRequirement.document_id)
              & (DocumentVersion.state == VersionState.PUBLISHED))
        .where(or_(*(and_(DocumentRequirement.norm == n, DocumentRequirement.norm_version == v) for n, v in keys)))
        .group_by(DocumentRequirement.norm, DocumentRequirement.norm_version, DocumentRequirement.requirement))
    for norm, version, code, count in rows:
        out[(norm, version)][code] = count
    return out


def documents_by_requirement(norm: str, version: str, code: str | None = None) -> dict[str, list[DocumentEvidence]]:
    """{requirement code: [published documents with their current version]} for one norm version."""
    return documents_by_norm([(norm, version)], code)[(norm, version)]


def published_documents(norm: str, version: str) -> list[DocumentEvidence]:
    """Every published document linked to any requirement of the norm version, once, by number."""
    seen: dict[int, DocumentEvidence] = {}
    for items in documents_by_requirement(norm, version).values():
        for item in items:
            seen.setdefault(item.document.id, item)
    return sorted(seen.values(), key=lambda d: d.document.number)
