"""Evidence files: the list, upload, one file with its requirements, edit, review, link and unlink."""
from __future__ import annotations

import datetime as dt

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from ...auth.models import User
from ...core import exports as tabular
from ...core.import_views import add_import_routes
from ...core.imports import export_rows
from ...database import MAX_ID, paginate
from ...extensions import db
from ...norms import registry
from ...permissions import has_permission, requires
from ...uploads import services as uploads
from ...uploads.access import register_access_check
from ...uploads.services import UploadRejected
from .. import readiness, services
from ..forms import (ConfirmForm, EvidenceEditForm, EvidenceForm, ItemFilterForm, LinkRequirementForm,
                     ReviewForm, RevisionForm, requirement_choices)
from ..imports import EVIDENCE
from ..models import REVIEW_TRANSITIONS, EvidenceItem, EvidenceRequirement, EvidenceRevision, ReviewStatus
from ..services import EvidenceData, EvidenceError
from . import bp
from .common import load, owner_choices, per_page, refused
from ...core.submit import act, on_submit


@register_access_check
def evidence_files(user, stored_file) -> bool:
    """An evidence file is readable by everyone who may see the evidence."""
    if not has_permission(user, "evidence.view"):
        return False
    if db.session.scalar(select(EvidenceItem.id).where(EvidenceItem.file_id == stored_file.id).limit(1)) is not None:
        return True
    return db.session.scalar(select(EvidenceRevision.id).where(EvidenceRevision.file_id == stored_file.id)
                             .limit(1)) is not None


def _data(form) -> EvidenceData:
    owner = db.session.get(User, form.owner.data) if form.owner.data else None
    return EvidenceData(form.title.data, form.description.data, owner, form.valid_from.data, form.valid_until.data)


def _items_filter():
    form = ItemFilterForm(request.args)
    form.norm.choices = [SelectChoice("", _("All norms"))] + [SelectChoice(n.code, n.title) for n in registry()]
    form.validate()
    return form


def _items_stmt(form, on: dt.date):
    stmt = select(EvidenceItem).order_by(EvidenceItem.title, EvidenceItem.id)
    q = (form.q.data or "").strip() if not form.q.errors else ""
    if q:
        like = f"%{services.escape_like(q)}%"
        stmt = stmt.where(or_(EvidenceItem.title.ilike(like, escape="\\"), EvidenceItem.description.ilike(like, escape="\\")))
    norm = form.norm.data or ""
    if norm in registry():
        stmt = stmt.where(EvidenceItem.id.in_(select(EvidenceRequirement.evidence_id)
                                              .where(EvidenceRequirement.norm == norm)))
    status = form.status.data or ""
    if status == "pending":
        stmt = stmt.where(EvidenceItem.review_status == ReviewStatus.PENDING)
    elif status == "rejected":
        stmt = stmt.where(EvidenceItem.review_status == ReviewStatus.REJECTED)
    elif status == "expired":
        stmt = stmt.where(EvidenceItem.valid_until < on)
    elif status == "expiring":
        stmt = stmt.where(EvidenceItem.valid_until >= on,
                          EvidenceItem.valid_until <= on + dt.timedelta(days=readiness.SOON_DAYS))
    return stmt


@bp.route("/items")
@requires("evidence.view")
def items():
    form = _items_filter()
    on = services.today()
    page = paginate(_items_stmt(form, on), request.args.get("page"), per_page())
    return render_template("evidence/items.html", form=form, page=page, today=on,
                           soon=on + dt.timedelta(days=readiness.SOON_DAYS))


@bp.route("/items/export.<any(csv, xlsx):fmt>")
@requires("evidence.view")
def items_export(fmt: str):
    """The evidence files with the page's filters, in the columns the import reads."""
    stmt = _items_stmt(_items_filter(), services.today()).options(selectinload(EvidenceItem.requirements))
    items = db.session.scalars(stmt.limit(tabular.MAX_ROWS)).unique()
    return tabular.response(fmt, EVIDENCE.header(), export_rows(EVIDENCE, items), "evidence", _("Evidence files"))


add_import_routes(bp, "evidence", "evidence.manage", "/items")


@bp.route("/items/new", methods=["GET", "POST"])
@requires("evidence.manage")
def new_item():
    form = EvidenceForm()
    form.requirement.choices = requirement_choices(registry())
    form.owner.choices = owner_choices()
    if request.method == "GET":
        form.requirement.data = request.args.get("req", "")
        form.owner.data = current_user.id
        form.valid_from.data = services.today()
    if form.validate_on_submit():
        key = services.parse_requirement_key(form.requirement.data)
        if key is None:
            form.requirement.errors.append(_("Choose a requirement from the list."))
        else:
            try:
                item = services.add_evidence(_data(form), form.file.data, [key])
            except UploadRejected as error:
                db.session.rollback()
                form.file.errors.append(error.message)
            except EvidenceError as error:
                refused(form, error)
            else:
                db.session.commit()
                flash(_("Evidence %(title)s was added; it counts once it is accepted.", title=item.title), "success")
                return redirect(url_for("evidence.item", item_id=item.id))
    return render_template("evidence/item_form.html", form=form, item=None), 400 if form.errors else 200


