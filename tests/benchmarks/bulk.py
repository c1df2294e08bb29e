"""Bulk jobs at the size of the largest customer: the payroll import of 100,000 rows (10,000 employees over
ten peiljaren), checked and saved as the import job does, on SQLite and on PostgreSQL when reachable.

    python -m tests.benchmarks.bulk [--rows 100000]

Prints the seconds of the check (the preview) and of the save, and verifies the audit chain afterwards.
Target, reported and not asserted: 100,000 rows within 20 s on both databases, no error.
"""
from __future__ import annotations

import argparse
import datetime as dt
import pathlib
import shutil
import tempfile
import time

from sqlalchemy import func, insert, select

from qms import MIGRATIONS_DIR
from qms.extensions import db

YEARS = 10


def _seed_employees(count: int) -> None:
    from qms.organisation.models import Employee

    rows = [{"number": f"P{i:06d}", "first_name": "Anna", "last_name": f"Bulk{i}", "function": "schoonmaker",
             "hired_on": dt.date(2010, 1, 1), "is_supervisor": False, "is_apprentice": False}
            for i in range(count)]
    for start in range(0, count, 5000):
        db.session.execute(insert(Employee), rows[start:start + 5000])
    db.session.commit()


def _payroll_csv(rows: int, employees: int) -> bytes:
    first_year = dt.date.today().year - YEARS
    lines = ["personeelsnummer;jaar;uren"]
    for n in range(rows):
        lines.append(f"P{n % employees:06d};{first_year + n // employees};{1000 + n % 700}")
    return ("\n".join(lines) + "\n").encode()


def measure(label: str, database_url: str, rows: int) -> tuple:
    from flask_migrate import upgrade

    from qms.audit.services import set_actor, verify_chain
    from qms.pso import services
    from qms.pso.models import PsoHours

    from .bench import build_app

    workdir = pathlib.Path(tempfile.mkdtemp(prefix="qms-bulk-"))
    try:
        app = build_app(database_url, workdir)
        with app.app_context(), app.test_request_context():
            upgrade(directory=str(MIGRATIONS_DIR))
            employees = max(1, rows // YEARS)
            _seed_employees(employees)
            set_actor(None, "bench")
            data = _payroll_csv(rows, employees)
            started = time.perf_counter()
            preview = services.preview_payroll("loon.csv", data, None)
            checked = time.perf_counter() - started
            started = time.perf_counter()
            services.import_hours(preview.rows)
            db.session.commit()
            saved = time.perf_counter() - started
            stored = db.session.scalar(select(func.count()).select_from(PsoHours))
            chain = verify_chain(db.session)
            db.session.remove()
            db.engine.dispose()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    ok = stored == len(preview.rows) == rows and not preview.rejected and chain.ok
    return (label, rows, f"{checked:.1f}", f"{saved:.1f}", f"{checked + saved:.1f}", "ok" if ok else
            f"FAILED: {stored} stored, {len(preview.rejected)} rejected, chain {chain.problem or 'ok'}")


def main(argv: list[str] | None = None) -> int:
    from .load import drop_postgres, postgres_url

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    options = parser.parse_args(argv)
    scratch = pathlib.Path(tempfile.mkdtemp(prefix="qms-bulk-db-"))
    results = []
    try:
        results.append(measure("SQLite", f"sqlite:///{scratch / 'bulk.sqlite3'}", options.rows))
        pg = postgres_url()
        if pg:
            try:
                results.append(measure("PostgreSQL", pg, options.rows))
            finally:
                drop_postgres(pg)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"\nPayroll import of {options.rows:,} rows (target: within 20 s on both databases)")
    print(f"{'database':<12} {'rows':>8} {'check s':>8} {'save s':>8} {'total s':>8}  result")
    for label, count, checked, saved, total, result in results:
        print(f"{label:<12} {count:>8} {checked:>8} {saved:>8} {total:>8}  {result}")
    return 0 if all(r[-1] == "ok" for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
