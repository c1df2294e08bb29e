"""Published documents that serve the requirements of one norm version (document control, qms/documents).

Only documents with a published version count, and always with that current version; the lookup is one
query for a whole norm version (``documents_for_requirement`` per requirement would be a query per row).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from ..documents.models import Document, DocumentRequirement, DocumentVersion, VersionState


@dataclass
class DocumentEvidence:
    document: Document
    #: The published version: what the certifying body gets to see.
    version: DocumentVersion


def documents_by_requirement(norm: str, version: str, code: str | None = None) -> dict[str, list[DocumentEvidence]]:
    """{requirement code: [published documents with their current version]} for one norm version."""
    stmt = (select(DocumentRequirement.requirement, Document, DocumentVersion)
            .join(Document, Document.id == DocumentRequirement.document_id)
            .join(DocumentVersion, (DocumentVersion.document_id == Document.id)
                  & (DocumentVersion.state == VersionState.PUBLISHED))
            .where(DocumentRequirement.norm == norm, DocumentRequirement.norm_version == version)
            .order_by(Document.number))
    if code is not None:
        stmt = stmt.where(DocumentRequirement.requirement == code)
    out: dict[str, list[DocumentEvidence]] = {}
    for req_code, document, current in db.session.execute(stmt).unique().all():
        out.setdefault(req_code, []).append(DocumentEvidence(document, current))
    return out


def published_documents(norm: str, version: str) -> list[DocumentEvidence]:
    """Every published document linked to any requirement of the norm version, once, by number."""
    seen: dict[int, DocumentEvidence] = {}
    for items in documents_by_requirement(norm, version).values():
        for item in items:
            seen.setdefault(item.document.id, item)
    return sorted(seen.values(), key=lambda d: d.document.number)
