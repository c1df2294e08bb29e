"""Locations and their inventory, inspection plans, the overview and the client report."""
from __future__ import annotations

import datetime as dt

from flask import abort, current_app, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ...core import exports as tabular
from ...core.dates import today
from ...core.import_views import add_import_routes
from ...core.imports import export_rows
from ...core.submit import on_submit
from ...database import paginate
from ...extensions import db
from ...permissions import has_permission, requires
from .. import charts, imports, services
from ..forms import LocationForm, PlanForm, RoomForm, StartForm
from ..models import CATEGORIES, Inspection, InspectionPlan, Location
from ..services import MeasurementError
from . import bp, _categories, _location, _plan_choices


def _overview(form, status=200):
    """Locations (paginated) with their figures of the last 12 months: two queries for the whole page."""
    from .. import figures

    stmt = db.select(Location).where(Location.active.is_(True)).order_by(Location.name)
    page = paginate(stmt, request.args.get("page"), current_app.config["ITEMS_PER_PAGE"])
    done = services.done_inspections(today() - dt.timedelta(days=365), today())
    rows = services.as_done(done)
    by_location: dict[int, list] = {}
    for inspection, row in zip(done, rows):
        by_location.setdefault(inspection.location_id, []).append(row)
    return render_template("measurement/index.html", page=page, form=form, summary=figures.summary(rows),
                           figures={loc.id: figures.summary(by_location.get(loc.id, [])) for loc in page.items}
                           ), status


@bp.route("/")
@requires("measurement.view")
def index():
    return _overview(LocationForm())


@bp.route("/locations", methods=["POST"])
@requires("measurement.manage")
def add_location():
    form = LocationForm()
    return on_submit(form, lambda: services.save_location(None, name=form.name.data, client=form.client.data),
                     done=lambda location: _("Location %(name)s was added.", name=location.name),
                     to=lambda location: url_for("measurement.location", location_id=location.id)
                     ) or _overview(form, 400)


def _location_page(location: Location, *, room_form=None, plan_form=None, status=200):
    page = paginate(services.rooms_query(location), request.args.get("page"), current_app.config["ITEMS_PER_PAGE"])
    plans = list(db.session.scalars(db.select(InspectionPlan).where(InspectionPlan.location_id == location.id)
                                    .order_by(InspectionPlan.id)))
    lot = len(services.lot_rooms(location))
    previews = {}
    for plan in plans:
        try:
            previews[plan.id] = services.plan_for(lot, plan.level, plan.aql)
        except MeasurementError as error:
            previews[plan.id] = error.message
    inspections_stmt = db.select(Inspection).where(Inspection.location_id == location.id)
    if not has_permission(current_user, "measurement.view_all"):
        inspections_stmt = inspections_stmt.where(Inspection.inspector_id == current_user.id)
    recent = list(db.session.scalars(inspections_stmt.order_by(Inspection.id.desc()).limit(12)))
    done = services.done_inspections(today() - dt.timedelta(days=365), today(), location)
    from .. import figures

    trend = figures.monthly_trend(services.as_done(done), CATEGORIES)
    if plan_form is None:
        plan_form = PlanForm(formdata=None)
    _plan_choices(plan_form)
    return render_template("measurement/location.html", location=location, page=page, plans=plans,
                           previews=previews, lot=lot, recent=recent, trend=trend,
                           chart=charts.svg(trend, _categories(), _("Defects per inspected room")) if trend else None,
                           summary=figures.summary(services.as_done(done)), room_form=room_form or RoomForm(formdata=None),
                           plan_form=plan_form, start_form=StartForm()), status


@bp.route("/locations/<int:location_id>")
@requires("measurement.view")
def location(location_id: int):
    return _location_page(_location(location_id))


@bp.route("/locations/<int:location_id>/rooms", methods=["POST"])
@requires("measurement.manage")
def add_room(location_id: int):
    loc = _location(location_id)
    form = RoomForm()

    def save():
        room = services.save_room(loc, building=form.building.data, floor=form.floor.data, code=form.code.data,
                                  name=form.name.data, room_type=form.room_type.data, area=form.area.data)
        for element in form.elements.data:
            services.set_element(room, element, form.frequency.data)
        return room

    return on_submit(form, save, done=lambda room: _("Room %(code)s was saved.", code=room.code),
                     to=url_for("measurement.location", location_id=loc.id)
                     ) or _location_page(loc, room_form=form, status=400)


@bp.route("/locations/<int:location_id>/export.<any(csv, xlsx):fmt>")
@requires("measurement.view")
def export(location_id: int, fmt: str):
    """The inventory in the columns the import reads."""
    loc = _location(location_id)
    rooms = db.session.scalars(services.rooms_query(loc).limit(tabular.MAX_ROWS)).all()
    return tabular.response(fmt, imports.INVENTORY.header(), export_rows(imports.INVENTORY, imports.rows(rooms)),
                            "inventory", _("Object inventory"))


add_import_routes(bp, "quality_inventory", "measurement.manage", "/inventory")


@bp.route("/locations/<int:location_id>/plans", methods=["POST"])
@requires("measurement.manage")
def add_plan(location_id: int):
    loc = _location(location_id)
    form = PlanForm()
    _plan_choices(form)
    return on_submit(form, lambda: services.add_plan(loc, contract=form.contract.data, aql=form.aql.data,
                                                     level=form.level.data),
                     done=_("The inspection plan was added."), to=url_for("measurement.location", location_id=loc.id)
                     ) or _location_page(loc, plan_form=form, status=400)


@bp.route("/locations/<int:location_id>/report.pdf")
@requires("measurement.view_all")
def report(location_id: int):
    """The client report: results of the last 12 months, the trend and the actions, in Dutch or English."""
    loc = _location(location_id)
    lang = request.args.get("lang") or str(get_locale())
    if lang not in current_app.config["LANGUAGES"]:
        abort(404)
    from ..pdf import client_report

    with force_locale(lang):
        data = client_report(loc, today() - dt.timedelta(days=365), today())
    from ...core.pdf import response

    return response(data, f"quality-report-{loc.id}-{lang}.pdf")
