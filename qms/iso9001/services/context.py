"""Context of the organisation (4.1–4.4)."""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import select

from ...extensions import db
from ...norms import registry
from ..models import ContextReview, ContextStatement, Exclusion, InterestedParty, Issue, IssueKind, Process
from . import IsoError, today, user_or_error

NORM = "iso9001"


def statement() -> ContextStatement | None:
    return db.session.scalar(select(ContextStatement).order_by(ContextStatement.id).limit(1))


def _statement() -> ContextStatement:
    found = statement()
    if found is None:
        found = ContextStatement()
        db.session.add(found)
    return found


def save_scope(scope: str) -> ContextStatement:
    found = _statement()
    found.scope = scope.strip() or None
    db.session.flush()
    return found


def determine_climate(relevant: bool, reasoning: str, on: dt.date | None = None) -> ContextStatement:
    """Record whether climate change is a relevant issue (4.1, Amd 1:2024); the reasoning is required."""
    if not (reasoning or "").strip():
        raise IsoError("climate_reasoning", _("Explain why climate change is or is not relevant."))
    found = _statement()
    found.climate_relevant = relevant
    found.climate_reasoning = reasoning.strip()
    found.climate_determined_on = on or today()
    db.session.flush()
    return found


def record_review(user, on: dt.date, note: str | None) -> ContextReview:
    if on > today():
        raise IsoError("reviewed_on", _("A review date cannot lie in the future."))
    review = ContextReview(reviewed_on=on, reviewed_by_id=user.id if user else None, note=note or None)
    db.session.add(review)
    db.session.flush()
    return review


def latest_review() -> ContextReview | None:
    return db.session.scalar(select(ContextReview).order_by(ContextReview.reviewed_on.desc(),
                                                             ContextReview.id.desc()).limit(1))


def save_issue(issue: Issue | None, *, kind: str, description: str, effect: str | None,
               climate_related: bool) -> Issue:
    if issue is None:
        issue = Issue(active=True)
        db.session.add(issue)
    issue.kind = IssueKind(kind)
    issue.description = description
    issue.effect = effect or None
    issue.climate_related = climate_related
    db.session.flush()
    return issue


def save_party(party: InterestedParty | None, *, name: str, requirements: str, monitoring: str | None,
               climate_related: bool) -> InterestedParty:
    if party is None:
        party = InterestedParty(active=True)
        db.session.add(party)
    party.name = name
    party.requirements = requirements
    party.monitoring = monitoring or None
    party.climate_related = climate_related
    db.session.flush()
    return party


def set_active(record, active: bool):
    """Retire an issue, party or process (or use it again); it stays in the trail and in old reports."""
    record.active = active
    db.session.flush()
    return record


def exclusion_choices(version: str = "2015") -> list[tuple[str, str]]:
    """Requirements of the catalogue version that may be declared not applicable: clauses of chapters 7 and 8
    (e.g. 8.3 design and development, 7.1.5 measuring resources), never the management-system clauses."""
    norm = registry().get(NORM)
    catalogue = norm.versions.get(version) if norm else None
    if catalogue is None:
        return []
    return [(code, f"{code} {req.title}") for code, req in catalogue.requirements.items()
            if "." in code and code.split(".")[0] in {"7", "8"}]


def add_exclusion(*, requirement: str, justification: str, version: str = "2015") -> Exclusion:
    """Declare a requirement not applicable (chapters 7 and 8 only); a justification is required."""
    if requirement not in dict(exclusion_choices(version)):
        raise IsoError("requirement", _("Choose a requirement from the list."))
    if not (justification or "").strip():
        raise IsoError("justification", _("Explain why this requirement does not apply."))
    same = select(Exclusion.id).where(Exclusion.norm_version == version, Exclusion.requirement == requirement)
    if db.session.scalar(same.limit(1)) is not None:
        raise IsoError("requirement", _("This requirement is already listed as not applicable."))
    exclusion = Exclusion(norm_version=version, requirement=requirement, justification=justification.strip())
    db.session.add(exclusion)
    db.session.flush()
    return exclusion


def remove_exclusion(exclusion: Exclusion) -> None:
    db.session.delete(exclusion)
    db.session.flush()


def save_process(process: Process | None, *, name: str, category: str, description: str | None,
                 inputs_outputs: str | None, owner_id: int | None) -> Process:
    owner = user_or_error(owner_id, "owner_id")
    if category not in PROCESS_CATEGORIES:
        raise IsoError("category", _("Choose a kind of process from the list."))
    if process is None:
        process = Process(active=True)
        db.session.add(process)
    process.name = name
    process.category = category
    process.description = description or None
    process.inputs_outputs = inputs_outputs or None
    process.owner = owner
    db.session.flush()
    return process


PROCESS_CATEGORIES = ("management", "core", "support")


def audit_processes() -> list[tuple[str, set[int]]]:
    """The active processes with their owner, for the audit independence rule (qms.audits.processes)."""
    rows = db.session.execute(select(Process.name, Process.owner_id).where(Process.active)
                              .order_by(Process.name)).all()
    return [(r.name, {r.owner_id} if r.owner_id is not None else set()) for r in rows]


def overview() -> dict:
    """Everything the context page shows, in a handful of queries."""
    return {
        "statement": statement(),
        "review": latest_review(),
        "issues": list(db.session.scalars(select(Issue).order_by(Issue.active.desc(), Issue.kind, Issue.id))),
        "parties": list(db.session.scalars(select(InterestedParty).order_by(InterestedParty.active.desc(),
                                                                            InterestedParty.name))),
        "exclusions": list(db.session.scalars(select(Exclusion).order_by(Exclusion.requirement))),
        "processes": list(db.session.scalars(select(Process).order_by(Process.active.desc(), Process.category,
                                                                      Process.name))),
    }
