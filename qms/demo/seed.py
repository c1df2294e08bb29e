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
import json
import random
import secrets
from dataclasses import dataclass, field
from typing import Any, Callable, ContextManager, Iterator, Protocol, Sequence

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from ..audit import services as audit
from ..audit.models import AuditEntry
from ..auth.models import User, UserRole
from ..auth.passwords import hash_password
from ..database import utcnow
from ..organisation.models import Company, Department, Employee, Site
from ..permissions import Role

SEED_EMAIL_DOMAIN = "seed.example"
BATCH = 1000
#: How far back the generated history reaches.
HISTORY_YEARS = 5
EMPLOYEES_PER_UNIT = 30
#: Successful logins per scale unit, spread over the users and the history years.
LOGINS_PER_UNIT = 250
FAILED_LOGIN_SHARE = 0.08

FIRST_NAMES = [
    "Anna", "Bas", "Chantal", "Dennis", "Emma", "Fleur", "Gijs", "Hatice", "Iris", "Jan", "Karin", "Lars",
    "Mila", "Noah", "Olga", "Pieter", "Rachid", "Saskia", "Thijs", "Ursula", "Vera", "Willem", "Yara",
    "Zeynep", "Ahmet", "Bianca", "Cor", "Dilan", "Erik", "Femke", "Gert", "Hind", "Ivo", "Jolanda", "Koen",
    "Latifa", "Marco", "Nadia", "Otto", "Petra", "Roos", "Stefan", "Tamara", "Umut", "Vincent", "Wendy",
]
LAST_NAMES = [
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit",
    "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker",
    "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "Kok", "Jacobs", "Vermeulen",
    "Yildiz", "El Idrissi", "Öztürk", "Ramdin", "Kaya", "Benali", "Wijnands", "Schouten", "Koster",
    "Prins", "Huisman", "Postma", "Kuipers", "Verhoeven", "Sanders", "Willems", "Evers", "Claassen",
]
REGIONS = [
    "Utrecht", "Amersfoort", "Nieuwegein", "Zeist", "Houten", "Woerden", "Veenendaal", "Hilversum", "Gouda",
    "Den Bosch", "Arnhem", "Amsterdam", "Rotterdam", "Den Haag", "Almere", "Apeldoorn", "Zwolle", "Breda",
    "Eindhoven", "Tilburg", "Nijmegen", "Leiden", "Haarlem", "Dordrecht", "Ede",
]
DEPARTMENT_KINDS = ["Kantoorschoonmaak", "Glasbewassing", "Ziekenhuisreiniging", "Bedrijfsbureau"]
FUNCTIONS = {
    "Kantoorschoonmaak": ["Schoonmaakmedewerker", "Allround schoonmaker", "Specialist vloeronderhoud"],
    "Glasbewassing": ["Glazenwasser", "Gevelreiniger", "Hoogwerkermachinist"],
    "Ziekenhuisreiniging": ["Medewerker ziekenhuisreiniging", "Medewerker OK-reiniging", "Desinfectiemedewerker"],
    "Bedrijfsbureau": ["Planner", "Administratief medewerker", "Salarisadministrateur", "Accountmanager"],
}
SITE_KINDS = ["Kantoorpand", "Bedrijfsverzamelgebouw", "Zorgcentrum", "Ziekenhuis", "Scholengemeenschap",
              "Winkelcentrum", "Sportcomplex", "Gemeentehuis", "Distributiecentrum", "Hotel"]
STREETS = ["Stationsplein", "Kerkstraat", "Industrieweg", "Parklaan", "Dorpsstraat", "Molenweg", "Handelsweg",
           "Europalaan", "Zuidsingel", "Ambachtsweg", "Beatrixlaan", "Vaartweg"]


class Progress(Protocol):
    def update(self, n: int) -> None: ...


class _NoProgress:
    def update(self, n: int) -> None:
        pass


def _no_progress(length: int) -> ContextManager[Progress]:
    return contextlib.nullcontext(_NoProgress())


# --- the plan ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Sizes:
    """How much a scale produces: departments and sites grow with it, as do people and history."""

    scale: int

    @property
    def employees(self) -> int:
        return EMPLOYEES_PER_UNIT * self.scale

    @property
    def departments(self) -> int:
        return 4 + self.scale

    @property
    def sites(self) -> int:
        return 6 + 5 * self.scale

    @property
    def users(self) -> int:
        return self.scale + 5

    @property
    def logins(self) -> int:
        return LOGINS_PER_UNIT * self.scale


@dataclass
class PersonPlan:
    number: str
    first_name: str
    last_name: str
    department: int  #: index into the plan's departments
    #: The function held over time, first to current, each with the moment it started.
    functions: list[tuple[dt.datetime, str, int]]
    hired_on: dt.date
    left_on: dt.date | None
    created_at: dt.datetime
    is_master_trainer: bool = False
    is_apprentice: bool = False
    is_supervisor: bool = False
    mentor: int | None = None  #: index of the mentoring master trainer in the plan's people
    user: int | None = None  #: index into the plan's users

    def changes(self) -> list[tuple[tuple[dt.datetime, str, int], tuple[dt.datetime, str, int]]]:
        """Consecutive (before, after) pairs of the function history in which something changed."""
        return [(before, after) for before, after in zip(self.functions, self.functions[1:])
                if before[1:] != after[1:]]


