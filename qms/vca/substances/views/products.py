"""Products: the register, a product's page, its sheet, substances, CMR registration and links."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from qms.core.lookup import label_for
from qms.database import paginate
from qms.extensions import db
from qms.permissions import has_permission, requires

from .. import exports, reference, register, rules, services
from ..forms import AnnounceForm, ButtonForm, CmrForm, LinkForm, MeetingLinkForm, ProductForm, SheetForm, SubstancesForm
from ..models import VcaHazardCode, VcaProductIncident, VcaProductToolbox
from ..services import SubstanceError
from .common import _filters, _load, _refused, _suppliers, bp
from ....core.record_forms import add_form_routes
from ....core.submit import on_submit


@bp.route("/")
@requires("vca.substances.view")
def index():
    f = _filters()
    page = paginate(register.filtered(f), request.args.get("page"), current_app.config["ITEMS_PER_PAGE"])
    ids = [p.id for p in page.items]
    max_age, on = services.max_age_years(), services.today()
    return render_template("substances/index.html", page=page, f=f, suppliers=_suppliers(),
                           site_label=label_for("sites", f.site_id),
                           pictograms=rules.PICTOGRAMS, cmr=services.cmr_product_ids(ids),
                           status=lambda p: services.sheet_status(p, max_age, on), figures=register.figures(on))


@bp.route("/export.csv")
@requires("vca.substances.view")
def export_csv():
    return exports.products_csv(register.filtered(_filters()))


@bp.route("/export.xlsx")
@requires("vca.substances.view")
def export_xlsx():
    return exports.products_xlsx(register.filtered(_filters()))


def _product_form(product=None) -> ProductForm:
    form = ProductForm(obj=product)
    if product is not None and not form.is_submitted():
        form.quantity_band.data = product.quantity_band.value
        form.signal_word.data = product.signal_word.value
        form.pictograms.data = product.pictogram_list
        form.ppe.data = product.ppe_list
        form.functions.data = product.function_list
        form.site_ids.data = [s.id for s in product.sites]
        form.hazard_statements.data = ", ".join(product.hazard_list)
        form.precaution_statements.data = ", ".join(product.precaution_list)
    from ...models import AssessmentKind, VcaRiskAssessment

    form.supplier_id.choices = [SelectChoice("", _("No supplier"))] + [SelectChoice(r.id, r.name) for r in _suppliers()]
    form.functions.choices = [SelectChoice(name, name) for name in services.function_names()]
    form.assessment_id.choices = [SelectChoice("", _("No RI&E"))] + [
        SelectChoice(r.id, r.title) for r in db.session.execute(
            select(VcaRiskAssessment.id, VcaRiskAssessment.title).where(
                VcaRiskAssessment.active.is_(True), VcaRiskAssessment.kind != AssessmentKind.TRA)
            .order_by(VcaRiskAssessment.title))]
    return form


def _save(product):
    form = _product_form(product)
    saved = on_submit(form, lambda: services.save_product(product, name=form.name.data, purpose=form.purpose.data,
                                                          supplier_id=form.supplier_id.data,
                                                          site_ids=form.site_ids.data or [],
                                                          functions=form.functions.data or [],
                                                          quantity_band=form.quantity_band.data,
                                                          signal_word=form.signal_word.data,
                                                          pictograms=form.pictograms.data or [],
                                                          hazard_statements=form.hazard_statements.data,
                                                          precaution_statements=form.precaution_statements.data,
                                                          ppe=form.ppe.data or [], do_text=form.do_text.data,
                                                          dont_text=form.dont_text.data, first_aid=form.first_aid.data,
                                                          disposal=form.disposal.data,
                                                          assessment_id=form.assessment_id.data),
                      done=lambda result: _("%(name)s was saved.", name=result.name),
                      to=lambda result: url_for("substances.product", product_id=result.id))
    if saved:
        return saved
    cancel = url_for("substances.product", product_id=product.id) if product else url_for("substances.index")
    return render_template("substances/form.html", form=form, cancel=cancel,
                           title=_("Edit product") if product else _("Add product"),
                           codes=db.session.scalars(select(VcaHazardCode).order_by(VcaHazardCode.code)).all())


add_form_routes(bp, "", "product", "vca.substances.manage", _load, _save)


def _incident_choices():
    from qms.incidents.models import Incident

    rows = db.session.execute(select(Incident.id, Incident.number, Incident.occurred_on)
                              .order_by(Incident.occurred_on.desc(), Incident.id.desc()).limit(200))
    return [SelectChoice("", _("Choose an incident"))] + [
        SelectChoice(r.id, f"{r.number} ({r.occurred_on.isoformat()})") for r in rows]


def _meeting_choices():
    from ...models import VcaToolboxMeeting

    rows = db.session.execute(select(VcaToolboxMeeting.id, VcaToolboxMeeting.topic, VcaToolboxMeeting.planned_on)
                              .order_by(VcaToolboxMeeting.planned_on.desc()).limit(200))
    return [SelectChoice("", _("Choose a meeting"))] + [SelectChoice(r.id, f"{r.planned_on.isoformat()} {r.topic}")
                                                        for r in rows]


def _product_page(product, *, sheet=None, substances=None, cmr=None, link=None, meeting=None, status=200):
    from qms.incidents.models import Incident

    from ...models import VcaRiskAssessment, VcaToolboxMeeting

    manage = has_permission(current_user, "vca.substances.manage")
    if substances is None:
        substances = SubstancesForm(formdata=None, lines="\n".join(
            f"{s.cas or ''}; {s.name}; {services.band_label_text(s.concentration)}" for s in product.substances))
    registration = services.cmr_registration(product)
    if cmr is None:
        cmr = CmrForm(formdata=None, obj=registration)
        if registration is not None:
            cmr.substitution.data = registration.substitution.value
            cmr.reason.data = registration.substitution_reason
            cmr.planned_on.data = registration.substitution_planned_on
    link = link or LinkForm(formdata=None)
    meeting = meeting or MeetingLinkForm(formdata=None)
    if manage:
        link.incident_id.choices = _incident_choices()
        meeting.meeting_id.choices = _meeting_choices()
    incidents = db.session.execute(select(VcaProductIncident.id, Incident).join(
        Incident, Incident.id == VcaProductIncident.incident_id).where(VcaProductIncident.product_id == product.id)
        .order_by(Incident.occurred_on.desc())).all()
    meetings = db.session.execute(select(VcaProductToolbox.id, VcaToolboxMeeting).join(
        VcaToolboxMeeting, VcaToolboxMeeting.id == VcaProductToolbox.meeting_id)
        .where(VcaProductToolbox.product_id == product.id).order_by(VcaToolboxMeeting.planned_on.desc())).all()
    codes = product.pictogram_list + product.hazard_list + product.precaution_list
    return render_template(
        "substances/product.html", product=product, status=services.sheet_status(product), manage=manage,
        sheet=sheet or SheetForm(formdata=None), announce=AnnounceForm(formdata=None), substances=substances,
        matches=services.cmr_matches(product), registration=registration, cmr=cmr,
        complete=services.registration_complete(registration), link=link, meeting=meeting, incidents=incidents,
        meetings=meetings, texts=reference.hazard_texts(codes), button=ButtonForm(formdata=None),
        confirmations=services.confirmations(product), ppe_labels=rules.PPE, band=services.band_label_text,
        assessment=services.get(VcaRiskAssessment, product.assessment_id),
        can_incidents=has_permission(current_user, "incidents.view"), max_age=services.max_age_years()), status


@bp.route("/<int:product_id>")
@requires("vca.substances.view")
def product(product_id: int):
    return _product_page(_load(product_id))


@bp.route("/<int:product_id>/sheet", methods=["POST"])
@requires("vca.substances.manage")
def sheet_upload(product_id: int):
    product = _load(product_id)
    form = SheetForm()
    saved = on_submit(form, lambda: services.upload_sheet(product, request.files.get("file"), form.issued_on.data,
                                                          form.language.data, form.revision.data),
                      done=_("The safety data sheet was saved."),
                      to=url_for("substances.product", product_id=product.id))
    return saved or _product_page(product, sheet=form, status=400)


def _simple(product_id: int, action, message: str, form_cls=ButtonForm):
    product = _load(product_id)
    form = form_cls()
    if form.validate_on_submit():
        try:
            action(product, form)
        except SubstanceError as error:
            _refused(None, error)
        else:
            db.session.commit()
            flash(message, "success")
    else:
        flash(_("The request could not be processed; please try again."), "error")
    return product


@bp.route("/<int:product_id>/sheet/reviewed", methods=["POST"])
@requires("vca.substances.manage")
def sheet_reviewed(product_id: int):
    product = _simple(product_id, lambda p, f: services.mark_sheet_reviewed(p),
                      _("Recorded: the sheet on file is the supplier's latest."))
    return redirect(url_for("substances.product", product_id=product.id))


@bp.route("/<int:product_id>/sheet/newer", methods=["POST"])
@requires("vca.substances.manage")
def sheet_newer(product_id: int):
    product = _simple(product_id, lambda p, f: services.announce_newer_revision(p, f.announced_on.data),
                      _("Recorded: the supplier announced a newer sheet."), AnnounceForm)
    return redirect(url_for("substances.product", product_id=product.id))


@bp.route("/<int:product_id>/active", methods=["POST"])
@requires("vca.substances.manage")
def toggle_active(product_id: int):
    product = _simple(product_id, lambda p, f: services.set_active(p, not p.active), _("The product was saved."))
    return redirect(url_for("substances.product", product_id=product.id))


@bp.route("/<int:product_id>/substances", methods=["POST"])
@requires("vca.substances.manage")
def substances_save(product_id: int):
    product = _load(product_id)
    form = SubstancesForm()
    if form.validate_on_submit():
        try:
            services.set_substances(product, form.lines.data)
        except SubstanceError as error:
            _refused(form, error)
        else:
            db.session.commit()
            if services.cmr_matches(product) and not services.registration_complete(services.cmr_registration(product)):
                flash(_("This product contains a CMR substance: fill in the extra registration."), "warning")
            else:
                flash(_("The substances were saved."), "success")
            return redirect(url_for("substances.product", product_id=product.id))
    return _product_page(product, substances=form, status=400)


@bp.route("/<int:product_id>/cmr", methods=["POST"])
@requires("vca.substances.manage")
def cmr_save(product_id: int):
    product = _load(product_id)
    form = CmrForm()
    saved = on_submit(form, lambda: services.save_cmr_registration(product, exposed=form.exposed.data,
                                                                   exposure=form.exposure.data,
                                                                   measures=form.measures.data,
                                                                   substitution=form.substitution.data,
                                                                   reason=form.reason.data,
                                                                   planned_on=form.planned_on.data),
                      done=_("The CMR registration was saved."),
                      to=url_for("substances.product", product_id=product.id) + "#cmr")
    return saved or _product_page(product, cmr=form, status=400)


def _link(product_id: int, form, field: str, choices, link, message: str, page_arg: str):
    """Link a product to a record chosen in ``form.<field>``: save, or show the form again with the refusal."""
    product = _load(product_id)
    getattr(form, field).choices = choices()
    saved = on_submit(form, lambda: link(product, getattr(form, field).data),
                      done=message,
                      to=url_for("substances.product", product_id=product.id) + "#links")
    return saved or _product_page(product, status=400, **{page_arg: form})


@bp.route("/<int:product_id>/incidents", methods=["POST"])
@requires("vca.substances.manage")
def incident_link(product_id: int):
    return _link(product_id, LinkForm(), "incident_id", _incident_choices, services.link_incident,
                 _("The incident was linked."), "link")


@bp.route("/<int:product_id>/meetings", methods=["POST"])
@requires("vca.substances.manage")
def meeting_link(product_id: int):
    return _link(product_id, MeetingLinkForm(), "meeting_id", _meeting_choices, services.link_meeting,
                 _("The toolbox meeting was linked."), "meeting")


@bp.route("/<int:product_id>/links/<int:link_id>/delete", methods=["POST"])
@requires("vca.substances.manage")
def unlink(product_id: int, link_id: int):
    model = VcaProductToolbox if request.args.get("kind") == "meeting" else VcaProductIncident
    product = _simple(product_id, lambda p, f: services.unlink(model, p, link_id), _("The link was removed."))
    return redirect(url_for("substances.product", product_id=product.id) + "#links")
