"""Pages of cleaning quality measurement (Kwaliteitsmeting): locations and their inventory, plans, inspections
on a phone or tablet, results, trend, client report and the sampling tables."""
from __future__ import annotations

import datetime as dt
import secrets

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..core import exports as tabular
from ..core.dates import today
from ..core.errors import show_refusal
from ..core.import_views import add_import_routes
from ..core.imports import export_rows
from ..core.loaders import get_or_404, get_row
from ..database import paginate
from ..extensions import db
from ..permissions import has_permission, requires
from ..uploads.services import UploadRejected
from . import charts, imports, sampling, services
from .forms import CellForm, KindForm, LetterForm, LocationForm, PlanForm, ResultForm, RoomForm, StartForm
from .models import CATEGORIES, DefectKind, Inspection, InspectionPhoto, InspectionPlan, Location
from .services import MeasurementError

bp = Blueprint("measurement", __name__, url_prefix="/quality", template_folder="templates",
               static_folder="static")


@bp.record_once
def _register(state) -> None:
    from ..norms import registry

    reg = registry(state.app)
    reg.add_action_source(services.SOURCE_TYPE, _l("Cleaning quality inspection"),
                          lambda source_id: url_for("measurement.inspection", inspection_id=int(source_id)))
    from ..offline import register_offline_page

    register_offline_page(state.app, "/quality/inspections/*", assets=(("measurement.static", "measurement.css"),))


def _location(location_id: int) -> Location:
    return get_or_404(Location, location_id)


def _inspection(inspection_id: int) -> Inspection:
    return get_or_404(Inspection, inspection_id, lambda i: services.may_see_inspection(current_user, i))


def _categories() -> dict[str, str]:
    return {code: str(label) for code, label in CATEGORIES.items()}


def _plan_choices(form: PlanForm) -> None:
    form.aql.choices = [(a, a) for a in services.tables().aql_values]
    if not form.is_submitted():
        form.aql.data = form.aql.data or "4.0"


def _overview(form, status=200):
    """Locations (paginated) with their figures of the last 12 months: two queries for the whole page."""
    from . import figures

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
    if form.validate_on_submit():
        try:
            location = services.save_location(None, name=form.name.data, client=form.client.data)
        except MeasurementError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("Location %(name)s was added.", name=location.name), "success")
            return redirect(url_for("measurement.location", location_id=location.id))
    return _overview(form, 400)


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
    from . import figures

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
    if form.validate_on_submit():
        try:
            room = services.save_room(loc, building=form.building.data, floor=form.floor.data, code=form.code.data,
                                      name=form.name.data, room_type=form.room_type.data, area=form.area.data)
            for element in form.elements.data:
                services.set_element(room, element, form.frequency.data)
        except MeasurementError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("Room %(code)s was saved.", code=room.code), "success")
            return redirect(url_for("measurement.location", location_id=loc.id))
    return _location_page(loc, room_form=form, status=400)


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
    if form.validate_on_submit():
        try:
            services.add_plan(loc, contract=form.contract.data, aql=form.aql.data, level=form.level.data)
        except MeasurementError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("The inspection plan was added."), "success")
            return redirect(url_for("measurement.location", location_id=loc.id))
    return _location_page(loc, plan_form=form, status=400)


@bp.route("/plans/<int:plan_id>/start", methods=["POST"])
@requires("measurement.inspect")
def start(plan_id: int):
    plan = get_or_404(InspectionPlan, plan_id)
    if not StartForm().validate_on_submit():
        flash(_("The request could not be processed; please try again."), "error")
        return redirect(url_for("measurement.location", location_id=plan.location_id))
    try:
        inspection = services.start_inspection(plan, current_user)
    except MeasurementError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("measurement.location", location_id=plan.location_id))
    inspection_id = inspection.id
    db.session.commit()
    return redirect(url_for("measurement.inspection", inspection_id=inspection_id))


