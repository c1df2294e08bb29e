"""The user's own notifications: list, open (marks read), mark all read."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..database import paginate
from ..extensions import db
from ..permissions import require, requires
from ..urls import safe_next
from . import services
from .forms import SettingsForm
from .models import Notification

bp = Blueprint("notifications", __name__, url_prefix="/notifications", template_folder="templates")


@bp.app_context_processor
def unread_notifications():
    """``unread_notifications()`` in templates: one count query, only when a page asks for it."""
    def count() -> int:
        return services.unread_count(current_user) if current_user.is_authenticated else 0
    return {"unread_notifications": count}


def _load(notification_id: int) -> Notification:
    notification = db.session.get(Notification, notification_id)
    require(notification is not None and notification.user_id == current_user.id)
    return notification


@bp.route("/")
@requires("notifications.view")
def index():
    page = paginate(services.for_user(current_user), request.args.get("page"))
    return render_template("notifications/index.html", page=page)


@bp.route("/<int:notification_id>/open", methods=["POST"])
@requires("notifications.view")
def open(notification_id: int):  # noqa: A001 (the route's name)
    notification = _load(notification_id)
    services.mark_read(notification)
    db.session.commit()
    return redirect(safe_next(notification.url) or url_for("notifications.index"))


@bp.route("/read-all", methods=["POST"])
@requires("notifications.view")
def read_all():
    count = services.mark_all_read(current_user)
    db.session.commit()
    if count:
        flash(_("All notifications are marked as read."), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/settings", methods=["GET", "POST"])
@requires("notifications.view")
def settings():
    """Each user chooses how reminders arrive: one daily overview (the default) or one message per reminder."""
    form = SettingsForm()
    if request.method == "GET":
        form.reminders.data = services.delivery_of(current_user).value
    if form.validate_on_submit():
        services.set_delivery(current_user, form.reminders.data)
        db.session.commit()
        flash(_("Your notification settings are saved."), "success")
        return redirect(url_for("notifications.settings"))
    return render_template("notifications/settings.html", form=form)
