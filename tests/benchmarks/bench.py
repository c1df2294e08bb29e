"""Per-page server time on a seeded database, next to the framework floor of the same size.

    python -m tests.benchmarks.bench [--scale 20] [--requests 30] [--warmup 3] [--load-only | --no-load]
        [--users 50] [--duration 60]

Uses a temporary SQLite database, or BENCH_DATABASE_URL (a database that already holds data is measured
as it is, without seeding). For every page in PAGES the Flask test client, logged in with the page's role,
asks the page many times; a WSGI middleware times the application alone and counts its SQL statements.
The "floor" is a bare route rendering base.html around filler of the page's byte size, measured in the same
run: the ratio says how much the page costs above what any page of that size costs. Exits non-zero when a
page does not answer 200.

Then the mixed load (tests/benchmarks/load.py): gunicorn on 127.0.0.1 with 50 virtual users for 60 s, on SQLite
and on PostgreSQL when reachable; ``--load-only`` runs only that part, ``--no-load`` leaves it out.
"""
from __future__ import annotations

import argparse
import math
import os
import pathlib
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Callable

import click
from flask import Flask, render_template, request, url_for
from jinja2 import ChoiceLoader, DictLoader
from sqlalchemy import event, func, make_url, select

from qms import MIGRATIONS_DIR, create_app
from qms.extensions import db
from qms.permissions import Role


@dataclass(frozen=True)
class Page:
    label: str
    endpoint: str
    role: Role
    #: URL arguments computed from the app (e.g. the first norm's default version); None skips the page.
    args: Callable[[Flask], dict | None] = lambda app: {}
    query: dict = field(default_factory=dict)


def _first_catalogue_version(app: Flask) -> dict | None:
    from qms.norms import registry

    for norm in registry():
        if norm.default_version in norm.versions:
            return {"norm": norm.code, "version": norm.default_version}
    return None


#: Size of the document register the document pages are measured on.
BENCH_DOCUMENTS = 20_000


def _documents(app: Flask, number: str | None = None) -> dict | None:
    """Seed the document register to BENCH_DOCUMENTS once; with ``number``, the arguments of that document."""
    from qms.documents.demo import seed_documents
    from qms.documents.models import Document

    if not db.session.scalar(select(Document.id).where(Document.number == f"BN-{BENCH_DOCUMENTS:05d}")):
        seed_documents(db.session, BENCH_DOCUMENTS)
        db.session.commit()
    if number is None:
        return {}
    return {"document_id": db.session.scalar(select(Document.id).where(Document.number == number))}


def _evidence(app: Flask, code: str | None = None) -> dict | None:
    """Seed 5,000 evidence files for the bench norm once; the norm page's arguments (and a requirement's)."""
    from qms.evidence.seed import bench_evidence_args

    return bench_evidence_args(app, code)


def _audits(app: Flask, review: bool = False) -> dict | None:
    """Seed the 300-finding audit (and a management review) once; the audit's or review's arguments."""
    from qms.audits.seed import bench_audit_args, bench_review_args

    return bench_review_args(app) if review else bench_audit_args(app)


def _incidents(app: Flask, detail: bool = False) -> dict | None:
    """Seed the 200,000-incident log once; the log's (or one LTI's) arguments."""
    from qms.incidents.seed import bench_incident_args

    return bench_incident_args(app, detail)


def _vca(app: Flask) -> dict | None:
    """Seed the VCA registers (600 people on risky work, a year of toolbox meetings, 500 items) once."""
    from qms.vca.seed import bench_vca_args

    return bench_vca_args(app)


def _iso(app: Flask) -> dict | None:
    """Seed the ISO 9001 registers (500 suppliers, 5,000 complaints, 300 risks, a function matrix) once."""
    from qms.iso9001.seed import bench_iso_args

    return bench_iso_args(app)


