"""The audit trail browser: every entry, one record's history, one user's actions."""
import datetime as dt

from flask import Blueprint, abort, current_app, flash, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import to_user_timezone, to_utc
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from ..auth.models import User
from ..core import exports as tabular
from ..database import MAX_ID, paginate
from ..extensions import db
from ..permissions import requires
from . import services
from .forms import AuditFilterForm
from .models import AuditEntry

bp = Blueprint("audit", __name__, url_prefix="/audit", template_folder="templates")

ACTION_LABELS = {
    "create": _l("Created"),
    "update": _l("Changed"),
    "delete": _l("Deleted"),
    "login": _l("Logged in"),
    "logout": _l("Logged out"),
    "login_failed": _l("Login failed"),
    "access_refused": _l("Access refused"),
    "view": _l("Viewed"),
}


def _action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def _filter_form() -> AuditFilterForm:
    form = AuditFilterForm(request.args)
    types = db.session.scalars(select(AuditEntry.entity_type).where(AuditEntry.entity_type.is_not(None))
                              .distinct().order_by(AuditEntry.entity_type)).all()
    actions = db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)).all()
    everything = SelectChoice("", _("All"))
    form.entity_type.choices = [everything] + [SelectChoice(t, services.entity_type_name(t)) for t in types]
    form.action.choices = [everything] + [SelectChoice(a, _action_label(a)) for a in actions]
    if request.args and not form.validate():
        flash(_("Some filters were not understood and are ignored; see the messages below."), "warning")
    return form


def _filtered(stmt, form: AuditFilterForm):
    if (entity_type := form.valid_value("entity_type")) is not None:
        stmt = stmt.where(AuditEntry.entity_type == entity_type)
    if (entity_id := form.valid_value("entity_id")) is not None:
        stmt = stmt.where(AuditEntry.entity_id == entity_id)
    if (actor := form.valid_value("actor")) is not None:
        stmt = stmt.where(AuditEntry.actor_id == actor)
    if (action := form.valid_value("action")) is not None:
        stmt = stmt.where(AuditEntry.action == action)
    if (start := form.valid_value("date_from")) is not None:
        stmt = stmt.where(AuditEntry.at >= to_utc(dt.datetime.combine(start, dt.time.min)))
    if (end := form.valid_value("date_to")) is not None:
        stmt = stmt.where(AuditEntry.at < to_utc(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min)))
    return stmt


def _page(stmt):
    stmt = stmt.order_by(AuditEntry.id.desc())
    return paginate(stmt, request.args.get("page"), current_app.config["ITEMS_PER_PAGE"])


def _render(template: str, page, **context):
    return render_template(template, page=page, changes=services.field_changes,
                           may_see_values=lambda e: services.may_see_values(current_user, e.entity_type),
                           action_label=_action_label, **context)


@bp.route("/")
@requires("audit_trail.view")
def index():
    form = _filter_form()
    page = _page(_filtered(select(AuditEntry), form))
    return _render("audit/index.html", page, form=form)


@bp.route("/export.<any(csv, xlsx):fmt>")
@requires("audit_trail.view")
def export(fmt: str):
    """The trail with the page's filters, newest first: who did what to which record and when (the changed
    values stay on the page, where each record kind's rules for who may read them apply)."""
    form = _filter_form()
    stmt = _filtered(select(AuditEntry), form).order_by(AuditEntry.id.desc()).limit(tabular.MAX_ROWS)
    header = [_("When"), _("Who"), _("Action"), _("Kind of record"), _("Record"), _("Reason")]
    rows = ([to_user_timezone(e.at).replace(tzinfo=None), e.actor_label, _action_label(e.action),
             services.entity_type_name(e.entity_type) if e.entity_type else "", e.entity_id or "", e.reason or ""]
            for e in db.session.scalars(stmt.execution_options(yield_per=1000)))
    return tabular.response(fmt, header, rows, "audit-trail", _("Audit trail"))


@bp.route("/record/<entity_type>/<path:entity_id>")
@requires("audit_trail.view")
def record(entity_type: str, entity_id: str):
    """The whole history of one record, newest first."""
    if len(entity_type) > 80 or len(entity_id) > 80:
        abort(404)
    stmt = select(AuditEntry).where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id == entity_id)
    page = _page(stmt)
    if not page.total:
        abort(404)
    return _render("audit/record.html", page, entity_type=entity_type, entity_id=entity_id)


@bp.route("/user/<int:user_id>")
@requires("audit_trail.view")
def user(user_id: int):
    """Everything one user did, newest first."""
    if user_id > MAX_ID:
        abort(404)
    subject = db.session.get(User, user_id)
    page = _page(select(AuditEntry).where(AuditEntry.actor_id == user_id))
    if subject is None and not page.total:
        abort(404)
    label = subject.name if subject else (page.items[0].actor_label if page.items else str(user_id))
    return _render("audit/user.html", page, subject=subject, subject_label=label, user_id=user_id)
