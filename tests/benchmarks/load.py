"""Mixed load on a real server: gunicorn (2 workers × threads) on 127.0.0.1 against a seeded database.

    python -m tests.benchmarks.bench --load-only [--scale 2] [--users 50] [--duration 60]

Virtual users are threads with their own keep-alive connection (http.client) and session cookie. Staff:
dashboard, report an incident through the real form (CSRF token and all), the to-read list, open a document in
the reading view and confirm it.
Coordinators: incident log, a log search, the document register, all actions, evidence readiness. Then the
framework floor (a bare page of the same size as the average page of the mix) under the same number of users.
Per database: requests/s, p50/p95/p99 ms and errors (5xx, refused connections, unexpected answers). Only
127.0.0.1 is used; the run is bounded in time and stops the server it started, whatever happens.
Jobs (the coordinators' notification of a report) go through a real queue to a job worker started beside
gunicorn, as in production, not into the request.
Targets, reported and not asserted: at least 100 requests/s, p95 at most 500 ms and 0 errors.
"""
from __future__ import annotations

import dataclasses
import http.client
import os
import pathlib
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from urllib.parse import urlencode, urlsplit

HOST = "127.0.0.1"
WORKERS = 2
THREADS = 4
STAFF_SHARE = 0.7
#: Accounts per role the virtual users share (each user logs in for its own session).
ACCOUNTS = {"staff": 10, "coordinator": 3}
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
READ = re.compile(r'href="(/documents/\d+/versions/\d+/read)"')
CONFIRM = re.compile(r'<form method="post" action="(/documents/\d+/versions/\d+/confirm)"')
SHOWN = re.compile(r'name="shown" value="([^"]+)"')
SITE_OPTION = re.compile(r'<select[^>]*name="site_id".*?</select>', re.S)
OPTION_VALUE = re.compile(r'<option[^>]*value="(\d+)"')
SEARCH_WORDS = ("ladder", "glas", "vloer", "hoogwerker", "kantoor", "schoonmaak")


# --- a small HTTP client -------------------------------------------------------------------------------------