@bp.route("/items/<int:item_id>")
@requires("evidence.view")
def item(item_id: int):
    obj = load(EvidenceItem, item_id)
    form = LinkRequirementForm()
    form.requirement.choices = requirement_choices(registry())
    return _item_page(obj, form)


def _item_page(obj: EvidenceItem, link_form, status: int = 200):
    reg = registry()
    links = [(link, reg.requirement(link.norm, link.version, link.code)) for link in obj.requirements]
    return render_template("evidence/item.html", item=obj, links=links, link_form=link_form,
                           review_form=ReviewForm(), confirm=ConfirmForm(), today=services.today(),
                           norms={n.code: n for n in reg}, statuses=ReviewStatus,
                           allowed_reviews=lambda i: REVIEW_TRANSITIONS[i.review_status],
                           review_label=services.review_label, revisions=obj.revisions), status


@bp.route("/items/<int:item_id>/file")
@requires("evidence.view")
def item_file(item_id: int):
    obj = load(EvidenceItem, item_id)
    return uploads.send(obj.file)


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
@requires("evidence.manage")
def edit_item(item_id: int):
    obj = load(EvidenceItem, item_id)
    form = EvidenceEditForm(obj=obj)
    form.owner.choices = owner_choices()
    if request.method == "GET":
        form.owner.data = obj.owner_id
    saved = on_submit(form, lambda: services.update_evidence(obj, _data(form)),
                      done=_("The evidence was saved."),
                      to=url_for("evidence.item", item_id=obj.id))
    if saved:
        return saved
    return render_template("evidence/item_form.html", form=form, item=obj), 400 if form.errors else 200


@bp.route("/items/<int:item_id>/revisions/new", methods=["GET", "POST"])
@requires("evidence.manage")
def new_revision(item_id: int):
    """Upload the renewed file of an evidence item: it keeps its links, the old file stays in the history."""
    obj = load(EvidenceItem, item_id)
    form = RevisionForm()
    if request.method == "GET":
        form.valid_from.data = services.today()
    if form.validate_on_submit():
        try:
            revision = services.add_revision(obj, form.file.data, form.valid_from.data, form.valid_until.data,
                                             form.note.data, current_user)
        except UploadRejected as error:
            db.session.rollback()
            form.file.errors.append(error.message)
        except EvidenceError as error:
            refused(form, error)
        else:
            db.session.commit()
            flash(_("Revision %(n)s of %(title)s was added; it counts once it is accepted.", n=revision.number,
                    title=obj.title), "success")
            return redirect(url_for("evidence.item", item_id=obj.id))
    return render_template("evidence/revision_form.html", form=form, item=obj), 400 if form.errors else 200


@bp.route("/items/<int:item_id>/revisions/<int:revision_id>/file")
@requires("evidence.view")
def revision_file(item_id: int, revision_id: int):
    obj = load(EvidenceItem, item_id)
    revision = db.session.get(EvidenceRevision, revision_id) if 0 < revision_id <= MAX_ID else None
    if revision is None or revision.evidence_id != obj.id:
        abort(404)
    return uploads.send(revision.file)


@bp.route("/items/<int:item_id>/review", methods=["POST"])
@requires("evidence.manage")
def review_item(item_id: int):
    obj = load(EvidenceItem, item_id)
    form = ReviewForm()
    try:
        status = ReviewStatus(form.status.data)
    except ValueError:
        status = None
    if not form.validate_on_submit() or status is None:
        flash(_("The request could not be processed; please try again."), "error")
        return redirect(url_for("evidence.item", item_id=obj.id))
    try:
        services.review_evidence(obj, current_user, status)
    except EvidenceError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The evidence is now %(status)s.", status=services.review_label(status)), "success")
    return redirect(url_for("evidence.item", item_id=obj.id))


@bp.route("/items/<int:item_id>/requirements", methods=["POST"])
@requires("evidence.manage")
def link_item(item_id: int):
    obj = load(EvidenceItem, item_id)
    form = LinkRequirementForm()
    form.requirement.choices = requirement_choices(registry())
    if form.validate_on_submit():
        key = services.parse_requirement_key(form.requirement.data)
        if key is None:
            form.requirement.errors.append(_("Choose a requirement from the list."))
        else:
            try:
                services.link_evidence(obj, *key)
            except EvidenceError as error:
                refused(form, error)
            else:
                db.session.commit()
                flash(_("%(title)s now also serves %(code)s.", title=obj.title, code=key[2]), "success")
                return redirect(url_for("evidence.item", item_id=obj.id))
    return _item_page(obj, form, status=400)


@bp.route("/items/<int:item_id>/requirements/<int:link_id>/delete", methods=["POST"])
@requires("evidence.manage")
def unlink_item(item_id: int, link_id: int):
    obj = load(EvidenceItem, item_id)
    link = load(EvidenceRequirement, link_id)
    if link.evidence_id != obj.id:
        abort(404)
    return act(ConfirmForm(), lambda: services.unlink_evidence(link),
               done=_("The link was removed."),
               to=url_for("evidence.item", item_id=obj.id))
