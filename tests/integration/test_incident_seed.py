"""The benchmark seed of the incident log leaves the database ready for new reports."""
import datetime as dt

from sqlalchemy import func, insert, select

from qms.incidents.models import Incident
from qms.incidents.seed import seed_incidents


def test_an_incident_added_after_the_seed_gets_a_fresh_id(db):
    """The seed inserts its own ids; on PostgreSQL the id sequence must follow, or the next report collides."""
    seed_incidents(db.session, 40, today=dt.date(2026, 6, 1))
    db.session.commit()
    highest = db.session.scalar(select(func.max(Incident.id)))
    row = db.session.execute(select(Incident.__table__).where(Incident.id == highest)).mappings().one()
    values = {k: v for k, v in row.items() if k != "id"} | {"number": "BI-NEW-1"}
    new_id = db.session.execute(insert(Incident.__table__).values(**values).returning(Incident.id)).scalar_one()
    db.session.commit()
    assert new_id > highest
