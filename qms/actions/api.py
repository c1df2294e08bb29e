"""REST endpoints of nonconformities and corrective actions (read). Holders of ``actions.own`` see their own."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import Schema, fields, validate
from sqlalchemy import or_, select

from flask_smorest import abort

from ..api import ApiBlueprint, register_api
from ..api.common import PageArgs, columns_schema, endpoint, page_of, paged, refuse, where_given
from ..extensions import db
from ..permissions import has_permission
from . import services
from .models import CorrectiveAction, Nonconformity
from .views import load_action, load_nc
from .workflow import NcState, Severity

blp = ApiBlueprint("api_actions", __name__, url_prefix="", description="Nonconformities and actions")


NonconformitySchema = columns_schema(Nonconformity, "id number title description source_type source_id norm "
                                     "norm_version requirement severity state owner_id opened_on closed_on")
ActionSchema = columns_schema(CorrectiveAction, "id nonconformity_id kind description owner_id due_date done_at",
                              name="ActionSchema")


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
    stmt = where_given(stmt, args, state=Nonconformity.state, severity=Nonconformity.severity)
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
    stmt = where_given(stmt, args, nonconformity_id=CorrectiveAction.nonconformity_id)
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
