"""Operations on audits: plan, prepare the checklist, conduct, report (opening nonconformities) and close.

Each function changes state and flushes, never commits. Business rules live here and in ``rules``."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..actions import services as actions
from ..auth.models import User
from ..core import numbering
from ..database import MAX_ID, utcnow
from ..extensions import db
from ..norms import registry
from ..organisation.models import Company, Employee
from ..organisation.services import today
from ..uploads import services as uploads
from . import processes as audit_processes
from . import rules
from .models import (Audit, AuditAuditee, AuditItem, AuditItemFile, AuditItemLink, AuditMember, AuditNorm,
                     AuditScope)
from .rules import AuditState, AuditType, Result

SOURCE_TYPE = "audit_finding"
LINK_KINDS = ("document", "incident", "nonconformity", "other")


class AuditError(Exception):
    """A rule of the audit workflow refused the change; ``field`` names the form field it concerns."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


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
    team = [_user(i) for i in data.team_ids if i != lead.id]
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


# --- checklist --------------------------------------------------------------------------------

def _requirements_for(audit: Audit):
    """Catalogue requirements of the audit's norms and scope, in catalogue order, with must-flags at its level."""
    for audit_norm in audit.norms:
        norm = registry().get(audit_norm.norm)
        cat = norm.versions.get(audit_norm.version) if norm else None
        if cat is None:
            continue
        selected = {s.code for s in audit.scope_items if (s.norm, s.version) == (audit_norm.norm, audit_norm.version)}

        def in_scope(req) -> bool:
            if not selected:
                return True
            code = req.code
            while code:
                if code in selected:
                    return True
                code = cat.requirements[code].parent
            return False

        level = audit.level if audit.level and cat.level(audit.level) else None
        for req in cat.requirements.values():
            if req.kind != "requirement" or not in_scope(req):
                continue
            applicability = req.applicability.get(level) if level else None
            if applicability == "na":
                continue
            yield req, applicability == "must"


def generate_checklist(audit: Audit) -> int:
    """(Re)build the catalogue questions of the checklist from the scope; the auditor's own questions stay."""
    if audit.state not in rules.EDITABLE:
        raise AuditError(_("The checklist can only be generated before the audit starts."))
    if any(i.result is not None or i.files or i.links for i in _items(audit)):
        raise AuditError(_("Results or evidence were already recorded; the checklist is not rebuilt, so nothing "
                           "is lost. Add your own questions instead."))
    own = [i for i in _items(audit) if i.requirement is None]
    for item in _items(audit):
        if item.requirement is not None:
            db.session.delete(item)
    db.session.flush()
    position = 0
    for position, (req, must) in enumerate(_requirements_for(audit), start=1):
        db.session.add(AuditItem(audit_id=audit.id, position=position, norm=req.norm, version=req.version,
                                 requirement=req.code, question=req.title_nl, must=must))
    for offset, item in enumerate(own, start=1):
        item.position = position + offset
    db.session.flush()
    return position


def _items(audit: Audit) -> list[AuditItem]:
    return list(db.session.scalars(select(AuditItem).where(AuditItem.audit_id == audit.id)
                                   .order_by(AuditItem.position, AuditItem.id)))


def items(audit: Audit) -> list[AuditItem]:
    return _items(audit)


def add_question(audit: Audit, question: str) -> AuditItem:
    """Add one of the auditor's own questions at the end of the checklist."""
    if audit.state not in rules.EDITABLE | rules.CONDUCTING:
        raise AuditError(_("Questions can be added until the audit is reported."))
    if not (question or "").strip():
        raise AuditError(_("Write the question."), "question")
    last = db.session.scalar(select(func.max(AuditItem.position)).where(AuditItem.audit_id == audit.id)) or 0
    item = AuditItem(audit_id=audit.id, position=last + 1, question=question.strip(), must=False)
    db.session.add(item)
    db.session.flush()
    return item


# --- conducting -------------------------------------------------------------------------------

