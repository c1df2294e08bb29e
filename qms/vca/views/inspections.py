"""Workplace inspections: the programme, checklist templates, carrying out an inspection on a phone."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from qms.core import exports as tabular
from qms.database import paginate
from qms.extensions import db
from qms.permissions import has_permission, require, requires
from qms.uploads.services import UploadRejected

from . import bp
from .helpers import load, per_page, refused
from .. import integrations
from ..forms import FINDING_RESULTS, InspectionForm, InspectionPlanForm, TemplateForm
from ..models import (InspectionState, VcaInspection, VcaInspectionFinding, VcaInspectionTemplate, VcaKeuring,
                      VcaProfile, VcaRiskAssessment)
from ..services import common, registers
from ..services.common import VcaError
from ...core.submit import on_submit


def vca_files(user, stored_file) -> bool:
    """Files of the VCA registers (inspection photos, keuring certificates, assessments, the signed policy
    statement) are readable by whoever may read the registers."""
    from qms.permissions import has_permission

    if not has_permission(user, "vca.view"):
        return False
    for column in (VcaInspectionFinding.photo_id, VcaKeuring.file_id, VcaRiskAssessment.file_id,
                   VcaProfile.policy_file_id):
        if db.session.scalar(select(column).where(column == stored_file.id).limit(1)) is not None:
            return True
    return False


def _inspections_stmt(show: str, on):
    stmt = select(VcaInspection)
    if show == "planned":
        stmt = stmt.where(VcaInspection.state == InspectionState.PLANNED)
    elif show == "overdue":
        stmt = stmt.where(VcaInspection.state == InspectionState.PLANNED, VcaInspection.planned_on < on)
    elif show == "done":
        stmt = stmt.where(VcaInspection.state == InspectionState.DONE)
    return stmt.order_by(VcaInspection.planned_on.desc(), VcaInspection.id.desc())


@bp.route("/inspections/export.<any(csv, xlsx):fmt>")
@requires("vca.view")
def inspections_export(fmt: str):
    """The inspections as the page shows them (the same ``show`` filter), with the count of findings not OK."""
    on = common.today()
    inspections_ = db.session.scalars(_inspections_stmt(request.args.get("show", ""), on)
                                      .limit(tabular.MAX_ROWS)).unique().all()
    findings = dict(db.session.execute(
        select(VcaInspectionFinding.inspection_id, db.func.count()).where(
            VcaInspectionFinding.inspection_id.in_([i.id for i in inspections_] or [0]),
            VcaInspectionFinding.result == "not_ok").group_by(VcaInspectionFinding.inspection_id)).all())
    header = [_("Date"), _("Checklist"), _("Site"), _("Status"), _("Findings")]
    rows = ([i.done_on or i.planned_on, i.template.name, i.site.name if i.site else "",
             _("Carried out") if i.state == InspectionState.DONE else _("Overdue") if i.planned_on < on else _("Planned"),
             findings.get(i.id, 0) if i.state == InspectionState.DONE else None] for i in inspections_)
    return tabular.response(fmt, header, rows, "inspections", _("Workplace inspections"))


@bp.route("/inspections")
@requires("vca.view")
def inspections():
    on = common.today()
    show = request.args.get("show", "")
    stmt = _inspections_stmt(show, on)
    page = paginate(stmt, request.args.get("page"), per_page())
    findings = dict(db.session.execute(
        select(VcaInspectionFinding.inspection_id, db.func.count()).where(
            VcaInspectionFinding.inspection_id.in_([i.id for i in page.items] or [0]),
            VcaInspectionFinding.result == "not_ok").group_by(VcaInspectionFinding.inspection_id)).all())
    return render_template("vca/inspections.html", page=page, show=show, on=on, findings=findings,
                           overdue=len(registers.overdue_inspections(on)))


@bp.route("/inspections/new", methods=["GET", "POST"])
@requires("vca.manage")
def inspection_new():
    form = InspectionPlanForm()
    templates = db.session.execute(select(VcaInspectionTemplate.id, VcaInspectionTemplate.name)
                                   .where(VcaInspectionTemplate.active.is_(True)).order_by(VcaInspectionTemplate.name))
    form.template_id.choices = [SelectChoice("", _("Choose a checklist"))] + [SelectChoice(t.id, t.name) for t in templates]
    saved = on_submit(form, lambda: registers.plan_inspection(template_id=form.template_id.data,
                                                              site_id=form.site_id.data, planned_on=form.planned_on.data,
                                                              inspector_id=form.inspector_id.data),
                      done=_("The inspection was added to the programme."),
                      to=lambda row: url_for("vca.inspection", inspection_id=row.id))
    return saved or render_template("vca/form.html", form=form, title=_("Plan an inspection"),
                                    cancel=url_for("vca.inspections"))


@bp.route("/inspections/<int:inspection_id>")
@requires("vca.view")
def inspection(inspection_id: int):
    row = load(VcaInspection, inspection_id)
    links = {f.id: integrations.nonconformity_link(f.nonconformity_id) for f in row.findings}
    return render_template("vca/inspection.html", row=row, links=links, on=common.today())


def _after_inspection(row: VcaInspection) -> str:
    """The inspection's page for those who may read the register; the start page for an inspector on staff."""
    if has_permission(current_user, "vca.view"):
        return url_for("vca.inspection", inspection_id=row.id)
    return url_for("core.dashboard")


