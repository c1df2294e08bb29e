"""Benchmark-size data: ``qms seed --scale N`` adds about 30×N employees, N+5 users and years of history.

Everything is generated first as plain data (:func:`generate`, deterministic per scale), then written with
bulk inserts in batches (:func:`write`). Bulk inserts bypass the Audited hooks, so the history the pages
show is written as audit entries of its own: one "create" per record, changes of function and department,
logins and failed logins, spread over the last years and chained with the audit trail's own hash function,
so ``qms audit-verify`` still passes. The first entry is a "seed" event written through ``audit.record``,
which also takes the chain lock on PostgreSQL for the rest of the transaction. Nothing here commits.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any, Callable, ContextManager, Iterator, Protocol, Sequence

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from ..audit import services as audit
from ..audit.keys import entry_key
from ..audit.models import AuditEntry
from ..auth.models import User, UserRole
from ..auth.passwords import hash_password
from ..organisation.models import Company, Department, Employee, Site
from ..permissions import Role
from .plan import (EMPLOYEES_PER_UNIT, HISTORY_YEARS, SEED_EMAIL_DOMAIN, Offsets, PersonPlan, Plan,  # noqa: F401
                   Sizes, clamp, generate)

BATCH = 1000


class Progress(Protocol):
    def update(self, n: int) -> None: ...


class _NoProgress:
    def update(self, n: int) -> None:
        pass


def _no_progress(length: int) -> ContextManager[Progress]:
    return contextlib.nullcontext(_NoProgress())



# --- writing ----------------------------------------------------------------------------------

def _entry(at: dt.datetime, action: str, entity_type: str | None, entity_id: Any, *,
           actor: tuple[int | None, str] = (None, "seed"), old: dict | None = None, new: dict | None = None,
           ip: str | None = None) -> dict[str, Any]:
    return {
        "at": at, "actor_id": actor[0], "actor_label": actor[1], "action": action,
        "entity_type": entity_type, "entity_id": None if entity_id is None else str(entity_id),
        "old_values": audit.dump_values(old), "new_values": audit.dump_values(new), "reason": None, "ip": ip, "request_id": None,
    }


def _batches(rows: Sequence[dict], size: int = BATCH) -> Iterator[Sequence[dict]]:
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def _insert(session: Session, model: type, rows: list[dict], bar: Progress) -> list[int]:
    """Bulk insert in batches; returns the new primary keys in row order."""
    ids: list[int] = []
    for batch in _batches(rows):
        stmt = insert(model).returning(model.id, sort_by_parameter_order=True)
        ids += session.scalars(stmt, batch).all()
        bar.update(len(batch))
    return ids


def offsets(session: Session) -> Offsets:
    def count(model):
        return session.scalar(select(func.count()).select_from(model)) or 0

    return Offsets(departments=count(Department), sites=count(Site), employees=count(Employee),
                   users=count(User), has_company=count(Company) > 0)


def existing_data(session: Session) -> dict[str, int]:
    """Users, employees and companies already present (seeding refuses a non-empty database)."""
    return {name: session.scalar(select(func.count()).select_from(model)) or 0
            for name, model in (("users", User), ("employees", Employee), ("companies", Company))}


@dataclass(frozen=True)
class SeedResult:
    departments: int
    sites: int
    employees: int
    users: int
    audit_entries: int


def seed(session: Session, scale: int,
         progress: Callable[[int], ContextManager[Progress]] = _no_progress) -> SeedResult:
    """Generate and bulk-insert the data set for ``scale``; ``progress(length)`` gives a progress bar."""
    plan = generate(scale, offsets(session))
    audit.record(session, "seed", None, None, new={"scale": scale})  # also locks the chain on PostgreSQL
    with progress(plan.total_rows) as bar:
        return write(session, plan, bar)


def write(session: Session, plan: Plan, bar: Progress) -> SeedResult:
    history: list[dict[str, Any]] = []
    start = plan.now - dt.timedelta(days=round(HISTORY_YEARS * 365.25))
    setup_actor = (None, "cli")

    if plan.with_company:
        values = {"name": "Schoonmaakgroep Middenland B.V.", "kvk_number": "41286903", "city": "Utrecht",
                  "address": "Ambachtsweg 7\n3542 DG Utrecht",
                  "certification_targets": "iso9001:2015,vca:vca2,pso:trede3"}
        [company_id] = _insert(session, Company, [values], bar)
        history.append(_entry(start, "create", audit.entity_name(Company), company_id, actor=setup_actor,
                              new={"id": company_id, **values}))

    rows = [{"name": name, "active": True} for name in plan.departments]
    department_ids = _insert(session, Department, rows, bar)
    for row, id_ in zip(rows, department_ids):
        history.append(_entry(start, "create", audit.entity_name(Department), id_, actor=setup_actor, new={"id": id_, **row}))

    rows = [{"name": name, "client": client, "address": address, "active": True}
            for name, client, address in plan.sites]
    site_ids = _insert(session, Site, rows, bar)
    for k, (row, id_) in enumerate(zip(rows, site_ids)):  # client sites won over the years
        at = clamp(start + dt.timedelta(days=(k * 37) % 1700, hours=9), start, plan.now)
        history.append(_entry(at, "create", audit.entity_name(Site), id_, actor=setup_actor, new={"id": id_, **row}))

    password_hash = hash_password(secrets.token_urlsafe(24))  # nobody knows it; invite or reset to log in
    rows = [{"email": u.email, "name": u.name, "password_hash": password_hash, "active": True,
             "created_at": u.created_at, "last_login_at": max(u.logins, default=None)} for u in plan.users]
    user_ids = _insert(session, User, rows, bar)
    admin = (user_ids[0], plan.users[0].email)
    role_rows = [{"user_id": id_, "role": role} for id_, u in zip(user_ids, plan.users) for role in u.roles]
    for batch in _batches(role_rows):
        session.execute(insert(UserRole), batch)
        bar.update(len(batch))
    for id_, u, row in zip(user_ids, plan.users, rows):
        actor = setup_actor if id_ == admin[0] else admin
        new = {k: v for k, v in row.items() if k not in User.__audit_ignore__}
        new["password_hash"] = "***"
        history.append(_entry(u.created_at, "create", audit.entity_name(User), id_, actor=actor, new={"id": id_, **new}))
        for role in u.roles:
            history.append(_entry(u.created_at, "create", audit.entity_name(UserRole), f"{id_},{role.value}", actor=actor,
                                  new={"user_id": id_, "role": role.value}))
        for k, at in enumerate(u.logins):
            history.append(_entry(at, "login", "user", id_, actor=(id_, u.email), ip=f"192.0.2.{1 + k % 250}"))
        for at in u.failed:
            history.append(_entry(at, "login_failed", "user", id_, actor=(None, "anonymous"),
                                  new={"email": u.email, "why": "wrong password"}, ip="198.51.100.23"))

    # Master trainers before the apprentices they mentor.
    employee_ids: dict[int, int] = {}
    for apprentices in (False, True):
        indexes = [i for i, p in enumerate(plan.people) if p.is_apprentice == apprentices]
        rows = [_employee_row(plan.people[i], department_ids, employee_ids, user_ids) for i in indexes]
        for i, id_ in zip(indexes, _insert(session, Employee, rows, bar)):
            employee_ids[i] = id_
    hr_actors = [(id_, u.email) for id_, u in zip(user_ids, plan.users) if Role.HR in u.roles] or [admin]
    for i, person in enumerate(plan.people):
        history += _employee_history(person, employee_ids[i], department_ids, employee_ids, user_ids,
                                     hr_actors[i % len(hr_actors)])

    history.sort(key=lambda row: row["at"])
    prev = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)) or ""
    key = entry_key()
    for row in history:
        prev = audit.seal(prev, row, key)
    for batch in _batches(history):
        session.execute(insert(AuditEntry), batch)
        bar.update(len(batch))
    session.flush()
    return SeedResult(departments=len(department_ids), sites=len(site_ids), employees=len(employee_ids),
                      users=len(user_ids), audit_entries=len(history) + 1)


def _employee_row(person: PersonPlan, department_ids: list[int], employee_ids: dict[int, int],
                  user_ids: list[int]) -> dict[str, Any]:
    return {
        "number": person.number, "first_name": person.first_name, "last_name": person.last_name,
        "function": person.functions[-1][1], "department_id": department_ids[person.department],
        "mentor_id": None if person.mentor is None else employee_ids[person.mentor],
        "user_id": None if person.user is None else user_ids[person.user],
        "is_master_trainer": person.is_master_trainer, "is_apprentice": person.is_apprentice,
        "is_supervisor": person.is_supervisor, "hired_on": person.hired_on, "left_on": person.left_on,
    }


def _employee_history(person: PersonPlan, id_: int, department_ids: list[int], employee_ids: dict[int, int],
                      user_ids: list[int], actor: tuple[int, str]) -> list[dict[str, Any]]:
    """The create entry with the first function, each later change of function or department, leaving."""
    entity = audit.entity_name(Employee)
    first_at, first_function, first_department = person.functions[0]
    created = _employee_row(person, department_ids, employee_ids, user_ids)
    created.update(function=first_function, department_id=department_ids[first_department], left_on=None)
    entries = [_entry(first_at, "create", entity, id_, actor=actor, new={"id": id_, **created})]
    for (_, old_function, old_dep), (at, function, dep) in person.changes():
        old, new = {}, {}
        if function != old_function:
            old["function"], new["function"] = old_function, function
        if dep != old_dep:
            old["department_id"], new["department_id"] = department_ids[old_dep], department_ids[dep]
        if new:
            entries.append(_entry(at, "update", entity, id_, actor=actor, old=old, new=new))
    if person.left_on is not None:
        at = dt.datetime.combine(person.left_on, dt.time(9, 30))
        entries.append(_entry(max(at, first_at), "update", entity, id_, actor=actor,
                              old={"left_on": None}, new={"left_on": person.left_on}))
    return entries
