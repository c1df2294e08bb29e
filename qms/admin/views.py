"""User administration: list, invite, edit roles, deactivate and reactivate, password links."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from ..auth.models import User, UserRole
from ..auth.stepup import recent_check_required
from ..core import exports as tabular
from ..core.loaders import get_or_404
from ..database import paginate
from ..extensions import db
from ..mail import send_mail
from ..permissions import Role, requires
from . import services
from .forms import ActionForm, InviteForm, UserFilterForm, UserForm

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")

#: Session key under which a freshly issued link waits to be shown to the admin, once.
ISSUED_LINK_KEY = "admin_issued_link"


def load_user_or_404(user_id: int) -> User:
    """Administrators may see every user; an unknown id is a plain 404."""
    return get_or_404(User, user_id)


@bp.route("/users")
@requires("users.manage")
def users():
    filters = UserFilterForm(request.args)
    stmt = _users_query(filters.clean())
    # User.roles loads with "selectin": one query for the roles of the whole page.
    page = paginate(stmt, request.args.get("page"), current_app.config["ITEMS_PER_PAGE"])
    return render_template("admin/users.html", page=page, filters=filters)


@bp.route("/users/export.<any(csv, xlsx):fmt>")
@requires("users.manage")
def users_export(fmt: str):
    """The users list with the page's filters: name, address, roles and status, never a hash or a token."""
    stmt = _users_query(UserFilterForm(request.args).clean())
    header = [_("Name"), _("E-mail address"), _("Roles"), _("Status"), _("Last sign-in"), _("Created")]

    def status(user: User) -> str:
        if not user.active:
            return _("Deactivated")
        return _("Invited") if user.password_hash is None else _("Active")

    rows = ([u.name, u.email, ", ".join(str(r.role.label) for r in u.roles), status(u), u.last_login_at, u.created_at]
            for u in db.session.scalars(stmt.limit(tabular.MAX_ROWS)))
    return tabular.response(fmt, header, rows, "users", _("Users"))


def _users_query(wanted: dict):
    stmt = select(User).order_by(User.name, User.id)
    if wanted["q"]:
        stmt = stmt.where(or_(User.name.icontains(wanted["q"], autoescape=True),
                              User.email.icontains(wanted["q"], autoescape=True)))
    if wanted["role"]:
        stmt = stmt.where(User.roles.any(UserRole.role == Role(wanted["role"])))
    if wanted["status"] == "active":
        stmt = stmt.where(User.active.is_(True))
    elif wanted["status"] == "inactive":
        stmt = stmt.where(User.active.is_(False))
    return stmt


@bp.route("/users/invite", methods=["GET", "POST"])
@requires("users.manage")
def invite():
    form = InviteForm()
    if form.validate_on_submit():
        try:
            user, token = services.invite_user(form.name.data, form.email.data,
                                               [Role(r) for r in form.roles.data])
        except services.EmailTaken as error:
            db.session.rollback()
            form.email.errors.append(str(error.message))
        else:
            db.session.commit()
            sent = _send_link(user, token, invitation=True)
            flash(_("%(name)s has been invited.", name=user.name), "success")
            _flash_mail_outcome(user, sent)
            return redirect(url_for("admin.user", user_id=user.id))
    return render_template("admin/invite.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires("users.manage")
@recent_check_required
def user(user_id: int):
    target = load_user_or_404(user_id)
    form = UserForm(obj=None if request.method == "POST" else target)
    if request.method == "GET":
        form.roles.data = [r.value for r in target.role_set]
    if form.validate_on_submit():
        try:
            services.update_user(current_user._get_current_object(), target, form.name.data,
                                 [Role(r) for r in form.roles.data])
        except services.UserRuleError as error:
            db.session.rollback()
            form.roles.errors.append(str(error.message))
        else:
            db.session.commit()
            flash(_("The changes to %(name)s have been saved.", name=target.name), "success")
            return redirect(url_for("admin.user", user_id=target.id))
    issued = session.get(ISSUED_LINK_KEY)
    link = None
    if request.method == "GET" and issued and issued.get("user_id") == target.id:
        link = session.pop(ISSUED_LINK_KEY)["url"]
    return render_template("admin/user.html", target=target, form=form, action_form=ActionForm(),
                           issued_link=link, link_hours=_link_hours(), is_self=target.id == current_user.id)


# The action routes below carry no fields; CSRFProtect checks their token before the view runs.

@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@requires("users.manage")
def deactivate(user_id: int):
    target = load_user_or_404(user_id)
    try:
        services.deactivate_user(current_user._get_current_object(), target)
    except services.UserRuleError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(_("%(name)s has been deactivated and logged out everywhere.", name=target.name), "success")
    return redirect(url_for("admin.user", user_id=target.id))


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@requires("users.manage")
def reactivate(user_id: int):
    target = load_user_or_404(user_id)
    services.reactivate_user(target)
    db.session.commit()
    flash(_("%(name)s can log in again.", name=target.name), "success")
    return redirect(url_for("admin.user", user_id=target.id))


@bp.route("/users/<int:user_id>/password-link", methods=["POST"])
@requires("users.manage")
def password_link(user_id: int):
    target = load_user_or_404(user_id)
    try:
        token = services.issue_password_link(target)
    except services.UserRuleError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("admin.user", user_id=target.id))
    db.session.commit()
    sent = _send_link(target, token, invitation=target.password_hash is None)
    flash(_("A new password link has been made for %(name)s. Earlier links no longer work.", name=target.name),
          "success")
    _flash_mail_outcome(target, sent)
    return redirect(url_for("admin.user", user_id=target.id))


