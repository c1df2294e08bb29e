"""REST endpoints of training records and diplomas (read). Without ``training.view`` a user sees their own."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import Schema, fields
from sqlalchemy import select

from ..api import ApiBlueprint, register_api
from ..api.common import Id, PageArgs, UtcDateTime, endpoint, get_or_404, page_of, paged
from ..organisation.models import Employee
from ..permissions import has_permission, require
from . import services
from .models import TrainingRecord, kinds

blp = ApiBlueprint("api_training", __name__, url_prefix="/training", description="Training records and diplomas")


class TrainingSchema(Schema):
    id = fields.Integer(required=True)
    employee_id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"description": "Kind code (the norms register theirs)"})
    title = fields.String(required=True)
    #: Diploma number (a certificate or registration number).
    number = fields.String(allow_none=True)
    completed_on = fields.Date(required=True)
    valid_until = fields.Date(allow_none=True)
    has_file = fields.Function(lambda r: r.file_id is not None, metadata={"type": "boolean"})
    created_at = UtcDateTime(required=True)


class TrainingFilter(PageArgs):
    employee_id = Id()
    kind = fields.String(validate=lambda code: code in kinds(), metadata={"description": "Kind code"})
    valid_on = fields.Date(metadata={"description": "Only records valid on this day"})


@endpoint(blp, "/records", "training.own", "training", page_of(TrainingSchema, "TrainingPage"), query=TrainingFilter)
def list_records(args):
    stmt = select(TrainingRecord)
    if not has_permission(current_user, "training.view"):
        own = select(Employee.id).where(Employee.user_id == current_user.id)
        stmt = stmt.where(TrainingRecord.employee_id.in_(own))
    if "employee_id" in args:
        stmt = stmt.where(TrainingRecord.employee_id == args["employee_id"])
    if "kind" in args:
        stmt = stmt.where(TrainingRecord.kind == args["kind"])
    if "valid_on" in args:
        day = args["valid_on"]
        stmt = stmt.where(TrainingRecord.completed_on <= day,
                          (TrainingRecord.valid_until.is_(None)) | (TrainingRecord.valid_until >= day))
    return paged(stmt.order_by(TrainingRecord.completed_on.desc(), TrainingRecord.id.desc()), args)


@endpoint(blp, "/records/<int:record_id>", "training.own", "training", TrainingSchema)
def get_record(record_id: int):
    record = get_or_404(TrainingRecord, record_id)
    require(services.can_see_employee(current_user, record.employee))
    return record


def register(app) -> None:
    register_api(app, blp, area="training", label=_l("Training records and diplomas"), permissions={"training.own"})