def record_result(item: AuditItem, audit: Audit, user: User, *, result: str | None, notes: str | None,
                  justification: str | None, photo=None) -> AuditItem:
    """Record the result of one checklist item, with notes and optionally a photo or file."""
    if audit.state not in rules.CONDUCTING:
        raise AuditError(_("Results are recorded while the audit is in progress."))
    try:
        chosen = Result(result) if result else None
    except ValueError:
        raise AuditError(_("Choose a result from the list."), "result") from None
    problem = rules.result_problem(chosen, item.must, justification)
    if problem == "must_not_na":
        raise AuditError(_("This is a must-question at this level: it can never be not applicable."), "result")
    if problem == "needs_justification":
        raise AuditError(_("Say why this question is not applicable."), "justification")
    if photo is not None and getattr(photo, "filename", ""):
        stored = uploads.store(photo, allowed={"image", "pdf"})
        item.files.append(AuditItemFile(stored_file=stored))
    item.result = chosen
    item.notes = notes or None
    item.justification = (justification or None) if chosen is Result.NOT_APPLICABLE else None
    item.answered_by_id = user.id
    item.answered_at = utcnow()
    db.session.flush()
    return item


#: Records that can be linked as evidence, by kind: (module, model). A package that is not installed is skipped.
LINK_MODELS = {"document": ("qms.documents.models", "Document"), "incident": ("qms.incidents.models", "Incident"),
               "nonconformity": ("qms.actions.models", "Nonconformity")}


def _resolve(kind: str, reference: str):
    """The record of ``kind`` with this register number (case-insensitive), or an AuditError."""
    import importlib

    module, name = LINK_MODELS[kind]
    try:
        model = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        raise AuditError(_("This kind of record is not available here."), "kind") from None
    record = db.session.scalar(select(model).where(func.upper(model.number) == reference.strip().upper()).limit(1))
    if record is None:
        raise AuditError(_("No record with this number was found."), "reference")
    return record


def add_link(item: AuditItem, audit: Audit, *, kind: str, reference: str | None, label: str | None) -> AuditItemLink:
    """Point at an existing record (found by its number) or describe another record as evidence."""
    if audit.state not in rules.EDITABLE | rules.CONDUCTING:
        raise AuditError(_("Evidence can be added until the audit is reported."))
    if kind not in LINK_KINDS:
        raise AuditError(_("Choose a kind of record from the list."), "kind")
    target_id = None
    label = (label or "").strip()
    if kind != "other":
        if not (reference or "").strip():
            raise AuditError(_("Enter the number of the record."), "reference")
        record = _resolve(kind, reference)
        target_id = record.id
        title = getattr(record, "title", None)
        label = label or (f"{record.number} {title}" if title else record.number)
    if not label:
        raise AuditError(_("Describe the evidence."), "label")
    link = AuditItemLink(kind=kind, target_id=target_id, label=label[:255])
    item.links.append(link)
    db.session.flush()
    return link


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
    from ..auth.models import UserRole
    from ..permissions import Role

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
    return db.session.scalars(select(User).join(UserRole).where(
        UserRole.role == Role.COORDINATOR, User.active.is_(True)).order_by(User.id)).first()


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


# --- programme and coverage -------------------------------------------------------------------

def programme_query(year: int):
    return (select(Audit)
            .where(Audit.planned_start >= dt.date(year, 1, 1), Audit.planned_start <= dt.date(year, 12, 31))
            .order_by(Audit.planned_start, Audit.id))


def scope_targets() -> list[tuple]:
    """(norm, catalogue version, level code or None) for each norm the company certifies against (all enabled
    norms when no targets are set)."""
    company = db.session.scalar(select(Company).order_by(Company.id).limit(1))
    targets = company.targets if company else {}
    out = []
    for norm in registry():
        if targets and norm.code not in targets:
            continue
        target = targets.get(norm.code)
        # The version audits use today: VCA 2026/6.1 from 1 July 2026 (the catalogue's audits_from date).
        version = target if target in norm.versions else norm.version_for(today())
        cat = norm.versions[version]
        level = target if target and cat.level(target) else None
        out.append((norm, cat, level))
    return out


