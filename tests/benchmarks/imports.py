"""Bulk import speed: an employee list of 1,000 rows from XLSX, checked (the preview) and imported, as a user
does it — the upload, the check job, the confirmation and the import job — on a fresh SQLite database.

    python -m tests.benchmarks.imports [--rows 1000]

The target is under 10 s for the check and the import together.
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import pathlib
import shutil
import sys
import tempfile
import time

#: The check and the import of 1,000 rows together stay under this.
TARGET_SECONDS = 10.0


def employee_xlsx(rows: int, departments: list[str], sites: list[str]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Employees")
    sheet.append(["Employee number", "First name", "Last name", "Function", "Department", "Work location",
                  "Employed since", "Left on"])
    for i in range(rows):
        sheet.append([f"BI{i:05d}", f"Voornaam{i}", f"Achternaam{i}", ("Schoonmaker", "Teamleider")[i % 7 == 0],
                      departments[i % len(departments)], sites[i % len(sites)],
                      dt.date(2010, 1, 1) + dt.timedelta(days=i), None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def measure_employee_import(rows: int = 1000) -> list[tuple]:
    """The bench table's row (label, status, bytes, queries, times in ms, floor times, note)."""
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from qms import MIGRATIONS_DIR
    from qms.extensions import db
    from qms.jobs import Job
    from qms.organisation.models import Department, Employee, Site
    from qms.permissions import Role

    from .bench import bench_users, build_app

    workdir = pathlib.Path(tempfile.mkdtemp(prefix="qms-bench-import-"))
    try:
        app = build_app(f"sqlite:///{workdir / 'import.sqlite3'}", workdir)
        with app.app_context():
            upgrade(directory=str(MIGRATIONS_DIR))
            db.session.add_all([Department(name=f"Afdeling {i}") for i in range(5)]
                               + [Site(name=f"Object {i}") for i in range(20)])
            db.session.commit()
        email, password = bench_users(app, {Role.HR})[Role.HR]
        data = employee_xlsx(rows, [f"Afdeling {i}" for i in range(5)], [f"Object {i}" for i in range(20)])
        client = app.test_client()
        client.post("/login", data={"email": email, "password": password})
        started = time.perf_counter()
        check = client.post("/organisation/employees/import", data={"file": (io.BytesIO(data), "employees.xlsx")},
                            content_type="multipart/form-data")
        checked = time.perf_counter()
        job_id = int(check.headers["Location"].rsplit("/", 1)[1])
        done = client.post(f"/organisation/employees/import/jobs/{job_id}/confirm")
        finished = time.perf_counter()
        with app.app_context():
            outcome = db.session.get(Job, int(done.headers["Location"].rsplit("/", 1)[1])).outcome
            count = db.session.scalar(select(func.count()).select_from(Employee))
        seconds = finished - started
        ok = check.status_code == 302 and done.status_code == 302 and outcome.get("created") == rows == count
        status = 200 if ok and seconds < TARGET_SECONDS else ("too slow" if ok else "failed")
        note = (f"{rows} rows from XLSX ({len(data) // 1024} kB): check {checked - started:.1f} s, "
                f"import {finished - checked:.1f} s, target < {TARGET_SECONDS:.0f} s")
        return [(f"employee import ({rows} rows, XLSX)", status, len(data), 0.0, [seconds * 1000], [], note)]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1000)
    options = parser.parse_args(argv)
    (label, status, _size, _queries, times, _floor, note), = measure_employee_import(options.rows)
    print(f"{label}: {times[0] / 1000:.2f} s — {note} — {status}")
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
