"""The audit workflow: moving an audit through its states, reporting findings as nonconformities, who conducts."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from ...actions import services as actions
from ...auth.models import User
from ...extensions import db
from ...norms import registry
from ...organisation.services import today
from .. import processes as audit_processes
from .. import rules
from ..models import Audit, AuditItem
from ..rules import AuditState
from .common import SOURCE_TYPE, AuditError, _items


# --- workflow ---------------------------------------------------------------------------------

def move(audit: Audit, target: str, user: User, conclusion: str | None = None) -> list:
    """Take the audit to the next (or previous) state; reporting opens a nonconformity per NC finding.
    Returns the nonconformities opened."""
    try:
        target = AuditState(target)
    except ValueError:
        raise AuditError(_("This step is not possible in the current state.")) from None
    if not rules.can_move(audit.state, target):
        raise AuditError(_("This step is not possible in the current state."))
    opened = []
    checklist = _items(audit)
    if target is AuditState.PREPARED and not checklist:
        raise AuditError(_("Generate the checklist first."))
    if target is AuditState.IN_PROGRESS and audit.conducted_on is None:
        audit.conducted_on = today()
    if target is AuditState.REPORTED:
        problems = rules.report_problems(rules.ItemView(i.result, i.must, i.justification) for i in checklist)
        if problems.get("unanswered"):
            raise AuditError(_("%(count)s questions have no result yet.", count=problems["unanswered"]))
        if problems:
            raise AuditError(_("Some not-applicable results break a rule; correct them first."))
        if not (conclusion or "").strip():
            raise AuditError(_("Write the conclusion of the audit."), "conclusion")
        audit.conclusion = conclusion.strip()
        audit.reported_on = today()
        opened = _open_nonconformities(audit, checklist, user)
    if target is AuditState.CLOSED:
        audit.closed_on = today()
    audit.state = target
    db.session.flush()
    return opened


def finding_owner(audit: Audit) -> User | None:
    """Who handles the audit's nonconformities: the owner of an audited process, else an auditee with a login,
    else the quality coordinator (never nobody while the company has one)."""
    from ...auth.models import active_holding
    from ...permissions import Role

    known = audit_processes.known_processes()
    chosen, _rest = audit_processes.split(audit.processes, known)
    candidates = [sorted(known[name]) for name in chosen]
    candidates.append(sorted(a.employee.user_id for a in audit.auditees
                             if a.employee is not None and a.employee.user_id is not None))
    for ids in candidates:
        for user_id in ids:
            user = db.session.get(User, user_id)
            if user is not None and user.active:
                return user
    return db.session.scalars(select(User).where(active_holding(Role.COORDINATOR)).order_by(User.id)).first()


def _open_nonconformities(audit: Audit, checklist: list[AuditItem], user: User) -> list:
    opened = []
    owner = finding_owner(audit) if any(rules.NC_RESULTS.get(i.result) for i in checklist) else None
    for item in checklist:
        severity = rules.NC_RESULTS.get(item.result)
        if severity is None or item.nonconformity_id is not None:
            continue
        req = registry().requirement(item.norm, item.version, item.requirement) if item.requirement else None
        title = f"{audit.number} · {item.requirement} {req.title_nl}" if req else f"{audit.number} · {item.question}"
        nc = actions.open_nonconformity(
            title=title[:200], description=item.notes or "", source_type=SOURCE_TYPE, source_id=item.id,
            severity=severity, requirement=(item.norm, item.version, item.requirement) if item.requirement else None,
            owner=owner, opened_by=user, opened_on=audit.conducted_on or today())
        item.nonconformity_id = nc.id
        opened.append(nc)
    return opened


def result_counts(audit: Audit) -> dict[str, int]:
    rows = db.session.execute(select(AuditItem.result, func.count()).where(AuditItem.audit_id == audit.id)
                              .group_by(AuditItem.result)).all()
    counts = rules.counts([])
    for result, n in rows:
        counts[result.value if result is not None else "open"] += n
    return counts


def can_conduct(user, audit: Audit) -> bool:
    """The lead auditor and the team conduct an audit; coordinators and administrators may stand in."""
    from ...permissions import Role

    return (user.id == audit.lead_auditor_id or any(m.user_id == user.id for m in audit.members)
            or user.has_role(Role.ADMIN, Role.COORDINATOR))
