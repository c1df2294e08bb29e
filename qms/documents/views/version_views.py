"""One version: its page, editing a draft (with the two-editor check), the workflow steps, diff and PDF."""
from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from ...auth.stepup import recent_check_required
from ...core.submit import on_submit
from ...extensions import db
from ...permissions import has_permission, requires
from ...uploads.services import UploadRejected
from .. import services
from ..content import render_markdown, side_by_side
from ..forms import DraftForm, PublishForm, RejectForm, SignForm, SubmitForm, WithdrawForm
from ..labels import MEANING_LABELS
from ..models import SignatureMeaning, VersionState
from . import bp, can_see_history, load_document, load_version, refused, today


def _version_url(version) -> str:
    return url_for("documents.version", document_id=version.document_id, version_id=version.id)


def _back(version):
    return redirect(_version_url(version))


def _sign_choices(version) -> list[SelectChoice]:
    """Meanings the current user may sign with now."""
    if version.state is not VersionState.IN_REVIEW:
        return []
    choices = []
    signed = {(s.signer_id, s.meaning) for s in version.valid_signatures}
    if any(r.user_id == current_user.id for r in version.reviewers) and \
            (current_user.id, SignatureMeaning.REVIEWED) not in signed:
        choices.append(SelectChoice(SignatureMeaning.REVIEWED.value, str(MEANING_LABELS[SignatureMeaning.REVIEWED])))
    if version.approver_id == current_user.id:
        choices.append(SelectChoice(SignatureMeaning.APPROVED.value, str(MEANING_LABELS[SignatureMeaning.APPROVED])))
    return choices


def _may_reject(version) -> bool:
    if version.state not in (VersionState.IN_REVIEW, VersionState.APPROVED):
        return False
    return (has_permission(current_user, "documents.manage") or version.approver_id == current_user.id
            or any(r.user_id == current_user.id for r in version.reviewers))


def _render_version(version, **forms):
    sign_form = forms.pop("sign_form", None) or SignForm(formdata=None)
    sign_form.meaning.choices = _sign_choices(version)
    if len(sign_form.meaning.choices) == 1 and not sign_form.meaning.data:
        sign_form.meaning.data = sign_form.meaning.choices[0].value
    document = version.document
    return render_template(
        "documents/version.html", version=version, document=document, html=render_markdown(version.content_markdown),
        current=services.current_version(document), history=can_see_history(), sign_form=sign_form,
        submit_form=forms.pop("submit_form", None) or SubmitForm(formdata=None),
        reject_form=forms.pop("reject_form", None) or RejectForm(formdata=None),
        publish_form=forms.pop("publish_form", None) or PublishForm(formdata=None, effective_date=today()),
        withdraw_form=forms.pop("withdraw_form", None) or WithdrawForm(formdata=None),
        may_reject=_may_reject(version)), 200 if not forms.get("failed") else 400


@bp.route("/<int:document_id>/versions/<int:version_id>")
@requires("documents.view")
def version(document_id: int, version_id: int):
    return _render_version(load_version(document_id, version_id))


@bp.route("/<int:document_id>/versions/<int:version_id>/edit", methods=["GET", "POST"])
@requires("documents.manage")
def edit_version(document_id: int, version_id: int):
    version = load_version(document_id, version_id)
    if version.state is not VersionState.DRAFT:
        flash(_("Only a draft can be changed; start a new version instead."), "error")
        return _back(version)
    form = DraftForm(obj=version)
    if request.method == "GET":
        form.lock_version.data = str(version.lock_version)
    if form.validate_on_submit():
        try:
            lock = int(form.lock_version.data)
        except (TypeError, ValueError):
            lock = -1
        mine = form.content_markdown.data or ""
        try:
            services.save_draft(version, content_markdown=mine, change_summary=form.change_summary.data,
                                lock_version=lock, file=form.file.data if hasattr(form.file.data, "filename") else None,
                                remove_file=form.remove_file.data)
        except services.StaleDraft as error:
            db.session.rollback()
            theirs = db.session.get(type(version), version.id)
            form.lock_version.data = str(theirs.lock_version)
            form.lock_version.raw_data = [str(theirs.lock_version)]
            flash(error.message, "error")
            return render_template("documents/conflict.html", version=theirs, document=theirs.document, form=form,
                                   mine=mine, rows=side_by_side(theirs.content_markdown, mine)), 409
        except UploadRejected as error:
            db.session.rollback()
            form.file.errors = list(form.file.errors) + [error.message]
        except services.DocumentError as error:
            refused(form, error)
        else:
            db.session.commit()
            flash(_("Draft %(label)s was saved.", label=version.label), "success")
            return redirect(_version_url(version))
    return render_template("documents/edit_version.html", version=version, document=version.document, form=form)