def coverage(on: dt.date | None = None) -> list[dict]:
    """Per norm in scope: requirements and when each was last audited, against the three-year cycle."""
    on = on or today()
    start = rules.cycle_start(on)
    result = []
    for norm, cat, level in scope_targets():
        codes = [r.code for r in cat.requirements.values()
                 if r.kind == "requirement" and (level is None or r.applicability.get(level) != "na")]
        audited_on = func.coalesce(Audit.conducted_on, Audit.planned_start)
        last = dict(db.session.execute(
            select(AuditItem.requirement, func.max(audited_on))
            .join(Audit, Audit.id == AuditItem.audit_id)
            .where(AuditItem.norm == norm.code, AuditItem.result.is_not(None),
                   AuditItem.result != Result.NOT_APPLICABLE,
                   Audit.state.in_([AuditState.REPORTED, AuditState.CLOSED]), audited_on >= start)
            .group_by(AuditItem.requirement)).all())
        rows = rules.coverage(codes, last, on)
        result.append({"norm": norm, "catalogue": cat, "level": cat.level(level) if level else None, "rows": rows,
                       "percent": rules.coverage_percent(rows), "planned": _planned(norm.code, cat, codes, on),
                       "gaps": [r for r in rows if not r.covered]})
    return result


def _planned(norm_code: str, cat, codes: list[str], on: dt.date) -> dict[str, dt.date]:
    """Requirement code → date of the first audit not yet under way that will cover it."""
    audits = db.session.scalars(
        select(Audit).join(AuditNorm, AuditNorm.audit_id == Audit.id)
        .where(AuditNorm.norm == norm_code, AuditNorm.version == cat.code, Audit.planned_start >= on,
               Audit.state.in_([AuditState.PLANNED, AuditState.PREPARED]))
        .order_by(Audit.planned_start)).all()
    planned: dict[str, dt.date] = {}
    for audit in audits:
        selected = {s.code for s in audit.scope_items if s.norm == norm_code}
        for code in codes:
            ancestor, covered = code, not selected
            while ancestor and not covered:
                covered = ancestor in selected
                ancestor = cat.requirements[ancestor].parent
            if covered:
                planned.setdefault(code, audit.planned_start)
    return planned


def result_counts(audit: Audit) -> dict[str, int]:
    rows = db.session.execute(select(AuditItem.result, func.count()).where(AuditItem.audit_id == audit.id)
                              .group_by(AuditItem.result)).all()
    counts = rules.counts([])
    for result, n in rows:
        counts[result.value if result is not None else "open"] += n
    return counts


def can_conduct(user, audit: Audit) -> bool:
    """The lead auditor and the team conduct an audit; coordinators and administrators may stand in."""
    from ..permissions import Role

    return (user.id == audit.lead_auditor_id or any(m.user_id == user.id for m in audit.members)
            or user.has_role(Role.ADMIN, Role.COORDINATOR))


# --- reminders --------------------------------------------------------------------------------

#: Days before an audit's planned date at which the lead auditor and the team are reminded.
REMIND_BEFORE_DAYS = 7


def collect_reminders(on: dt.date):
    """Audits that start within a week and are not yet under way: remind the lead auditor and the team."""
    from ..notifications import services as notifications

    stmt = (select(Audit).where(Audit.state.in_([AuditState.PLANNED, AuditState.PREPARED]),
                                Audit.planned_start >= on,
                                Audit.planned_start <= on + dt.timedelta(days=REMIND_BEFORE_DAYS))
            .order_by(Audit.planned_start, Audit.id))
    for audit in db.session.scalars(stmt):
        start = audit.planned_start.isoformat()
        yield notifications.Reminder(
            [audit.lead_auditor, *audit.team],
            lambda n=audit.number, d=start: _("Audit %(n)s starts on %(date)s", n=n, date=d),
            audit.title, f"/audits/{audit.id}", f"audit-{audit.id}-start-{start}")
