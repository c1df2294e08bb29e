"""The administrator's webhook pages: subscriptions, their secret, and the delivery log with the answers."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, SelectMultipleField, StringField, URLField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput

from ..admin.forms import CheckboxList
from ..core.loaders import get_row
from ..database import paginate
from ..extensions import db
from ..forms import Optional
from ..permissions import requires
from . import services
from .events import EVENTS
from .models import WebhookDelivery, WebhookSubscription

bp = Blueprint("webhooks", __name__, url_prefix="/admin/webhooks", template_folder="templates")


class EventsField(SelectMultipleField):
    widget = CheckboxList()
    option_widget = CheckboxInput()


class SubscriptionForm(FlaskForm):
    url = URLField(_l("Address (URL)"), validators=[DataRequired(), Length(max=500)])
    description = StringField(_l("Description"), validators=[Optional(), Length(max=200)])
    events = EventsField(_l("Events"))
    allow_private = BooleanField(_l("Allow a target on this machine or a private network"))


class ButtonForm(FlaskForm):
    pass


def _form() -> SubscriptionForm:
    form = SubscriptionForm()
    form.events.choices = [(key, str(label)) for key, label in EVENTS.items()]
    return form


def load_subscription(subscription_id: int) -> WebhookSubscription:
    sub = get_row(WebhookSubscription, subscription_id)
    if sub is None:
        from flask import abort

        abort(404)
    return sub


@bp.route("/", methods=["GET", "POST"])
@requires("webhooks.manage")
def index():
    form = _form()
    if form.validate_on_submit():
        try:
            sub = services.create(url=form.url.data, description=form.description.data,
                                  events=set(form.events.data or ()), allow_private=form.allow_private.data,
                                  by=current_user)
        except services.WebhookError as error:
            db.session.rollback()
            field = getattr(form, error.field)
            field.errors = list(field.errors) + [error.message]
        else:
            db.session.commit()
            flash(_("The webhook has been saved."), "success")
            return redirect(url_for("webhooks.detail", subscription_id=sub.id))
    subs = db.session.scalars(select(WebhookSubscription).order_by(WebhookSubscription.id)).all()
    return render_template("webhooks/index.html", form=form, subscriptions=subs, events=EVENTS), \
        (400 if form.errors else 200)


@bp.route("/<int:subscription_id>")
@requires("webhooks.manage")
def detail(subscription_id: int):
    sub = load_subscription(subscription_id)
    stmt = (select(WebhookDelivery).where(WebhookDelivery.subscription_id == sub.id)
            .order_by(WebhookDelivery.id.desc()))
    page = paginate(stmt, request.args.get("page", 1), per_page=25)
    return render_template("webhooks/detail.html", sub=sub, page=page, events=EVENTS, button=ButtonForm())


@bp.route("/<int:subscription_id>/toggle", methods=["POST"])
@requires("webhooks.manage")
def toggle(subscription_id: int):
    sub = load_subscription(subscription_id)
    if ButtonForm().validate_on_submit():
        services.set_active(sub, not sub.active)
        db.session.commit()
        flash(_("The webhook is on.") if sub.active else _("The webhook is off."), "success")
    return redirect(url_for("webhooks.detail", subscription_id=sub.id))


@bp.route("/<int:subscription_id>/ping", methods=["POST"])
@requires("webhooks.manage")
def ping(subscription_id: int):
    """Send a test message now (through the queue, like every event)."""
    sub = load_subscription(subscription_id)
    if ButtonForm().validate_on_submit():
        services.ping(sub)
        db.session.commit()
        flash(_("A test message was queued; its answer appears in the log below."), "success")
    return redirect(url_for("webhooks.detail", subscription_id=sub.id))
