"""Management review pages: the list, planning, the meeting with its input pack, decisions and minutes."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from ..actions import services as actions
from ..auth.models import User, active_holding
from ..core import exports as tabular
from ..core.errors import show_refusal as _refused
from ..core.loaders import get_or_404
from ..database import paginate
from ..extensions import db
from ..organisation.services import today
from ..permissions import Role, requires
from . import inputs, minutes, services  # noqa: F401  (inputs: the resources and improvement sections)
from .forms import ConclusionsForm, DecisionForm, MoveForm, ReviewForm
from .models import Review
from .rules import ReviewState
from .services import ReviewError
from ..core.submit import on_submit

bp = Blueprint("reviews", __name__, url_prefix="/reviews", template_folder="templates", static_folder="static")
STATE_LABELS = {ReviewState.PLANNED: _l("Planned"), ReviewState.HELD: _l("Held"), ReviewState.CLOSED: _l("Closed")}


@bp.record_once
def _setup(state) -> None:
    services.register(state.app)


def load_review(review_id: int) -> Review:
    return get_or_404(Review, review_id)


def _chairs() -> list[SelectChoice]:
    chairs = db.session.execute(select(User.id, User.name).where(active_holding(Role.ADMIN, Role.COORDINATOR))
                                .order_by(User.name))
    return [SelectChoice("", _("Choose the chair"))] + [SelectChoice(i, name) for i, name in chairs]


@bp.route("/")
@requires("reviews.view")
def index():
    page = paginate(select(Review).order_by(Review.meeting_on.desc(), Review.id.desc()), request.args.get("page"),
                    current_app.config["ITEMS_PER_PAGE"])
    return render_template("reviews/index.html", page=page, state_labels=STATE_LABELS)


@bp.route("/export.<any(csv, xlsx):fmt>")
@requires("reviews.view")
def index_export(fmt: str):
    """The management reviews list: dates, chair, state and the number of decisions taken."""
    from .models import ReviewDecision

    decisions = dict(db.session.execute(select(ReviewDecision.review_id, db.func.count())
                                        .group_by(ReviewDecision.review_id)).all())
    stmt = select(Review).order_by(Review.meeting_on.desc(), Review.id.desc())
    header = [_("Meeting date"), _("Title"), _("Period from"), _("Period until"), _("Chair"), _("State"),
              _("Closed on"), _("Decisions")]
    rows = ([r.meeting_on, r.title, r.period_start, r.period_end, r.chair.name if r.chair else "",
             str(STATE_LABELS[r.state]), r.closed_on, decisions.get(r.id, 0)]
            for r in db.session.scalars(stmt.limit(tabular.MAX_ROWS)))
    return tabular.response(fmt, header, rows, "management-reviews", _("Management review"))


@bp.route("/new", methods=["GET", "POST"])
@requires("reviews.manage")
def new():
    form = ReviewForm()
    form.chair_id.choices = _chairs()
    if request.method == "GET":
        on = today()
        form.title.data = _("Management review %(year)s", year=on.year)
        form.period_start.data = on.replace(year=on.year - 1)
        form.period_end.data = on
        form.meeting_on.data = on
        form.chair_id.data = current_user.id
    saved = on_submit(form, lambda: services.save_review(None, title=form.title.data,
                                                         period_start=form.period_start.data,
                                                         period_end=form.period_end.data,
                                                         meeting_on=form.meeting_on.data,
                                                         chair=actions.load_user(form.chair_id.data),
                                                         attendees=form.attendees.data),
                      done=_("The management review is planned; its input pack is ready."),
                      to=lambda review: url_for("reviews.detail", review_id=review.id))
    return saved or render_template("reviews/form.html", form=form)


def section_url(section: dict) -> str | None:
    """Where the records behind a section are, if that page exists and the user may open it."""
    endpoint = section.get("endpoint")
    if not endpoint or endpoint not in current_app.view_functions:
        return None
    from ..permissions import declared_permission, has_permission

    if not has_permission(current_user, declared_permission(endpoint) or "users.manage"):
        return None
    try:
        return url_for(endpoint, **(section.get("endpoint_args") or {}))
    except Exception:  # arguments of an older snapshot that no longer fit the route
        return None


def _detail(review: Review, conclusions_form=None, decision_form=None, status=200):
    conclusions_form = conclusions_form or ConclusionsForm(formdata=None, obj=review)
    decision_form = decision_form or DecisionForm(formdata=None)
    return render_template("reviews/detail.html", review=review, sections=services.pack(review),
                           conclusions_form=conclusions_form, decision_form=decision_form,
                           move_form=MoveForm(formdata=None), state_labels=STATE_LABELS, ReviewState=ReviewState,
                           today=today(), section_url=section_url), status


@bp.route("/<int:review_id>")
@requires("reviews.view")
def detail(review_id: int):
    return _detail(load_review(review_id))


@bp.route("/<int:review_id>/conclusions", methods=["POST"])
@requires("reviews.manage")
def conclusions(review_id: int):
    review = load_review(review_id)
    form = ConclusionsForm()
    saved = on_submit(form, lambda: services.record_conclusions(review, form.conclusions.data),
                      done=_("The conclusions were saved."),
                      to=url_for("reviews.detail", review_id=review.id, _anchor="conclusions"))
    return saved or _detail(review, conclusions_form=form, status=400)


@bp.route("/<int:review_id>/decisions", methods=["POST"])
@requires("reviews.manage")
def decide(review_id: int):
    review = load_review(review_id)
    form = DecisionForm()
    saved = on_submit(form, lambda: services.add_decision(review, text=form.text.data,
                                                          owner=actions.load_user(form.owner_id.data),
                                                          due_date=form.due_date.data),
                      done=lambda decision: (_("The decision was recorded and is tracked as an action.") if decision.action
                                             else _("The decision was recorded.")),
                      to=url_for("reviews.detail", review_id=review.id, _anchor="decisions"))
    return saved or _detail(review, decision_form=form, status=400)


@bp.route("/<int:review_id>/state", methods=["POST"])
@requires("reviews.manage")
def move(review_id: int):
    review = load_review(review_id)
    form = MoveForm()
    if form.validate_on_submit():
        try:
            services.move(review, form.target.data)
        except ReviewError as error:
            _refused(None, error)
            return _detail(review, status=400)
        db.session.commit()
        flash(_("The review is now: %(state)s.", state=STATE_LABELS[review.state]), "success")
    return redirect(url_for("reviews.detail", review_id=review.id))


@bp.route("/<int:review_id>/minutes.pdf")
@requires("reviews.view")
def minutes_pdf(review_id: int):
    review = load_review(review_id)
    return minutes.minutes_pdf(review, services.pack(review), STATE_LABELS)
