"""An inspection: started from a plan, counted on a phone or tablet, recorded once, its result and photos."""
from __future__ import annotations

import secrets

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ...core.errors import show_refusal
from ...core.loaders import get_or_404, get_row
from ...extensions import db
from ...permissions import has_permission, requires
from ...uploads.services import UploadRejected
from .. import services
from ..forms import ResultForm, StartForm
from ..models import CATEGORIES, Inspection, InspectionPhoto, InspectionPlan
from ..services import MeasurementError
from . import bp, _categories, _inspection


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
    from .. import figures

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
    from ...uploads.services import send

    return send(item.file)
