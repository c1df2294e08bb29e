"""The user's own active sessions: where they are signed in, and ending any of them."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from ..extensions import db
from ..permissions import requires
from . import sessions
from .stepup import recent_check_required
from .forms import BlankForm
from .models import UserSession
from .views import bp


@bp.route("/account/sessions")
@requires("account.manage_own")
def my_sessions():
    user = current_user._get_current_object()
    this = sessions.current()
    return render_template("auth/sessions.html", records=sessions.open_sessions(user),
                           this_id=this.id if this else None, device=sessions.device_label, form=BlankForm())


@bp.route("/account/sessions/<int:session_id>/end", methods=["POST"])
@requires("account.manage_own")
@recent_check_required
def end_session(session_id: int):
    user = current_user._get_current_object()
    record = db.session.get(UserSession, session_id)
    if record is None or record.user_id != user.id or record.ended_at is not None:
        abort(404)
    this = sessions.current()
    sessions.end(record, "user")
    db.session.commit()
    if this is not None and this.id == record.id:
        logout_user()
        flash(_("You have been logged out."), "info")
        return redirect(url_for("auth.login"))
    flash(_("That session has been ended."), "success")
    return redirect(url_for("auth.my_sessions"))


@bp.route("/account/sessions/end-others", methods=["POST"])
@requires("account.manage_own")
@recent_check_required
def end_other_sessions():
    user = current_user._get_current_object()
    count = sessions.end_all(user, "user", keep=sessions.current())
    db.session.commit()
    flash(_("%(n)s other sessions have been ended.", n=count), "success")
    return redirect(url_for("auth.my_sessions"))