#: The pages measured, in order. Add a line here to measure a new page.
PAGES = [
    Page("dashboard", "core.dashboard", Role.COORDINATOR),
    Page("catalogue", "catalogue.index", Role.COORDINATOR),
    Page("catalogue version", "catalogue.version", Role.COORDINATOR, _first_catalogue_version),
    Page("employees", "organisation.employees", Role.HR),
    Page("audit trail", "audit.index", Role.AUDITOR),
    Page("admin users", "admin.users", Role.ADMIN),
    Page("pso score", "pso.index", Role.HR),
    Page("pso register", "pso.register", Role.HR),
    Page("documents register 20k", "documents.index", Role.COORDINATOR, _documents),
    Page("documents search 20k", "documents.index", Role.COORDINATOR, _documents, {"q": "microvezel kenmerk1234"}),
    Page("documents filter 20k", "documents.index", Role.COORDINATOR, _documents,
         {"type": "procedure", "review": "due", "requirement": ""}),
    Page("documents staff search 20k", "documents.index", Role.STAFF, _documents, {"q": "kenmerk777"}),
    Page("documents broad search 20k", "documents.index", Role.STAFF, _documents, {"q": "ladder"}),
    Page("document detail", "documents.detail", Role.COORDINATOR, lambda app: _documents(app, "BN-12345")),
    Page("documents to read", "documents.to_read", Role.STAFF, _documents),
    Page("evidence readiness", "evidence.index", Role.COORDINATOR, lambda app: _evidence(app) and {}),
    Page("evidence norm, 5,000 items", "evidence.norm", Role.COORDINATOR, _evidence),
    Page("evidence requirement", "evidence.requirement", Role.COORDINATOR, lambda app: _evidence(app, "7.5.1")),
    Page("evidence files", "evidence.items", Role.COORDINATOR, lambda app: _evidence(app) and {}),
    Page("audit, 300 findings", "audits.detail", Role.AUDITOR, lambda app: _audits(app)),
    Page("audit conduct, 300 findings", "audits.conduct", Role.COORDINATOR, lambda app: _audits(app)),
    Page("audit report PDF, 300 findings", "audits.report", Role.AUDITOR, lambda app: _audits(app)),
    Page("audit programme", "audits.index", Role.AUDITOR, lambda app: _audits(app) and {}, {"year": 1999}),
    Page("audit coverage", "audits.coverage", Role.AUDITOR),
    Page("nonconformities", "actions.nonconformities", Role.COORDINATOR, lambda app: _audits(app) and {}),
    Page("all actions", "actions.all_actions", Role.COORDINATOR, lambda app: _audits(app) and {}, {"status": "all"}),
    Page("management review input", "reviews.detail", Role.COORDINATOR, lambda app: _audits(app, review=True)),
    Page("incident log 200k", "incidents.index", Role.COORDINATOR, _incidents),
    Page("incident log filtered 200k", "incidents.index", Role.COORDINATOR, _incidents,
         {"type": "lti", "state": "closed", "year": str(time.localtime().tm_year - 1)}),
    Page("incident log search 200k", "incidents.index", Role.COORDINATOR, _incidents, {"q": "hoogwerker"}),
    Page("incident detail", "incidents.detail", Role.COORDINATOR, lambda app: _incidents(app, detail=True)),
    Page("arbowet list 200k", "incidents.arbowet", Role.HR, _incidents),
    Page("safety figures 200k", "incidents.figures_page", Role.COORDINATOR, _incidents),
    Page("annual safety report PDF 200k", "incidents.annual_pdf", Role.COORDINATOR, _incidents),
    Page("vca overview", "vca.index", Role.COORDINATOR, _vca),
    Page("vca toolbox year", "vca.toolbox_index", Role.COORDINATOR, _vca),
    Page("vca attendance, 600 people", "vca.attendance", Role.COORDINATOR, _vca),
    Page("vca diploma gaps", "vca.diplomas", Role.COORDINATOR, _vca, {"show": "all"}),
    Page("vca follow-up", "vca.follow_up", Role.COORDINATOR, _vca),
    Page("vca equipment, 500 items", "vca.equipment", Role.COORDINATOR, _vca),
    Page("vca status report PDF", "vca.report", Role.AUDITOR, _vca),
    Page("iso9001 overview", "iso9001.index", Role.COORDINATOR, _iso),
    Page("iso9001 risks, 300", "iso9001.risks", Role.COORDINATOR, _iso),
    Page("iso9001 complaints, 5,000", "iso9001.complaints", Role.COORDINATOR, _iso),
    Page("iso9001 supplier evaluations, 500", "iso9001.suppliers", Role.COORDINATOR, _iso),
    Page("iso9001 competence matrix", "iso9001.competence", Role.HR, _iso),
    Page("iso9001 status report PDF", "iso9001.report", Role.AUDITOR, _iso),
    Page("supplier register, 500", "suppliers.index", Role.COORDINATOR, _iso, {"status": "all"}),
]

FLOOR_TEMPLATE = "bench/floor.html"
FLOOR_SOURCE = '{% extends "base.html" %}{% block content %}<p>{{ filler }}</p>{% endblock %}'