def _link_url(token: str) -> str:
    base = current_app.config.get("PUBLIC_URL", "").rstrip("/")
    if base:
        return base + url_for("auth.set_password", token=token)
    return url_for("auth.set_password", token=token, _external=True)


def _send_link(user: User, token: str, *, invitation: bool) -> bool:
    """Mail the link (in the recipient's language) and keep it for the admin's screen, shown once."""
    url = _link_url(token)
    session[ISSUED_LINK_KEY] = {"user_id": user.id, "url": url}
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        if invitation:
            subject = _("Your account for the quality management system")
            body = _("Hello %(name)s,\n\nAn account has been made for you in the quality management system. "
                     "Open this link to choose your password:\n\n%(url)s\n\n"
                     "The link is valid for %(hours)s hours and works once.\n",
                     name=user.name, url=url, hours=_link_hours())
        else:
            subject = _("Choose a new password for the quality management system")
            body = _("Hello %(name)s,\n\nA new password was requested for your account. "
                     "Open this link to choose it:\n\n%(url)s\n\n"
                     "The link is valid for %(hours)s hours and works once. Until then your current "
                     "password keeps working.\n",
                     name=user.name, url=url, hours=_link_hours())
    return send_mail(user.email, subject, body)


def _link_hours() -> int:
    from ..auth.services import TOKEN_LIFETIME

    return int(TOKEN_LIFETIME.total_seconds() // 3600)


def _flash_mail_outcome(user: User, sent: bool) -> None:
    if sent:
        flash(_("The link has been e-mailed to %(email)s.", email=user.email), "info")
    else:
        flash(_("The e-mail to %(email)s could not be sent. Pass on the link below yourself.",
                email=user.email), "warning")


# --- second factors and sessions -------------------------------------------------------------------------

@bp.route("/two-factor", methods=["GET", "POST"])
@requires("users.manage")
@recent_check_required
def two_factor():
    """Which roles must use a second factor, and who has set one up."""
    from ..auth import mfa
    from .forms import TwoFactorPolicyForm

    form = TwoFactorPolicyForm()
    if request.method == "GET":
        form.roles.data = [role.value for role, required in mfa.policy().items() if required]
    if form.validate_on_submit():
        mfa.set_policy({Role(r) for r in form.roles.data or []})
        db.session.commit()
        flash(_("The two-factor policy has been saved."), "success")
        return redirect(url_for("admin.two_factor"))
    stmt = select(User).where(User.active.is_(True)).order_by(User.name, User.id)
    page = paginate(stmt, request.args.get("page"), current_app.config["ITEMS_PER_PAGE"])
    enrolled = mfa.enrolment_by_user([u.id for u in page.items])
    required = mfa.policy()
    return render_template("admin/two_factor.html", form=form, page=page, enrolled=enrolled,
                           required={u.id: any(required[r] for r in u.role_set) for u in page.items})


@bp.route("/users/<int:user_id>/two-factor-reset", methods=["POST"])
@requires("users.manage")
@recent_check_required
def two_factor_reset(user_id: int):
    from ..auth import mfa

    target = load_user_or_404(user_id)
    mfa.reset(target)
    from ..auth.services import end_sessions

    end_sessions(target, "admin")
    db.session.commit()
    flash(_("The second factors of %(name)s have been removed; they set up a new one at their next login.",
            name=target.name), "success")
    return redirect(url_for("admin.user", user_id=target.id))


@bp.route("/users/<int:user_id>/end-sessions", methods=["POST"])
@requires("users.manage")
def end_user_sessions(user_id: int):
    from ..auth.services import end_sessions

    target = load_user_or_404(user_id)
    if target.id == current_user.id:
        flash(_("End your own sessions from your account page."), "error")
        return redirect(url_for("admin.user", user_id=target.id))
    end_sessions(target, "admin")
    db.session.commit()
    flash(_("%(name)s has been logged out everywhere.", name=target.name), "success")
    return redirect(url_for("admin.user", user_id=target.id))
