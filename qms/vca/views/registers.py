"""Equipment with keuringen, risk assessments with their plan of action, LMRA cards (printable)."""
import datetime as dt

from flask import make_response, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from qms.core import exports as tabular
from qms.core.import_views import add_import_routes
from qms.core.record_forms import add_form_routes
from qms.core.imports import export_rows
from qms.database import paginate
from qms.extensions import db
from qms.permissions import requires

from . import bp
from .helpers import document_choices, load, per_page
from .. import imports, integrations, rules
from ..forms import AssessmentForm, ButtonForm, CardForm, EquipmentForm, KeuringForm, MeasureForm
from ..models import (AssessmentKind, VcaEquipment, VcaKeuring, VcaLmraCard, VcaRiskAssessment, VcaRiskMeasure)
from ..services import common, registers
from ...core.submit import act, on_submit


# --- equipment --------------------------------------------------------------------------------

def _equipment_stmt(show: str, on: dt.date):
    stmt = select(VcaEquipment).where(VcaEquipment.active.is_(True))
    if show == "overdue":
        stmt = stmt.where(VcaEquipment.next_keuring_on < on)
    elif show == "soon":
        stmt = stmt.where(VcaEquipment.next_keuring_on <= on + dt.timedelta(days=rules.KEURING_WARNING_DAYS))
    elif show == "retired":
        stmt = select(VcaEquipment).where(VcaEquipment.active.is_(False))
    return stmt.order_by(VcaEquipment.next_keuring_on.is_(None), VcaEquipment.next_keuring_on, VcaEquipment.name)


@bp.route("/equipment")
@requires("vca.view")
def equipment():
    on = common.today()
    show = request.args.get("show", "")
    page = paginate(_equipment_stmt(show, on), request.args.get("page"), per_page())
    return render_template("vca/equipment.html", page=page, show=show, on=on, status=rules.keuring_status,
                           overdue=len(registers.overdue_equipment(on)))


@bp.route("/equipment/export.<any(csv, xlsx):fmt>")
@requires("vca.view")
def equipment_export(fmt: str):
    """The equipment list as shown (the same ``show`` filter), in the columns the import reads."""
    stmt = _equipment_stmt(request.args.get("show", ""), common.today()).limit(tabular.MAX_ROWS)
    return tabular.response(fmt, imports.EQUIPMENT.header(), export_rows(imports.EQUIPMENT, db.session.scalars(stmt)),
                            "equipment", _("Equipment and keuringen"))


@bp.route("/equipment/keuringen.<any(csv, xlsx):fmt>")
@requires("vca.view")
def keuringen_export(fmt: str):
    """Every keuring of the equipment in the list as shown, in the columns the keuringen import reads."""
    items = db.session.scalars(_equipment_stmt(request.args.get("show", ""), common.today())
                               .limit(tabular.MAX_ROWS)).all()
    stmt = select(VcaKeuring).where(VcaKeuring.equipment_id.in_([i.id for i in items])).order_by(
        VcaKeuring.equipment_id, VcaKeuring.inspected_on, VcaKeuring.id)
    return tabular.response(fmt, imports.KEURINGEN.header(), export_rows(imports.KEURINGEN, db.session.scalars(stmt)),
                            "keuringen", _("Keuringen"))


add_import_routes(bp, "vca_equipment", "vca.manage", "/equipment")
add_import_routes(bp, "vca_keuringen", "vca.manage", "/equipment/keuringen")


def _equipment_form(item=None) -> EquipmentForm:
    return EquipmentForm(obj=item)


def _equipment_save(item):
    form = _equipment_form(item)
    saved = on_submit(form, lambda: registers.save_equipment(item, name=form.name.data, code=form.code.data,
                                                             location=form.location.data,
                                                             interval_months=form.interval_months.data,
                                                             next_keuring_on=form.next_keuring_on.data),
                      done=lambda result: _("%(name)s was saved.", name=result.name),
                      to=lambda result: url_for("vca.equipment_detail", equipment_id=result.id))
    if saved:
        return saved
    cancel = url_for("vca.equipment_detail", equipment_id=item.id) if item else url_for("vca.equipment")
    return render_template("vca/form.html", form=form, title=_("Edit equipment") if item else _("Add equipment"),
                           cancel=cancel)


add_form_routes(bp, "/equipment", "equipment", "vca.manage", lambda i: load(VcaEquipment, i), _equipment_save)


