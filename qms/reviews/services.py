"""Operations on management reviews: plan, assemble the input pack, record conclusions and decisions,
hold (freezing the pack) and close. Each function flushes, never commits."""
from __future__ import annotations

import datetime as dt

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..actions import services as actions
from ..actions.models import CorrectiveAction
from ..auth.models import User
from ..core.errors import DomainError
from ..extensions import db
from ..i18n import fmt_day
from ..norms import ReviewSection, registry
from ..organisation.services import today
from ..permissions import Role
from ..signals import review_input_requested
from . import rules
from .models import Review, ReviewDecision
from .rules import ReviewState

SOURCE_TYPE = "review"


class ReviewError(DomainError):
    """A business rule refused the change."""


def assemble(start: dt.date, end: dt.date) -> list[ReviewSection]:
    """The input pack: sections from the shared workflows (signal) and from every enabled norm (registry).
    A module that is not installed contributes nothing; one that fails is logged and left out."""
    app = current_app._get_current_object()
    sections = []
    for receiver, value in _safe_send(app, start, end):
        sections.append(value)
    for norm, provider in registry().review_sections():
        try:
            sections.append(provider(start, end))
        except Exception:
            current_app.logger.exception("review section of %s failed", norm.code)
    return rules.sort_sections(sections)


def _safe_send(app, start, end):
    for receiver in list(review_input_requested.receivers_for(app)):
        try:
            value = receiver(app, start=start, end=end)
        except Exception:
            current_app.logger.exception("review section %r failed", receiver)
            continue
        if value is not None:
            yield receiver, value


def earlier_actions_section(start: dt.date, end: dt.date, review: Review | None = None) -> ReviewSection:
    """Status of the actions decided in earlier reviews (ISO 9001 9.3.2 a)."""
    stmt = select(CorrectiveAction).where(CorrectiveAction.source_type == SOURCE_TYPE)
    if review is not None and review.id is not None:
        stmt = stmt.where(CorrectiveAction.source_id != str(review.id))
    earlier = db.session.scalars(stmt.order_by(CorrectiveAction.due_date)).all()
    on = today()
    rows = []
    for action in earlier:
        if action.done:
            status = _("done on %(date)s", date=fmt_day(action.done_at.date()))
        elif action.due_date < on:
            status = _("overdue since %(date)s", date=fmt_day(action.due_date))
        else:
            status = _("open, due %(date)s", date=fmt_day(action.due_date))
        rows.append((f"{action.description} ({action.owner.name})", status))
    return ReviewSection(key="earlier_actions", title=_("Status of actions from earlier reviews"), rows=rows,
                         text="" if rows else _("No actions from earlier reviews."), order=10,
                         endpoint="actions.all_actions")


def pack(review: Review) -> list[dict]:
    """The sections to show: frozen once held, assembled live while planned."""
    if review.input_pack:
        from flask_babel import get_locale

        return rules.load_sections(review.input_pack, str(get_locale() or ""))
    sections = [earlier_actions_section(review.period_start, review.period_end, review)]
    sections += assemble(review.period_start, review.period_end)
    return rules.load_sections(rules.dump_sections(rules.sort_sections(sections)))


def _pack_in_every_language(review: Review) -> dict[str, list[dict]]:
    """Assemble the pack once per interface language, so a frozen pack reads in each reader's language."""
    from flask_babel import force_locale

    packs = {}
    for language in current_app.config["LANGUAGES"]:
        with force_locale(language):
            sections = [earlier_actions_section(review.period_start, review.period_end, review)]
            sections += assemble(review.period_start, review.period_end)
            packs[language] = rules.section_dicts(rules.sort_sections(sections))
    return packs


def _check_open(review: Review) -> None:
    if review.state is ReviewState.CLOSED:
        raise ReviewError(_("These minutes are closed; they can no longer be changed."))


def save_review(review: Review | None, *, title: str, period_start: dt.date, period_end: dt.date,
                meeting_on: dt.date, chair: User | None, attendees: str | None) -> Review:
    if review is not None and review.state is not ReviewState.PLANNED:
        raise ReviewError(_("The meeting was held; its details can no longer be changed."))
    if period_end < period_start:
        raise ReviewError(_("The end of the period cannot lie before its start."), "period_end")
    if chair is None:
        raise ReviewError(_("Choose the chair from the list."), "chair_id")
    kept = review is not None and review.chair_id == chair.id  # a chair already named stays
    if not kept and not chair.has_role(Role.ADMIN, Role.COORDINATOR):
        raise ReviewError(_("The chair is an administrator or a quality coordinator; choose one from the list."),
                          "chair_id")
    if review is None:
        review = Review(state=ReviewState.PLANNED)
        db.session.add(review)
    review.title = title
    review.period_start = period_start
    review.period_end = period_end
    review.meeting_on = meeting_on
    review.chair = chair
    review.attendees = attendees or None
    db.session.flush()
    return review


def record_conclusions(review: Review, conclusions: str) -> Review:
    _check_open(review)
    review.conclusions = conclusions or None
    db.session.flush()
    return review


def add_decision(review: Review, *, text: str, owner: User | None = None,
                 due_date: dt.date | None = None) -> ReviewDecision:
    """Record a decision; with an owner and a due date it becomes a tracked improvement action."""
    _check_open(review)
    if not (text or "").strip():
        raise ReviewError(_("Write the decision."), "text")
    if (owner is None) != (due_date is None):
        raise ReviewError(_("To track the decision as an action, choose both who and by when."),
                          "owner_id" if owner is None else "due_date")
    decision = ReviewDecision(review=review, text=text.strip())
    db.session.add(decision)
    if owner is not None:
        try:
            decision.action = actions.add_action(None, kind="improvement", description=text.strip(), owner=owner,
                                                 due_date=due_date, source_type=SOURCE_TYPE, source_id=review.id)
        except actions.ActionError as error:
            raise ReviewError(error.message, error.field) from None
    db.session.flush()
    return decision


def move(review: Review, target: str) -> Review:
    try:
        target = ReviewState(target)
    except ValueError:
        raise ReviewError(_("This step is not possible in the current state.")) from None
    if not rules.can_move(review.state, target):
        raise ReviewError(_("This step is not possible in the current state."))
    if target is ReviewState.HELD:
        review.input_pack = rules.dump_pack(_pack_in_every_language(review))
    if target is ReviewState.CLOSED:
        if not (review.conclusions or "").strip():
            raise ReviewError(_("Record the conclusions before closing the minutes."))
        review.closed_on = today()
    review.state = target
    db.session.flush()
    return review


def register(app) -> None:
    from ..norms import registry

    registry(app).add_action_source(SOURCE_TYPE, _l("Management review"), _review_url)


def _review_url(review_id: str) -> str:
    from flask import url_for

    return url_for("reviews.detail", review_id=int(review_id))
