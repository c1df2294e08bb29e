"""Nothing lost under concurrent use: a live server, many clients at once, on SQLite and on PostgreSQL.

The app runs on a real HTTP server (werkzeug, threaded) with CSRF enabled, on this test's database (the
TEST_DATABASE_URL database on PostgreSQL). Clients are threads with their own cookie jar that use the
real forms: they fetch the form, take its CSRF token and one-time submission id, and post it.

- incident reports, half through the logged-in form and half through the anonymous QR form: every success
  answer is a stored row, no number twice, no server error;
- reading confirmations: every user taps "I have read it" twice at once on the same documents: exactly one
  confirmation per user and version, no error;
- nonconformities opened at the same moment: distinct numbers, no error;
- PostgreSQL only: the app's database connections are terminated while clients report. Every report answered
  as received is stored exactly once, and every failure page tells the truth about what was stored.

Each test prints its figures (sent, stored, lost, 5xx) with ``-s``.
"""
from __future__ import annotations

import datetime as dt
import http.cookiejar
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest
from sqlalchemy import create_engine, func, select, text
from werkzeug.serving import make_server

from qms.actions.models import Nonconformity
from qms.documents.models import Document, DocumentType, DocumentVersion, ReadConfirmation, VersionState
from qms.extensions import db as _db
from qms.incidents import services as incidents
from qms.incidents.models import Incident
from qms.organisation.models import Site
from qms.permissions import Role
from tests.conftest import PASSWORD, PG_URL

