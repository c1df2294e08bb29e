"""Test data in one line: ``factories.employee(db, "E1", apprentice=True)``. Each factory adds the row (through
the package's service where one exists, so the record is as the app makes it), commits and returns it; keyword
arguments set any other column or field."""
from __future__ import annotations

import datetime as dt

from qms.database import utcnow
from qms.organisation.models import Employee, Site
from qms.permissions import Role
from tests.conftest import PASSWORD

_hashes: dict[str, str] = {}
_counter = iter(range(1, 10**9))


def _hash(password: str) -> str:
    """Hashing costs milliseconds even with the test parameters: each password is hashed once per run."""
    from qms.auth.passwords import hash_password

    if password not in _hashes:
        _hashes[password] = hash_password(password)
    return _hashes[password]


def user(db, *roles: Role, email: str | None = None, name: str | None = None, active: bool = True,
         password: str = PASSWORD):
    """A login with these roles (``user(db, Role.COORDINATOR)``)."""
    from qms.auth.models import User, UserRole

    n = next(_counter)
    account = User(email=email or f"person{n}@factory.example", name=name or f"Factory User {n}", active=active,
                   password_hash=_hash(password))
    account.roles = [UserRole(role=r) for r in roles]
    db.session.add(account)
    db.session.commit()
    return account


def _norm_roles(person: Employee, *, apprentice: bool | None, master_trainer: bool | None,
                supervisor: bool | None, mentor: Employee | None) -> None:
    """The norm-specific roles of an employee (ISO 9001 apprentice, master trainer and mentor; VCA supervisor):
    the one place the tests set them, so moving them to the norms' own tables changes only this function."""
    if apprentice is not None:
        person.is_apprentice = apprentice
    if master_trainer is not None:
        person.is_master_trainer = master_trainer
    if supervisor is not None:
        person.is_supervisor = supervisor
    if mentor is not None:
        person.mentor_id = mentor.id


def employee(db, number: str, *, first_name: str = "Sam", last_name: str | None = None, function: str = "Cleaner",
             hired_on: dt.date = dt.date(2020, 1, 1), user=None, apprentice: bool | None = None,
             master_trainer: bool | None = None, supervisor: bool | None = None, mentor: Employee | None = None,
             **columns) -> Employee:
    """An employee; ``user`` links the login, ``last_name`` defaults to the number; ``apprentice``,
    ``master_trainer``, ``supervisor`` and ``mentor`` give the norm roles."""
    person = Employee(number=number, first_name=first_name, last_name=last_name or number, function=function,
                      hired_on=hired_on, user_id=user.id if user else None, **columns)
    db.session.add(person)
    db.session.flush()
    _norm_roles(person, apprentice=apprentice, master_trainer=master_trainer, supervisor=supervisor, mentor=mentor)
    db.session.commit()
    return person


def site(db, name: str = "Kantoor Centrum", **columns) -> Site:
    """A site where the company works."""
    place = Site(name=name, **columns)
    db.session.add(place)
    db.session.commit()
    return place


def document(db, number: str = "PR-001", title: str = "Werkinstructie schoonmaak", *, type=None, state=None,
             content: str = "Lees dit.", major: int = 1, minor: int = 0, **columns):
    """A document with one version, published unless ``state`` says otherwise; ``document.versions[0]`` is it."""
    from qms.documents.models import Document, DocumentType, DocumentVersion, VersionState

    state = state or VersionState.PUBLISHED
    published = state is VersionState.PUBLISHED
    record = Document(number=number, title=title, type=type or DocumentType.PROCEDURE, status=state, **columns)
    record.versions.append(DocumentVersion(
        major=major, minor=minor, state=state, content_markdown=content,
        published_at=utcnow().replace(microsecond=0) if published else None,
        effective_date=dt.date.today() if published else None))
    db.session.add(record)
    db.session.commit()
    return record


def incident(db, kind=None, *, when: dt.datetime | None = None, injured: int = 0, reporter=None,
             token: str | None = None, description: str = "Uitgegleden op natte vloer.", **fields):
    """A reported incident (a near miss three hours ago unless told otherwise), as the report form makes it."""
    from qms.incidents import services
    from qms.incidents.models import IncidentType
    from qms.incidents.services import ReportData

    fields.setdefault("involved", ["own_staff"])
    when = when or dt.datetime.now().replace(microsecond=0) - dt.timedelta(hours=3)  # local time, as reported
    record, _created = services.report(ReportData(type=kind or IncidentType.NEAR_MISS, occurred_at=when,
                                                  description=description, injured_count=injured, **fields),
                                       reporter=reporter, token=token)
    db.session.commit()
    return record


def nonconformity(db, title: str = "Ladder niet gekeurd", *, owner=None, severity: str = "major",
                  description: str = "Ladder 4 had geen keuringssticker.", source_type: str = "manual", **fields):
    """An open nonconformity, as the actions service opens it (the owner is notified)."""
    from qms.actions import services

    record = services.open_nonconformity(title=title, description=description, source_type=source_type,
                                         severity=severity, owner=owner, **fields)
    db.session.commit()
    return record


def action(db, nc=None, *, owner, description: str = "Ladders maandelijks keuren.", kind: str = "corrective",
           due_date: dt.date | None = None, **fields):
    """A planned action for ``nc`` (or a stand-alone one with ``source_type``), due in ten days by default."""
    from qms.actions import services

    record = services.add_action(nc, kind=kind, description=description, owner=owner,
                                 due_date=due_date or dt.date.today() + dt.timedelta(days=10), **fields)
    db.session.commit()
    return record


def audit(db, *, lead, title: str = "Interne audit inkoop", norms: tuple[str, ...] = ("iso9001|2015",),
          planned_start: dt.date | None = None, **fields):
    """A planned internal audit led by ``lead`` (a user), as the planning form saves it."""
    from qms.audits.services.planning import AuditData, save_audit

    record = save_audit(None, AuditData(title=title, type=fields.pop("type", "internal"),
                                        planned_start=planned_start or dt.date.today() + dt.timedelta(days=14),
                                        lead_auditor_id=lead.id, norms=list(norms), **fields))
    db.session.commit()
    return record


def supplier(db, name: str = "Schoonmaakgroothandel Utrecht", *, active: bool = True, **columns):
    """A supplier in the register."""
    from qms.suppliers.models import Supplier

    record = Supplier(name=name, active=active, **columns)
    db.session.add(record)
    db.session.commit()
    return record


def supplier_certificate(db, supplier, scheme: str = "vca", *, days: int = 365, **columns):
    """A certificate of ``supplier`` valid for ``days`` more days."""
    from qms.suppliers.models import SupplierCertificate

    record = SupplierCertificate(supplier=supplier, scheme=scheme,
                                 valid_until=dt.date.today() + dt.timedelta(days=days), **columns)
    db.session.add(record)
    db.session.commit()
    return record


def read_and_confirm(client, document_id: int, version_id: int):
    """Open the reading view (which shows the content and carries the signed proof of it) and confirm from it,
    as a reader does: a confirmation without the proof is refused."""
    import re

    page = client.get(f"/documents/{document_id}/versions/{version_id}/read").get_data(as_text=True)
    token = re.search(r'name="shown" value="([^"]+)"', page)
    return client.post(f"/documents/{document_id}/versions/{version_id}/confirm",
                       data={"shown": token.group(1) if token else ""})
