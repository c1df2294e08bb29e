"""Login, logout, the user's own account and the one-time password links."""
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..extensions import db
from ..permissions import public, requires
from ..urls import safe_next
from . import services
from .forms import LoginForm, PasswordChangeForm, SetPasswordForm
from .passwords import MIN_LENGTH

bp = Blueprint("auth", __name__, template_folder="templates")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.dashboard"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    if form.validate_on_submit():
        try:
            result = services.authenticate(form.email.data, form.password.data, request.remote_addr or "?")
        except services.TooManyAttempts:
            db.session.rollback()
            flash(_("Too many login attempts from this address. Please wait a while and try again."), "error")
            return render_template("auth/login.html", form=form), 429
        db.session.commit()
        if result.user is None:
            flash(_("That e-mail address and password do not match an active account. "
                    "After several failed attempts an account is locked for a while."), "error")
            return render_template("auth/login.html", form=form), 200
        lang = session.get("lang")
        session.clear()  # a fresh session at login: nothing planted before it survives
        login_user(result.user)
        if result.user.locale or lang:
            session["lang"] = result.user.locale or lang
        return redirect(safe_next(form.next.data) or url_for("core.dashboard"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@requires("authenticated")
def logout():
    services.log_out(current_user._get_current_object())
    db.session.commit()
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You have been logged out, here and on your other devices."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@requires("account.manage_own")
def account():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            services.change_password(user, form.current_password.data, form.new_password.data)
        except services.WrongPassword:
            form.current_password.errors.append(_("This is not your current password."))
        else:
            db.session.commit()
            # The change ended every session, this one included: carry on here with the new version.
            login_user(user)
            flash(_("Your password has been changed. You were logged out everywhere else."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form)


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@public
def set_password(token: str):
    """Choose a password through an invitation or reset link, then continue logged in."""
    user = services.user_for_token(token)
    if user is None:
        return _link_invalid()
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.set_password_with_token(token, form.new_password.data)
        except services.InvalidToken:
            db.session.rollback()
            return _link_invalid()
        db.session.commit()
        lang = session.get("lang")
        session.clear()
        login_user(user)
        if user.locale or lang:
            session["lang"] = user.locale or lang
        flash(_("Your password has been set. Welcome, %(name)s.", name=user.name), "success")
        return redirect(url_for("core.dashboard"))
    return render_template("auth/set_password.html", form=form, user=user, min_length=MIN_LENGTH)


def _link_invalid():
    hours = int(services.TOKEN_LIFETIME.total_seconds() // 3600)
    return render_template("auth/link_invalid.html", hours=hours)
