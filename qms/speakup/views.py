"""Pages of the speak-up channel: the report and the reporter's mailbox (no account), the procedure, and the
confidential counsellor's cases; administrators see the anonymous figures and choose the procedure document.

The reporter's pages treat every visitor as anonymous (even when logged in): the audit trail names the actor
"anonymous" and records no address. The mailbox is opened with the case code and the secret and stays open
for a short while in the browser session (only the case id is kept there)."""
from __future__ import annotations

from functools import partial
import time

from flask import (Blueprint, abort, current_app, flash, g, redirect, render_template, request, session,
                   url_for)
from flask_babel import gettext as _
from flask_login import AnonymousUserMixin, current_user

from ..audit.services import set_actor
from ..core.errors import show_refusal
from ..core.submit import on_submit
from ..database import paginate
from ..documents.content import render_markdown
from ..extensions import db
from ..permissions import public, requires
from ..uploads.models import StoredFile
from ..uploads.services import send as send_stored
from . import services
from .forms import HandlerMessageForm, MailboxLoginForm, ReplyForm, ReportForm, SettingsForm, SimpleForm
from .services import Locked, RateLimited, ReportData, SpeakupError
from .workflow import CaseState, Category, MessageKind

bp = Blueprint("speakup", __name__, url_prefix="/speak-up", template_folder="templates", static_folder="static")

_MAILBOX = "speakup_mailbox"
_NEW_CODE = "speakup_new_code"
#: How long an opened mailbox stays open without a new code and secret.
MAILBOX_SECONDS = 30 * 60


@bp.record_once
def _setup(state) -> None:
    from . import hooks

    hooks.init_app(state.app)


def _as_anonymous_visitor() -> None:
    """From here on the request has no user and no client address (the trail records neither)."""
    g._login_user = AnonymousUserMixin()
    set_actor(None, "anonymous")


def _forget_address() -> None:
    request.remote_addr = None


#: A rule's refusal next to its field, or at the top of the form; nothing of the change is kept.
_show_error = partial(show_refusal, on_form=True)


# --- the report ---------------------------------------------------------------------------------------------

@bp.route("/", methods=["GET", "POST"])
@public
def report():
    _as_anonymous_visitor()
    form = ReportForm()
    if not form.submission_id.data:
        form.submission_id.data = services.new_submission_token()
    if form.validate_on_submit():
        try:
            services.check_allowance("report", request.remote_addr)
        except RateLimited:
            db.session.rollback()
            return render_template("speakup/report.html", form=form, limited=True), 429
        _forget_address()
        data = ReportData(category=Category(form.category.data), subject=form.subject.data,
                          description=form.description.data, secret=form.secret.data,
                          anonymous=bool(form.anonymous.data), reporter_name=form.reporter_name.data,
                          reporter_contact=form.reporter_contact.data)
        try:
            case, created = services.report(data, token=form.submission_id.data,
                                            photos=request.files.getlist(form.photos.name))
        except SpeakupError as error:
            _show_error(form, error)
        else:
            db.session.commit()
            if created:
                session[_NEW_CODE] = case.code
            return redirect(url_for("speakup.thanks"))
    return render_template("speakup/report.html", form=form, limited=False), 400 if request.method == "POST" else 200


@bp.route("/thanks")
@public
def thanks():
    """Shows the case code once: it is taken out of the session as it is shown."""
    code = session.pop(_NEW_CODE, None)
    return render_template("speakup/thanks.html", code=code)


@bp.route("/procedure")
@public
def procedure():
    found = services.procedure()
    document, version = found if found else (None, None)
    return render_template("speakup/procedure.html", document=document, version=version,
                           content=render_markdown(version.content_markdown) if version else None)


# --- the reporter's mailbox ------------------------------------------------------------------------------------

def _mailbox_case():
    """The case whose mailbox is open in this browser, or None (expired or never opened)."""
    opened = session.get(_MAILBOX)
    if not isinstance(opened, dict) or opened.get("until", 0) < time.time():
        session.pop(_MAILBOX, None)
        return None
    case = services.load_case(int(opened.get("id", 0)))
    if case is None:
        session.pop(_MAILBOX, None)
    return case


@bp.route("/mailbox/open", methods=["GET", "POST"])
@public
def mailbox_login():
    _as_anonymous_visitor()
    form = MailboxLoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.check_allowance("mailbox", request.remote_addr)
            _forget_address()
            case = services.open_mailbox(form.code.data, form.secret.data)
        except RateLimited:
            db.session.rollback()
            form.form_errors.append(_("Too many tries from this connection. Please wait an hour."))
            status = 429
        except Locked:
            db.session.rollback()
            form.form_errors.append(_("Too many wrong secrets for this case code. The mailbox is closed for an hour. "
                                      "Try again later."))
            status = 429
        else:
            db.session.commit()
            if case is not None:
                session[_MAILBOX] = {"id": case.id, "until": time.time() + MAILBOX_SECONDS}
                return redirect(url_for("speakup.mailbox"))
            form.form_errors.append(_("The case code or the secret is not right."))
            status = 400
    elif request.method == "POST":
        status = 400
    return render_template("speakup/mailbox_login.html", form=form), status


@bp.route("/mailbox")
@public
def mailbox():
    _as_anonymous_visitor()
    case = _mailbox_case()
    if case is None:
        return redirect(url_for("speakup.mailbox_login"))
    return _mailbox_page(case, ReplyForm())


