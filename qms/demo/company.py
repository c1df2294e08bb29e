"""The demo company: Schoonmaakbedrijf De Glans B.V., a cleaning company in Utrecht (all fictional).

``load_demo`` runs the steps in :data:`STEPS` in order on one :class:`Demo`; each step adds one kind of
record through the models (so the audit trail records it) and keeps what later steps need on the
``Demo``. A feature adds its own demo data by writing one small step function and appending it to
``STEPS``. Nothing here commits.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable

from flask import has_app_context
from sqlalchemy.orm import Session

from ..auth.models import User, UserRole
from ..auth.passwords import MIN_LENGTH, hash_password
from ..database import utcnow
from ..organisation.models import Company, Department, Employee, Site
from ..permissions import Role

DEMO_EMAIL_DOMAIN = "demo.example"


#: Login names that are not the role's value: the Dutch word people look for.
DEMO_LOGIN_NAMES = {Role.COUNSELLOR: "vertrouwenspersoon"}


def demo_email(role: Role) -> str:
    return f"{DEMO_LOGIN_NAMES.get(role, role.value)}@{DEMO_EMAIL_DOMAIN}"


@dataclass
class Demo:
    """What the steps build, by natural key, so a later step can refer to earlier records."""

    session: Session
    password: str
    today: dt.date
    company: Company | None = None
    departments: dict[str, Department] = field(default_factory=dict)
    sites: dict[str, Site] = field(default_factory=dict)
    #: Employees by personnel number.
    employees: dict[str, Employee] = field(default_factory=dict)
    users: dict[Role, User] = field(default_factory=dict)

    def years_ago(self, years: float) -> dt.date:
        return self.today - dt.timedelta(days=round(years * 365.25))


# --- the data ---------------------------------------------------------------------------------

COMPANY = {
    "name": "Schoonmaakbedrijf De Glans B.V.",
    "kvk_number": "30274619",
    "address": "Nijverheidsweg 18\n3534 AM Utrecht",
    "city": "Utrecht",
    "certification_targets": "iso9001:2015,vca:vca2,pso:trede3",
}

DEPARTMENTS = ["Kantoorschoonmaak", "Glasbewassing", "Ziekenhuisreiniging", "Bedrijfsbureau"]

#: (site name, client, address)
SITES = [
    ("Hoofdkantoor De Glans", None, "Nijverheidsweg 18, 3534 AM Utrecht"),
    ("Kantoorpand Maliesingel", "Notariskantoor Van Dijk & Bakker", "Maliesingel 47, 3581 BK Utrecht"),
    ("Bedrijvenpark Papendorp", "Vastgoedbeheer Papendorp B.V.", "Europalaan 92, 3526 KS Utrecht"),
    ("Rijnoever Ziekenhuis, locatie Nieuwegein", "Stichting Rijnoever Zorggroep",
     "Ziekenhuislaan 5, 3435 CM Nieuwegein"),
    ("Zorgcentrum De Linde", "Stichting De Linde", "Lindelaan 21, 3705 AB Zeist"),
    ("Winkelcentrum Overvecht", "VvE Winkelcentrum Overvecht", "Zamenhofdreef 14, 3562 JT Utrecht"),
    ("Scholengemeenschap Het Baken", "Stichting Het Baken", "Schoolstraat 3, 3441 AB Woerden"),
    ("Sportpark De Wetering", "Sportstichting De Wetering", "Weteringpad 2, 3995 DR Houten"),
]


@dataclass(frozen=True)
class Person:
    number: str
    first_name: str
    last_name: str
    function: str
    department: str
    #: Years in service (fractions allowed); the hiring date is counted back from today.
    years: float
    master_trainer: bool = False
    apprentice: bool = False
    supervisor: bool = False
    #: Personnel number of the master trainer who mentors this apprentice.
    mentor: str | None = None
    #: The login this person gets.
    role: Role | None = None
    #: Local part of the login's e-mail when it is not the role's name (a second login with the same role).
    login: str | None = None
    #: Name of the site where this person usually works (SITES).
    site: str | None = None

    @property
    def email(self) -> str | None:
        if self.role is None:
            return None
        return f"{self.login}@{DEMO_EMAIL_DOMAIN}" if self.login else demo_email(self.role)


K, G, Z, B = DEPARTMENTS
HQ, MALIE, PAPEN, RIJN, LINDE = (site[0] for site in SITES[:5])

PEOPLE = [
    # Bedrijfsbureau (office)
    Person("DG001", "Peter", "de Graaf", "Algemeen directeur", B, 18, site=HQ),
    Person("DG002", "Hanneke", "Smit", "Officemanager en applicatiebeheer", B, 11, role=Role.ADMIN, site=HQ),
    Person("DG003", "Jeroen", "Bakker", "KAM-coördinator", B, 7, role=Role.COORDINATOR, site=HQ),
    Person("DG004", "Fatima", "El Amrani", "HR- en PSO-adviseur", B, 4.5, role=Role.HR, site=HQ),
    Person("DG005", "Sanne", "Jansen", "Planner en vertrouwenspersoon", B, 3, role=Role.COUNSELLOR, site=HQ),
    # Supervisors (voorman / leidinggevende)
    Person("DG006", "Ingrid", "Visser", "Rayonleider en interne auditor", K, 12, supervisor=True,
           role=Role.AUDITOR),
    Person("DG007", "Linda", "Hendriks", "Leidinggevende kantoorschoonmaak", K, 9, supervisor=True, site=MALIE),
    Person("DG008", "Ahmed", "Yilmaz", "Voorman glasbewassing", G, 14, supervisor=True),
    Person("DG009", "Rob", "Vermeulen", "Objectleider ziekenhuisreiniging", Z, 8, supervisor=True, site=RIJN),
    # Master trainers (leermeesters)
    Person("DG010", "Wim", "de Boer", "Leermeester glasbewassing", G, 16, master_trainer=True, role=Role.STAFF,
           login="leermeester", site=MALIE),
    Person("DG011", "Anita", "Kok", "Leermeester kantoorschoonmaak", K, 10, master_trainer=True, site=MALIE),
    Person("DG012", "Mohamed", "Bouzid", "Leermeester ziekenhuisreiniging", Z, 6, master_trainer=True, site=RIJN),
    Person("DG013", "Gerda", "Peters", "Leermeester kantoorschoonmaak", K, 13, master_trainer=True, site=PAPEN),
    # Apprentices (BBL), each with a master trainer as mentor
    Person("DG014", "Dewi", "Pranata", "BBL-leerling schoonmaak niveau 2", K, 1.2, apprentice=True, mentor="DG011",
           site=MALIE),
    Person("DG015", "Tim", "van Leeuwen", "BBL-leerling glazenwasser niveau 2", G, 0.8, apprentice=True,
           mentor="DG010"),
    Person("DG016", "Sara", "Dekker", "BBL-leerling schoonmaak niveau 2", Z, 1.6, apprentice=True, mentor="DG012",
           site=RIJN),
    Person("DG017", "Yusuf", "Arslan", "BBL-leerling glazenwasser niveau 2", G, 0.4, apprentice=True,
           mentor="DG010"),
    Person("DG018", "Lotte", "Brouwer", "BBL-leerling schoonmaak niveau 1", K, 0.3, apprentice=True,
           mentor="DG013", site=PAPEN),
    Person("DG019", "Daan", "Willems", "BBL-leerling schoonmaak niveau 2", Z, 1.9, apprentice=True, mentor="DG012",
           site=LINDE),
    # General staff
    Person("DG020", "Kevin", "Mulder", "Schoonmaakmedewerker", K, 5, role=Role.STAFF, site=MALIE),
    Person("DG021", "Joke", "van Dam", "Schoonmaakmedewerker", K, 21, site=PAPEN),
    Person("DG022", "Bram", "Koster", "Glazenwasser", G, 6.5, site=MALIE),
    Person("DG023", "Esra", "Demir", "Medewerker ziekenhuisreiniging", Z, 4, site=RIJN),
    Person("DG024", "Priya", "Ramdin", "Medewerker ziekenhuisreiniging", Z, 2.5, site=LINDE),
    Person("DG025", "Henk", "Verhoeven", "Allround schoonmaker", K, 9.5, site=PAPEN),
]


# --- the steps --------------------------------------------------------------------------------

def add_company(demo: Demo) -> None:
    demo.company = Company(**COMPANY)
    demo.session.add(demo.company)


def add_departments(demo: Demo) -> None:
    for name in DEPARTMENTS:
        demo.departments[name] = Department(name=name, active=True)
        demo.session.add(demo.departments[name])


def add_sites(demo: Demo) -> None:
    for name, client, address in SITES:
        demo.sites[name] = Site(name=name, client=client, address=address, active=True)
        demo.session.add(demo.sites[name])


def add_employees(demo: Demo) -> None:
    for person in PEOPLE:
        employee = Employee(
            number=person.number, first_name=person.first_name, last_name=person.last_name,
            function=person.function, department=demo.departments[person.department],
            is_master_trainer=person.master_trainer, is_apprentice=person.apprentice,
            is_supervisor=person.supervisor, hired_on=demo.years_ago(person.years),
            site=demo.sites[person.site] if person.site else None,
        )
        if person.mentor is not None:
            employee.mentor = demo.employees[person.mentor]
        demo.employees[person.number] = employee
        demo.session.add(employee)
    demo.session.flush()


def add_users(demo: Demo) -> None:
    """One login per role, plus the master trainer's (staff: signs off apprentices' steps), each belonging to an
    employee; all share the demo password."""
    for person in PEOPLE:
        if person.role is None:
            continue
        user = User(email=person.email, name=f"{person.first_name} {person.last_name}",
                    password_hash=hash_password(demo.password), active=True, created_at=utcnow())
        user.roles = [UserRole(role=person.role)]
        demo.session.add(user)
        demo.session.flush()
        demo.employees[person.number].user_id = user.id
        if person.login is None:
            demo.users[person.role] = user
    demo.session.flush()


#: The loader steps, in order. A feature with demo data appends its own step (a function of a Demo).
STEPS: list[Callable[[Demo], None]] = [add_company, add_departments, add_sites, add_employees, add_users]


class DemoError(Exception):
    """The demo cannot be loaded (the message says why)."""


def load_demo(session: Session, password: str, today: dt.date | None = None) -> Demo:
    """Add the demo company to ``session`` and flush; the caller names the audit actor and commits."""
    if len(password) < MIN_LENGTH:
        raise DemoError(f"the demo password must be at least {MIN_LENGTH} characters")
    demo = Demo(session=session, password=password, today=today or utcnow().date())
    for step in STEPS + _feature_steps():
        step(demo)
        session.flush()
    if has_app_context():
        from ..norms import registry

        for _norm, step in registry().demo_steps():
            step(demo)
            session.flush()
    return demo


def _feature_steps() -> list[Callable[[Demo], None]]:
    """Demo steps of the shared workflow packages, in order (imported here to keep import cycles out)."""
    steps: list[Callable[[Demo], None]] = []
    from ..incidents.demo import add_incidents

    steps.append(add_incidents)
    from ..documents.demo import add_documents

    steps.append(add_documents)
    from ..suppliers.demo import add_suppliers

    steps.append(add_suppliers)
    from ..evidence.demo import add_evidence

    steps.append(add_evidence)
    from ..audits.demo import add_audits
    from ..reviews.demo import add_reviews

    steps += [add_audits, add_reviews]
    from ..speakup.demo import add_speakup

    steps.append(add_speakup)
    from ..quality_measurement.demo import add_quality_measurement

    steps.append(add_quality_measurement)
    return steps
