"""Readiness overview, one norm's requirement tree with readiness, and one requirement with its evidence."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from ...database import paginate
from ...extensions import db
from ...norms import registry
from ...permissions import requires
from .. import chart, dossier, readiness, reminders, services
from ..documents import documents_by_requirement
from ..forms import ConfirmForm, LinkEvidenceForm, RecordLinkForm
from ..models import EvidenceItem, EvidenceRecordLink
from ..records import record_types
from ..services import EvidenceError
from . import bp
from .common import load, load_version, per_page
from ...core.submit import act

STATES = [readiness.NOT_MET, readiness.MISSING, readiness.EXPIRED, readiness.PENDING, readiness.EXPIRING, readiness.COVERED]


@bp.route("/")
@requires("evidence.view")
def index():
    on = services.today()
    overviews = services.overview(on)
    return render_template("evidence/index.html", overviews=overviews,
                           expiring=services.expiring_evidence(on, limit=10), today=on,
                           calendar=services.audit_calendar(on, limit=6), pending=services.pending_count(),
                           jobs=dossier.latest_jobs(limit=5), kind_label=reminders.kind_label,
                           norm_title=reminders.norm_title)


@bp.route("/norms/<norm>/<version>")
@requires("evidence.view")
def norm(norm: str, version: str):
    found, cat = load_version(norm, version)
    level = request.args.get("level", "")
    if not cat.level(level):
        level = services.target_level(norm, version)
    state = request.args.get("state", "")
    if state not in STATES:
        state = ""
    on = services.today()
    result, views = services.assess(norm, version, level, on)
    points = chart.series(services.history_with_today(norm, version, level, result, on))
    return render_template("evidence/norm.html", found=found, cat=cat, level=level, state=state, states=STATES,
                           result=result, views=views, chart=points, today=on,
                           jobs=dossier.latest_jobs(norm, limit=3), dossier_form=ConfirmForm())


def _requirement(norm: str, version: str, code: str):
    found, cat = load_version(norm, version)
    req = services.requirement(norm, version, code)
    if req is None:
        abort(404)
    return found, cat, req


def _requirement_page(found, cat, req, record_form=None, status=200):
    on = services.today()
    level = request.args.get("level", "")
    if not cat.level(level):
        level = services.target_level(req.norm, req.version)
    files = paginate(services.evidence_for_requirement(req.norm, req.version, req.code), request.args.get("page"),
                     per_page())
    states = services.file_states(req.norm, req.version, req.code)
    records = services.records_by_requirement(req.norm, req.version, req.code).get(req.code, [])
    documents = documents_by_requirement(req.norm, req.version, req.code).get(req.code, [])
    live = services.live_evidence(req.norm, req.version, level).get(req.code, [])
    q = request.args.get("q", "")[:100]
    found_items = services.search_evidence(q, exclude_for=req.key) if q else []
    record_form = record_form or RecordLinkForm()
    record_form.record_type.choices = [SelectChoice("", _("— choose —"))] + [
        SelectChoice(code, str(kind.label)) for code, kind in sorted(record_types().items())]
    state = readiness.requirement_state(readiness.RequirementEvidence(
        code=req.code, files=[readiness.FileEvidence(f.valid_from, f.valid_until, f.review_status.value) for f in states],
        documents=len(documents), records=len(records), live=[x.ok for x in live]), on)
    return render_template("evidence/requirement.html", found=found, cat=cat, req=req, files=files,
                           records=records, documents=documents, live=live, q=q, found_items=found_items,
                           suggestions=services.suggestions(req.norm, req.version, req.code),
                           record_form=record_form, link_form=LinkEvidenceForm(), state=state, today=on, level=level,
                           doc_url=document_url, cat_title=catalogue_title), status


def catalogue_title(req) -> str:
    """"ISO 9001:2015" for a requirement of another norm or version."""
    norm = registry().get(req.norm)
    return norm.versions[req.version].title if norm and req.version in norm.versions else f"{req.norm} {req.version}"


def document_url(document_id: int) -> str | None:
    """The document's page, when document control is installed."""
    if "documents.detail" not in current_app.view_functions:
        return None
    return url_for("documents.detail", document_id=document_id)


@bp.route("/norms/<norm>/<version>/req/<code>")
@requires("evidence.view")
def requirement(norm: str, version: str, code: str):
    return _requirement_page(*_requirement(norm, version, code))


@bp.route("/norms/<norm>/<version>/req/<code>/link", methods=["POST"])
@requires("evidence.manage")
def link_evidence(norm: str, version: str, code: str):
    _found, _cat, req = _requirement(norm, version, code)
    form = LinkEvidenceForm()
    back = url_for("evidence.requirement", norm=norm, version=version, code=code)
    if not form.validate_on_submit() or not str(form.evidence_id.data).isdigit():
        flash(_("The request could not be processed; please try again."), "error")
        return redirect(back)
    item = load(EvidenceItem, int(form.evidence_id.data))
    try:
        services.link_evidence(item, *req.key)
    except EvidenceError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("%(title)s now also serves %(code)s.", title=item.title, code=req.code), "success")
    return redirect(back)


@bp.route("/norms/<norm>/<version>/req/<code>/record", methods=["POST"])
@requires("evidence.manage")
def link_record(norm: str, version: str, code: str):
    found, cat, req = _requirement(norm, version, code)
    form = RecordLinkForm()
    form.record_type.choices = [SelectChoice(c, str(k.label)) for c, k in record_types().items()]
    if form.validate_on_submit():
        try:
            link = services.link_record(*req.key, form.record_type.data, form.reference.data, current_user)
        except EvidenceError as error:
            db.session.rollback()
            error.field = error.field if hasattr(form, error.field) else "reference"
            target = getattr(form, error.field)
            target.errors = list(target.errors) + [error.message]
        else:
            db.session.commit()
            flash(_("%(label)s was linked.", label=link.label), "success")
            return redirect(url_for("evidence.requirement", norm=norm, version=version, code=code))
    return _requirement_page(found, cat, req, record_form=form, status=400)


@bp.route("/records/<int:link_id>/delete", methods=["POST"])
@requires("evidence.manage")
def unlink_record(link_id: int):
    link = load(EvidenceRecordLink, link_id)
    back = url_for("evidence.requirement", norm=link.norm, version=link.version, code=link.code)
    return act(ConfirmForm(), lambda: services.unlink_record(link),
               done=_("The link was removed."),
               to=back)
