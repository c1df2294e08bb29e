"""REST endpoints of training records and diplomas (read). Without ``training.view`` a user sees their own."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import fields
from sqlalchemy import select

from ..api import ApiBlueprint, register_api
from ..api.common import Id, PageArgs, columns_schema, endpoint, get_or_404, page_of, paged, valid_on, where_given
from ..organisation.models import Employee
from ..permissions import has_permission, require
from . import services
from .models import TrainingRecord, kinds

blp = ApiBlueprint("api_training", __name__, url_prefix="/training", description="Training records and diplomas")


# ``number``: the diploma number (a certificate or registration number).
TrainingSchema = columns_schema(
    TrainingRecord, "id employee_id kind title number completed_on valid_until has_file created_at",
    name="TrainingSchema", describe={"kind": "Kind code (the norms register theirs)"},
    has_file=fields.Function(lambda r: r.file_id is not None, metadata={"type": "boolean"}))


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
    stmt = where_given(stmt, args, employee_id=TrainingRecord.employee_id, kind=TrainingRecord.kind)
    if "valid_on" in args:
        stmt = stmt.where(valid_on(args["valid_on"], TrainingRecord.completed_on, TrainingRecord.valid_until))
    return paged(stmt.order_by(TrainingRecord.completed_on.desc(), TrainingRecord.id.desc()), args)


@endpoint(blp, "/records/<int:record_id>", "training.own", "training", TrainingSchema)
def get_record(record_id: int):
    record = get_or_404(TrainingRecord, record_id)
    require(services.can_see_employee(current_user, record.employee))
    return record


def register(app) -> None:
    register_api(app, blp, area="training", label=_l("Training records and diplomas"), permissions={"training.own"})
