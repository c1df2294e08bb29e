"""Per-page server time on a seeded database, next to the framework floor of the same size.

    python -m tests.benchmarks.bench [--scale 20] [--db sqlite|postgresql|both] [--only TEXT] [--requests 30]
        [--warmup 3] [--job-runs 3] [--load-only | --no-load] [--users 50] [--duration 60]

``--scale 334`` is the large company of the product (10,000 employees); the bench registers are seeded at their
own fixed sizes whatever the scale (200,000 incidents, 20,000 documents, 5,000 evidence files with 10,000
links, the audit, VCA and ISO 9001 registers: SEEDS), all of it before the first page is measured.

Uses a temporary SQLite database, a scratch PostgreSQL database on 127.0.0.1 (``--db postgresql``, dropped
afterwards; BENCH_POSTGRES_URL names the server), both one after the other (``--db both``: two tables), or
BENCH_DATABASE_URL (a database that already holds data is measured as it is, without seeding). For every page
in PAGES the Flask test client, logged in with the page's role,
asks the page many times; a WSGI middleware times the application alone and counts its SQL statements.
The "floor" is a bare route rendering base.html around filler of the page's byte size, measured in the same
run: the ratio says how much the page costs above what any page of that size costs. Exits non-zero when a
page does not answer 200. Every job in JOBS (the dossier, the payroll import, the reminders run) runs
``--job-runs`` times, with its median, p95 and statements per run.

Then the mixed load (tests/benchmarks/load.py): gunicorn on 127.0.0.1 with 50 virtual users for 60 s, on SQLite
and on PostgreSQL when reachable; ``--load-only`` runs only that part, ``--no-load`` leaves it out.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime
import io
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
    #: At most this many measured requests (and no warm-up): for a page that takes seconds.
    runs: int | None = None


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
    Page("dashboard", "core.dashboard", Role.STAFF),
    Page("dashboard", "core.dashboard", Role.HR),
    Page("dashboard", "core.dashboard", Role.AUDITOR),
    Page("dashboard", "core.dashboard", Role.ADMIN),
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
    # Every other PDF.
    Page("actions export PDF", "actions.export", Role.COORDINATOR, lambda app: _audits(app) and {"fmt": "pdf"},
         {"status": "all"}),
    Page("audit programme PDF", "audits.programme_export", Role.AUDITOR,
         lambda app: {"year": time.localtime().tm_year, "fmt": "pdf"}),
    Page("incident report PDF", "incidents.incident_pdf", Role.COORDINATOR, lambda app: _incidents(app, detail=True)),
    Page("site QR poster PDF", "incidents.poster", Role.COORDINATOR, lambda app: _poster_site(app)),
    Page("review minutes PDF", "reviews.minutes_pdf", Role.COORDINATOR, lambda app: _audits(app, review=True)),
    Page("pso dossier PDF", "pso.dossier_pdf", Role.HR),
    Page("vca LMRA card PDF", "vca.card_pdf", Role.COORDINATOR,
         lambda app: _vca(app) is not None and _first(app, "VcaLmraCard", "card_id")),
    Page("documents register PDF 20k", "documents.export_pdf", Role.COORDINATOR, _documents, runs=1),
    Page("document version PDF", "documents.pdf", Role.COORDINATOR, lambda app: _document_version(app)),
]


def _first(app: Flask, model: str, argument: str) -> dict | None:
    """``{argument: id}`` of the first row of a mapped class (by class name), None when there is none."""
    for mapper in db.Model.registry.mappers:
        if mapper.class_.__name__ == model:
            found = db.session.scalar(select(mapper.class_.id).order_by(mapper.class_.id).limit(1))
            return None if found is None else {argument: found}
    return None


#: Published documents linked to the requirements of each enabled norm (readiness, norm tree, dossier).
LINKED_DOCUMENTS = 2000


def _document_links(app: Flask) -> None:
    """Link the first LINKED_DOCUMENTS bench documents to the requirements of every enabled norm, once."""
    from sqlalchemy import insert

    from qms.documents.models import Document, DocumentRequirement
    from qms.norms import registry

    if db.session.scalar(select(DocumentRequirement.id).limit(1)) is not None:
        return
    ids = list(db.session.scalars(select(Document.id).where(Document.number.like("BN-%"))
                                  .order_by(Document.id).limit(LINKED_DOCUMENTS)))
    for norm in registry():
        cat = norm.versions[norm.default_version]
        codes = [r.code for r in cat.requirements.values() if r.kind == "requirement"]
        if codes and ids:
            db.session.execute(insert(DocumentRequirement), [
                {"document_id": d, "norm": norm.code, "norm_version": norm.default_version,
                 "requirement": codes[i % len(codes)]} for i, d in enumerate(ids)])


def _poster_site(app: Flask) -> dict | None:
    """The first site, with the QR code its poster shows (made once: a GET never makes one)."""
    from qms.incidents.services import site_token
    from qms.organisation.models import Site

    site = db.session.scalar(select(Site).order_by(Site.id).limit(1))
    if site is None:
        return None
    site_token(site, create=True)
    db.session.commit()
    return {"site_id": site.id}


def _document_version(app: Flask) -> dict | None:
    from qms.documents.models import DocumentVersion

    args = _documents(app, "BN-12345")
    version = db.session.scalar(select(DocumentVersion.id).where(DocumentVersion.document_id == args["document_id"]))
    return dict(args, version_id=version)


#: Everything seeded before the first measurement, in order (each is idempotent: the page helpers above find
#: the data present). Add a line to seed another register.
SEEDS = [
    ("20,000 documents", lambda app: _documents(app)),
    ("5,000 evidence files, 10,000 links", lambda app: _evidence(app)),
    ("2,000 documents linked to the requirements of every norm", lambda app: _document_links(app)),
    ("audit with 300 findings, management review", lambda app: _audits(app) and _audits(app, review=True)),
    ("200,000 incidents", lambda app: _incidents(app)),
    ("VCA registers", lambda app: _vca(app)),
    ("ISO 9001 registers", lambda app: _iso(app)),
    ("QR code of the first site", lambda app: _poster_site(app)),
]

# --- jobs ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Job:
    label: str
    #: Runs the job once, end to end: ``run(app, clients)`` with a logged-in test client per role.
    run: Callable[[Flask, dict], None]
    #: Made once before the first run, not timed: ``setup(app) -> None``.
    setup: Callable[[Flask], None] | None = None
    #: What the runs did, printed under the table: ``describe(app) -> str``.
    describe: Callable[[Flask], str] | None = None


def _dossier(app: Flask, clients: dict) -> None:
    from qms.evidence.seed import BENCH_NORM, bench_dossier

    bench_dossier(app, *BENCH_NORM)


#: Rows of the payroll file the import job reads (one per employee of the payroll register below).
PAYROLL_ROWS = 100_000


def _payroll_people(app: Flask) -> None:
    """PAYROLL_ROWS employees with payroll numbers (bulk): a payroll file names only people in the register."""
    from sqlalchemy import insert

    from qms.organisation.models import Employee

    with app.app_context():
        if db.session.scalar(select(Employee.id).where(Employee.number == f"PR{PAYROLL_ROWS - 1:06d}")):
            return
        for start in range(0, PAYROLL_ROWS, 10_000):
            db.session.execute(insert(Employee), [
                {"number": f"PR{i:06d}", "first_name": "Loon", "last_name": f"Bestand {i}", "function": "schoonmaker",
                 "hired_on": datetime.date(2015, 1, 1)} for i in range(start, min(PAYROLL_ROWS, start + 10_000))])
        db.session.commit()


def _payroll_file(year: int, shift: int = 0) -> bytes:
    """A payroll CSV of PAYROLL_ROWS rows for ``year``; another ``shift`` gives every row other hours."""
    return ("personeelsnummer;jaar;uren\n" + "".join(
        f"PR{i:06d};{year};{1000 + (i + shift) % 700}\n" for i in range(PAYROLL_ROWS))).encode()


def _payroll_upload(app: Flask, clients: dict, year: int, data: bytes) -> None:
    """Upload the file (the check runs), read the preview page, confirm (the import runs): all must succeed."""
    client = clients[Role.HR]
    response = client.post("/pso/import", data={"year": str(year), "file": (io.BytesIO(data), "loon.csv")},
                           content_type="multipart/form-data")
    if response.status_code != 302:
        raise RuntimeError(f"payroll upload answered {response.status_code}")
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])
    preview = client.get(f"/pso/import/jobs/{job_id}")
    if preview.status_code != 200 or f"/pso/import/jobs/{job_id}/confirm".encode() not in preview.data:
        raise RuntimeError(f"payroll preview answered {preview.status_code}")
    confirmed = client.post(f"/pso/import/jobs/{job_id}/confirm")
    with app.app_context():
        from qms.jobs import Job as JobRow, JobState

        done = db.session.scalar(select(JobRow).order_by(JobRow.id.desc()).limit(1))
        if confirmed.status_code != 302 or done.state != JobState.DONE:
            raise RuntimeError(f"payroll import ended {done.state.value}: {done.error}")
        if done.outcome.get("imported") != PAYROLL_ROWS:
            raise RuntimeError(f"payroll import saved {done.outcome.get('imported')} of {PAYROLL_ROWS:,} rows")


_payroll_runs = {"new": 0, "changed": 0}
#: The peiljaar whose hours the "changed rows" case imports again (the "new rows" case uses the years before it).
PAYROLL_YEAR = datetime.date.today().year - 1


def _payroll_import(app: Flask, clients: dict) -> None:
    """Upload a 100,000-row CSV of a peiljaar without hours yet: check, preview, confirm, import (every row
    new, with its entry in the audit trail)."""
    _payroll_runs["new"] += 1
    year = PAYROLL_YEAR - _payroll_runs["new"]
    _payroll_upload(app, clients, year, _payroll_file(year))


def _payroll_hours(app: Flask) -> None:
    """The employees of the payroll register with hours for PAYROLL_YEAR (saved directly, untimed)."""
    from qms.pso import payroll, services

    _payroll_people(app)
    with app.test_request_context():
        services.import_hours([payroll.PayrollRow(i + 2, f"PR{i:06d}", PAYROLL_YEAR, 1000 + i % 700)
                               for i in range(PAYROLL_ROWS)])
        db.session.commit()


def _payroll_reimport(app: Flask, clients: dict) -> None:
    """Import PAYROLL_YEAR again with other hours on every row: 100,000 updates, each in the audit trail."""
    _payroll_runs["changed"] += 1
    _payroll_upload(app, clients, PAYROLL_YEAR, _payroll_file(PAYROLL_YEAR, _payroll_runs["changed"]))


def _reminders(app: Flask, clients: dict) -> None:
    result = app.test_cli_runner().invoke(args=["qms", "reminders"])
    if result.exit_code != 0:
        raise RuntimeError(f"qms reminders failed: {result.output}")


def _reminders_sent(app: Flask) -> str:
    """How many notifications the reminder runs made, to how many people, and the most one person got."""
    from qms.notifications.models import Notification

    with app.app_context():
        per_user = select(Notification.user_id, func.count().label("n")).group_by(Notification.user_id).subquery()
        made, people, most = db.session.execute(
            select(func.coalesce(func.sum(per_user.c.n), 0), func.count(), func.coalesce(func.max(per_user.c.n), 0))
            .select_from(per_user)).one()
        emails = len(app.extensions.get("mail_outbox", []))
    return (f"qms reminders: {made:,} notifications to {people:,} people over the runs, at most {most} for one "
            f"person" + (f"; {emails:,} e-mails" if emails else ""))


#: The jobs measured after the pages, in order. Add a line here to measure a new job.
JOBS = [
    Job("evidence dossier build (iso9001 2015, 5,000 files)", _dossier),
    Job("qms reminders", _reminders, describe=_reminders_sent),
    Job(f"payroll import, {PAYROLL_ROWS:,} new rows, check + preview + import", _payroll_import, _payroll_people),
    Job(f"payroll import, {PAYROLL_ROWS:,} changed rows, check + preview + import", _payroll_reimport,
        _payroll_hours),
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
                     UPLOAD_FOLDER=str(workdir / "uploads"), QMS_DEMO_PASSWORD_FILE=str(workdir / "demo-password.txt"),
                     # The address a poster's QR code names (a loopback address makes the poster refuse).
                     PUBLIC_URL="https://qms.bench.example",
                     # The trail's checkpoints and key belong to this database, not to the instance's own.
                     AUDIT_CHECKPOINT_FILE=str(workdir / "audit-checkpoints.jsonl"),
                     AUDIT_HMAC_KEY_FILE=str(workdir / "audit-hmac.key"))
    app.jinja_env.loader = ChoiceLoader([DictLoader({FLOOR_TEMPLATE: FLOOR_SOURCE}), app.jinja_env.loader])

    def floor():
        n = min(max(request.args.get("n", 0, type=int), 0), 50_000_000)
        return render_template(FLOOR_TEMPLATE, filler="x" * n)

    floor._qms_permission = "public"  # type: ignore[attr-defined]
    app.add_url_rule("/_bench/floor", "bench_floor", floor)
    return app


def prepare_database(app: Flask, scale: int) -> bool:
    """Migrate; seed the company at ``scale`` unless the database holds data (then False: measured as it is)."""
    from qms.auth.models import User
    from qms.organisation.models import Employee
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
            return False
        started = time.perf_counter()
        seed(db.session, scale, progress=lambda n: click.progressbar(length=n, label=f"Seeding scale {scale}"))
        db.session.commit()
        employees = db.session.scalar(select(func.count()).select_from(Employee))
        print(f"Seeded scale {scale} ({employees:,} employees) in {time.perf_counter() - started:.1f} s.")
    return True


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


def analyze(app: Flask) -> None:
    """Planner statistics and visibility maps for what was just seeded, as a database in use has them from
    PostgreSQL's autovacuum (a plan made on empty-table statistics, or an index that cannot answer alone, would
    measure the seeding, not the page)."""
    from sqlalchemy import text

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))


def seed_all(app: Flask) -> None:
    """Every register of SEEDS, before anything is measured; how long each took."""
    total = time.perf_counter()
    for label, seed_one in SEEDS:
        started = time.perf_counter()
        with app.test_request_context():
            seed_one(app)
            db.session.commit()
        print(f"  seeded {label} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    print(f"Seeded the bench registers in {time.perf_counter() - total:.1f} s.")


@contextlib.contextmanager
def scratch_postgres():
    """A new PostgreSQL database on the bench server (BENCH_POSTGRES_URL, default 127.0.0.1 as postgres),
    dropped afterwards whatever happens."""
    from sqlalchemy import create_engine, text

    base = make_url(os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"))
    name = f"qms_bench_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run(scale: int, requests: int, warmup: int, only: str = "", database: str = "sqlite",
        job_runs: int = 3) -> tuple[str, list[Result]]:
    """Seed (unless the database holds data), then measure every page and job: (database shown, results)."""
    workdir = pathlib.Path(tempfile.mkdtemp(prefix="qms-bench-"))
    given = os.environ.get("BENCH_DATABASE_URL")
    with contextlib.ExitStack() as stack:
        stack.callback(shutil.rmtree, workdir, ignore_errors=True)
        if given:
            database_url, shown = given, make_url(given).render_as_string(hide_password=True)
        elif database == "postgresql":
            database_url, shown = stack.enter_context(scratch_postgres()), "scratch PostgreSQL (127.0.0.1)"
        else:
            database_url, shown = f"sqlite:///{workdir / 'bench.sqlite3'}", "temporary SQLite"
        app = build_app(database_url, workdir)
        if prepare_database(app, scale):
            seed_all(app)
        analyze(app)
        meter = Meter(app.wsgi_app)
        app.wsgi_app = meter  # type: ignore[method-assign]
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", meter.count)
        results, clients = measure_pages(app, meter, requests, warmup, only)
        results += measure_jobs(app, meter, clients, job_runs, only)
        if only.lower() in "employee import":
            from .imports import measure_employee_import

            results += [Result(*row) for row in measure_employee_import()]
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    return shown, results


def measure_jobs(app: Flask, meter: Meter, clients: dict, runs: int, only: str = "") -> list[Result]:
    """Each job of JOBS ``runs`` times (its setup once, untimed): server time and statements per run."""
    results = []
    for job in JOBS:
        if only.lower() not in job.label.lower():
            continue
        if job.setup is not None:
            job.setup(app)
        times, queries = [], []
        try:
            for _ in range(runs):
                meter.queries = 0
                started = time.perf_counter()
                job.run(app, clients)
                times.append((time.perf_counter() - started) * 1000)
                queries.append(meter.queries)
        except Exception as error:  # a failing job is a row of the table, not the end of the run
            results.append(Result(job.label, "failed", note=f"{type(error).__name__}: {error}"[:200]))
            continue
        note = f"job: {job.describe(app)}" if job.describe is not None else "job"
        results.append(Result(job.label, 200, 0, statistics.mean(queries), times, note=note))
        print(f"  measured {job.label}", file=sys.stderr)
    return results


def measure_pages(app: Flask, meter: Meter, requests: int, warmup: int, only: str = "") -> list[Result]:
    pages = [p for p in PAGES if only.lower() in p.label.lower()]
    present = [p for p in pages if p.endpoint in app.view_functions]
    logins = bench_users(app, {p.role for p in present} | {Role.HR, Role.COORDINATOR})
    clients = {}
    for role, (email, password) in logins.items():
        client = app.test_client()
        response = client.post("/login", data={"email": email, "password": password})
        if response.status_code != 302:
            raise SystemExit(f"bench login as {role.value} failed with {response.status_code}")
        clients[role] = client

    results = []
    for page in pages:
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
        page_warmup, page_requests = (warmup, requests) if page.runs is None else (0, min(page.runs, requests))
        status, size, queries, times = measure(client, meter, url, page_warmup, page_requests)
        result = Result(f"{page.label} ({page.role.value})", status, size, queries, times, note=url)
        if status == 200:
            _, _, _, result.floor_times = measure(client, meter, floor_url(client, size), warmup, requests)
        if page.runs is not None:
            result.note = f"{url} (measured {page_requests}×)"
        results.append(result)
        print(f"  measured {result.label}: {status}, {size} bytes", file=sys.stderr)
    return results, clients


def print_table(results: list[Result], requests: int, database: str, job_runs: int = 3) -> None:
    head = ("page / job", "status", "bytes", "queries", "median ms", "p95 ms", "floor med", "floor p95", "ratio")
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
    print(f"\nServer time per page ({requests} requests after warm-up) and per job ({job_runs} runs); "
          f"database: {database}")
    for line in (head, tuple("-" * w for w in widths), *rows):
        print("  ".join(str(cell).ljust(w) if i == 0 else str(cell).rjust(w)
                        for i, (cell, w) in enumerate(zip(line, widths))).rstrip())
    for r in results:
        if r.note.startswith("job: "):
            print(f"  {r.note[5:]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=20, help="seed scale (default 20)")
    parser.add_argument("--requests", type=int, default=30, help="measured requests per page (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured requests first (default 3)")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default=os.environ.get("BENCH_DB", "sqlite"),
                        help="database to measure on (default sqlite, or BENCH_DB); both: one table each")
    parser.add_argument("--job-runs", type=int, default=3, help="runs of each job (default 3)")
    parser.add_argument("--only", default="", help="measure only the cases whose label contains this text")
    parser.add_argument("--load-only", action="store_true", help="only the mixed load on gunicorn (load.py)")
    parser.add_argument("--no-load", action="store_true", help="only the per-page times, no mixed load")
    parser.add_argument("--users", type=int, default=50, help="virtual users of the load run (default 50)")
    parser.add_argument("--duration", type=float, default=60, help="seconds of mixed load per database (default 60)")
    options = parser.parse_args(argv)
    if options.scale < 1 or options.requests < 1 or options.warmup < 0 or options.job_runs < 1:
        parser.error("scale and requests must be positive, warmup not negative")
    if not 1 <= options.users <= 200 or not 1 <= options.duration <= 600:
        parser.error("the load run takes 1–200 users for 1–600 seconds")
    if options.load_only and options.no_load:
        parser.error("--load-only and --no-load exclude each other")
    status = 0
    if not options.load_only:
        databases = ["sqlite", "postgresql"] if options.db == "both" else [options.db]
        tables = []
        for database in databases:
            shown, results = run(options.scale, options.requests, options.warmup, options.only, database,
                                 options.job_runs)
            tables.append((shown, results))
            print_table(results, options.requests, shown, options.job_runs)
            if any(r.status not in (200, "skipped") for r in results):
                status = 1
        if len(tables) > 1:  # both again, one after the other, at the end of the output
            for shown, results in tables:
                print_table(results, options.requests, shown, options.job_runs)
    if not options.no_load:
        from . import load

        status = max(status, load.main(options.scale, options.users, options.duration))
    return status


if __name__ == "__main__":
    sys.exit(main())
