"""Demo data for the management review: last year's closed review with its decisions (one done, one
still open) and this year's review, planned, whose input pack is assembled live."""
from __future__ import annotations

import datetime as dt

from flask import has_app_context

from ..actions.models import CorrectiveAction
from ..actions.workflow import ActionKind
from ..database import utcnow
from ..permissions import Role
from . import rules
from .models import Review, ReviewDecision
from .rules import ReviewState


def add_reviews(demo) -> None:
    if not has_app_context() or Role.COORDINATOR not in demo.users:
        return
    today = demo.today
    chair = demo.users.get(Role.ADMIN, demo.users[Role.COORDINATOR])
    coordinator = demo.users[Role.COORDINATOR]
    last = Review(title=f"Directiebeoordeling {today.year - 1}", period_start=today - dt.timedelta(days=730),
                  period_end=today - dt.timedelta(days=366), meeting_on=today - dt.timedelta(days=360),
                  chair=chair, attendees="Peter de Graaf (directeur), Jeroen Bakker (KAM), Fatima El Amrani (HR)",
                  state=ReviewState.CLOSED, closed_on=today - dt.timedelta(days=358),
                  conclusions="Het systeem werkt. Aandacht voor leveranciersbeoordeling en klachtafhandeling.",
                  input_pack=rules.dump_sections([]))
    demo.session.add(last)
    demo.session.flush()
    for text, days, done in (("Klachtenprocedure herzien en bespreken in het werkoverleg.", -300, True),
                             ("Leveranciersbeoordeling vast in de jaarplanning.", -30, False)):
        action = CorrectiveAction(kind=ActionKind.IMPROVEMENT, description=text, owner_id=coordinator.id,
                                  due_date=today + dt.timedelta(days=days), source_type="review",
                                  source_id=str(last.id), done_at=utcnow() if done else None,
                                  done_by_id=coordinator.id if done else None, done_note="Gedaan." if done else None)
        demo.session.add(action)
        demo.session.flush()
        demo.session.add(ReviewDecision(review=last, text=text, action_id=action.id))
    demo.session.add(Review(title=f"Directiebeoordeling {today.year}", period_start=today - dt.timedelta(days=365),
                            period_end=today, meeting_on=today + dt.timedelta(days=14), chair=chair,
                            attendees="Directie, KAM-coördinator, HR/PSO-adviseur", state=ReviewState.PLANNED))
    demo.session.flush()
