"""Planning an audit: its norms, scope, team, auditees and the independence rule."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from ...auth.models import User
from ...core import numbering
from ...database import MAX_ID
from ...extensions import db
from ...norms import registry
from ...organisation.models import Employee
from .. import processes as audit_processes
from .. import rules
from ..models import Audit, AuditAuditee, AuditMember, AuditNorm, AuditScope
from ..rules import AuditState, AuditType
from .common import AuditError


# --- planning ---------------------------------------------------------------------------------

@dataclass
class AuditData:
    title: str
    type: str
    planned_start: dt.date
    lead_auditor_id: int
    norms: list[str] = field(default_factory=list)        # "norm|version"
    scope_codes: list[str] = field(default_factory=list)  # "norm|version|code"
    team_ids: list[int] = field(default_factory=list)
    auditee_ids: list[int] = field(default_factory=list)  # employee ids
    planned_end: dt.date | None = None
    level: str | None = None
    scope: str = ""
    criteria: str = ""
    processes: str | None = None                            # free text
    process_names: list[str] = field(default_factory=list)  # chosen from the known processes
    department_id: int | None = None
    site_id: int | None = None
    independence_note: str | None = None


def _user(user_id: int | None) -> User | None:
    if user_id is None or not 0 < user_id <= MAX_ID:
        return None
    user = db.session.get(User, user_id)
    return user if user is not None and user.active else None


def next_number(year: int) -> str:
    """``AU-2026-03``: drawn from the core counter, never twice."""
    return rules.format_number(year, numbering.next_value("AU", year, Audit.number))


def _parse_norms(values: list[str]) -> list[tuple[str, str]]:
    pairs = []
    for value in values:
        norm_code, _sep, version = value.partition("|")
        norm = registry().get(norm_code)
        if norm is None or version not in norm.versions:
            raise AuditError(_("Choose the norms from the list."), "norms")
        if norm_code in {n for n, _v in pairs}:
            raise AuditError(_("Choose one version per norm."), "norms")
        pairs.append((norm_code, version))
    return pairs


def _parse_scope(values: list[str], norms: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    chosen = set(norms)
    out = []
    for value in values:
        parts = value.split("|")
        if len(parts) != 3 or (parts[0], parts[1]) not in chosen or registry().requirement(*parts) is None:
            raise AuditError(_("Only choose chapters and requirements of the norms of this audit."), "scope_codes")
        out.append((parts[0], parts[1], parts[2]))
    return out


def auditors_of(lead_id: int, team_ids: list[int]) -> list[rules.Auditor]:
    """Auditors with the department of the employee record that belongs to their login (if any)."""
    ids = [lead_id] + [i for i in team_ids if i != lead_id]
    rows = db.session.execute(select(User.id, User.name, Employee.department_id)
                              .outerjoin(Employee, Employee.user_id == User.id).where(User.id.in_(ids))).all()
    return [rules.Auditor(r.id, r.name, r.department_id) for r in rows]


def audited_processes(data: AuditData) -> tuple[str | None, dict[str, set[int]]]:
    """The processes text to store and the known processes it names, with their owners. Refuses a chosen name
    that is not (or no longer) known and a text longer than the column."""
    known = audit_processes.known_processes()
    if any(name not in known for name in data.process_names):
        raise AuditError(_("Choose the processes from the list."), "process_names")
    text = audit_processes.join(data.process_names, data.processes)
    if text is not None and len(text) > 255:
        raise AuditError(_("The processes together may be at most 255 characters long."), "processes")
    chosen, _rest = audit_processes.split(text, known)
    return text, {name: known[name] for name in chosen}


def independence_conflicts(data: AuditData, process_owners: dict[str, set[int]] | None = None) -> list[str]:
    auditee_users = db.session.scalars(select(Employee.user_id).where(
        Employee.id.in_(data.auditee_ids or [-1]), Employee.user_id.is_not(None))).all()
    return rules.independence_conflicts(auditors_of(data.lead_auditor_id, data.team_ids), data.department_id,
                                        auditee_users, process_owners)


def save_audit(audit: Audit | None, data: AuditData) -> Audit:
    """Plan an audit or change its plan (until it starts). Refuses an auditor who audits their own department
    or themselves unless a justification is recorded."""
    if audit is not None and audit.state not in rules.EDITABLE:
        raise AuditError(_("This audit has started; its plan can no longer be changed."))
    try:
        audit_type = AuditType(data.type)
    except ValueError:
        raise AuditError(_("Choose a type from the list."), "type") from None
    lead = _user(data.lead_auditor_id)
    if lead is None:
        raise AuditError(_("Choose the lead auditor from the list."), "lead_auditor_id")
    held = {m.user_id for m in audit.members} if audit is not None else set()  # a member who left since stays
    team = [db.session.get(User, i) if i in held else _user(i) for i in data.team_ids if i != lead.id]
    if any(u is None for u in team):
        raise AuditError(_("Choose the team from the list."), "team_ids")
    if data.planned_end is not None and data.planned_end < data.planned_start:
        raise AuditError(_("The end date cannot lie before the start date."), "planned_end")
    norms = _parse_norms(data.norms)
    if not norms:
        raise AuditError(_("Choose at least one norm."), "norms")
    scope = _parse_scope(data.scope_codes, norms)
    level = data.level or None
    if level is not None:
        levelled = [registry().get(n).versions[v] for n, v in norms if registry().get(n).versions[v].level(level)]
        if not levelled:
            raise AuditError(_("This level does not belong to any of the chosen norms."), "level")
    auditees = [db.session.get(Employee, i) for i in data.auditee_ids if 0 < i <= MAX_ID]
    if any(e is None for e in auditees) or len(auditees) != len(data.auditee_ids):
        raise AuditError(_("Choose the auditees from the list."), "auditee_ids")
    processes_text, process_owners = audited_processes(data)
    conflicts = independence_conflicts(data, process_owners)
    note = (data.independence_note or "").strip() or None
    if conflicts and note is None:
        raise AuditError(_("%(names)s would audit their own department, their own process or themselves. Choose "
                           "another auditor, or record why this is acceptable.", names=", ".join(conflicts)),
                         "independence_note")

    if audit is None:
        audit = Audit(number=next_number(data.planned_start.year), state=AuditState.PLANNED)
        db.session.add(audit)
    audit.title = data.title
    audit.type = audit_type
    audit.level = level
    audit.scope = data.scope or ""
    audit.criteria = data.criteria or ""
    audit.processes = processes_text
    audit.department_id = data.department_id
    audit.site_id = data.site_id
    audit.planned_start = data.planned_start
    audit.planned_end = data.planned_end
    audit.lead_auditor = lead
    audit.independence_note = note if conflicts else None
    _sync(audit.norms, norms, lambda n: (n.norm, n.version), lambda k: AuditNorm(norm=k[0], version=k[1]))
    _sync(audit.scope_items, scope, lambda s: (s.norm, s.version, s.code),
          lambda k: AuditScope(norm=k[0], version=k[1], code=k[2]))
    _sync(audit.members, [u.id for u in team], lambda m: m.user_id, lambda k: AuditMember(user_id=k))
    _sync(audit.auditees, [e.id for e in auditees], lambda a: a.employee_id, lambda k: AuditAuditee(employee_id=k))
    db.session.flush()
    return audit


def _sync(collection: list, wanted: list, key, make) -> None:
    """Make ``collection`` hold exactly the rows for ``wanted`` keys, keeping rows that stay (a quiet trail)."""
    wanted_set = set(wanted)
    for row in list(collection):
        if key(row) not in wanted_set:
            collection.remove(row)
    have = {key(row) for row in collection}
    for k in wanted:
        if k not in have:
            collection.append(make(k))
            have.add(k)