def _mailbox_page(case, form, status: int = 200):
    ack_due, feedback_due = services.deadlines(case)
    return render_template("speakup/mailbox.html", case=case, form=form, leave=SimpleForm(), ack_due=ack_due,
                           feedback_due=feedback_due, Kind=MessageKind), status


@bp.route("/mailbox/reply", methods=["POST"])
@public
def mailbox_reply():
    _as_anonymous_visitor()
    _forget_address()
    case = _mailbox_case()
    if case is None:
        return redirect(url_for("speakup.mailbox_login"))
    form = ReplyForm()
    saved = on_submit(form, lambda: services.reporter_reply(case, form.body.data),
                      done=_("Your message was sent to the confidential counsellor."),
                      to=url_for("speakup.mailbox"), on_form=True)
    return saved or _mailbox_page(case, form, 400)


@bp.route("/mailbox/close", methods=["POST"])
@public
def mailbox_leave():
    if SimpleForm().validate_on_submit():
        session.pop(_MAILBOX, None)
    return redirect(url_for("speakup.mailbox_login"))


# --- the confidential counsellor ------------------------------------------------------------------------------

def _load(case_id: int):
    case = services.load_case(case_id)
    if case is None:
        abort(404)
    return case


@bp.route("/cases")
@requires("speakup.handle")
def cases():
    state = request.args.get("state") or None
    state = CaseState(state) if state in CaseState._value2member_map_ else None
    page = paginate(services.cases_statement(state), request.args.get("page"), current_app.config["ITEMS_PER_PAGE"])
    return render_template("speakup/cases.html", page=page, state=state, States=CaseState,
                           deadlines=services.deadlines, today=services.local_now().date())


def _case_page(case, message_form=None, status: int = 200):
    ack_due, feedback_due = services.deadlines(case)
    return render_template("speakup/case.html", case=case, form=message_form or HandlerMessageForm(),
                           button=SimpleForm(), ack_due=ack_due, feedback_due=feedback_due, Kind=MessageKind,
                           today=services.local_now().date()), status


@bp.route("/cases/<int:case_id>")
@requires("speakup.handle")
def case(case_id: int):
    found = _load(case_id)
    # Reading a report is written to the trail, like every read of special personal data.
    services.record_view(found)
    db.session.commit()
    return _case_page(found)


@bp.route("/cases/<int:case_id>/photos/<int:photo_id>")
@requires("speakup.handle")
def photo(case_id: int, photo_id: int):
    """A photo of a report: served only here, so that every look at it is in the trail like the report."""
    found = _load(case_id)
    position = next((n for n, p in enumerate(found.photos, 1) if p.id == photo_id), None)
    if position is None:
        abort(404)
    stored = db.session.get(StoredFile, found.photos[position - 1].stored_file_id)
    if stored is None:
        abort(404)
    services.record_view(found, what=f"photo {position}")
    db.session.commit()
    return send_stored(stored)


@bp.route("/cases/<int:case_id>/message", methods=["POST"])
@requires("speakup.handle")
def message(case_id: int):
    found = _load(case_id)
    form = HandlerMessageForm()
    if form.validate_on_submit():
        try:
            services.post_message(found, current_user, form.body.data, MessageKind(form.kind.data),
                                  is_feedback=bool(form.is_feedback.data))
        except (SpeakupError, ValueError) as error:
            _show_error(form, error if isinstance(error, SpeakupError) else SpeakupError("kind", _("Choose who the message is for.")))
        else:
            db.session.commit()
            flash(_("The message was sent to the reporter.") if form.kind.data == MessageKind.TO_REPORTER.value
                  else _("The note was saved."), "success")
            return redirect(url_for("speakup.case", case_id=found.id) + "#messages")
    return _case_page(found, form, 400)


@bp.route("/cases/<int:case_id>/close", methods=["POST"])
@requires("speakup.handle")
def close(case_id: int):
    found = _load(case_id)
    form = SimpleForm()
    if form.validate_on_submit():
        try:
            services.close(found)
        except SpeakupError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("The case is closed."), "success")
    return redirect(url_for("speakup.case", case_id=found.id))


# --- figures and settings -------------------------------------------------------------------------------------

@bp.route("/figures")
@requires("speakup.figures")
def figures():
    today = services.local_now().date()
    try:
        year = int(request.args.get("year") or today.year)
    except ValueError:
        year = today.year
    year = min(max(year, 2000), today.year)
    return render_template("speakup/figures.html", fig=services.figures(year, today), year=year,
                           years=list(range(today.year, today.year - 6, -1)), Category=Category)


@bp.route("/settings", methods=["GET", "POST"])
@requires("speakup.configure")
def settings():
    form = SettingsForm()
    documents = services.published_documents()
    from wtforms import SelectChoice

    form.document_id.choices = [SelectChoice("", _("No procedure document yet"))] + [
        SelectChoice(d.id, f"{d.number} {d.title}") for d in documents]
    if request.method == "GET":
        current = services.current_settings()
        form.document_id.data = current.procedure_document_id if current else None
    saved = on_submit(form, lambda: services.set_procedure(form.document_id.data),
                      done=_("The procedure document was saved."),
                      to=url_for("speakup.settings"), on_form=True)
    if saved:
        return saved
    return render_template("speakup/settings.html", form=form), 400 if request.method == "POST" else 200