# --- measuring ----------------------------------------------------------------------------------

class Meter:
    """WSGI middleware: time spent inside the application (body included) and SQL statements issued."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app
        self.queries = 0
        self.last_seconds = 0.0
        self.last_queries = 0

    def count(self, *args) -> None:
        self.queries += 1

    def __call__(self, environ, start_response):
        self.queries = 0
        started = time.perf_counter()
        body = list(self.wsgi_app(environ, start_response))
        self.last_seconds = time.perf_counter() - started
        self.last_queries = self.queries
        return body


@dataclass
class Result:
    label: str
    status: int | str
    size: int = 0
    queries: float = 0.0
    times: list[float] = field(default_factory=list)
    floor_times: list[float] = field(default_factory=list)
    note: str = ""


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def measure(client, meter: Meter, url: str, warmup: int, requests: int) -> tuple[int, int, float, list[float]]:
    """Status, bytes, queries per request and the server times (ms) of ``requests`` requests."""
    status, size = 0, 0
    for _ in range(warmup):
        response = client.get(url)
        status, size = response.status_code, len(response.data)
    times, queries = [], []
    for _ in range(requests):
        response = client.get(url)
        status, size = response.status_code, len(response.data)
        times.append(meter.last_seconds * 1000)
        queries.append(meter.last_queries)
    return status, size, statistics.mean(queries), times


def floor_url(client, size: int) -> str:
    """The floor URL whose response is exactly ``size`` bytes (or as near as base.html allows)."""
    fill = 0
    for _ in range(5):
        url = f"/_bench/floor?n={fill}"
        got = len(client.get(url).data)
        if got == size:
            return url
        fill = max(0, fill + size - got)
    return f"/_bench/floor?n={fill}"


# --- setting up -------------------------------------------------------------------------------

def build_app(database_url: str, workdir: pathlib.Path, csrf: bool = False) -> Flask:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, WTF_CSRF_ENABLED=csrf,
                     UPLOAD_FOLDER=str(workdir / "uploads"), QMS_DEMO_PASSWORD_FILE=str(workdir / "demo-password.txt"))
    app.jinja_env.loader = ChoiceLoader([DictLoader({FLOOR_TEMPLATE: FLOOR_SOURCE}), app.jinja_env.loader])

    def floor():
        n = min(max(request.args.get("n", 0, type=int), 0), 50_000_000)
        return render_template(FLOOR_TEMPLATE, filler="x" * n)

    floor._qms_permission = "public"  # type: ignore[attr-defined]
    app.add_url_rule("/_bench/floor", "bench_floor", floor)
    return app


def prepare_database(app: Flask, scale: int) -> None:
    from qms.auth.models import User
    from qms.demo.seed import existing_data, seed

    has_revision = any(MIGRATIONS_DIR.joinpath("versions").glob("*.py"))
    with app.app_context():
        if has_revision:
            from flask_migrate import upgrade

            print("Migrating the database …")
            upgrade(directory=str(MIGRATIONS_DIR))
        else:
            print("No migration revision yet: creating the tables directly.")
            db.create_all()
        if any(existing_data(db.session).values()):
            users = db.session.scalar(select(func.count()).select_from(User))
            print(f"The database already holds data ({users} users): measuring it as it is, not seeding.")
            return
        started = time.perf_counter()
        seed(db.session, scale, progress=lambda n: click.progressbar(length=n, label=f"Seeding scale {scale}"))
        db.session.commit()
        print(f"Seeded scale {scale} in {time.perf_counter() - started:.1f} s.")


def bench_users(app: Flask, roles: set[Role]) -> dict[Role, tuple[str, str]]:
    """A fresh login per role (e-mail, password), committed."""
    from qms.auth.models import User, UserRole
    from qms.auth.passwords import hash_password

    tag = secrets.token_hex(3)
    made = {}
    with app.app_context():
        for role in sorted(roles, key=lambda r: r.value):
            password = secrets.token_urlsafe(16)
            email = f"bench-{role.value}-{tag}@bench.example"
            user = User(email=email, name=f"Bench {role.value}", password_hash=hash_password(password), active=True)
            user.roles = [UserRole(role=role)]
            db.session.add(user)
            made[role] = (email, password)
        db.session.commit()
    return made


def run(scale: int, requests: int, warmup: int) -> int:
    workdir = pathlib.Path(tempfile.mkdtemp(prefix="qms-bench-"))
    database_url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite3'}"
    try:
        app = build_app(database_url, workdir)
        prepare_database(app, scale)
        meter = Meter(app.wsgi_app)
        app.wsgi_app = meter  # type: ignore[method-assign]
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", meter.count)
        results = measure_pages(app, meter, requests, warmup)
        from qms.evidence.seed import measure_bench_dossier

        results += [Result(*row) for row in measure_bench_dossier(app)]
        from .imports import measure_employee_import

        results += [Result(*row) for row in measure_employee_import()]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    shown = make_url(database_url).render_as_string(hide_password=True)
    print_table(results, requests, shown if os.environ.get("BENCH_DATABASE_URL") else "temporary SQLite")
    failed = [r for r in results if r.status not in (200, "skipped")]
    return 1 if failed else 0


def measure_pages(app: Flask, meter: Meter, requests: int, warmup: int) -> list[Result]:
    present = [p for p in PAGES if p.endpoint in app.view_functions]
    logins = bench_users(app, {p.role for p in present})
    clients = {}
    for role, (email, password) in logins.items():
        client = app.test_client()
        response = client.post("/login", data={"email": email, "password": password})
        if response.status_code != 302:
            raise SystemExit(f"bench login as {role.value} failed with {response.status_code}")
        clients[role] = client

    results = []
    for page in PAGES:
        if page.endpoint not in app.view_functions:
            results.append(Result(page.label, "skipped", note=f"no endpoint {page.endpoint} yet"))
            continue
        with app.test_request_context():
            args = page.args(app)
            url = None if args is None else url_for(page.endpoint, **args, **page.query)
        if url is None:
            results.append(Result(page.label, "skipped", note="nothing to show"))
            continue
        client = clients[page.role]
        status, size, queries, times = measure(client, meter, url, warmup, requests)
        result = Result(f"{page.label} ({page.role.value})", status, size, queries, times, note=url)
        if status == 200:
            _, _, _, result.floor_times = measure(client, meter, floor_url(client, size), warmup, requests)
        results.append(result)
        print(f"  measured {result.label}: {status}, {size} bytes", file=sys.stderr)
    return results


def print_table(results: list[Result], requests: int, database: str) -> None:
    head = ("page", "status", "bytes", "queries", "median ms", "p95 ms", "floor med", "floor p95", "ratio")
    rows = []
    for r in results:
        if not r.times:
            rows.append((r.label, str(r.status), "", "", "", "", "", "", r.note))
            continue
        med = statistics.median(r.times)
        row = [r.label, str(r.status), str(r.size), f"{r.queries:.1f}", f"{med:.2f}", f"{p95(r.times):.2f}"]
        if r.floor_times:
            floor_med = statistics.median(r.floor_times)
            row += [f"{floor_med:.2f}", f"{p95(r.floor_times):.2f}", f"{med / floor_med:.1f}×"]
        else:
            row += ["", "", ""]
        rows.append(tuple(row))
    widths = [max(len(str(x)) for x in column) for column in zip(head, *rows)]
    print(f"\nServer time per page, {requests} requests after warm-up; database: {database}")
    for line in (head, tuple("-" * w for w in widths), *rows):
        print("  ".join(str(cell).ljust(w) if i == 0 else str(cell).rjust(w)
                        for i, (cell, w) in enumerate(zip(line, widths))).rstrip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=20, help="seed scale (default 20)")
    parser.add_argument("--requests", type=int, default=30, help="measured requests per page (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured requests first (default 3)")
    parser.add_argument("--load-only", action="store_true", help="only the mixed load on gunicorn (load.py)")
    parser.add_argument("--no-load", action="store_true", help="only the per-page times, no mixed load")
    parser.add_argument("--users", type=int, default=50, help="virtual users of the load run (default 50)")
    parser.add_argument("--duration", type=float, default=60, help="seconds of mixed load per database (default 60)")
    options = parser.parse_args(argv)
    if options.scale < 1 or options.requests < 1 or options.warmup < 0:
        parser.error("scale and requests must be positive, warmup not negative")
    if not 1 <= options.users <= 200 or not 1 <= options.duration <= 600:
        parser.error("the load run takes 1–200 users for 1–600 seconds")
    status = 0 if options.load_only else run(options.scale, options.requests, options.warmup)
    if options.load_only and options.no_load:
        parser.error("--load-only and --no-load exclude each other")
    if not options.no_load:
        from . import load

        status = max(status, load.main(options.scale, options.users, options.duration))
    return status


if __name__ == "__main__":
    sys.exit(main())
