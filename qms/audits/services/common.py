"""What every part of the audit operations shares: the source type of findings, link kinds, the domain error
and the checklist in order."""
from __future__ import annotations

from dataclasses import field

from flask_babel import gettext as _
from sqlalchemy import select

from ...core.errors import DomainError
from ...extensions import db
from ..models import Audit, AuditItem

SOURCE_TYPE = "audit_finding"
LINK_KINDS = ("document", "incident", "nonconformity", "other")


class AuditError(DomainError):
    """A rule of the audit workflow refused the change; ``field`` names the form field it concerns."""


def _items(audit: Audit) -> list[AuditItem]:
    return list(db.session.scalars(select(AuditItem).where(AuditItem.audit_id == audit.id)
                                   .order_by(AuditItem.position, AuditItem.id)))
