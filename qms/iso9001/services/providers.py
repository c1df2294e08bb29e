"""External providers (8.4): evaluations of suppliers in the core supplier register."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select

from ...i18n import fmt_day
from ...extensions import db
from ...suppliers.models import Supplier
from .. import scoring
from ..models import Decision, SupplierEvaluation
from . import IsoError, today


def evaluate(supplier: Supplier, *, user, scores: dict[str, int], decision: str, next_evaluation: dt.date,
             note: str | None, on: dt.date | None = None) -> SupplierEvaluation:
    """Record an evaluation; the weighted score is stored with it. Evaluations are never changed afterwards."""
    on = on or today()
    try:
        score = scoring.supplier_score(scores)
    except ValueError:
        raise IsoError(None, _("Give every criterion a score from 1 to 5.")) from None
    if next_evaluation <= on:
        raise IsoError("next_evaluation", _("The next evaluation must lie after the evaluation date."))
    decision = Decision(decision)
    if decision == Decision.APPROVED and score < scoring.CONDITIONAL_FROM:
        raise IsoError("decision", _("With a score below %(n)s a supplier cannot be approved without conditions.",
                                     n=scoring.CONDITIONAL_FROM))
    if decision != Decision.APPROVED and not (note or "").strip():
        raise IsoError("note", _("Write down the conditions or the reason."))
    evaluation = SupplierEvaluation(supplier=supplier, evaluated_on=on, evaluated_by_id=user.id if user else None,
                                    score=score, decision=decision, next_evaluation=next_evaluation,
                                    note=note or None, **scores)
    db.session.add(evaluation)
    db.session.flush()
    return evaluation


def latest_query():
    """The newest evaluation of every supplier (a subquery join, one statement)."""
    newest = (select(SupplierEvaluation.supplier_id, func.max(SupplierEvaluation.id).label("last_id"))
              .group_by(SupplierEvaluation.supplier_id).subquery())
    return select(SupplierEvaluation).join(newest, newest.c.last_id == SupplierEvaluation.id)


def latest_by_supplier(supplier_ids: list[int] | None = None) -> dict[int, SupplierEvaluation]:
    stmt = latest_query()
    if supplier_ids is not None:
        stmt = stmt.where(SupplierEvaluation.supplier_id.in_(supplier_ids or [0]))
    return {e.supplier_id: e for e in db.session.scalars(stmt)}


def history(supplier: Supplier) -> list[SupplierEvaluation]:
    return list(db.session.scalars(select(SupplierEvaluation).where(SupplierEvaluation.supplier_id == supplier.id)
                                   .order_by(SupplierEvaluation.evaluated_on.desc(), SupplierEvaluation.id.desc())))


def overview(on: dt.date | None = None) -> list[tuple[Supplier, SupplierEvaluation | None, bool]]:
    """Active suppliers with their latest evaluation and whether a (re-)evaluation is due."""
    on = on or today()
    suppliers = list(db.session.scalars(select(Supplier).where(Supplier.active.is_(True))
                                        .order_by(func.lower(Supplier.name))))
    latest = latest_by_supplier([s.id for s in suppliers])
    return [(s, latest.get(s.id), latest.get(s.id) is None or latest[s.id].next_evaluation <= on)
            for s in suppliers]


def figures(on: dt.date | None = None) -> dict:
    """Counts over active suppliers and their latest evaluation, aggregated in the database."""
    on = on or today()
    latest = latest_query().subquery()
    active = Supplier.active.is_(True)
    total = db.session.scalar(select(func.count()).select_from(Supplier).where(active)) or 0
    evaluated, average, overdue, rejected = db.session.execute(
        select(func.count(), func.avg(latest.c.score),
               func.count().filter(latest.c.next_evaluation <= on),
               func.count().filter(latest.c.decision == Decision.REJECTED))
        .select_from(latest).join(Supplier, Supplier.id == latest.c.supplier_id).where(active)).one()
    return {"suppliers": total, "evaluated": evaluated, "due": (total - evaluated) + overdue,
            "average": Decimal(average).quantize(Decimal("0.1")) if average is not None else None,
            "not_approved": rejected}


def reminders(on: dt.date):
    """Re-evaluation reminders to the supplier managers, once per supplier and due date."""
    from flask import current_app, url_for
    from flask_babel import gettext

    from ...notifications import services as notifications
    from ...suppliers.services import managers

    users = managers()
    if not users:
        return
    for supplier, evaluation, due in overview(on):
        if not due or evaluation is None:
            continue
        with current_app.test_request_context():
            url = url_for("iso9001.evaluate_supplier", supplier_id=supplier.id)
        name, day = supplier.name, evaluation.next_evaluation

        def subject(name=name, day=day):
            return gettext("Supplier %(name)s is due for re-evaluation (%(date)s)", name=name, date=fmt_day(day))

        yield notifications.Reminder(users, subject, "", url, f"iso-supplier-evaluation-{supplier.id}-{day}")
