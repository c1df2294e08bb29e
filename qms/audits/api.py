"""REST endpoints of internal audits and their findings (read)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields
from sqlalchemy import select

from ..api import ApiBlueprint, register_api
from ..api.common import PageArgs, columns_schema, endpoint, page_of, paged, where_given
from ..extensions import db
from .models import Audit, AuditItem
from .rules import AuditState, AuditType
from .views import load_audit

blp = ApiBlueprint("api_audits", __name__, url_prefix="/audits", description="Internal audits and findings")


AuditSchema = columns_schema(Audit, "id number title type state level scope department_id site_id planned_start "
                             "planned_end lead_auditor_id conducted_on reported_on closed_on conclusion")
FindingSchema = columns_schema(AuditItem, "id audit_id position norm version requirement question result "
                               "justification answered_at nonconformity_id", name="FindingSchema")


class AuditFilter(PageArgs):
    state = fields.Enum(AuditState, by_value=True)
    type = fields.Enum(AuditType, by_value=True)
    year = fields.Integer(metadata={"description": "Planned start in this year"})


class FindingFilter(Schema):
    answered = fields.Boolean(metadata={"description": "Only items with a result (true) or without (false)"})


@endpoint(blp, "", "audits.view", "audits", page_of(AuditSchema, "AuditPage"), query=AuditFilter)
def list_audits(args):
    import datetime as dt

    stmt = where_given(select(Audit), args, state=Audit.state, type=Audit.type)
    if "year" in args and 1 <= args["year"] <= 9999:
        year = args["year"]
        stmt = stmt.where(Audit.planned_start >= dt.date(year, 1, 1), Audit.planned_start <= dt.date(year, 12, 31))
    return paged(stmt.order_by(Audit.planned_start.desc(), Audit.id.desc()), args)


@endpoint(blp, "/<int:audit_id>", "audits.view", "audits", AuditSchema)
def get_audit(audit_id: int):
    return load_audit(audit_id)


@endpoint(blp, "/<int:audit_id>/findings", "audits.view", "audits", FindingSchema(many=True), query=FindingFilter)
def list_findings(args, audit_id: int):
    """The checklist items of one audit with their results (findings open nonconformities when reported)."""
    audit = load_audit(audit_id)
    stmt = select(AuditItem).where(AuditItem.audit_id == audit.id)
    if "answered" in args:
        stmt = stmt.where(AuditItem.result.is_not(None) if args["answered"] else AuditItem.result.is_(None))
    return list(db.session.scalars(stmt.order_by(AuditItem.position, AuditItem.id)))


def register(app) -> None:
    register_api(app, blp, area="audits", label=_l("Audits and findings"), permissions={"audits.view"})