@bp.route("/inspections/<int:inspection_id>/carry-out", methods=["GET", "POST"])
@requires("vca.sign")
def inspection_do(inspection_id: int):
    """Coordinators carry out any inspection; the assigned inspector carries out their own."""
    row = load(VcaInspection, inspection_id)
    require(has_permission(current_user, "vca.manage") or
            (row.inspector_id is not None and row.inspector_id == current_user.id))
    if row.state is not InspectionState.PLANNED:
        flash(_("This inspection was already carried out; its findings are kept as they are."), "warning")
        return redirect(_after_inspection(row))
    form = InspectionForm(data=None if request.method == "POST" else {"done_on": common.today()})
    checks = row.template.item_list
    answers = [registers.Answer(item=c, result=request.form.get(f"result-{i}", ""),
                                note=(request.form.get(f"note-{i}") or "")[:2000],
                                photo=request.files.get(f"photo-{i}")) for i, c in enumerate(checks)]
    problems: dict[int, str] = {}
    if request.method == "POST" and request.form.get("all_ok"):
        # "All in order": every check without an answer becomes OK; nothing is saved until the form is sent.
        for answer in answers:
            answer.result = answer.result or "ok"
    elif form.validate_on_submit():
        for i, answer in enumerate(answers):
            if answer.result not in {"ok", "not_ok", "na"}:
                problems[i] = _("Choose OK, not OK or not applicable.")
            elif answer.result == "not_ok" and not answer.note.strip():
                problems[i] = _("Describe what is wrong.")
        if not problems:
            try:
                registers.carry_out(row, answers, done_on=form.done_on.data, summary=form.summary.data,
                                    user=current_user)
            except VcaError as error:
                refused(form, error)
            except UploadRejected as error:
                db.session.rollback()
                flash(error.message, "error")
            else:
                db.session.commit()
                flash(_("The inspection was recorded."), "success")
                return redirect(_after_inspection(row))
    return render_template("vca/inspection_do.html", row=row, form=form, checks=checks, answers=answers,
                           problems=problems, results=FINDING_RESULTS)


@bp.route("/inspections/templates", methods=["GET", "POST"])
@requires("vca.manage")
def templates():
    form = TemplateForm()
    saved = on_submit(form, lambda: registers.save_template(None, name=form.name.data, items=form.items.data),
                      done=_("The checklist was added."),
                      to=url_for("vca.templates"))
    if saved:
        return saved
    page = paginate(select(VcaInspectionTemplate).order_by(VcaInspectionTemplate.name), request.args.get("page"),
                    per_page())
    return render_template("vca/templates.html", page=page, form=form)
