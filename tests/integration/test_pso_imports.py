"""Payroll imports run as jobs: the upload request only keeps the file and queues the check, whatever the
size; the worker reads it (with progress), the preview and the import are the job's result, and a file that
cannot be read, or a failure, is shown as such with nothing saved."""
import csv
import datetime as dt
import io

import openpyxl
import pytest
from sqlalchemy import func, select

from qms import jobs
from qms.organisation.models import Employee
from qms.permissions import Role
from qms.pso import imports, payroll
from qms.pso.models import PsoHours
from qms.jobs import Job, JobState
from tests.conftest import PASSWORD, PG_URL


def _people(db, n: int):
    db.session.add_all(Employee(number=f"E{i:05}", first_name="Anna", last_name=f"Test{i}", function="cleaner",
                                hired_on=dt.date(2015, 1, 1)) for i in range(n))
    db.session.commit()


def _xlsx(rows: int) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["personeelsnummer", "jaar", "uren"])
    for i in range(rows):
        sheet.append([f"E{i:05}", 2025, 1000 + i % 700])
    sheet.append(["X0001", 2025, 12])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _login_hr(client, make_user):
    user = make_user(Role.HR)
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return user


def test_a_large_payroll_file_is_not_read_in_the_request(app_factory, tmp_path, make_user, db):
    """The request keeps the file and queues the check; nothing is parsed until the worker runs the job."""
    app = app_factory(JOBS_IMMEDIATE=False, JOBS_DATABASE=str(tmp_path / "q.sqlite3"), REDIS_URL="")
    with app.app_context():
        from qms.extensions import db as _db

        client = app.test_client()
        _people(_db, 5000)
        _login_hr(client, make_user)
        data = _xlsx(5000)
        read = []
        original = payroll.read
        payroll.read = lambda *a, **k: read.append(1) or original(*a, **k)
        try:
            response = client.post("/pso/import", data={"year": "2025", "file": (io.BytesIO(data), "loon.xlsx")},
                                   content_type="multipart/form-data")
            assert response.status_code == 302 and not read  # nothing parsed in the request
            job_id = int(response.headers["Location"].rsplit("/", 1)[1])
            _db.session.rollback()
            page = client.get(f"/pso/import/jobs/{job_id}").get_data(as_text=True)
            assert "Waiting to start" in page and "data-running" in page
            assert client.get(f"/pso/import/jobs/{job_id}/status").get_json()["done"] is False
            # The worker takes it from the queue.
            huey = jobs.huey_of(app)
            assert huey.pending_count() == 1
            _db.session.rollback()  # the test shares the requests' session: no transaction while the job runs
            huey.execute(huey.dequeue())
            assert read == [1]
        finally:
            payroll.read = original
        _db.session.rollback()
        job = _db.session.get(Job, job_id)
        assert job.state == JobState.DONE and job.total >= 5000 and job.progress == job.total
        page = client.get(f"/pso/import/jobs/{job_id}").get_data(as_text=True)
        assert "5000 rows can be imported; 1 rows are rejected" in page
        assert "employee number X0001 is not in the register" in page
        assert "The first 500 rows are shown." in page
        assert _db.session.scalar(select(func.count()).select_from(PsoHours)) == 0
        # Confirming queues the import; the worker saves all rows in one commit and removes the file.
        response = client.post(f"/pso/import/jobs/{job_id}/confirm")
        assert response.status_code == 302
        import_id = int(response.headers["Location"].rsplit("/", 1)[1])
        _db.session.rollback()
        huey.execute(huey.dequeue())
        _db.session.rollback()
        assert _db.session.scalar(select(func.count()).select_from(PsoHours)) == 5000
        page = client.get(f"/pso/import/jobs/{import_id}").get_data(as_text=True)
        assert "5000 rows were imported; 1 rows were skipped." in page
        assert list(imports.folder().iterdir()) == []
        _db.session.remove()