@dataclass
class UserPlan:
    email: str
    name: str
    roles: list[Role]
    created_at: dt.datetime
    logins: list[dt.datetime] = field(default_factory=list)
    failed: list[dt.datetime] = field(default_factory=list)


@dataclass
class Plan:
    scale: int
    now: dt.datetime
    departments: list[str] = field(default_factory=list)
    sites: list[tuple[str, str, str]] = field(default_factory=list)
    people: list[PersonPlan] = field(default_factory=list)
    users: list[UserPlan] = field(default_factory=list)
    with_company: bool = False

    @property
    def history_rows(self) -> int:
        creates = len(self.departments) + len(self.sites) + len(self.people) + len(self.users) + int(self.with_company)
        creates += sum(len(u.roles) for u in self.users)
        updates = sum(len(p.changes()) + (p.left_on is not None) for p in self.people)
        logins = sum(len(u.logins) + len(u.failed) for u in self.users)
        return creates + updates + logins

    @property
    def total_rows(self) -> int:
        """Rows written in all, for a progress bar."""
        people = len(self.departments) + len(self.sites) + len(self.people) + len(self.users)
        return people + sum(len(u.roles) for u in self.users) + int(self.with_company) + self.history_rows


@dataclass(frozen=True)
class Offsets:
    """Counts already in the database, so a forced second seed never reuses a name or number."""

    departments: int = 0
    sites: int = 0
    employees: int = 0
    users: int = 0
    has_company: bool = False


def _moment(rng: random.Random, start: dt.datetime, end: dt.datetime) -> dt.datetime:
    """A random working-hours moment between start and end (naive UTC)."""
    if end <= start:
        return end
    at = start + dt.timedelta(seconds=rng.uniform(0, (end - start).total_seconds()))
    at = at.replace(hour=rng.randint(6, 16), minute=rng.randint(0, 59), second=rng.randint(0, 59),
                    microsecond=rng.randint(0, 999_999))
    return _clamp(at, start, end)


def _clamp(at: dt.datetime, start: dt.datetime, end: dt.datetime) -> dt.datetime:
    return min(max(at, start), end)


