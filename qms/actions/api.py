"""REST endpoints of nonconformities and corrective actions (read). Holders of ``actions.own`` see their own."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import Schema, fields, validate
from sqlalchemy import or_, select

from flask_smorest import abort

from ..api import ApiBlueprint, register_api
from ..api.common import PageArgs, UtcDateTime, endpoint, page_of, paged, refuse
from ..extensions import db
from ..permissions import has_permission
from . import services
from .models import CorrectiveAction, Nonconformity
from .views import load_action, load_nc
from .workflow import ActionKind, NcState, Severity

blp = ApiBlueprint("api_actions", __name__, url_prefix="", description="Nonconformities and actions")


class NonconformitySchema(Schema):
    id = fields.Integer(required=True)
    number = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    source_type = fields.String(required=True)
    source_id = fields.String(allow_none=True)
    norm = fields.String(allow_none=True)
    norm_version = fields.String(allow_none=True)
    requirement = fields.String(allow_none=True)
    severity = fields.Enum(Severity, by_value=True, required=True)
    state = fields.Enum(NcState, by_value=True, required=True)
    owner_id = fields.Integer(allow_none=True)
    opened_on = fields.Date(required=True)
    closed_on = fields.Date(allow_none=True)


class ActionSchema(Schema):
    id = fields.Integer(required=True)
    nonconformity_id = fields.Integer(allow_none=True)
    kind = fields.Enum(ActionKind, by_value=True, required=True)
    description = fields.String(required=True)
    owner_id = fields.Integer(required=True)
    due_date = fields.Date(required=True)
    done_at = UtcDateTime(allow_none=True)


class CompleteSchema(Schema):
    note = fields.String(required=True, validate=validate.Length(max=5000),
                         metadata={"description": "What was done"})


class NcFilter(PageArgs):
    state = fields.Enum(NcState, by_value=True)
    severity = fields.Enum(Severity, by_value=True)


class ActionFilter(PageArgs):
    done = fields.Boolean()
    nonconformity_id = fields.Integer()


def _all() -> bool:
    return has_permission(current_user, "actions.view")


@endpoint(blp, "/nonconformities", "actions.own", "actions", page_of(NonconformitySchema, "NonconformityPage"),
          query=NcFilter)
def list_nonconformities(args):
    """Every nonconformity for actions.view holders; otherwise those the user owns or has an action in."""
    stmt = select(Nonconformity)
    if not _all():
        mine = select(CorrectiveAction.nonconformity_id).where(CorrectiveAction.owner_id == current_user.id)
        stmt = stmt.where(or_(Nonconformity.owner_id == current_user.id, Nonconformity.id.in_(mine)))
    if "state" in args:
        stmt = stmt.where(Nonconformity.state == args["state"])
    if "severity" in args:
        stmt = stmt.where(Nonconformity.severity == args["severity"])
    return paged(stmt.order_by(Nonconformity.opened_on.desc(), Nonconformity.id.desc()), args)


@endpoint(blp, "/nonconformities/<int:nc_id>", "actions.own", "actions", NonconformitySchema)
def get_nonconformity(nc_id: int):
    return load_nc(nc_id)


@endpoint(blp, "/actions", "actions.own", "actions", page_of(ActionSchema, "ActionPage"), query=ActionFilter)
def list_actions(args):
    """Corrective actions; a user without actions.view sees only their own."""
    stmt = select(CorrectiveAction)
    if not _all():
        stmt = stmt.where(CorrectiveAction.owner_id == current_user.id)
    if "done" in args:
        stmt = stmt.where(CorrectiveAction.done_at.is_not(None) if args["done"] else CorrectiveAction.done_at.is_(None))
    if "nonconformity_id" in args:
        stmt = stmt.where(CorrectiveAction.nonconformity_id == args["nonconformity_id"])
    return paged(stmt.order_by(CorrectiveAction.due_date, CorrectiveAction.id), args)


@endpoint(blp, "/actions/<int:action_id>", "actions.own", "actions", ActionSchema)
def get_action(action_id: int):
    return load_action(action_id)


@endpoint(blp, "/actions/<int:action_id>/complete", "actions.own", "actions", ActionSchema,
          body=CompleteSchema, write=True)
def complete_action(data, action_id: int):
    """Mark an action done, as its owner (or a manager of actions) does on the page."""
    action = load_action(action_id)
    if action.owner_id != current_user.id and not has_permission(current_user, "actions.manage"):
        abort(403)
    try:
        services.complete_action(action, current_user._get_current_object(), data["note"])
    except services.ActionError as error:
        refuse(error.message, error.field)
    db.session.commit()
    return action


def register(app) -> None:
    register_api(app, blp, area="actions", label=_l("Nonconformities and actions"), permissions={"actions.own"},
                 writes=True)