def test_an_unreadable_file_is_shown_on_the_job_page(client, login_as, db):
    login_as(Role.HR)
    response = client.post("/pso/import", data={"year": "2025", "file": (io.BytesIO(b"uren;jaar\n1;2\n"), "x.csv")},
                           content_type="multipart/form-data", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Columns are missing: number." in html
    assert 'enctype="multipart/form-data"' in html  # the form to try another file
    job = db.session.scalars(select(Job)).one()
    # There is nothing to confirm.
    response = client.post(f"/pso/import/jobs/{job.id}/confirm", follow_redirects=True)
    assert "The import could not be found" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Job)) == 1


def test_an_import_whose_file_is_gone_fails_truthfully(client, login_as, db):
    login_as(Role.HR)
    db.session.add(Employee(number="E1", first_name="A", last_name="B", function="x", hired_on=dt.date(2020, 1, 1)))
    db.session.commit()
    response = client.post("/pso/import", data={"year": "2025", "file": (io.BytesIO(b"nummer;jaar;uren\nE1;2025;10\n"),
                                                                         "x.csv")},
                           content_type="multipart/form-data")
    check_url = response.headers["Location"]
    for left in imports.folder().iterdir():
        left.unlink()
    response = client.post(f"{check_url}/confirm", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Failed" in html and "nothing was saved" in html and "upload the file again" in html
    assert db.session.scalar(select(func.count()).select_from(PsoHours)) == 0


def test_other_roles_cannot_see_an_import_or_a_job_of_another_kind(client, login_as, make_user, db):
    job = jobs.submit(Job(task=imports.CHECK), token="0" * 32, suffix=".csv", filename="x.csv", year=2025)
    db.session.commit()
    for role in (Role.ADMIN, Role.COORDINATOR, Role.AUDITOR, Role.STAFF):
        client.post("/logout")
        login_as(role)
        assert client.get(f"/pso/import/jobs/{job.id}").status_code == 403
    client.post("/logout")
    login_as(Role.HR)
    from qms.evidence import dossier
    from qms.evidence.models import DossierJob

    other = jobs.submit(DossierJob(task=dossier.TASK, norm="iso9001", version="2015", level=""))
    db.session.commit()
    assert client.get(f"/pso/import/jobs/{other.id}").status_code == 404
    assert client.get("/pso/import/jobs/99999999999").status_code == 404


def test_the_bulk_import_splits_its_in_lists_and_keeps_the_audit_chain_whole(client, login_as, db, monkeypatch):
    """Lookups bind at most IN_CHUNK values per statement (PostgreSQL refuses more than 65,535 parameters,
    reproduced here with a chunk of 7); new rows and changed rows are saved in bulk, each with its entry in the
    trail, and the chain still verifies."""
    from sqlalchemy import event

    from qms import database
    from qms.audit.models import AuditEntry
    from qms.audit.services import verify_chain
    from qms.pso import services

    monkeypatch.setattr(database, "IN_CHUNK", 7)
    login_as(Role.HR)
    _people(db, 30)
    db.session.add(PsoHours(employee_id=db.session.scalar(select(Employee.id).where(Employee.number == "E00003")),
                            year=2025, hours_worked=5, source="entered"))
    db.session.commit()
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    widest = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if " IN " in statement.upper() and not executemany:
            widest.append(len(parameters) if isinstance(parameters, (list, tuple, dict)) else 0)

    rows = [payroll.PayrollRow(i + 2, f"E{i:05}", 2025, 1000 + i) for i in range(30)]
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert services.import_hours(rows) == 30
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    db.session.commit()
    assert widest and max(widest) <= 7 + 2  # the chunk of ids plus the years
    hours = dict(db.session.execute(select(Employee.number, PsoHours.hours_worked).join(PsoHours)).all())
    assert len(hours) == 30 and hours["E00003"] == 1003 and hours["E00029"] == 1029
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.id > 0).order_by(AuditEntry.id.desc())
                                 .limit(30)).all()
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before + 30
    assert sorted(e.action for e in entries).count("update") == 1
    assert all(e.entity_type == "pso_hours" for e in entries)
    assert verify_chain(db.session).ok


# --- files of the largest customer ------------------------------------------------------------------------