@bp.route("/equipment/<int:equipment_id>")
@requires("vca.view")
def equipment_detail(equipment_id: int):
    return _equipment_page(load(VcaEquipment, equipment_id), KeuringForm(formdata=None))


def _equipment_page(item, form):
    history = db.session.scalars(select(VcaKeuring).where(VcaKeuring.equipment_id == item.id)
                                 .order_by(VcaKeuring.inspected_on.desc())).all()
    return render_template("vca/equipment_detail.html", item=item, history=history, form=form, on=common.today(),
                           status=rules.keuring_status)


@bp.route("/equipment/<int:equipment_id>/keuring", methods=["POST"])
@requires("vca.manage")
def keuring_add(equipment_id: int):
    item = load(VcaEquipment, equipment_id)
    form = KeuringForm()
    saved = on_submit(form, lambda: registers.record_keuring(item, inspected_on=form.inspected_on.data,
                                                             result=form.result.data,
                                                             inspected_by=form.inspected_by.data, note=form.note.data,
                                                             file=request.files.get("file")),
                      done=_("The keuring was recorded."),
                      to=url_for("vca.equipment_detail", equipment_id=item.id))
    return saved or _equipment_page(item, form)


# --- risk assessments -------------------------------------------------------------------------

@bp.route("/risks")
@requires("vca.view")
def risks():
    on = common.today()
    kind = request.args.get("kind", "")
    stmt = select(VcaRiskAssessment).where(VcaRiskAssessment.active.is_(True))
    if kind in {k.value for k in AssessmentKind}:
        stmt = stmt.where(VcaRiskAssessment.kind == AssessmentKind(kind))
    stmt = stmt.order_by(VcaRiskAssessment.kind, VcaRiskAssessment.assessed_on.desc())
    page = paginate(stmt, request.args.get("page"), per_page())
    open_measures = dict(db.session.execute(
        select(VcaRiskMeasure.assessment_id, db.func.count()).where(VcaRiskMeasure.done_on.is_(None))
        .group_by(VcaRiskMeasure.assessment_id)).all())
    return render_template("vca/risks.html", page=page, kind=kind, on=on, stale=rules.tra_is_stale,
                           open_measures=open_measures, stale_count=len(registers.stale_tras(on)))


@bp.route("/risks/export.<any(csv, xlsx):fmt>")
@requires("vca.view")
def risks_export(fmt: str):
    """The risk assessments (RI&E, function RI&E, TRA) with the page's kind filter and their open measures."""
    on = common.today()
    kind = request.args.get("kind", "")
    stmt = select(VcaRiskAssessment).where(VcaRiskAssessment.active.is_(True))
    if kind in {k.value for k in AssessmentKind}:
        stmt = stmt.where(VcaRiskAssessment.kind == AssessmentKind(kind))
    stmt = stmt.order_by(VcaRiskAssessment.kind, VcaRiskAssessment.assessed_on.desc())
    open_measures = dict(db.session.execute(
        select(VcaRiskMeasure.assessment_id, db.func.count()).where(VcaRiskMeasure.done_on.is_(None))
        .group_by(VcaRiskMeasure.assessment_id)).all())
    kinds = {AssessmentKind.RIE: _("RI&E"), AssessmentKind.FUNCTION_RIE: _("Function RI&E"),
             AssessmentKind.TRA: _("TRA")}
    header = [_("Title"), _("Kind"), _("Function or task"), _("Assessed on"), _("Assessed by"),
              _("Older than 12 months"), _("Open measures")]
    rows = ([r.title, kinds[r.kind], r.subject or "", r.assessed_on, r.assessed_by or "",
             r.kind == AssessmentKind.TRA and rules.tra_is_stale(r.assessed_on, on), open_measures.get(r.id, 0)]
            for r in db.session.scalars(stmt.limit(tabular.MAX_ROWS)))
    return tabular.response(fmt, header, rows, "risk-assessments", _("Risk assessments"))