@bp.route("/<int:document_id>/versions/<int:version_id>/submit", methods=["POST"])
@requires("documents.manage")
def submit(document_id: int, version_id: int):
    version = load_version(document_id, version_id)
    form = SubmitForm(request.form)

    def send():
        from ...auth.models import User

        chosen = form.reviewers.data or []
        found = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(chosen)))} if chosen else {}
        approver = db.session.get(User, form.approver_id.data) if form.approver_id.data else None
        services.submit(version, current_user, reviewers=[found[i] for i in chosen if i in found], approver=approver)

    return on_submit(form, send, to=_version_url(version),
                     done=lambda _sent: _("Version %(label)s was sent for review.", label=version.label)
                     ) or _render_version(version, submit_form=form, failed=True)


@bp.route("/<int:document_id>/versions/<int:version_id>/sign", methods=["POST"])
@requires("documents.view")
@recent_check_required
def sign(document_id: int, version_id: int):
    version = load_version(document_id, version_id)
    form = SignForm()
    form.meaning.choices = _sign_choices(version)
    if not form.meaning.choices:
        flash(_("There is nothing for you to sign on this version."), "error")
        return _back(version)
    signed = on_submit(form, lambda: services.sign(version, current_user, form.password.data,
                                                   SignatureMeaning(form.meaning.data)),
                       done=lambda signature: _("Your signature (%(meaning)s) was recorded.",
                                                meaning=MEANING_LABELS[signature.meaning]),
                       to=_version_url(version))
    if signed:
        return signed
    form.password.data = ""
    return _render_version(version, sign_form=form, failed=True)


@bp.route("/<int:document_id>/versions/<int:version_id>/reject", methods=["POST"])
@requires("documents.view")
def reject(document_id: int, version_id: int):
    version = load_version(document_id, version_id)
    if not _may_reject(version):
        flash(_("You cannot reject this version."), "error")
        return _back(version)
    form = RejectForm()
    saved = on_submit(form, lambda: services.reject(version, current_user, form.comment.data),
                      done=lambda _saved: _("Version %(label)s was rejected and is a draft again.", label=version.label),
                      to=_version_url(version))
    return saved or _render_version(version, reject_form=form, failed=True)


@bp.route("/<int:document_id>/versions/<int:version_id>/publish", methods=["POST"])
@requires("documents.manage")
def publish(document_id: int, version_id: int):
    version = load_version(document_id, version_id)
    form = PublishForm()
    saved = on_submit(form, lambda: services.publish(version, current_user, effective_date=form.effective_date.data),
                      done=lambda _saved: _("Version %(label)s is published and in use.", label=version.label),
                      to=_version_url(version))
    return saved or _render_version(version, publish_form=form, failed=True)


@bp.route("/<int:document_id>/versions/<int:version_id>/withdraw", methods=["POST"])
@requires("documents.manage")
def withdraw(document_id: int, version_id: int):
    version = load_version(document_id, version_id)
    form = WithdrawForm()
    saved = on_submit(form, lambda: services.withdraw(version, current_user, form.reason.data),
                      done=lambda _saved: _("%(number)s was withdrawn.", number=version.document.number),
                      to=_version_url(version))
    return saved or _render_version(version, withdraw_form=form, failed=True)


@bp.route("/<int:document_id>/diff")
@requires("documents.view_history")
def diff(document_id: int):
    document = load_document(document_id)
    by_id = {v.id: v for v in document.versions}
    ids = [v.id for v in document.versions]

    def pick(name, default):
        value = request.args.get(name, type=int)
        return by_id.get(value) or default

    if not ids:
        return redirect(url_for("documents.detail", document_id=document.id))
    new = pick("b", by_id[ids[-1]])
    old = pick("a", by_id[ids[-2]] if len(ids) > 1 else new)
    return render_template("documents/diff.html", document=document, old=old, new=new,
                           rows=side_by_side(old.content_markdown, new.content_markdown))


@bp.route("/<int:document_id>/versions/<int:version_id>/pdf")
@requires("documents.view")
def pdf(document_id: int, version_id: int):
    from ..pdf import controlled_copy

    version = load_version(document_id, version_id)
    data = controlled_copy(version)
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    name = f"{version.document.number}-{version.label}.pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return response
