"""REST endpoints of the incident log: report, list, read, change the state; hours worked per month."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from ..api import ApiBlueprint, register_api
from ..api.common import Id, PageArgs, columns_schema, endpoint, page_of, paged, refuse, where_given, where_text
from ..extensions import db
from . import services
from .models import Incident, IncidentHours
from .views.common import load_incident
from .workflow import ArboReason, HoursCategory, IncidentState, IncidentType, PersonCategory

blp = ApiBlueprint("api_incidents", __name__, url_prefix="/incidents", description="Incident log")


IncidentSchema = columns_schema(
    Incident, "id number type state severity occurred_at occurred_on reported_at site_id department_id location "
              "injured_count description immediate_action lti_count lost_days on_arbowet_list closed_at",
    # Names of reporters and involved persons: null for roles that do not see personal data.
    persons_text=fields.Function(lambda i: _personal(i.persons_text), allow_none=True,
                                 metadata={"type": ["string", "null"]}),
    reporter_name=fields.Function(lambda i: _personal(i.reporter_name), allow_none=True,
                                  metadata={"type": ["string", "null"]}))


def _personal(value):
    return value if services.may_see_persons(current_user) else None


class IncidentFilter(PageArgs):
    state = fields.Enum(IncidentState, by_value=True)
    type = fields.Enum(IncidentType, by_value=True)
    site_id = Id()
    occurred_from = fields.Date()
    occurred_to = fields.Date()
    q = fields.String(validate=validate.Length(max=100))


class ReportSchema(Schema):
    type = fields.Enum(IncidentType, by_value=True, required=True)
    #: Local time (Europe/Amsterdam) as a person would type it, without offset.
    occurred_at = fields.NaiveDateTime(required=True, metadata={"description": "Local time, Europe/Amsterdam"})
    description = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    site_id = Id(allow_none=True)
    location = fields.String(allow_none=True, validate=validate.Length(max=255))
    involved = fields.List(fields.Enum(PersonCategory, by_value=True), load_default=list)
    injured_count = fields.Integer(load_default=0, validate=validate.Range(0, 1000))
    immediate_action = fields.String(allow_none=True, validate=validate.Length(max=5000))
    arbo_reason = fields.Enum(ArboReason, by_value=True, allow_none=True)
    #: Sending the same report twice with the same key gives the first record (safe retries).
    idempotency_key = fields.String(validate=validate.Length(min=8, max=64))


class ReportedSchema(Schema):
    id = fields.Integer(required=True)
    number = fields.String(required=True)
    created = fields.Boolean(required=True)


class StateChangeSchema(Schema):
    state = fields.Enum(IncidentState, by_value=True, required=True)
    confirm_open_absence = fields.Boolean(load_default=False)


class HoursArgs(Schema):
    year = fields.Integer(required=True, validate=validate.Range(2000, 2100))


class HoursSchema(Schema):
    year = fields.Integer(required=True)
    month = fields.Integer(required=True)
    category = fields.Enum(HoursCategory, by_value=True, required=True)
    hours = fields.Float(required=True)


@endpoint(blp, "", "incidents.view", "incidents", page_of(IncidentSchema, "IncidentPage"), query=IncidentFilter)
def list_incidents(args):
    """The incident log, newest first, filtered in the database."""
    stmt = where_given(select(Incident), args, state=Incident.state, type=Incident.type, site_id=Incident.site_id)
    if "occurred_from" in args:
        stmt = stmt.where(Incident.occurred_on >= args["occurred_from"])
    if "occurred_to" in args:
        stmt = stmt.where(Incident.occurred_on <= args["occurred_to"])
    stmt = where_text(stmt, args.get("q"), Incident.number, Incident.description)
    return paged(stmt.order_by(Incident.occurred_at.desc(), Incident.id.desc()), args)


@endpoint(blp, "/<int:incident_id>", "incidents.view", "incidents", IncidentSchema)
def get_incident(incident_id: int):
    return load_incident(incident_id)


@endpoint(blp, "", "incidents.report", "incidents", ReportedSchema, body=ReportSchema, write=True, status=201)
def report_incident(data):
    """Report an incident in the token user's name (every role may report)."""
    key = data.pop("idempotency_key", None)
    report = services.ReportData(
        type=data["type"], occurred_at=data["occurred_at"].replace(second=0, microsecond=0),
        description=data["description"].strip(), site_id=data.get("site_id"), location=data.get("location"),
        involved=[p.value for p in data["involved"]], injured_count=data["injured_count"],
        immediate_action=data.get("immediate_action"), arbo_reason=data.get("arbo_reason"),
        reporter_name=current_user.name)
    if not report.description:
        refuse(str(_l("Describe what happened.")), "description")
    token = f"api:{current_user.id}:{key}" if key else None
    try:
        incident, created = services.report(report, reporter=current_user._get_current_object(), token=token)
    except services.IncidentError as error:
        refuse(error.message, error.field or None)
    db.session.commit()
    return {"id": incident.id, "number": incident.number, "created": created}


@endpoint(blp, "/<int:incident_id>/state", "incidents.manage", "incidents", IncidentSchema,
          body=StateChangeSchema, write=True)
def change_state(data, incident_id: int):
    """Move an incident along its workflow (the same transitions and checks as the page)."""
    incident = load_incident(incident_id)
    try:
        services.move(incident, data["state"], confirm_open_absence=data["confirm_open_absence"])
    except services.IncidentError as error:
        refuse(error.message, error.field or None)
    db.session.commit()
    return incident


@endpoint(blp, "/hours", "incidents.view", "incidents", HoursSchema(many=True), query=HoursArgs)
def hours_worked(args):
    """Hours worked per month and category for one year (the denominator of the injury frequency)."""
    return list(db.session.scalars(select(IncidentHours).where(IncidentHours.year == args["year"])
                                   .order_by(IncidentHours.month, IncidentHours.category)))


def register(app) -> None:
    register_api(app, blp, area="incidents", label=_l("Incidents and hours worked"),
                 permissions={"incidents.view", "incidents.report"}, writes=True)
