"""Figures kept between requests until a table they read changes (qms/core/changes.py): the expensive figures of
the daily pages (diploma overview, competence summary, PSO score and forecast) are computed once, and any change
to what they read (through the ORM, a bulk insert or an update statement, in any process) computes them again."""
import datetime as dt

from sqlalchemy import func, insert, select, update

from qms.core import changes
from qms.extensions import db as _db
from qms.organisation.models import Employee
from qms.permissions import Role
from qms.pso import services as pso
from qms.pso.services import calculation
from qms.training.models import TrainingRecord
from tests import factories


def _counting(monkeypatch, module, name):
    calls = []
    original = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def _kept(calls: list):
    @changes.until_changed(Employee)
    def employees_named(prefix: str) -> int:
        calls.append(prefix)
        return _db.session.scalar(select(func.count()).select_from(Employee)
                                  .where(Employee.last_name.like(f"{prefix}%"))) or 0
    return employees_named


def test_a_figure_is_kept_until_its_table_changes(app, db):
    calls: list = []
    figure = _kept(calls)
    factories.employee(db, "E1", last_name="Jansen")
    assert figure("Jan") == 1 and figure("Jan") == 1 and len(calls) == 1
    assert figure("Pie") == 0 and len(calls) == 2  # other arguments, another figure
    factories.employee(db, "E2", last_name="Janssen")  # an ORM insert
    assert figure("Jan") == 2 and len(calls) == 3
    _db.session.execute(update(Employee).where(Employee.number == "E2").values(last_name="Pietersen"))
    _db.session.commit()  # an update statement
    assert figure("Jan") == 1 and len(calls) == 4
    _db.session.execute(insert(Employee), [{"number": f"B{i}", "first_name": "Bulk", "last_name": "Jan",
                                            "function": "cleaner", "hired_on": dt.date(2020, 1, 1)}
                                           for i in range(3)])
    _db.session.commit()  # a bulk insert
    assert figure("Jan") == 4 and len(calls) == 5
    factories.user(db, Role.STAFF)  # a table the figure does not read
    assert figure("Jan") == 4 and len(calls) == 5


def test_a_transaction_with_its_own_changes_neither_uses_nor_keeps_a_figure(app, db):
    calls: list = []
    figure = _kept(calls)
    factories.employee(db, "E1", last_name="Jansen")
    assert figure("Jan") == 1
    _db.session.add(Employee(number="E2", first_name="Kees", last_name="Jansma", function="cleaner",
                             hired_on=dt.date(2020, 1, 1)))
    assert figure("Jan") == 2 and len(calls) == 2  # sees its own change, uncommitted
    _db.session.rollback()
    assert figure("Jan") == 1 and len(calls) == 2  # the rolled-back count was not kept
    assert changes.prune() >= 0


def test_another_process_sees_the_change_at_once(app_factory):
    first, second = app_factory(), app_factory()
    calls: list = []
    figure = _kept(calls)
    with first.app_context():
        factories.employee(_db, "E1", last_name="Jansen")
        assert figure("Jan") == 1 and figure("Jan") == 1 and len(calls) == 1
    with second.app_context():
        factories.employee(_db, "E2", last_name="Jansma")
    with first.app_context():
        assert figure("Jan") == 2 and len(calls) == 2


def test_prune_keeps_each_tables_stamp(app, db):
    for n in range(3):
        factories.employee(db, f"E{n}")
    before = changes.stamps(["employee", "user"])
    removed = changes.prune()
    _db.session.commit()
    assert removed >= 2
    assert changes.stamps(["employee", "user"]) == before
    assert _db.session.scalar(select(func.count()).select_from(changes.TableChange).where(
        changes.TableChange.table_name == "employee")) == 1