def _counts_from(form_data, rooms, kinds) -> tuple[dict, list[str]]:
    counts, problems = {}, []
    for sampled in rooms:
        for element in sampled.room.elements:
            for kind in kinds:
                raw = (form_data.get(f"c-{sampled.id}-{element.element}-{kind.id}") or "").strip()
                if not raw:
                    continue
                if not raw.isdigit() or int(raw) > services.MAX_COUNT:
                    problems.append(f"{sampled.room.code} · {element.label} · {kind.name(str(get_locale()))}")
                    continue
                counts[(sampled.id, element.element, kind.id)] = int(raw)
    return counts, problems


def _form_page(inspection: Inspection, form: ResultForm, *, status=200, problems=()):
    if not form.submission_id.data:
        form.submission_id.data = secrets.token_hex(16)
    return render_template("measurement/inspect.html", inspection=inspection, form=form,
                           rooms=services.inspection_rooms(inspection), kinds=services.active_kinds(),
                           locale=str(get_locale()), entered=request.form if request.method == "POST" else {},
                           problems=problems, max_count=services.MAX_COUNT), status


@bp.route("/inspections/<int:inspection_id>")
@requires("measurement.view")
def inspection(inspection_id: int):
    found = _inspection(inspection_id)
    if services.may_conduct(current_user, found) and has_permission(current_user, "measurement.inspect"):
        return _form_page(found, ResultForm(formdata=None))
    return _result_page(found)


def _result_page(found: Inspection):
    from . import figures

    counts = services.category_counts([found.id])[found.id]
    results, lot_ok = figures.lot_result(counts, CATEGORIES, found.ac, found.re)
    return render_template("measurement/result.html", inspection=found, results=results, lot_ok=lot_ok,
                           categories=_categories(), rooms=services.inspection_rooms(found),
                           actions=services.actions_for([found]), locale=str(get_locale()))


@bp.route("/inspections/<int:inspection_id>", methods=["POST"])
@requires("measurement.inspect")
def record(inspection_id: int):
    found = _inspection(inspection_id)
    form = ResultForm()
    repeat = services.find_submission(form.submission_id.data)
    if repeat is not None:  # the same form sent again (a queue replaying it): recorded once
        return redirect(url_for("measurement.inspection", inspection_id=repeat.id))
    if not services.may_conduct(current_user, found):
        flash(_("This inspection was already recorded."), "warning")
        return redirect(url_for("measurement.inspection", inspection_id=found.id))
    if not form.validate_on_submit():
        return _form_page(found, form, status=400)
    rooms, kinds = services.inspection_rooms(found), services.all_kinds()
    counts, problems = _counts_from(request.form, rooms, kinds)
    if problems:
        form.form_errors.append(_("A count is a whole number from 0 to %(max)s.", max=services.MAX_COUNT))
        return _form_page(found, form, status=400, problems=problems)
    photos = [f for f in request.files.getlist("photos") if f and f.filename]
    try:
        services.record_result(found, current_user, counts=counts, client_name=form.client_name.data,
                               client_confirmed=form.client_confirmed.data, notes=form.notes.data,
                               submission_id=form.submission_id.data, photos=photos)
    except (MeasurementError, UploadRejected) as error:
        show_refusal(form, error if isinstance(error, MeasurementError) else MeasurementError(None, error.message),
                     on_form=True)
        found = _inspection(inspection_id)
        return _form_page(found, form, status=400)
    accepted = found.accepted
    db.session.commit()
    flash(_("The lot was accepted.") if accepted else _("The lot was rejected; a nonconformity was opened."),
          "success" if accepted else "warning")
    return redirect(url_for("measurement.inspection", inspection_id=inspection_id))


@bp.route("/inspections/<int:inspection_id>/photos/<int:photo_id>")
@requires("measurement.view")
def photo(inspection_id: int, photo_id: int):
    found = _inspection(inspection_id)
    item = get_row(InspectionPhoto, photo_id)
    if item is None or item.inspection_id != found.id:
        abort(404)
    from ..uploads.services import send

    return send(item.file)