def generate(scale: int, offsets: Offsets = Offsets(), now: dt.datetime | None = None,
             rng: random.Random | None = None) -> Plan:
    """The whole data set as plain values; the same scale gives the same data."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    sizes = Sizes(scale)
    rng = rng or random.Random(scale)
    now = now or utcnow()
    start = now - dt.timedelta(days=round(HISTORY_YEARS * 365.25))
    plan = Plan(scale=scale, now=now, with_company=not offsets.has_company)

    for k in range(offsets.departments, offsets.departments + sizes.departments):
        kind, region = DEPARTMENT_KINDS[k % 4], REGIONS[(k // 4) % len(REGIONS)]
        cycle = k // (4 * len(REGIONS))
        plan.departments.append(f"{kind} {region}" + (f" {cycle + 1}" if cycle else ""))

    for k in range(offsets.sites, offsets.sites + sizes.sites):
        region = REGIONS[k % len(REGIONS)]
        kind = SITE_KINDS[(k // len(REGIONS)) % len(SITE_KINDS)]
        name = f"{kind} {region} {k + 1}"
        client = f"{rng.choice(['Stichting', 'Vastgoed', 'Beheer', 'Groep'])} {rng.choice(LAST_NAMES).title()} {region}"
        postcode = f"{rng.randint(1000, 9999)} {rng.choice('ABCDEFGHJKLMNPRSTVWXZ')}{rng.choice('ABCDEFGHJKLMNPRSTVWXZ')}"
        plan.sites.append((name, client, f"{rng.choice(STREETS)} {rng.randint(1, 250)}, {postcode} {region}"))

    master_in_unit: int | None = None
    for i in range(sizes.employees):
        n = offsets.employees + i + 1
        slot = i % EMPLOYEES_PER_UNIT
        department = rng.randrange(len(plan.departments))
        kind = DEPARTMENT_KINDS[(offsets.departments + department) % 4]
        hired_on = (now - dt.timedelta(days=rng.randint(30, 365 * 15))).date()
        person = PersonPlan(
            number=f"B{n:06d}", first_name=rng.choice(FIRST_NAMES), last_name=rng.choice(LAST_NAMES),
            department=department, functions=[], hired_on=hired_on, left_on=None, created_at=start,
            is_supervisor=slot == 0, is_master_trainer=slot == 1, is_apprentice=slot in (2, 3),
        )
        if slot == 1:
            master_in_unit = i
        if person.is_apprentice:
            person.hired_on = (now - dt.timedelta(days=rng.randint(30, 900))).date()
            person.mentor = master_in_unit
        # Records of people hired before the history starts were entered in its first two months.
        since = max(dt.datetime.combine(person.hired_on, dt.time(8)), start)
        window = dt.timedelta(days=3 if since > start else 60)
        person.created_at = _moment(rng, since, min(since + window, now))
        if rng.random() < 0.05 and not person.is_master_trainer:
            person.left_on = (person.created_at + dt.timedelta(days=rng.randint(60, 1200))).date()
            if person.left_on >= now.date():
                person.left_on = None
        # Function history: a few changes of function (and department) after the record was created.
        functions = FUNCTIONS[kind]
        title = ("Voorman" if person.is_supervisor else "Leermeester" if person.is_master_trainer
                 else "BBL-leerling" if person.is_apprentice else None)
        changes = sorted(_moment(rng, person.created_at, now) for _ in range(rng.choice([0, 1, 2, 2, 3, 4, 5])))
        person.functions.append((person.created_at, rng.choice(functions), rng.randrange(len(plan.departments))))
        for at in changes:
            person.functions.append((at, rng.choice(functions), rng.randrange(len(plan.departments))))
        if title:
            at, function, dep = person.functions[-1]
            person.functions[-1] = (at, f"{title} {kind.lower()}", dep)
        at, function, _ = person.functions[-1]
        person.functions[-1] = (at, function, department)
        plan.people.append(person)

    staff_indexes = [i for i, p in enumerate(plan.people) if not p.is_apprentice and p.left_on is None]
    role_cycle = [Role.STAFF, Role.COORDINATOR, Role.STAFF, Role.AUDITOR, Role.HR, Role.STAFF]
    for k in range(sizes.users):
        person_index = staff_indexes[k % len(staff_indexes)] if k < len(staff_indexes) else None
        roles = [Role.ADMIN] if k == 0 else [role_cycle[k % len(role_cycle)]]
        if k % 7 == 3:
            roles.append(Role.AUDITOR if roles[0] != Role.AUDITOR else Role.COORDINATOR)
        n = offsets.users + k + 1
        if person_index is not None:
            person = plan.people[person_index]
            person.user = k
            name, since = f"{person.first_name} {person.last_name}", person.created_at
        else:
            name, since = f"Gebruiker {n}", start
        created = _moment(rng, since, since + dt.timedelta(days=30)) if k else start
        email = f"{name.split()[0].lower()}.{n}@{SEED_EMAIL_DOMAIN}"
        plan.users.append(UserPlan(email=email, name=name, roles=roles, created_at=min(created, now)))

    for _ in range(sizes.logins):
        user = rng.choice(plan.users)
        at = _moment(rng, user.created_at, now)
        (user.failed if rng.random() < FAILED_LOGIN_SHARE else user.logins).append(at)
    return plan


# --- writing ----------------------------------------------------------------------------------

def _json(values: dict[str, Any] | None) -> str | None:
    if values is None:
        return None
    return json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=lambda v: v.isoformat() if hasattr(v, "isoformat") else str(v))


def _entity(model: type) -> str:
    return getattr(model, "__audit_name__", None) or model.__tablename__


def _entry(at: dt.datetime, action: str, entity_type: str | None, entity_id: Any, *,
           actor: tuple[int | None, str] = (None, "seed"), old: dict | None = None, new: dict | None = None,
           ip: str | None = None) -> dict[str, Any]:
    return {
        "at": at, "actor_id": actor[0], "actor_label": actor[1], "action": action,
        "entity_type": entity_type, "entity_id": None if entity_id is None else str(entity_id),
        "old_values": _json(old), "new_values": _json(new), "reason": None, "ip": ip, "request_id": None,
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
        history.append(_entry(start, "create", _entity(Company), company_id, actor=setup_actor,
                              new={"id": company_id, **values}))

    rows = [{"name": name, "active": True} for name in plan.departments]
    department_ids = _insert(session, Department, rows, bar)
    for row, id_ in zip(rows, department_ids):
        history.append(_entry(start, "create", _entity(Department), id_, actor=setup_actor, new={"id": id_, **row}))

    rows = [{"name": name, "client": client, "address": address, "active": True}
            for name, client, address in plan.sites]
    site_ids = _insert(session, Site, rows, bar)
    for k, (row, id_) in enumerate(zip(rows, site_ids)):  # client sites won over the years
        at = _clamp(start + dt.timedelta(days=(k * 37) % 1700, hours=9), start, plan.now)
        history.append(_entry(at, "create", _entity(Site), id_, actor=setup_actor, new={"id": id_, **row}))

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
        history.append(_entry(u.created_at, "create", _entity(User), id_, actor=actor, new={"id": id_, **new}))
        for role in u.roles:
            history.append(_entry(u.created_at, "create", _entity(UserRole), f"{id_},{role.value}", actor=actor,
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
    for row in history:
        row["prev_hash"] = prev
        row["hash"] = prev = audit.entry_hash(prev, row)
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
    entity = _entity(Employee)
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
