"""Login (with its second step), logout, the user's own account and the one-time password links."""
import time

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..audit import services as audit
from ..database import writes_on_read
from ..extensions import db
from ..permissions import public, requires
from ..urls import safe_next
from . import mfa, services, sessions
from .forms import LoginForm, PasswordChangeForm, SetPasswordForm
from .passwords import MIN_LENGTH, RECOMMENDED_LENGTH

bp = Blueprint("auth", __name__, template_folder="templates", static_folder="static",
               static_url_path="/auth/static")

#: Session key of a login whose password was right and whose second factor is still asked.
PENDING_KEY = "login_pending"
#: Session key set when the user's role requires a second factor that they have not enrolled yet.
ENROL_KEY = "mfa_enrol"
#: How long the second step of a login may take.
PENDING_SECONDS = 300


@bp.before_app_request
def _enrolment_first():
    """A user whose role requires a second factor sets one up before opening anything else."""
    if session.get(ENROL_KEY) and current_user.is_authenticated and request.endpoint and not (
            request.endpoint.startswith("auth.") or request.endpoint == "static"
            or request.endpoint.endswith(".static")):
        return redirect(url_for("auth.two_factor"))
    return None


def password_message(reason: str) -> str:
    return {
        "short": _("Use at least %(n)s characters.", n=MIN_LENGTH),
        "common": _("This password is on the list of most used passwords. Choose another one."),
        "email": _("Your password cannot be your e-mail address."),
        "company": _("Your password cannot be the company name."),
    }[reason]


def complete_login(user, method: str = "password", *, second_factor: bool = False, id_token: str | None = None,
                   next_url: str | None = None):
    """Start a fresh session (nothing planted before login survives) with its server-side record; commits."""
    lang = session.get("lang")
    session.clear()
    login_user(user)
    sessions.start(user, method, second_factor=second_factor, id_token=id_token)
    if user.locale or lang:
        session["lang"] = user.locale or lang
    if not second_factor and mfa.is_required(user) and not mfa.is_enrolled(user):
        session[ENROL_KEY] = True
    db.session.commit()
    if session.get(ENROL_KEY):
        flash(_("Your role requires a second factor. Set one up before you continue."), "warning")
        return redirect(url_for("auth.two_factor"))
    return redirect(safe_next(next_url) or url_for("core.dashboard"))


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
            return render_template("auth/login.html", form=form, sso=_sso_enabled()), 429
        except services.UseSingleSignOn:
            # The local password is switched off for this account: only the directory or the provider count.
            result = _try_directory(form, services.LoginResult(None, "invalid"))
            if result.user is None:
                db.session.commit()
                flash(_("Your account signs in through your company's single sign-on. Use the button below."),
                      "error")
                return render_template("auth/login.html", form=form, sso=_sso_enabled()), 200
        else:
            if result.user is None:
                result = _try_directory(form, result)
        db.session.commit()
        if result.user is None:
            flash(_("That e-mail address and password do not match an active account. "
                    "After several failed attempts an account is locked for a while."), "error")
            return render_template("auth/login.html", form=form, sso=_sso_enabled()), 200
        return after_first_factor(result.user, getattr(result, "method", "password"), form.next.data)
    return render_template("auth/login.html", form=form, sso=_sso_enabled())


def after_first_factor(user, method: str, next_url: str | None, id_token: str | None = None):
    """The password (or the provider) was right: ask the second factor when the user has one, else log in."""
    if mfa.is_enrolled(user):
        lang = session.get("lang")
        session.clear()
        session[PENDING_KEY] = {"uid": user.id, "v": user.session_version, "at": time.time(),
                                "next": safe_next(next_url) or "", "method": method, "id_token": id_token}
        if lang:
            session["lang"] = lang
        return redirect(url_for("auth.verify"))
    return complete_login(user, method, next_url=next_url, id_token=id_token)


@bp.route("/sso/login")
@public
def sso_login():
    """Start a single sign-on login at the company's OpenID provider."""
    if not _sso_enabled():
        abort(404)
    from . import sso

    return redirect(sso.authorization_url(safe_next(request.args.get("next")) or ""))


@bp.route("/sso/callback")
@public
@writes_on_read
def sso_callback():
    """Where the provider sends the browser back (a GET, as the protocol has it): the login is made here."""
    if not _sso_enabled():
        abort(404)
    from . import external, sso

    next_url = (session.get(sso.FLOW_KEY) or {}).get("next")
    try:
        user, id_token = sso.finish(request.args)
    except (sso.SsoError, external.NoAccount) as error:
        db.session.rollback()
        audit.record(db.session, "login_failed", "user", None,
                     new={"via": "oidc", "why": getattr(error, "reason", "no account here")})
        db.session.commit()
        current_app.logger.warning("single sign-on refused: %s", getattr(error, "reason", "no account"))
        flash(_("Single sign-on did not succeed. Ask your administrator whether you have an account here."),
              "error")
        return redirect(url_for("auth.login"))
    db.session.flush()
    return after_first_factor(user, "oidc", next_url, id_token)


def _sso_enabled() -> bool:
    return bool(current_app.config.get("OIDC_ISSUER"))


def _try_directory(form, result):
    """When the password is not a local one, the company directory (LDAP) may know the account."""
    if not current_app.config.get("LDAP_URL"):
        return result
    from . import directory

    user = directory.authenticate(form.email.data, form.password.data)
    if user is None:
        return result
    found = services.LoginResult(user, "ok")
    found.method = "ldap"
    return found


@bp.route("/logout", methods=["POST"])
@requires("authenticated")
def logout():
    record = sessions.current()
    id_token = record.id_token if record is not None else None
    services.log_out(current_user._get_current_object())
    db.session.commit()
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You have been logged out."), "info")
    if id_token and _sso_enabled():
        from . import sso

        return redirect(sso.logout_url(id_token))
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
        except services.WeakPassword as error:
            db.session.rollback()
            form.new_password.errors.append(password_message(error.reason))
        else:
            # The change ended every session, this one included: carry on here in a new one.
            login_user(user)
            record = sessions.start(user)
            record.second_factor_at = record.verified_at
            db.session.commit()
            flash(_("Your password has been changed. You were logged out everywhere else."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form, min_length=MIN_LENGTH, recommended=RECOMMENDED_LENGTH)


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
        except services.WeakPassword as error:
            db.session.rollback()
            form.new_password.errors.append(password_message(error.reason))
        else:
            flash(_("Your password has been set. Welcome, %(name)s.", name=user.name), "success")
            if mfa.is_enrolled(user):  # a reset link is one factor: the second one is still asked
                db.session.commit()
                session.clear()
                session[PENDING_KEY] = {"uid": user.id, "v": user.session_version, "at": time.time(), "next": "",
                                        "method": "password"}
                return redirect(url_for("auth.verify"))
            return complete_login(user)
    return render_template("auth/set_password.html", form=form, user=user, min_length=MIN_LENGTH,
                           recommended=RECOMMENDED_LENGTH)


def _link_invalid():
    hours = int(services.TOKEN_LIFETIME.total_seconds() // 3600)
    return render_template("auth/link_invalid.html", hours=hours)


from . import views_mfa, views_sessions  # noqa: E402,F401  (routes on this blueprint)
