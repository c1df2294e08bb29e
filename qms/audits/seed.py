"""Benchmark data for audits (``make bench``): one audit in progress with 300 findings, a tenth of them
nonconformities with actions, and a management review whose input pack is assembled live."""
from __future__ import annotations

import datetime as dt

from flask import Flask
from sqlalchemy import select

from ..actions.models import CorrectiveAction, Nonconformity
from ..actions.workflow import ActionKind, NcState, Severity
from ..auth.models import User, UserRole
from ..database import utcnow
from ..extensions import db
from ..norms import registry
from ..organisation.services import today
from ..permissions import Role
from .models import Audit, AuditItem, AuditItemLink, AuditNorm
from .rules import AuditState, AuditType, Result

BENCH_NUMBER = "AU-1999-01"
FINDINGS = 300
_RESULTS = [Result.CONFORM] * 6 + [Result.OBSERVATION, Result.IMPROVEMENT, Result.MINOR, Result.MAJOR]


def _bench_user() -> User:
    user = db.session.scalar(select(User).where(User.email == "bench-auditor@bench.example"))
    if user is None:
        user = User(email="bench-auditor@bench.example", name="Bench auditor", active=True, password_hash=None)
        user.roles = [UserRole(role=Role.AUDITOR)]
        db.session.add(user)
        db.session.flush()
    return user


def seed_bench_audit() -> Audit:
    """The 300-finding audit, created once."""
    audit = db.session.scalar(select(Audit).where(Audit.number == BENCH_NUMBER))
    if audit is not None:
        return audit
    lead = _bench_user()
    norm = registry().get("iso9001") or next(iter(registry()))
    cat = norm.versions[norm.default_version]
    requirements = [r for r in cat.requirements.values() if r.kind == "requirement"]
    on = today()
    audit = Audit(number=BENCH_NUMBER, title="Benchmark audit with 300 findings", type=AuditType.INTERNAL,
                  state=AuditState.IN_PROGRESS, planned_start=on, conducted_on=on, lead_auditor=lead,
                  scope="Everything", criteria="The norm")
    audit.norms = [AuditNorm(norm=norm.code, version=cat.code)]
    db.session.add(audit)
    db.session.flush()
    for position in range(1, FINDINGS + 1):
        req = requirements[(position - 1) % len(requirements)]
        result = _RESULTS[position % len(_RESULTS)]
        item = AuditItem(audit_id=audit.id, position=position, norm=norm.code, version=cat.code,
                         requirement=req.code, question=req.title_nl, result=result,
                         notes=f"Bevinding {position}: steekproef van vijf dossiers bekeken.",
                         answered_by_id=lead.id, answered_at=utcnow())
        item.links.append(AuditItemLink(kind="other", label=f"Registratie {position}"))
        db.session.add(item)
        db.session.flush()
        if result in (Result.MINOR, Result.MAJOR):
            nc = Nonconformity(number=f"NC-1999-{position:04d}", title=f"Bevinding {position}", description="",
                               source_type="audit_finding", source_id=str(item.id), norm=norm.code,
                               norm_version=cat.code, requirement=req.code,
                               severity=Severity.MAJOR if result is Result.MAJOR else Severity.MINOR,
                               state=NcState.ACTIONS_PLANNED, opened_on=on, owner_id=lead.id)
            nc.actions.append(CorrectiveAction(kind=ActionKind.CORRECTIVE, description="Actie", owner_id=lead.id,
                                               due_date=on + dt.timedelta(days=position % 40 - 20)))
            db.session.add(nc)
            db.session.flush()
            item.nonconformity_id = nc.id
    db.session.flush()
    return audit


def bench_audit_args(app: Flask) -> dict:
    audit = seed_bench_audit()
    db.session.commit()
    return {"audit_id": audit.id}


def bench_review_args(app: Flask) -> dict:
    from ..reviews.models import Review

    review = db.session.scalar(select(Review).where(Review.title == "Benchmark review"))
    if review is None:
        seed_bench_audit()
        on = today()
        review = Review(title="Benchmark review", period_start=on - dt.timedelta(days=365), period_end=on,
                        meeting_on=on, chair=_bench_user())
        db.session.add(review)
        db.session.commit()
    return {"review_id": review.id}
