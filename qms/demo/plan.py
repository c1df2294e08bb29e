"""The seed plan: benchmark-size data generated as plain values, deterministic per scale (no database)."""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from ..database import utcnow
from ..permissions import Role

SEED_EMAIL_DOMAIN = "seed.example"
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
    return clamp(at, start, end)


def clamp(at: dt.datetime, start: dt.datetime, end: dt.datetime) -> dt.datetime:
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
        if k == 5:
            roles = [Role.COUNSELLOR]  # one confidential counsellor (speak-up reports)
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