def _bulk_people(db, count: int, prefix: str = "E") -> None:
    """``count`` employees numbered E00000…, inserted in bulk (no objects: a register of 70,000 people)."""
    from sqlalchemy import insert

    for start in range(0, count, 10_000):
        db.session.execute(insert(Employee), [
            {"number": f"{prefix}{i:05}", "first_name": "Anna", "last_name": f"Test{i}", "function": "cleaner",
             "hired_on": dt.date(2015, 1, 1)} for i in range(start, min(count, start + 10_000))])
    db.session.commit()


def _upload(client, body: str) -> int:
    response = client.post("/pso/import", data={"year": "2025", "file": (io.BytesIO(body.encode()), "loon.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    return int(response.headers["Location"].rsplit("/", 1)[1])


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL's limit of 65,535 parameters per statement: TEST_DATABASE_URL")
def test_a_payroll_file_above_the_parameter_limit_is_imported_on_postgresql(client, login_as, db):
    """70,000 rows end to end (upload, preview, confirm): every row stored, every one in the trail, no statement
    binding more than PostgreSQL's 65,535 parameters, and the chain verifies."""
    from sqlalchemy import event

    from qms.audit.models import AuditEntry
    from qms.audit.services import verify_chain

    rows = 70_000
    _bulk_people(db, rows)
    login_as(Role.HR)
    widest = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if not executemany:
            widest.append(len(parameters) if isinstance(parameters, (list, tuple, dict)) else 0)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        job_id = _upload(client, "personeelsnummer;jaar;uren\n" + "".join(
            f"E{i:05};2025;{1000 + i % 700}\n" for i in range(rows)))
        page = client.get(f"/pso/import/jobs/{job_id}")
        assert page.status_code == 200 and "70000 rows can be imported; 0 rows are rejected" in page.get_data(True)
        before = db.session.scalar(select(func.count()).select_from(AuditEntry))
        response = client.post(f"/pso/import/jobs/{job_id}/confirm", follow_redirects=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert "70000 rows were imported; 0 rows were skipped." in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(PsoHours)) == rows
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.entity_type == "pso_hours")) == rows
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) >= before + rows
    assert max(widest) <= 65_535
    assert verify_chain(db.session).ok


def test_the_preview_counts_rejected_rows_per_reason_and_offers_them_all_as_a_csv(client, login_as, make_user, db):
    """The first MAX_REJECTIONS rejected rows are shown, counted per reason; the download holds every one of
    them with its reason, a cell that looks like a formula kept as text; only who may import downloads."""
    _people(db, 3)
    hr = login_as(Role.HR)
    lines = ["personeelsnummer;jaar;uren", "E00000;2025;1000", "E00001;2025;-5", "E00001;2025;12",
             "=HYPERLINK(\"http://x\");2025;3", "E00002;2024;10", "E00002;2025;99999"]
    lines += [f"X{i:05};2025;10" for i in range(150)]
    job_id = _upload(client, "\n".join(lines) + "\n")
    page = client.get(f"/pso/import/jobs/{job_id}").get_data(as_text=True)
    assert "2 rows can be imported; 154 rows are rejected" in page
    assert "Rejected rows per reason" in page
    assert "<td data-label=\"Reason\">Employee number not in the register</td><td data-label=\"Rows\">151</td>" in page
    assert "Negative hours" in page and "Not the peiljaar chosen" in page and "More hours than fit in one year" in page
    shown = page[page.index("pso-rejected"):]
    assert shown[:shown.index("</table>")].count("<tr><td") == imports.MAX_REJECTIONS == 100
    assert "The first 100 rejected rows are shown." in page
    assert "X00148" not in page  # beyond the first 100: in the download only
    assert f"/pso/import/jobs/{job_id}/rejected.csv" in page
    response = client.get(f"/pso/import/jobs/{job_id}/rejected.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Line", "Row", "Why rejected"] and len(rows) == 1 + 154
    assert rows[1] == ["3", "E00001;2025;-5", "hours cannot be negative (-5)"]
    assert rows[2][:2] == ["5", "'=HYPERLINK(\"http://x\");2025;3"]  # text, never a formula
    assert rows[-1] == ["157", "X00149;2025;10", "employee number X00149 is not in the register"]
    # The same permission as the import itself.
    for role in (Role.COORDINATOR, Role.AUDITOR, Role.STAFF):
        client.post("/logout")
        login_as(role)
        assert client.get(f"/pso/import/jobs/{job_id}/rejected.csv").status_code == 403
    client.post("/logout")
    assert client.post("/login", data={"email": hr.email, "password": PASSWORD}).status_code == 302
    # A check without rejections, or an import job, has no download.
    clean = _upload(client, "personeelsnummer;jaar;uren\nE00000;2025;7\n")
    assert client.get(f"/pso/import/jobs/{clean}/rejected.csv").status_code == 404
    # The import removes the file and its rejected rows with it; the download then says so.
    response = client.post(f"/pso/import/jobs/{job_id}/confirm", follow_redirects=True)
    assert "2 rows were imported; 154 rows were skipped." in response.get_data(as_text=True)
    import_id = int(response.request.path.rsplit("/", 1)[1])
    assert client.get(f"/pso/import/jobs/{import_id}/rejected.csv").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(PsoHours)) == 2
    assert not list(imports.folder().glob("*.rejected.jsonl"))
    response = client.get(f"/pso/import/jobs/{job_id}/rejected.csv", follow_redirects=True)
    assert response.status_code == 200 and "no longer kept" in response.get_data(as_text=True)