class Session:
    """One keep-alive connection and its cookies."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection(HOST, port, timeout=30)

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, dict]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Host": f"{HOST}:{self.port}",
                   "Accept-Language": "nl"}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self._reconnect()  # the server closed an idle keep-alive connection: try once more
                if attempt == 2:
                    raise
            except (OSError, http.client.HTTPException):
                self._reconnect()  # a timeout leaves the connection mid-request: the next one starts afresh
                raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, val = pair.partition("=")
                self.cookies[key.strip()] = val.strip()
        return response.status, data.decode("utf-8", "replace"), dict(response.getheaders())

    def _reconnect(self) -> None:
        self.conn.close()
        self.conn = http.client.HTTPConnection(HOST, self.port, timeout=30)

    def close(self) -> None:
        self.conn.close()


@dataclasses.dataclass
class Tally:
    times: list[float] = dataclasses.field(default_factory=list)
    by_label: dict[str, list[float]] = dataclasses.field(default_factory=dict)
    errors: list[str] = dataclasses.field(default_factory=list)
    sizes: list[int] = dataclasses.field(default_factory=list)
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)

    def add(self, ms: float, size: int, error: str | None = None, label: str = "") -> None:
        with self.lock:
            self.times.append(ms)
            self.by_label.setdefault(label, []).append(ms)
            self.sizes.append(size)
            if error:
                self.errors.append(error)


def timed(tally: Tally, session: Session, method: str, path: str, form: dict | None = None,
          expect: tuple[int, ...] = (200,), label: str = "") -> tuple[int, str, dict]:
    started = time.perf_counter()
    try:
        status, body, headers = session.request(method, path, form)
    except (OSError, http.client.HTTPException) as error:
        tally.add((time.perf_counter() - started) * 1000, 0, f"{label or path}: {error!r}", label)
        return 0, "", {}
    ms = (time.perf_counter() - started) * 1000
    tally.add(ms, len(body), None if status in expect else f"{label or path}: {status}", label)
    return status, body, headers


# --- what the virtual users do --------------------------------------------------------------------------------

def login(port: int, email: str, password: str) -> Session:
    session = Session(port)
    status, page, _ = session.request("GET", "/login")
    token = CSRF.search(page)
    status, _, headers = session.request("POST", "/login", {"email": email, "password": password,
                                                            "csrf_token": token.group(1) if token else ""})
    if status != 302:
        raise RuntimeError(f"login of {email} answered {status}")
    return session


def staff_round(session: Session, tally: Tally, rng: random.Random) -> None:
    timed(tally, session, "GET", "/", label="dashboard")
    if rng.random() < 0.3:
        status, page, _ = timed(tally, session, "GET", "/incidents/report", label="report form")
        token = CSRF.search(page)
        if status == 200 and token:
            select = SITE_OPTION.search(page)
            sites = OPTION_VALUE.findall(select.group(0)) if select else []
            when = time.strftime("%Y-%m-%dT%H:%M", time.localtime(time.time() - rng.randint(600, 86_400)))
            form = {"csrf_token": token.group(1), "submission_id": secrets.token_hex(16),
                    "type": rng.choice(["near_miss", "unsafe_situation", "unsafe_act"]), "occurred_at": when,
                    "site_id": rng.choice(sites) if sites else "", "location": "Gang 2e verdieping",
                    "involved": ["own_staff"], "injured_count": "0",
                    "description": "Natte vloer zonder waarschuwingsbord bij de lift; bijna uitgegleden.",
                    "immediate_action": "Bord neergezet."}
            timed(tally, session, "POST", "/incidents/report", form, expect=(302,), label="report incident")
    status, page, _ = timed(tally, session, "GET", "/documents/to-read", label="to read")
    reads = READ.findall(page)
    if reads and rng.random() < 0.5:
        status, page, _ = timed(tally, session, "GET", rng.choice(reads), label="reading view")
        confirm, token, shown = CONFIRM.search(page), CSRF.search(page), SHOWN.search(page)
        if status == 200 and confirm and token and shown:
            timed(tally, session, "POST", confirm.group(1), {"csrf_token": token.group(1), "shown": shown.group(1)},
                  expect=(302,), label="confirm reading")


def coordinator_round(session: Session, tally: Tally, rng: random.Random) -> None:
    timed(tally, session, "GET", "/incidents/", label="incident log")
    timed(tally, session, "GET", "/incidents/?" + urlencode({"q": rng.choice(SEARCH_WORDS)}), label="incident search")
    timed(tally, session, "GET", "/documents/", label="documents register")
    timed(tally, session, "GET", "/actions/all", label="all actions")
    timed(tally, session, "GET", "/evidence/", label="evidence readiness")


def floor_round(session: Session, tally: Tally, rng: random.Random, size: int) -> None:
    timed(tally, session, "GET", f"/_bench/floor?n={size}", label="floor")


def log_in_users(port: int, accounts: dict[str, list[tuple[str, str]]], users: int) -> list[tuple[str, Session]]:
    """One logged-in session per virtual user (role, session), logged in side by side before anything is timed;
    a failed login leaves a None session and is reported as an error of the run."""
    out: list = [None] * users

    def one(n: int) -> None:
        role = "staff" if n < round(users * STAFF_SHARE) else "coordinator"
        email, password = accounts[role][n % len(accounts[role])]
        try:
            out[n] = (role, login(port, email, password))
        except (RuntimeError, OSError, http.client.HTTPException) as error:
            out[n] = (role, error)

    threads = [threading.Thread(target=one, args=(n,), daemon=True) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return [item if item is not None else ("staff", TimeoutError("login did not finish")) for item in out]


def run_users(sessions: list[tuple[str, Session]], duration: float, floor_size: int | None = None
              ) -> tuple[Tally, float]:
    """One thread per session for ``duration`` seconds: the mix, or the floor page when ``floor_size`` is given."""
    tally = Tally()
    stop = time.monotonic() + duration

    def user(n: int, role: str, session: Session) -> None:
        rng = random.Random(n)
        while time.monotonic() < stop:
            if floor_size is not None:
                floor_round(session, tally, rng, floor_size)
            elif role == "staff":
                staff_round(session, tally, rng)
            else:
                coordinator_round(session, tally, rng)

    threads = []
    for n, (role, session) in enumerate(sessions):
        if isinstance(session, Session):
            threads.append(threading.Thread(target=user, args=(n, role, session), daemon=True))
        else:
            tally.add(0, 0, f"login: {session!r}", "login")
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(duration + 60)
    return tally, time.monotonic() - started


# --- the server and the database ------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _server_env(database_url: str, workdir: pathlib.Path) -> dict[str, str]:
    return dict(os.environ, BENCH_LOAD_DATABASE_URL=database_url, BENCH_LOAD_WORKDIR=str(workdir),
                JOBS_IMMEDIATE="false", JOBS_DATABASE=str(workdir / "jobs.sqlite3"), REDIS_URL="")


def start_worker(database_url: str, workdir: pathlib.Path) -> subprocess.Popen:
    """The job worker beside gunicorn (flask qms worker on the same app and queue)."""
    root = pathlib.Path(__file__).resolve().parents[2]
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "tests.benchmarks.load_app", "qms", "worker"],
                            cwd=root, env=_server_env(database_url, workdir), start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def start_server(database_url: str, workdir: pathlib.Path, port: int) -> subprocess.Popen:
    env = _server_env(database_url, workdir)
    root = pathlib.Path(__file__).resolve().parents[2]
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--threads", str(THREADS),
         "--bind", f"{HOST}:{port}", "--timeout", "60", "--log-level", "warning", "tests.benchmarks.load_app:app"],
        cwd=root, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/login")
            conn.getresponse().read()
            conn.close()
            return server
        except OSError:
            time.sleep(0.3)
    stop_server(server)
    raise RuntimeError("gunicorn did not answer within 60 s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(5)


def prepare(database_url: str, workdir: pathlib.Path, scale: int) -> dict[str, list[tuple[str, str]]]:
    """Migrate and seed (scale ``scale``), a few hundred documents staff must read, and the bench accounts."""
    from sqlalchemy import insert, select

    from qms.documents.demo import seed_documents
    from qms.documents.models import DistributionTarget, Document, TargetKind
    from qms.extensions import db
    from qms.permissions import Role

    from .bench import analyze, bench_users, build_app, prepare_database

    app = build_app(database_url, workdir)
    prepare_database(app, scale)
    with app.app_context():
        if not db.session.scalar(select(Document.id).where(Document.number == "BN-00300")):
            seed_documents(db.session, 300)
            ids = db.session.scalars(select(Document.id).where(Document.number.like("BN-%"))).all()
            db.session.execute(insert(DistributionTarget), [
                {"document_id": i, "kind": TargetKind.ROLE, "role": Role.STAFF.value} for i in ids])
            db.session.commit()
    analyze(app)
    accounts: dict[str, list[tuple[str, str]]] = {}
    for role_name, count in ACCOUNTS.items():
        role = Role(role_name)
        accounts[role_name] = [bench_users(app, {role})[role] for _ in range(count)]
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return accounts


def postgres_url() -> str | None:
    """A scratch database on the local PostgreSQL, or None when it is not reachable."""
    import psycopg

    name = f"qms_bench_{os.getpid()}_{int(time.time())}"
    try:
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True, connect_timeout=3) as c:
            c.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error:
        return None
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def drop_postgres(url: str) -> None:
    import psycopg

    name = urlsplit(url.replace("+psycopg", "")).path.lstrip("/")
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True, connect_timeout=3) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- reporting ------------------------------------------------------------------------------------------------

def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))] if ordered else 0.0


def summary(label: str, tally: Tally, seconds: float) -> tuple:
    n = len(tally.times)
    return (label, str(n), f"{n / seconds:.1f}" if seconds else "", f"{percentile(tally.times, 50):.0f}",
            f"{percentile(tally.times, 95):.0f}", f"{percentile(tally.times, 99):.0f}", str(len(tally.errors)))


def print_rows(rows: list[tuple]) -> None:
    head = ("run", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors")
    widths = [max(len(str(x)) for x in column) for column in zip(head, *rows)]
    for line in (head, tuple("-" * w for w in widths), *rows):
        print("  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(line, widths))))


def run_database(label: str, database_url: str, scale: int, users: int, duration: float) -> tuple[list[tuple], int]:
    workdir = pathlib.Path(tempfile.mkdtemp(prefix="qms-load-"))
    server = worker = None
    try:
        print(f"\n[{label}] preparing the database (scale {scale}) …", flush=True)
        accounts = prepare(database_url, workdir, scale)
        port = free_port()
        server = start_server(database_url, workdir, port)
        worker = start_worker(database_url, workdir)
        print(f"[{label}] {users} virtual users for {duration:.0f} s against gunicorn "
              f"({WORKERS} workers × {THREADS} threads) on {HOST}:{port} …", flush=True)
        sessions = log_in_users(port, accounts, users)
        mix, mix_seconds = run_users(sessions, duration)
        size = round(statistics.mean(mix.sizes)) if mix.sizes else 20_000
        floor_seconds_wanted = max(10.0, duration / 3)
        print(f"[{label}] the floor: a bare page of {size} bytes, {users} users for {floor_seconds_wanted:.0f} s …",
              flush=True)
        floor, floor_seconds = run_users(sessions, floor_seconds_wanted, floor_size=size)
        for _, session in sessions:
            if isinstance(session, Session):
                session.close()
    finally:
        for process in (server, worker):
            if process is not None:
                stop_server(process)
        shutil.rmtree(workdir, ignore_errors=True)
    rows = [summary(f"{label}: mix", mix, mix_seconds), summary(f"{label}: floor", floor, floor_seconds)]
    print(f"[{label}] per step of the mix (requests, p50 / p95 ms):")
    for step, times in sorted(mix.by_label.items()):
        print(f"  {step:<20} {len(times):>6}  {percentile(times, 50):>7.0f} / {percentile(times, 95):.0f}")
    for error in sorted(set(mix.errors + floor.errors))[:15]:
        print(f"  error: {error}")
    return rows, len(mix.errors) + len(floor.errors)


def main(scale: int, users: int, duration: float) -> int:
    rows, errors = [], 0
    explicit = os.environ.get("BENCH_DATABASE_URL")
    targets = [("given database", explicit)] if explicit else []
    scratch_sqlite = pathlib.Path(tempfile.mkdtemp(prefix="qms-load-db-"))
    if not explicit:
        targets.append(("SQLite", f"sqlite:///{scratch_sqlite / 'load.sqlite3'}"))
        pg = postgres_url()
        if pg:
            targets.append(("PostgreSQL", pg))
        else:
            print("PostgreSQL on 127.0.0.1:5432 is not reachable: measuring SQLite only.")
    try:
        for label, url in targets:
            got, failed = run_database(label, url, scale, users, duration)
            rows += got
            errors += failed
    finally:
        shutil.rmtree(scratch_sqlite, ignore_errors=True)
        for label, url in targets:
            if label == "PostgreSQL":
                drop_postgres(url)
    print(f"\nMixed load: {users} virtual users ({STAFF_SHARE:.0%} staff), {duration:.0f} s per database, "
          f"gunicorn {WORKERS} workers × {THREADS} threads. "
          "Targets: at least 100 req/s, p95 at most 500 ms, 0 errors.")
    print_rows(rows)
    return 1 if errors else 0