def test_the_diploma_overview_is_read_once_until_a_training_record_changes(app, db, client, login_as, monkeypatch):
    from qms.training import services as training

    login_as(Role.COORDINATOR)
    reads = _counting(monkeypatch, training, "record_facts")
    assert client.get("/vca/").status_code == 200
    assert client.get("/vca/").status_code == 200
    assert client.get("/").status_code == 200
    read_once = len(reads)
    assert read_once >= 1
    person = factories.employee(db, "V1", supervisor=True)
    _db.session.add(TrainingRecord(employee_id=person.id, kind="vol_vca", title="VOL-VCA",
                                   completed_on=dt.date.today(), valid_until=dt.date.today() + dt.timedelta(days=3650)))
    _db.session.commit()
    page = client.get("/vca/diplomas?show=all")
    assert page.status_code == 200 and len(reads) > read_once
    assert b"V1" in page.data or person.last_name.encode() in page.data


def test_the_pso_page_under_a_handbook_reuses_the_score_and_forecast(app, db, client, login_as, monkeypatch):
    year = dt.date.today().year - 1
    factories.employee(db, "P1", hired_on=dt.date(year - 3, 1, 1))
    login_as(Role.HR)
    computed = _counting(monkeypatch, calculation, "compute_score")
    forecasts = _counting(monkeypatch, calculation, "_forecast")
    for _ in range(3):
        assert client.get(f"/pso/?year={year}&applied_on={dt.date.today().isoformat()}").status_code == 200
    assert len(computed) == 1 and len(forecasts) == 1
    factories.employee(db, "P2", hired_on=dt.date(year - 2, 1, 1))
    assert client.get(f"/pso/?year={year}").status_code == 200
    assert len(computed) == 2 and len(forecasts) == 2
    assert pso.score(year).register.input.employees and len(computed) == 2


def test_a_change_after_a_rolled_back_savepoint_is_still_noted(app, db):
    calls: list = []
    figure = _kept(calls)
    assert figure("Jan") == 0
    with _db.session.begin_nested() as savepoint:
        _db.session.add(Employee(number="S1", first_name="Kees", last_name="Jansma", function="cleaner",
                                 hired_on=dt.date(2020, 1, 1)))
        _db.session.flush()
        savepoint.rollback()
    _db.session.add(Employee(number="S2", first_name="Kees", last_name="Jansen", function="cleaner",
                             hired_on=dt.date(2020, 1, 1)))
    _db.session.commit()
    assert figure("Jan") == 1 and len(calls) == 2


def test_the_review_input_keeps_its_incident_complaint_and_reading_figures_until_they_change(app, db, client,
                                                                                           login_as):
    """The management review input reads 200,000 incidents, 20,000 documents, the complaints and every reader
    owed a document at a large company: its figures are kept between views, and a new incident, document or
    complaint shows on the next one."""
    from qms.incidents.models import IncidentType
    from qms.iso9001.services import customers
    from qms.reviews.models import Review
    from qms.reviews.rules import ReviewState

    chair = login_as(Role.COORDINATOR)
    today = dt.date.today()
    review = Review(title="Directiebeoordeling", period_start=today - dt.timedelta(days=365), period_end=today,
                    meeting_on=today, chair=chair, state=ReviewState.PLANNED)
    _db.session.add(review)
    _db.session.commit()

    def shown(label: str) -> str:
        section = client.get(f"/reviews/{review.id}").get_data(as_text=True)
        start = section.index(label)
        return section[start:start + 300]

    assert ">0<" in shown("Incidents reported").replace(" ", "")
    assert ">0<" in shown("Documents in use").replace(" ", "")
    factories.incident(db, IncidentType.NEAR_MISS)
    factories.document(db, "PR-101")
    assert ">1<" in shown("Incidents reported").replace(" ", "")
    assert ">1<" in shown("Documents in use").replace(" ", "")
    assert customers.figures(today - dt.timedelta(days=365), today)["complaints"] == 0
    from qms.iso9001.models import Channel, Complaint, FeedbackKind
    _db.session.add(Complaint(number="K-0001", kind=FeedbackKind.COMPLAINT, channel=list(Channel)[0],
                              received_on=today, client="Gemeente Zeist", description="Ramen niet gewassen",
                              deadline=today + dt.timedelta(days=14)))
    _db.session.commit()
    assert customers.figures(today - dt.timedelta(days=365), today)["complaints"] == 1