CLIENTS = 30
REPORTS_PER_CLIENT = 10
HIDDEN = re.compile(r'<input[^>]*name="(csrf_token|submission_id|shown)"[^>]*value="([^"]*)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Answer:
    status: int
    location: str = ""
    body: str = ""


#: Seconds per request by method, printed as figures (never asserted: speeds are for `make bench`).
TIMINGS: dict[str, list[float]] = {"GET": [], "POST": []}


class Client:
    """One person's browser: a cookie jar, no redirects followed, answers as (status, location, body)."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  _NoRedirect())

    def _open(self, path: str, data: dict | None = None) -> Answer:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        started = time.perf_counter()
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                return Answer(response.status, response.headers.get("Location", ""), response.read().decode())
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.headers.get("Location", ""), error.read().decode(errors="replace"))
        finally:
            TIMINGS["POST" if data is not None else "GET"].append(time.perf_counter() - started)

    def get(self, path: str) -> Answer:
        return self._open(path)

    def post(self, path: str, data: dict) -> Answer:
        return self._open(path, data)

    def form(self, path: str, attempts: int = 5) -> dict[str, str]:
        """The hidden fields (CSRF token, submission id) of the form at ``path``; a failed page is fetched again."""
        for _ in range(attempts):
            answer = self.get(path)
            if answer.status == 200:
                return dict(HIDDEN.findall(answer.body))
            time.sleep(0.05)
        raise AssertionError(f"GET {path} kept failing: {answer.status}")

    def log_in(self, email: str, attempts: int = 5) -> None:
        """Log in through the form; a failed answer (a lost database connection) is tried again."""
        for _ in range(attempts):
            fields = self.form("/login")
            answer = self.post("/login", {"csrf_token": fields["csrf_token"], "email": email, "password": PASSWORD})
            if answer.status == 302:
                return
            assert answer.status >= 500, answer.body[:300]
        raise AssertionError(f"logging in kept failing: {answer.status}")


@dataclass
class Tally:
    """What the clients saw."""

    sent: int = 0
    success: list[str] = field(default_factory=list)  # submission ids answered as received
    failed: list[tuple[str, int, str]] = field(default_factory=list)  # (submission id, status, body)
    statuses: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, token: str, answer: Answer, ok: bool) -> None:
        with self.lock:
            self.sent += 1
            self.statuses[answer.status] += 1
            (self.success.append(token) if ok else self.failed.append((token, answer.status, answer.body)))

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)


@pytest.fixture
def live(app_factory):
    """The app with CSRF on a free port; yields (app, base URL). Shut down and disposed afterwards."""
    app = app_factory(WTF_CSRF_ENABLED=True, INCIDENT_PUBLIC_MAX_PER_HOUR=100_000, MAIL_BACKEND="memory")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def _users(app, role: Role, n: int, prefix: str) -> list[str]:
    from qms.auth.models import User, UserRole
    from qms.auth.passwords import hash_password

    emails = [f"{prefix}{i}@load.example" for i in range(n)]
    with app.app_context():
        password_hash = hash_password(PASSWORD)
        for email in emails:
            user = User(email=email, name=email.split("@")[0], active=True, password_hash=password_hash)
            user.roles = [UserRole(role=role)]
            _db.session.add(user)
        _db.session.commit()
    return emails


def _site_token(app) -> str:
    with app.app_context():
        site = Site(name="Kantoorpand Maliesingel", active=True)
        _db.session.add(site)
        _db.session.commit()
        token = incidents.site_token(site).token
        _db.session.commit()
        return token


def _report_fields(client_no: int, n: int, public: bool) -> dict:
    when = (dt.datetime.now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    data = {"type": "near_miss", "occurred_at": when, "site_id": "", "location": f"Verdieping {client_no}",
            "involved": "own_staff", "injured_count": "0", "immediate_action": "", "persons_text": "",
            "description": f"Natte vloer zonder bord (client {client_no}, report {n})."}
    if public:
        data["anonymous"] = "y"
    return data


def _reporter(base: str, client_no: int, email: str | None, qr_token: str, tally: Tally, reports: int,
              resend: int = 0) -> None:
    """Send ``reports`` reports through the logged-in form (``email``) or the QR form; a failed answer is sent
    again with the same form up to ``resend`` times, as a person pressing the button again would."""
    client = Client(base)
    if email:
        client.log_in(email)
    path = "/incidents/report" if email else f"/incidents/qr/{qr_token}"
    for n in range(reports):
        fields = client.form(path)
        data = _report_fields(client_no, n, public=not email) | fields
        for attempt in range(resend + 1):
            answer = client.post(path, data)
            ok = answer.status == 302 and ("/incidents/mine" in answer.location or "/thanks" in answer.location)
            if ok or attempt == resend:
                tally.add(fields["submission_id"], answer, ok)
                break
            with tally.lock:
                tally.statuses[answer.status] += 1
                tally.failed.append((fields["submission_id"], answer.status, answer.body))


def _run_reporters(base: str, emails: list[str], qr_token: str, tally: Tally, reports: int, resend: int = 0):
    with ThreadPoolExecutor(CLIENTS) as pool:
        futures = [pool.submit(_reporter, base, i, emails[i] if i < len(emails) else None, qr_token, tally,
                               reports, resend) for i in range(CLIENTS)]
        for future in futures:
            future.result()


def _stored_tokens(app) -> list[str]:
    with app.app_context():
        tokens = list(_db.session.scalars(select(Incident.submission_token)))
        _db.session.remove()
        return tokens


def _p95(values: list[float]) -> str:
    ordered = sorted(values)
    return f"{ordered[int(0.95 * (len(ordered) - 1))]:.2f}s" if ordered else "-"


def _figures(name: str, tally: Tally, stored: int) -> str:
    line = (f"{name} [{'postgresql' if PG_URL else 'sqlite'}]: sent {tally.sent}, answered as stored "
            f"{len(tally.success)}, stored {stored}, lost {max(0, len(set(tally.success)) - stored)}, "
            f"5xx {tally.server_errors}, statuses {dict(tally.statuses)}")
    print("\n" + line + f"; p95 GET {_p95(TIMINGS['GET'])}, POST {_p95(TIMINGS['POST'])}, "
          f"max GET {max(TIMINGS['GET'], default=0):.2f}s")
    for values in TIMINGS.values():
        values.clear()
    return line


def test_concurrent_reports_are_all_stored_once_with_unique_numbers(live):
    app, base = live
    emails = _users(app, Role.STAFF, CLIENTS // 2, "reporter")
    qr_token = _site_token(app)
    tally = Tally()
    _run_reporters(base, emails, qr_token, tally, REPORTS_PER_CLIENT)
    stored = _stored_tokens(app)
    figures = _figures("reports", tally, len(stored))
    with app.app_context():
        numbers = list(_db.session.scalars(select(Incident.number)))
        via_qr = _db.session.scalar(select(func.count()).select_from(Incident).where(Incident.via_qr.is_(True)))
    assert tally.sent == CLIENTS * REPORTS_PER_CLIENT, figures
    assert tally.server_errors == 0 and not tally.failed, (figures, [f[:2] for f in tally.failed][:5])
    assert len(stored) == len(tally.success) == tally.sent, figures
    assert sorted(stored) == sorted(tally.success), "a stored report is not the one that was answered"
    assert len(set(numbers)) == len(numbers) == tally.sent, "an incident number was handed out twice"
    assert via_qr == tally.sent // 2
    year = dt.date.today().year
    assert sorted(numbers) == [f"INC-{year}-{n:04d}" for n in range(1, tally.sent + 1)], "numbers have gaps"


def _published_documents(app, n: int) -> list[tuple[int, int]]:
    with app.app_context():
        out = []
        for i in range(n):
            document = Document(number=f"WI-{100 + i}", title=f"Werkinstructie {i}", type=DocumentType.WORK_INSTRUCTION,
                                status=VersionState.PUBLISHED)
            version = DocumentVersion(major=1, minor=0, state=VersionState.PUBLISHED, content_markdown="Lees dit.",
                                      published_at=dt.datetime.now(), effective_date=dt.date.today())
            document.versions.append(version)
            _db.session.add(document)
            _db.session.flush()
            out.append((document.id, version.id))
        _db.session.commit()
        return out


def test_reading_confirmations_tapped_twice_at_once_are_kept_once(live):
    app, base = live
    readers = _users(app, Role.STAFF, 15, "reader")
    documents = _published_documents(app, 3)
    tally = Tally()

    def reader(email: str) -> None:
        client = Client(base)
        client.log_in(email)
        for document_id, version_id in documents:
            fields = client.form(f"/documents/{document_id}/versions/{version_id}/read")
            path = f"/documents/{document_id}/versions/{version_id}/confirm"
            with ThreadPoolExecutor(2) as taps:  # two taps on the button at the same moment
                answers = list(taps.map(lambda _n: client.post(path, {"csrf_token": fields["csrf_token"],
                                                                        "shown": fields["shown"]}), range(2)))
            for answer in answers:
                tally.add(f"{email}:{version_id}", answer, answer.status == 302 and "to-read" in answer.location)

    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(reader, readers))
    with app.app_context():
        rows = _db.session.execute(select(ReadConfirmation.user_id, ReadConfirmation.version_id)).all()
    figures = _figures("reading confirmations", tally, len(rows))
    assert tally.server_errors == 0 and not tally.failed, (figures, [f[:2] for f in tally.failed][:5])
    assert tally.sent == 2 * len(readers) * len(documents)
    assert len(rows) == len(set(rows)) == len(readers) * len(documents), figures


def test_nonconformities_opened_at_once_get_distinct_numbers(live):
    app, base = live
    managers = _users(app, Role.COORDINATOR, CLIENTS, "coordinator")
    tally = Tally()
    per_client = 2

    def opener(email: str) -> None:
        client = Client(base)
        client.log_in(email)
        for n in range(per_client):
            fields = client.form("/actions/nc/new")
            answer = client.post("/actions/nc/new", {
                "csrf_token": fields["csrf_token"], "title": f"Afwijking {email} {n}", "description": "",
                "severity": "minor", "source_type": "manual", "requirement": "", "owner_id": ""})
            tally.add(email, answer, answer.status == 302 and "/actions/nc/" in answer.location)

    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(opener, managers))
    with app.app_context():
        numbers = list(_db.session.scalars(select(Nonconformity.number)))
    figures = _figures("nonconformities", tally, len(numbers))
    assert tally.server_errors == 0 and not tally.failed, (figures, [(f[1], f[2][:300]) for f in tally.failed][:3])
    assert len(numbers) == len(set(numbers)) == CLIENTS * per_client == len(tally.success), figures


def _said(body: str) -> str:
    for phrase in ("was not stored", "Nothing was saved", "could not check", "cannot tell",
                   "was saved, but the page could not be shown"):
        if phrase in body:
            return phrase
    return body[:80]


@pytest.mark.skipif(not PG_URL, reason="terminating the app's server connections is a PostgreSQL test "
                                       "(SQLite has no server connections to lose)")
def test_reports_survive_terminated_database_connections(live):
    app, base = live
    emails = _users(app, Role.STAFF, CLIENTS // 2, "reporter")
    qr_token = _site_token(app)
    tally = Tally()
    done = threading.Event()
    killed: list[int] = []
    admin = create_engine(PG_URL, poolclass=__import__("sqlalchemy.pool", fromlist=["NullPool"]).NullPool)

    def killer() -> None:
        while not done.is_set() and len(killed) < 4:
            time.sleep(0.4)
            with admin.begin() as conn:
                killed.append(conn.execute(text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar())

    thread = threading.Thread(target=killer, name="connection-killer")
    thread.start()
    try:
        _run_reporters(base, emails, qr_token, tally, 5, resend=2)
    finally:
        done.set()
        thread.join(10)
        admin.dispose()
    stored = _stored_tokens(app)
    figures = _figures("reports with killed connections", tally, len(stored)) + f", connections killed {killed}"
    print(f"connections killed {killed}; failure answers: {Counter(_said(body) for _t, _s, body in tally.failed)}")
    assert sum(killed) > 0, "no connection was terminated: the test proves nothing"
    counts = Counter(stored)
    assert all(n == 1 for n in counts.values()), "a report was stored twice"
    missing = set(tally.success) - set(counts)
    assert not missing, f"{len(missing)} reports answered as received are not stored; {figures}"
    for token, status, body in tally.failed:
        if "was not stored" in body or "Nothing was saved" in body:
            # True when it was said: the same form may have been stored by a later press of the button.
            assert token not in counts or token in tally.success, f"a failure page said 'not stored' but it is ({status})"
        elif "was saved, but the page could not be shown" in body:
            assert token in counts, f"a failure page said 'saved' but it is not ({status})"
        else:
            assert "could not check" in body or "cannot tell" in body, \
                f"a failure ({status}) did not say what happened: {body[:400]}"