def test_a_file_of_unknown_employee_numbers_keeps_the_preview_small(client, login_as, db):
    """90,000 numbers nobody in the register has: the page shows the count and the first rows, not all of them;
    the download still holds every one."""
    _people(db, 1)
    login_as(Role.HR)
    job_id = _upload(client, "personeelsnummer;jaar;uren\nE00000;2025;1000\n" + "".join(
        f"U{i:06};2025;{1000 + i % 700}\n" for i in range(90_000)))
    response = client.get(f"/pso/import/jobs/{job_id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "1 rows can be imported; 90000 rows are rejected" in page
    assert len(response.data) < 300_000
    assert "<td data-label=\"Rows\">90,000</td>" in page
    download = client.get(f"/pso/import/jobs/{job_id}/rejected.csv").get_data(as_text=True)
    assert download.count("\n") == 1 + 90_000


def test_a_bulk_import_appends_to_the_audit_chain_in_bulk_inserts(app, client, login_as, db):
    """New and changed rows of a payroll file each get their entry, written in bulk (one executemany, which the
    driver pipelines or prepares once, or multi-row INSERTs; never one call per entry), and the chain verifies,
    also through ``qms audit-verify``."""
    from sqlalchemy import event

    from qms.audit.models import AuditEntry
    from qms.audit.services import verify_chain
    from qms.pso import services

    _bulk_people(db, 2500)
    login_as(Role.HR)
    services.import_hours([payroll.PayrollRow(i + 2, f"E{i:05}", 2025, 100) for i in range(0, 2500, 2)])
    db.session.commit()
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    inserts = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO AUDIT_ENTRY"):
            rows_in_statement = statement.upper().count("), (") + 1
            inserts.append((executemany, len(parameters) if executemany else rows_in_statement))

    rows = [payroll.PayrollRow(i + 2, f"E{i:05}", 2025, 1000 + i % 7) for i in range(2500)]
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        services.import_hours(rows)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    db.session.commit()
    entries = db.session.execute(select(AuditEntry.action, func.count()).where(AuditEntry.id > 0)
                                 .where(AuditEntry.entity_type == "pso_hours").group_by(AuditEntry.action)).all()
    assert dict(entries) == {"create": 1250 + 1250, "update": 1250}
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before + 2500
    # One bulk call (or a few multi-row statements), never one call per entry.
    assert len(inserts) <= 3 and sum(n for _, n in inserts) == 2500 and all(many or n > 1 for many, n in inserts)
    assert verify_chain(db.session).ok
    result = app.test_cli_runner().invoke(args=["qms", "audit-verify"])
    assert result.exit_code == 0 and "Audit trail intact" in result.output
