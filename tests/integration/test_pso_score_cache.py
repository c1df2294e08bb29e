"""The PSO score is computed once per register change: every surface of a page (dashboard KPI, live evidence,
the score page) reuses it, and a change to the register computes it again."""
import datetime as dt

from qms.extensions import db as _db
from qms.organisation.models import Employee
from qms.pso import services
from qms.pso.models import PsoHours
from qms.pso.services import calculation


def test_the_score_is_kept_until_the_register_changes(app, db, monkeypatch):
    year = dt.date.today().year - 1
    person = Employee(number="E1", first_name="Anna", last_name="Test", function="cleaner",
                      hired_on=dt.date(year - 3, 1, 1))
    _db.session.add(person)
    _db.session.commit()
    computed = []
    original = calculation.compute_score
    monkeypatch.setattr(calculation, "compute_score", lambda *a, **k: computed.append(a) or original(*a, **k))
    first = services.score(year)
    assert services.score(year) is first and len(computed) == 1
    _db.session.add(PsoHours(employee_id=person.id, year=year, hours_worked=1200))
    _db.session.commit()
    changed = services.score(year)
    assert len(computed) == 2 and changed is not first
    assert changed.register.input.employees[0].hours_worked == 1200
    assert services.score(year) is changed and len(computed) == 2
