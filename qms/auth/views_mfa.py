"""The second step of a login, step-up confirmation, and the user's own second factors."""
import time

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..audit import services as audit
from ..database import utcnow
from ..extensions import db
from ..permissions import public, requires
from ..urls import safe_next
from . import mfa, sessions
from .stepup import recent_check_required
from .forms import BlankForm as ActionForm, CodeForm, ConfirmForm, PasskeyForm
from .models import User
from .passwords import verify_password
from .views import ENROL_KEY, PENDING_KEY, PENDING_SECONDS, bp, complete_login

#: Session key of freshly made recovery codes, shown once.
CODES_KEY = "mfa_new_codes"


def _pending_user() -> User | None:
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending.get("uid"))
    if user is None or not user.active or user.session_version != pending.get("v"):
        return None
    return user


def _check_second_factor(user: User, form: CodeForm) -> str | None:
    """Which factor the form proved ("totp", "recovery", "passkey"), or None; a failure counts as a failed
    login (the account locks like for wrong passwords)."""
    try:
        if form.passkey_answer.data:
            mfa.verify_passkey(user, form.passkey_answer.data)
            return "passkey"
        return mfa.verify_code(user, form.code.data)
    except mfa.SecondFactorError:
        return None


@bp.route("/login/verify", methods=["GET", "POST"])
@public
def verify():
    user = _pending_user()
    if user is None:
        session.pop(PENDING_KEY, None)
        flash(_("Please log in again."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        from . import services

        try:
            services.check_ip_allowance(request.remote_addr or "?")
        except services.TooManyAttempts:
            db.session.rollback()
            flash(_("Too many login attempts from this address. Please wait a while and try again."), "error")
            return _verify_page(user, form), 429
        locked = user.locked_until is not None and user.locked_until > utcnow()
        factor = None if locked else _check_second_factor(user, form)
        if factor is None:
            services.record_failure(user, "wrong second factor")
            db.session.commit()
            if user.locked_until is not None and user.locked_until > utcnow():
                session.pop(PENDING_KEY, None)
                flash(_("That e-mail address and password do not match an active account. "
                        "After several failed attempts an account is locked for a while."), "error")
                return redirect(url_for("auth.login"))
            form.code.errors.append(_("This code or key was not accepted. Try again."))
            return _verify_page(user, form), 200
        user.failed_logins = 0
        audit.set_actor(user.id, user.email)
        audit.record(db.session, "second_factor_ok", "user", user.id, new={"factor": factor})
        pending = session.get(PENDING_KEY)
        return complete_login(user, pending.get("method", "password"), second_factor=True,
                              next_url=pending.get("next"), id_token=pending.get("id_token"))
    return _verify_page(user, form)


def _verify_page(user: User, form):
    return render_template("auth/verify.html", form=form, has_totp=mfa.has_totp(user),
                           has_passkey=bool(mfa.passkeys_of(user)),
                           options_url=url_for("auth.verify_passkey_options"))


@bp.route("/login/verify/passkey-options", methods=["POST"])
@public
def verify_passkey_options():
    user = _pending_user()
    if user is None:
        abort(404)
    return current_app_response(mfa.authentication_options(user))


def current_app_response(text: str):
    return current_app.response_class(text, mimetype="application/json")


# --- step-up -------------------------------------------------------------------------------------------

@bp.route("/login/confirm", methods=["GET", "POST"])
@requires("authenticated")
def confirm():
    """Prove the second factor (or, without one, the password) again before a sensitive change."""
    user = current_user._get_current_object()
    enrolled = mfa.is_enrolled(user)
    form = ConfirmForm()
    next_url = safe_next(request.values.get("next")) or url_for("core.dashboard")
    if form.validate_on_submit():
        from . import services

        if enrolled:
            factor = _check_second_factor(user, form)
        else:
            factor = "password" if verify_password(user.password_hash, form.password.data or "") else None
        if factor is None:
            services.record_failure(user, "wrong step-up")
            db.session.commit()
            if user.locked_until and user.locked_until > utcnow():  # locked: this session ends too
                sessions.end_all(user, "locked")
                db.session.commit()
            (form.code if enrolled else form.password).errors.append(_("This was not accepted. Try again."))
        else:
            user.failed_logins = 0
            sessions.mark_verified(second_factor=enrolled)
            audit.record(db.session, "step_up", "user", user.id, new={"factor": factor})
            db.session.commit()
            return redirect(next_url)
    return render_template("auth/confirm.html", form=form, enrolled=enrolled, has_totp=mfa.has_totp(user),
                           has_passkey=bool(mfa.passkeys_of(user)), next_url=next_url,
                           options_url=url_for("auth.confirm_passkey_options"))


@bp.route("/login/confirm/passkey-options", methods=["POST"])
@requires("authenticated")
def confirm_passkey_options():
    return current_app_response(mfa.authentication_options(current_user._get_current_object()))


# --- the user's own second factors ---------------------------------------------------------------------

@bp.route("/account/two-factor")
@requires("account.manage_own")
def two_factor():
    user = current_user._get_current_object()
    totp = mfa.totp_of(user)
    pending_totp = totp if totp is not None and totp.confirmed_at is None else None
    return render_template(
        "auth/two_factor.html", totp=totp, pending_totp=pending_totp,
        qr=mfa.qr_svg(mfa.provisioning_uri(user, pending_totp)) if pending_totp else None,
        secret=pending_totp.secret if pending_totp else None, passkeys=mfa.passkeys_of(user),
        codes_left=mfa.recovery_codes_left(user), new_codes=session.pop(CODES_KEY, None),
        required=mfa.is_required(user), action_form=ActionForm(), code_form=CodeForm(prefix="totp"),
        passkey_form=PasskeyForm(prefix="pk"))


@bp.route("/account/two-factor/totp", methods=["POST"])
@requires("account.manage_own")
@recent_check_required
def totp_start():
    mfa.start_totp(current_user._get_current_object())
    db.session.commit()
    return redirect(url_for("auth.two_factor") + "#totp")


def _after_enrolment(user: User) -> None:
    """The first factor brings ten recovery codes; the enrolment the role asked for is done."""
    if mfa.recovery_codes_left(user) == 0:
        session[CODES_KEY] = mfa.new_recovery_codes(user)
    session.pop(ENROL_KEY, None)
    sessions.mark_verified(second_factor=True)


def _enrol(user: User, register, refusal: str, anchor: str, done: str):
    """Add a second factor with ``register()``; a refusal is flashed and leads back to its section."""
    try:
        register()
    except mfa.SecondFactorError:
        db.session.rollback()
        flash(refusal, "error")
        return redirect(url_for("auth.two_factor") + anchor)
    _after_enrolment(user)
    return _factor_changed(done)


def _factor_changed(done: str):
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("auth.two_factor"))


def _remove_factor(user: User, another_left: bool, refusal: str, remove, done: str):
    """Remove a second factor with ``remove()``, unless the role requires one and no other would be left."""
    if mfa.is_required(user) and not another_left:
        flash(refusal, "error")
        return redirect(url_for("auth.two_factor"))
    remove()
    return _factor_changed(done)


@bp.route("/account/two-factor/totp/confirm", methods=["POST"])
@requires("account.manage_own")
def totp_confirm():
    user = current_user._get_current_object()
    form = CodeForm(prefix="totp")
    return _enrol(user, lambda: mfa.confirm_totp(user, form.code.data if form.validate() else ""),
                  _("That code does not match. Check the time on your phone and enter the newest code."), "#totp",
                  _("Your authenticator app is set up."))


@bp.route("/account/two-factor/totp/remove", methods=["POST"])
@requires("account.manage_own")
@recent_check_required
def totp_remove():
    user = current_user._get_current_object()
    return _remove_factor(user, bool(mfa.passkeys_of(user)),
                          _("Your role requires a second factor. Add a passkey first."),
                          lambda: mfa.remove_totp(user), _("The authenticator app has been removed."))


@bp.route("/account/two-factor/passkey-options", methods=["POST"])
@requires("account.manage_own")
def passkey_options():
    return current_app_response(mfa.registration_options(current_user._get_current_object()))


@bp.route("/account/two-factor/passkey", methods=["POST"])
@requires("account.manage_own")
def passkey_add():
    user = current_user._get_current_object()
    form = PasskeyForm(prefix="pk")
    if not form.validate():
        flash(_("Give the key a name, then follow your browser's steps."), "error")
        return redirect(url_for("auth.two_factor") + "#passkeys")
    return _enrol(user, lambda: mfa.register_passkey(user, form.passkey_answer.data, form.name.data),
                  _("The key could not be registered. Try again."), "#passkeys", _("The passkey has been added."))


@bp.route("/account/two-factor/passkey/<int:credential_id>/remove", methods=["POST"])
@requires("account.manage_own")
@recent_check_required
def passkey_remove(credential_id: int):
    user = current_user._get_current_object()
    return _remove_factor(user, mfa.has_totp(user) or len(mfa.passkeys_of(user)) > 1,
                          _("Your role requires a second factor. Set up another one first."),
                          lambda: mfa.remove_passkey(user, credential_id) or abort(404),
                          _("The passkey has been removed."))


@bp.route("/account/two-factor/recovery-codes", methods=["POST"])
@requires("account.manage_own")
@recent_check_required
def recovery_codes():
    user = current_user._get_current_object()
    if not mfa.is_enrolled(user):
        abort(404)
    session[CODES_KEY] = mfa.new_recovery_codes(user)
    audit.record(db.session, "recovery_codes_renewed", "user", user.id)
    db.session.commit()
    return redirect(url_for("auth.two_factor") + "#recovery")