@bp.route("/locations/<int:location_id>/report.pdf")
@requires("measurement.view_all")
def report(location_id: int):
    """The client report: results of the last 12 months, the trend and the actions, in Dutch or English."""
    loc = _location(location_id)
    lang = request.args.get("lang") or str(get_locale())
    if lang not in current_app.config["LANGUAGES"]:
        abort(404)
    from .pdf import client_report

    with force_locale(lang):
        data = client_report(loc, today() - dt.timedelta(days=365), today())
    from ..core.pdf import response

    return response(data, f"quality-report-{loc.id}-{lang}.pdf")


# --- defect kinds and the sampling tables -------------------------------------------------------------------

@bp.route("/defect-kinds", methods=["GET", "POST"])
@requires("measurement.manage")
def defect_kinds():
    form = KindForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                services.ensure_default_kinds()
                kind = services.add_kind(code=form.code.data, name_nl=form.name_nl.data, name_en=form.name_en.data,
                                         category=form.category.data)
            except MeasurementError as error:
                show_refusal(form, error)
            else:
                db.session.commit()
                flash(_("Defect kind %(name)s was added.", name=kind.name(str(get_locale()))), "success")
                return redirect(url_for("measurement.defect_kinds"))
        status = 400
    return render_template("measurement/kinds.html", form=form, kinds=services.all_kinds(),
                           categories=_categories(), locale=str(get_locale()), toggle=StartForm()), status


@bp.route("/defect-kinds/<int:kind_id>/active", methods=["POST"])
@requires("measurement.manage")
def toggle_kind(kind_id: int):
    kind = get_or_404(DefectKind, kind_id)
    if StartForm().validate_on_submit():
        kind.active = not kind.active
        db.session.commit()
        flash(_("The defect kind was changed."), "success")
    return redirect(url_for("measurement.defect_kinds"))


def _table_forms(cell_form=None, letter_form=None):
    data = services.tables_data()
    cell_form = cell_form or CellForm(formdata=None)
    cell_form.letter.choices = [(letter, letter) for letter in data["master"]]
    cell_form.aql.choices = [(a, a) for a in data["aql_values"]]
    letter_form = letter_form or LetterForm(formdata=None)
    letter_form.lot_min.choices = [(r["lot_min"], _lot_label(r)) for r in data["code_letters"]]
    letter_form.letter.choices = [(letter, letter) for letter in data["master"]]
    return data, cell_form, letter_form


def _lot_label(row) -> str:
    return f"{row['lot_min']} – {row['lot_max']}" if row["lot_max"] else _("%(n)s and more", n=row["lot_min"])


def _tables_page(cell_form=None, letter_form=None, status=200):
    data, cell_form, letter_form = _table_forms(cell_form, letter_form)
    return render_template("measurement/tables.html", data=data, cell_form=cell_form, letter_form=letter_form,
                           revisions=services.revisions(), label=sampling.cell_label, lot_label=_lot_label,
                           levels=sampling.LEVELS), status


@bp.route("/tables")
@requires("measurement.view")
def tables():
    return _tables_page()


@bp.route("/tables/cell", methods=["POST"])
@requires("measurement.tables")
def correct_cell():
    form = _table_forms(CellForm())[1]
    if form.validate_on_submit():
        try:
            services.correct_cell(form.letter.data, form.aql.data, form.cell.data, form.note.data, current_user)
        except MeasurementError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("The sampling table was corrected; new inspections use the corrected table."), "success")
            return redirect(url_for("measurement.tables"))
    return _tables_page(cell_form=form, status=400)


@bp.route("/tables/letter", methods=["POST"])
@requires("measurement.tables")
def correct_letter():
    form = _table_forms(None, LetterForm())[2]
    if form.validate_on_submit():
        try:
            services.correct_letter(form.lot_min.data, form.level.data, form.letter.data, form.note.data,
                                    current_user)
        except MeasurementError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("The sampling table was corrected; new inspections use the corrected table."), "success")
            return redirect(url_for("measurement.tables"))
    return _tables_page(letter_form=form, status=400)
