"""The figures counted in the database agree with the pure functions they replace, are computed once per
request, and the dashboard computes only the figures the role sees."""
import datetime as dt

import pytest
from flask import current_app

from qms.demo.company import load_demo
from qms.iso9001 import scoring
from qms.iso9001.services import competence
from qms.norms import registry
from qms.permissions import Role
from qms.vca import figures
from qms.vca.services import toolbox


@pytest.fixture
def demo(app, db):
    from qms.audit.services import set_actor

    set_actor(None, "demo")
    load_demo(db.session, "demo-password-2026")
    db.session.commit()


def test_attendance_counted_in_the_database_equals_the_per_person_summary(demo, db):
    on = toolbox.today()
    for start in (on - dt.timedelta(days=365), on - dt.timedelta(days=90)):
        _people, rows = toolbox.summary(toolbox.held_between(start, on))
        expected = sum(r.expected for r in rows.values())
        assert expected > 0
        assert toolbox.attendance_totals(start, on) == (sum(r.attended + r.caught_up for r in rows.values()),
                                                        expected)


def test_competence_counts_per_function_held_equal_the_full_matrix(demo, db):
    on = competence.today()
    employees = list(db.session.scalars(competence.employees_query(on=on)))
    cells = competence.matrix(employees, competence.functions(), on)["cells"]
    full = {s: sum(1 for v in cells.values() if v == s) for s in (scoring.MET, scoring.EXPIRING, scoring.MISSING)}
    assert sum(full.values()) > 0
    assert competence.summary(on) == full


def test_a_figure_is_computed_once_per_request_and_again_after_a_change(demo, db, monkeypatch):
    calls = []
    original = toolbox.attendance_totals
    monkeypatch.setattr(toolbox, "attendance_totals", lambda *a: calls.append(a) or original(*a))
    with current_app.test_request_context():
        first = figures.collect()
        assert figures.collect() is first and figures.collect(level=first.level) is first
        assert len(calls) == 1
        from qms.organisation.models import Department

        db.session.add(Department(name="Nieuw"))
        db.session.flush()  # any change in the request: the figures are computed afresh
        assert figures.collect() is not first and len(calls) == 2
        db.session.rollback()
    assert figures.collect() is not figures.collect()  # outside a request nothing is kept


def test_the_dashboard_computes_only_the_figures_the_role_sees(app, client, db, login_as, monkeypatch):
    computed = []
    for norm, kpi in registry().kpis():
        monkeypatch.setattr(kpi, "compute", lambda key=kpi.key: computed.append(key) or "1")
    login_as(Role.STAFF)
    html = client.get("/").get_data(as_text=True)
    assert computed == [] and "PSO score" not in html and "VCA diploma coverage" not in html
    client.post("/logout")
    login_as(Role.COORDINATOR)
    html = client.get("/").get_data(as_text=True)
    assert "vca.diplomas" in computed and "iso9001.objectives_met" in computed
    assert "pso.score" in computed  # coordinators may open the PSO score
    assert "VCA diploma coverage" in html