def _assessment_save(row):
    form = AssessmentForm(obj=row)
    if row is not None and not form.is_submitted():
        form.kind.data = row.kind.value
    if row is None and not form.is_submitted() and request.args.get("kind") in {k.value for k in AssessmentKind}:
        form.kind.data = request.args["kind"]
    form.document_id.choices = document_choices()
    saved = on_submit(form, lambda: registers.save_assessment(row, kind=form.kind.data, title=form.title.data,
                                                              subject=form.subject.data,
                                                              assessed_on=form.assessed_on.data,
                                                              assessed_by=form.assessed_by.data,
                                                              document_id=form.document_id.data, note=form.note.data,
                                                              file=request.files.get("file")),
                      done=_("The risk assessment was saved."),
                      to=lambda result: url_for("vca.assessment", assessment_id=result.id))
    if saved:
        return saved
    cancel = url_for("vca.assessment", assessment_id=row.id) if row else url_for("vca.risks")
    return render_template("vca/form.html", form=form, enctype="multipart/form-data", cancel=cancel,
                           title=_("Edit risk assessment") if row else _("Add risk assessment"))


add_form_routes(bp, "/risks", "assessment", "vca.manage", lambda i: load(VcaRiskAssessment, i), _assessment_save)


@bp.route("/risks/<int:assessment_id>")
@requires("vca.view")
def assessment(assessment_id: int):
    row = load(VcaRiskAssessment, assessment_id)
    form = MeasureForm()
    return _assessment_page(row, form)


def _assessment_page(row, form):
    measures = db.session.scalars(select(VcaRiskMeasure).where(VcaRiskMeasure.assessment_id == row.id)
                                  .order_by(VcaRiskMeasure.done_on.is_not(None), VcaRiskMeasure.due_on)).all()
    return render_template("vca/assessment.html", row=row, measures=measures, form=form, button=ButtonForm(),
                           on=common.today(), stale=rules.tra_is_stale(row.assessed_on, common.today()),
                           document=integrations.document_link(row.document_id))


@bp.route("/risks/<int:assessment_id>/measures", methods=["POST"])
@requires("vca.manage")
def measure_add(assessment_id: int):
    row = load(VcaRiskAssessment, assessment_id)
    form = MeasureForm()
    saved = on_submit(form, lambda: registers.add_measure(row, measure=form.measure.data, owner_id=form.owner_id.data,
                                                          due_on=form.due_on.data),
                      done=_("The measure was added to the plan of action."),
                      to=url_for("vca.assessment", assessment_id=row.id))
    return saved or _assessment_page(row, form)


@bp.route("/measures/<int:measure_id>/done", methods=["POST"])
@requires("vca.manage")
def measure_done(measure_id: int):
    measure = load(VcaRiskMeasure, measure_id)
    return act(ButtonForm(), lambda: registers.complete_measure(measure),
               done=_("The measure is marked as done."),
               to=url_for("vca.assessment", assessment_id=measure.assessment_id))


# --- LMRA cards -------------------------------------------------------------------------------

@bp.route("/cards")
@requires("vca.view")
def cards():
    page = paginate(select(VcaLmraCard).where(VcaLmraCard.active.is_(True)).order_by(VcaLmraCard.title),
                    request.args.get("page"), per_page())
    return render_template("vca/cards.html", page=page)


@bp.route("/cards/export.<any(csv, xlsx):fmt>")
@requires("vca.view")
def cards_export(fmt: str):
    """The active LMRA cards with their questions (one per line in the cell)."""
    stmt = select(VcaLmraCard).where(VcaLmraCard.active.is_(True)).order_by(VcaLmraCard.title)
    header = [_("Title"), _("Task"), _("Number of questions"), _("Questions")]
    rows = ([c.title, c.task or "", len(c.question_list), "\n".join(c.question_list)]
            for c in db.session.scalars(stmt.limit(tabular.MAX_ROWS)))
    return tabular.response(fmt, header, rows, "lmra-cards", _("LMRA cards"))


def _card_save(card):
    form = CardForm(obj=card)
    saved = on_submit(form, lambda: registers.save_card(card, title=form.title.data, task=form.task.data,
                                                        questions=form.questions.data),
                      done=_("The LMRA card was saved."),
                      to=lambda result: url_for("vca.cards", saved=result.id))
    return saved or render_template("vca/form.html", form=form, cancel=url_for("vca.cards"),
                                    title=_("Edit LMRA card") if card else _("Add LMRA card"))


add_form_routes(bp, "/cards", "card", "vca.manage", lambda i: load(VcaLmraCard, i), _card_save)


@bp.route("/cards/<int:card_id>.pdf")
@requires("vca.view")
def card_pdf(card_id: int):
    from ..pdf import lmra_card

    card = load(VcaLmraCard, card_id)
    response = make_response(lmra_card(card))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="lmra-{card.id}.pdf"'
    return response
