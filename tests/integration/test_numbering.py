"""Record numbers come from one core counter: per series and year, continuing from numbers already in use,
given back when the record's transaction rolls back (see tests/integration/test_concurrency.py for the
same under concurrent clients)."""
import datetime as dt

from sqlalchemy import select

from qms.core import numbering
from qms.core.models import RecordCounter
from qms.incidents.models import Incident
from qms.incidents.services.reporting import next_number


def _incident(number: str) -> Incident:
    now = dt.datetime(2026, 3, 1, 10)
    return Incident(number=number, type="near_miss", occurred_at=now, occurred_on=now.date(), involved="own_staff",
                    injured_count=0, description="x", reported_at=now)


def test_a_new_series_starts_after_the_highest_number_already_stored(db):
    db.session.add_all([_incident("INC-2026-0009"), _incident("INC-2026-0010"), _incident("INC-2025-0042"),
                        _incident("INC-2026-12")])
    db.session.commit()
    assert next_number(2026) == "INC-2026-0013"
    assert next_number(2026) == "INC-2026-0014"
    assert next_number(2025) == "INC-2025-0043"
    assert next_number(2024) == "INC-2024-0001"
    db.session.commit()
    counters = {(c.series, c.year): c.value for c in db.session.scalars(select(RecordCounter))}
    assert counters == {("INC", 2026): 14, ("INC", 2025): 43, ("INC", 2024): 1}


def test_a_rolled_back_record_gives_its_number_back(db):
    assert numbering.next_value("KL", 2026, Incident.number) == 1
    db.session.commit()
    assert numbering.next_value("KL", 2026, Incident.number) == 2
    db.session.rollback()
    assert numbering.next_value("KL", 2026, Incident.number) == 2


def test_series_are_independent(db):
    assert numbering.next_number("AU", 2026, Incident.number, width=2) == "AU-2026-01"
    assert numbering.next_number("NC", 2026, Incident.number) == "NC-2026-0001"
    assert numbering.next_number("AU", 2026, Incident.number, width=2) == "AU-2026-02"
