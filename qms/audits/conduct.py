"""Conducting an audit on a tablet or phone: one question at a time, a result, notes, a photo, evidence links."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core.loaders import get_row
from ..extensions import db
from ..permissions import requires
from ..uploads.services import UploadRejected
from . import rules, services
from .forms import LINK_LABELS, RESULT_LABELS, LinkForm, ResultForm
from .models import AuditItem
from .services import AuditError
from .common import bp, link_url, load_audit, refused, requirement_hint, requirement_title
from ..core.submit import on_submit


def _load_for_conduct(audit_id: int, item_id: int | None = None):
    audit = load_audit(audit_id)
    if not services.can_conduct(current_user, audit):
        abort(403)
    item = None
    if item_id is not None:
        item = get_row(AuditItem, item_id)
        if item is None or item.audit_id != audit.id:
            abort(404)
    return audit, item


#: Questions per conduct page: a phone scrolls through a short list, a 300-question audit stays light.
PER_PAGE = 20


def _page_of(checklist: list[AuditItem], item_id: int | None) -> int | None:
    for index, item in enumerate(checklist):
        if item.id == item_id:
            return index // PER_PAGE + 1
    return None


def _page(audit, failed_item=None, result_form=None, link_form=None, status=200):
    checklist = services.items(audit)
    answered = sum(1 for i in checklist if i.result is not None)
    opened = failed_item.id if failed_item is not None else request.args.get("open", type=int)
    pages = max(1, -(-len(checklist) // PER_PAGE))
    number = _page_of(checklist, opened) or request.args.get("page", type=int) or _page_of(
        checklist, next((i.id for i in checklist if i.result is None), None)) or 1
    number = min(max(number, 1), pages)
    shown = checklist[(number - 1) * PER_PAGE:number * PER_PAGE]
    return render_template(
        "audits/conduct.html", audit=audit, checklist=shown, total=len(checklist), answered=answered, opened=opened,
        page_number=number, pages=pages,
        failed_item=failed_item, failed_result_form=result_form, failed_link_form=link_form,
        blank_link_form=LinkForm(formdata=None), result_labels=RESULT_LABELS, link_labels=LINK_LABELS,
        link_url=link_url, requirement_title=requirement_title, requirement_hint=requirement_hint,
        conducting=audit.state in rules.CONDUCTING), status


@bp.route("/<int:audit_id>/conduct")
@requires("audits.manage")
def conduct(audit_id: int):
    audit, _item = _load_for_conduct(audit_id)
    return _page(audit)


def _next_unanswered(audit, after: AuditItem) -> int | None:
    for item in services.items(audit):
        if item.position > after.position and item.result is None:
            return item.id
    return None


@bp.route("/<int:audit_id>/items/<int:item_id>", methods=["POST"])
@requires("audits.manage")
def record(audit_id: int, item_id: int):
    audit, item = _load_for_conduct(audit_id, item_id)
    form = ResultForm()
    if form.validate_on_submit():
        try:
            services.record_result(item, audit, current_user, result=form.result.data, notes=form.notes.data,
                                   justification=form.justification.data, photo=form.photo.data)
        except AuditError as error:
            refused(form, error)
        except UploadRejected as error:
            db.session.rollback()
            form.photo.errors = list(form.photo.errors) + [error.message]
        else:
            db.session.commit()
            flash(_("Saved: %(code)s.", code=item.requirement or _("own question")), "success")
            following = _next_unanswered(audit, item)
            anchor = f"item-{following or item.id}"
            return redirect(url_for("audits.conduct", audit_id=audit.id, open=following or item.id, _anchor=anchor))
    item = db.session.get(AuditItem, item_id)
    return _page(audit, failed_item=item, result_form=form, status=400)


@bp.route("/<int:audit_id>/items/<int:item_id>/links", methods=["POST"])
@requires("audits.manage")
def add_link(audit_id: int, item_id: int):
    audit, item = _load_for_conduct(audit_id, item_id)
    form = LinkForm()
    saved = on_submit(form, lambda: services.add_link(item, audit, kind=form.kind.data, reference=form.reference.data,
                                                      label=form.label.data),
                      done=_("The evidence was linked."),
                      to=url_for("audits.conduct", audit_id=audit.id, open=item.id, _anchor=f"item-{item.id}"))
    if saved:
        return saved
    item = db.session.get(AuditItem, item_id)
    return _page(audit, failed_item=item, link_form=form, status=400)
