"""The register: list with filters and search, create and edit a document, document detail, exports."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from wtforms import SelectChoice

from ...database import paginate
from ...extensions import db
from ...organisation.models import Department
from ...permissions import Role, requires
from .. import services
from ..forms import ButtonForm, DocumentForm, FilterForm, NewDocumentForm, NewVersionForm, PublishForm, ReviewForm
from ..models import DocumentType, ReviewRecord
from ..services.register import DocumentData, Filters, open_version, parse_requirements
from . import bp, can_see_history, load_document, per_page, refused, today
from ...core.submit import on_submit


def _fill_choices(form: DocumentForm) -> None:
    departments = db.session.execute(select(Department.id, Department.name).where(Department.active)
                                     .order_by(Department.name)).all()
    form.department_id.choices = [SelectChoice("", "—")] + [SelectChoice(i, n) for i, n in departments]
    form.target_roles.choices = [SelectChoice(r.value, r.label) for r in Role]
    form.target_departments.choices = [SelectChoice(i, n) for i, n in departments]


def _data(form: DocumentForm) -> DocumentData:
    return DocumentData(
        number=form.number.data, title=form.title.data, type=DocumentType(form.type.data),
        owner_id=form.owner_id.data, department_id=form.department_id.data, site_id=form.site_id.data,
        retention_years=form.retention_years.data, review_interval_months=form.review_interval_months.data,
        requirements=parse_requirements(form.requirements.data),
        target_roles=list(form.target_roles.data or []), target_user_ids=list(form.target_users.data or []),
        target_department_ids=list(form.target_departments.data or []),
        target_site_ids=list(form.target_sites.data or []))


@bp.route("/")
@requires("documents.view")
def index():
    form = FilterForm(request.args)
    history = can_see_history()
    if not form.validate():
        form = FilterForm(formdata=None)
    filters = Filters(q=form.q.data or "", type=form.type.data or "", status=form.status.data or "",
                      owner_id=form.owner.data, requirement=form.requirement.data or "",
                      review=form.review.data or "", today=today())
    if filters.type not in {t.value for t in DocumentType}:
        filters.type = ""
    page = paginate(services.register_query(filters, include_unpublished=history), request.args.get("page"),
                    per_page())
    to_read_count = db.session.scalar(
        select(func.count()).select_from(services.reading.to_read_query(current_user).subquery()))
    return render_template("documents/index.html", form=form, page=page, history=history,
                           to_read_count=to_read_count)


@bp.route("/new", methods=["GET", "POST"])
@requires("documents.manage")
def new():
    form = NewDocumentForm()
    _fill_choices(form)
    if request.method == "GET":
        form.owner_id.data = current_user.id
        form.target_roles.data = [Role.STAFF.value]
    saved = on_submit(form, lambda: services.create_document(_data(form), current_user,
                                                             content_markdown=form.content_markdown.data,
                                                             change_summary=form.change_summary.data),
                      done=lambda document: _("Document %(number)s was created with a draft version 1.0.",
                                              number=document.number),
                      to=lambda document: url_for("documents.detail", document_id=document.id))
    return saved or render_template("documents/form.html", form=form, title=_("New document"),
                                    cancel=url_for("documents.index"))


@bp.route("/<int:document_id>/edit", methods=["GET", "POST"])
@requires("documents.manage")
def edit(document_id: int):
    document = load_document(document_id)
    # A POST is read from what was sent only: a field left out is empty, never filled from the document
    # (its ``requirements`` are rows, not the text the field holds).
    form = DocumentForm(obj=document if request.method == "GET" else None)
    _fill_choices(form)
    # What the document holds stays allowed on save, also a site closed or an account switched off since.
    form.site_id.object_data = document.site_id
    form.target_users.object_data = [t.user_id for t in document.targets if t.user_id]
    form.target_sites.object_data = [t.site_id for t in document.targets if t.site_id]
    if request.method == "GET":
        form.type.data = document.type.value
        form.requirements.data = "\n".join(f"{r.norm} {r.norm_version} {r.requirement}" for r in document.requirements)
        form.target_roles.data = [t.role for t in document.targets if t.role]
        form.target_users.data = [t.user_id for t in document.targets if t.user_id]
        form.target_departments.data = [t.department_id for t in document.targets if t.department_id]
        form.target_sites.data = [t.site_id for t in document.targets if t.site_id]
    saved = on_submit(form, lambda: services.update_document(document, _data(form)),
                      done=lambda _saved: _("Document %(number)s was saved.", number=document.number),
                      to=url_for("documents.detail", document_id=document.id))
    return saved or render_template("documents/form.html", form=form,
                                    title=_("Edit %(number)s", number=document.number),
                                    cancel=url_for("documents.detail", document_id=document.id))


@bp.route("/<int:document_id>")
@requires("documents.view")
def detail(document_id: int):
    document = load_document(document_id)
    current = services.current_version(document)
    reviews = db.session.scalars(select(ReviewRecord).where(ReviewRecord.document_id == document.id)
                                 .order_by(ReviewRecord.reviewed_on.desc(), ReviewRecord.id.desc())).all()
    publish_form = PublishForm(formdata=None, effective_date=today())
    return render_template("documents/detail.html", document=document, current=current,
                           open_version=open_version(document), history=can_see_history(), reviews=reviews,
                           new_version_form=NewVersionForm(formdata=None), review_form=ReviewForm(formdata=None),
                           publish_form=publish_form, button=ButtonForm(formdata=None))


@bp.route("/<int:document_id>/versions", methods=["POST"])
@requires("documents.manage")
def new_version(document_id: int):
    document = load_document(document_id)
    form = NewVersionForm()
    if form.validate_on_submit():
        try:
            version = services.new_version(document, current_user, major_change=form.major_change.data,
                                           change_summary=form.change_summary.data or "")
        except services.DocumentError as error:
            refused(None, error)
        else:
            db.session.commit()
            flash(_("Draft version %(label)s was started.", label=version.label), "success")
            return redirect(url_for("documents.edit_version", document_id=document.id, version_id=version.id))
    else:
        flash(_("The request could not be processed; please try again."), "error")
    return redirect(url_for("documents.detail", document_id=document.id))


@bp.route("/<int:document_id>/review", methods=["POST"])
@requires("documents.manage")
def review(document_id: int):
    document = load_document(document_id)
    form = ReviewForm()
    if form.validate_on_submit():
        from ..models import ReviewOutcome

        try:
            services.record_review(document, current_user, outcome=ReviewOutcome(form.outcome.data),
                                   note=form.note.data or "", today=today())
        except services.DocumentError as error:
            refused(None, error)
        else:
            db.session.commit()
            flash(_("The review of %(number)s was recorded.", number=document.number), "success")
    else:
        flash(_("Choose the outcome of the review."), "error")
    return redirect(url_for("documents.detail", document_id=document.id))


@bp.route("/reviews")
@requires("documents.manage")
def reviews():
    page = paginate(services.reading.reviews_due_query(today(), 60), request.args.get("page"), per_page())
    return render_template("documents/reviews.html", page=page)
