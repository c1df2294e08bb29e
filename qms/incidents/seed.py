"""Benchmark data for the incident log: 200,000 incidents over five years with hours per month, inserted in
bulk (no audit history: this measures reading, not writing)."""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from sqlalchemy import func, insert, select, text

from ..extensions import db
from ..organisation.models import Site
from .models import Incident, IncidentHours, IncidentPerson
from .workflow import ArboReason, HoursCategory, IncidentState, IncidentType, PersonCategory, Severity

BENCH_INCIDENTS = 200_000
YEARS = 5
#: Relative frequency of each type (many near misses, few lost-time accidents).
WEIGHTS = {IncidentType.NEAR_MISS: 40, IncidentType.UNSAFE_SITUATION: 20, IncidentType.UNSAFE_ACT: 12,
           IncidentType.FIRST_AID: 10, IncidentType.MEDICAL: 5, IncidentType.LTI: 3,
           IncidentType.ENVIRONMENTAL: 4, IncidentType.PROPERTY_DAMAGE: 6}
WORDS = ["natte vloer", "ladder", "trap", "schrobmachine", "chloor", "kabel", "glasgevel", "lift", "hoogwerker",
         "emmer", "stopcontact", "bus", "parkeerplaats", "keuken", "magazijn"]


def seed_incidents(session, count: int = BENCH_INCIDENTS, today: dt.date | None = None) -> None:
    """Insert ``count`` incidents spread over the last five years, with injured persons and monthly hours."""
    today = today or dt.date.today()
    rng = random.Random(2026)
    site_ids = list(session.scalars(select(Site.id))) or [None]
    kinds, weights = zip(*WEIGHTS.items())
    start = today - dt.timedelta(days=365 * YEARS)
    span = (today - start).days
    batch, persons, number_seq = [], [], {}
    first_id = (session.scalar(select(func.max(Incident.id))) or 0) + 1
    for n in range(count):
        day = start + dt.timedelta(days=rng.randrange(span))
        kind = rng.choices(kinds, weights)[0]
        lost = [rng.choice([1, 2, 4, 8, 15])] if kind is IncidentType.LTI else []
        number_seq[day.year] = number_seq.get(day.year, 0) + 1
        occurred = dt.datetime.combine(day, dt.time(rng.randrange(6, 20), rng.randrange(60)))
        state = IncidentState.CLOSED if (today - day).days > 90 else rng.choice(list(IncidentState))
        batch.append({
            "id": first_id + n, "number": f"BI-{day.year}-{number_seq[day.year]:06d}", "type": kind.value,
            "state": state.value, "severity": Severity.LOW.value, "occurred_at": occurred, "occurred_on": day,
            "site_id": rng.choice(site_ids), "location": rng.choice(WORDS), "involved": "own_staff",
            "injured_count": len(lost) or (1 if kind.is_accident else 0),
            "description": f"Bijna uitgegleden bij {rng.choice(WORDS)} en {rng.choice(WORDS)}.",
            "anonymous": False, "via_qr": False, "reported_at": occurred, "lti_count": len(lost),
            "lost_days": sum(lost), "max_lost_days": max(lost, default=0), "lessons_for_toolbox": False,
            "arbo_reason": ArboReason.HOSPITAL.value if lost and lost[0] >= 15 else None,
            "arbo_notified_at": occurred if lost and lost[0] >= 15 else None,
            "on_arbowet_list": bool(lost) and lost[0] > 3,
        })
        persons += [{"incident_id": first_id + n, "category": PersonCategory.OWN_STAFF.value, "lost_days": d,
                     "absence_ongoing": False} for d in lost]
        if len(batch) == 5000:
            session.execute(insert(Incident.__table__), batch)
            batch = []
    if batch:
        session.execute(insert(Incident.__table__), batch)
    if persons:
        session.execute(insert(IncidentPerson.__table__), persons)
    _catch_up_sequence(session)
    hours = []
    for year in range(start.year, today.year + 1):
        for month in range(1, 13):
            for category, base in ((HoursCategory.OWN_STAFF, 900_000), (HoursCategory.TEMPORARY, 150_000),
                                   (HoursCategory.SUBCONTRACTOR, 60_000)):
                hours.append({"year": year, "month": month, "category": category.value,
                              "hours": Decimal(base + rng.randrange(base // 10))})
    existing = session.scalar(select(func.count()).select_from(IncidentHours)) or 0
    if not existing:
        session.execute(insert(IncidentHours.__table__), hours)
    session.flush()


def _catch_up_sequence(session) -> None:
    """The rows above carry their ids (persons point at them), so on PostgreSQL the id sequence is moved past
    them; without this the next incident reported would collide with a seeded one."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT setval(pg_get_serial_sequence('incident', 'id'), "
                             "(SELECT coalesce(max(id), 1) FROM incident))"))


def bench_incident_args(app, detail: bool = False) -> dict:
    """Seed the 200,000-incident log once; the log's (or one incident's) URL arguments."""
    if not db.session.scalar(select(Incident.id).where(Incident.number.like("BI-%")).limit(1)):
        seed_incidents(db.session)
        db.session.commit()
    if detail:
        lti = db.session.scalar(select(Incident.id).where(Incident.type == IncidentType.LTI).limit(1))
        return {"incident_id": lti}
    return {}
