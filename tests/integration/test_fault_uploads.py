"""Fault test: the app under gunicorn, incident reports with photos streamed slowly, and the worker process
killed (SIGKILL) in the middle of requests, again and again. Afterwards no file is left that no record owns
under a final name (only temporary names, which the sweep removes), and every report that was answered with
success has all its photos on disk. Runs on PostgreSQL too when TEST_DATABASE_URL is set."""
import http.client
import io
import os
import pathlib
import random
import re
import signal
import socket
import subprocess
import sys
import time
import uuid

from PIL import Image
from sqlalchemy import select

from qms.incidents.models import Incident
from qms.permissions import Role
from qms.uploads import services
from qms.uploads.models import StoredFile
from tests.conftest import PASSWORD

ROOT = pathlib.Path(__file__).resolve().parents[2]
ROUNDS = 15
PHOTOS = 3
#: The whole test stops sending after this many seconds, whatever is left.
BUDGET = 45


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _photo(seed: int) -> bytes:
    rng = random.Random(seed)
    image = Image.effect_noise((1400, 1000), 60 + seed % 30).convert("RGB")
    image.putpixel((rng.randrange(1400), rng.randrange(1000)), (255, 0, 0))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


class Browser:
    """Just enough HTTP for the test: one cookie jar, forms with CSRF tokens, slow multipart uploads."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def _headers(self) -> dict:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}

    def _keep(self, response) -> None:
        for header in response.msg.get_all("Set-Cookie") or []:
            name, _sep, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]

    def get(self, path: str, timeout: float = 10) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request("GET", path, headers=self._headers())
            response = conn.getresponse()
            self._keep(response)
            return response.status, response.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def post_form(self, path: str, fields: dict) -> int:
        from urllib.parse import urlencode

        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("POST", path, body=urlencode(fields),
                         headers={**self._headers(), "Content-Type": "application/x-www-form-urlencoded"})
            response = conn.getresponse()
            self._keep(response)
            response.read()
            return response.status
        finally:
            conn.close()

    def open_upload(self, path: str, fields: dict, files: list[tuple[str, str, bytes]]):
        """Start a multipart POST and return (connection, body) to stream the body slowly."""
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, filename, data in files:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                         f"Content-Type: image/jpeg\r\n\r\n".encode() + data + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.putrequest("POST", path)
        for key, value in {**self._headers(), "Content-Type": f"multipart/form-data; boundary={boundary}",
                           "Content-Length": str(len(body))}.items():
            conn.putheader(key, value)
        conn.endheaders()
        return conn, body


def _hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or \
        re.search(rf'value="([^"]*)"[^>]*name="{name}"', html)
    assert match, f"no {name} in the form"
    return match.group(1)


def _worker_pid(master: int) -> int | None:
    try:
        children = pathlib.Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return None
    return int(children[0]) if children else None


def _wait_ready(browser: Browser, master: int, not_pid: int | None, deadline: float) -> int:
    while time.monotonic() < deadline:
        pid = _worker_pid(master)
        if pid and pid != not_pid:
            try:
                if browser.get("/healthz", timeout=2)[0] == 200:
                    return pid
            except OSError:
                pass
        time.sleep(0.1)
    raise AssertionError("gunicorn did not bring up a worker in time")


def test_killed_workers_leave_no_orphan_files_and_no_report_without_its_photos(app_factory, tmp_path, make_user):
    from qms.extensions import db

    started = time.monotonic()
    app = app_factory()
    uploads = pathlib.Path(app.config["UPLOAD_FOLDER"])
    with app.app_context():
        user = make_user(Role.STAFF)
        email = user.email
        db.session.remove()
    port = _free_port()
    env = {**os.environ, "QMS_ENV": "development", "SECRET_KEY": "fault-test-" + "x" * 24,
           "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "UPLOAD_FOLDER": str(uploads),
           "QMS_INSTANCE_DIR": str(tmp_path), "JOBS_IMMEDIATE": "1", "REDIS_URL": "",
           "MAIL_BACKEND": "memory", "LOGIN_IP_MAX_ATTEMPTS": "1000"}
    # --preload: the app is loaded once in the master, so a killed worker is replaced in milliseconds
    # (creating the app opens no database connection; immediate jobs keep no queue file open).
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}",
                               "--timeout", "30", "--graceful-timeout", "5", "--preload", "wsgi:app"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    browser = Browser(port)
    answered_ok: list[str] = []
    kills = 0
    try:
        pid = _wait_ready(browser, server.pid, None, time.monotonic() + 20)
        status, html = browser.get("/login")
        assert status == 200
        assert browser.post_form("/login", {"email": email, "password": PASSWORD,
                                            "csrf_token": _hidden(html, "csrf_token")}) == 302
        photos = [_photo(n) for n in range(PHOTOS)]
        rng = random.Random(13)
        processing = 1.0  # seconds from the last byte sent to the answer; measured on the rounds not killed
        for round_ in range(ROUNDS):
            if time.monotonic() - started > BUDGET:
                break
            status, html = browser.get("/incidents/report")
            assert status == 200, html[:300]
            token = _hidden(html, "submission_id")
            fields = {"csrf_token": _hidden(html, "csrf_token"), "submission_id": token, "type": "near_miss",
                      "occurred_at": "2026-11-30T10:00", "site_id": "", "injured_count": "0",
                      "description": f"Losliggende tegel, ronde {round_}"}
            conn, body = browser.open_upload("/incidents/report", fields,
                                             [("photos", f"foto{n}.jpg", p) for n, p in enumerate(photos)])
            kill = round_ % 3 != 0
            try:
                for start in range(0, len(body), 32 * 1024):  # a phone on a slow connection
                    conn.send(body[start:start + 32 * 1024])
                    time.sleep(0.004)
                # The server now reads the photos, re-encodes and stores them one by one, then commits: kill
                # it somewhere in that time (as long as the last answered report took).
                conn.sock.settimeout(rng.uniform(0.1, 0.9) * processing if kill else 20)
                sent = time.monotonic()
                try:
                    response = conn.getresponse()
                except (TimeoutError, socket.timeout):
                    os.kill(pid, signal.SIGKILL)
                    kills += 1
                    pid = _wait_ready(browser, server.pid, pid, time.monotonic() + 20)
                    continue
                response.read()
                processing = time.monotonic() - sent
                if response.status == 302 and "/incidents/mine" in (response.getheader("Location") or ""):
                    answered_ok.append(token)
            except OSError:
                pid = _wait_ready(browser, server.pid, None, time.monotonic() + 20)
            finally:
                conn.close()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        errors = server.stderr.read().decode("utf-8", "replace") if server.stderr else ""
    assert kills >= 4, errors[-2000:]
    assert answered_ok, f"no report was answered with success; {errors[-2000:]}"

    with app.app_context(), app.test_request_context():
        owned = set(db.session.scalars(select(StoredFile.stored_name)))

        def on_disk():
            return {str(p.relative_to(uploads)): p for p in uploads.glob("[0-9a-f][0-9a-f]/*") if p.is_file()}

        # What the kills left: never a file under a final name that no record owns, only temporary names.
        orphans = {name: p for name, p in on_disk().items() if name not in owned}
        assert all(p.name.startswith(".") and p.name.endswith(".part") for p in orphans.values()), sorted(orphans)
        # The sweep, an hour later, removes them all and keeps every owned file.
        result = services.sweep(now=time.time() + services.SWEEP_MIN_AGE + 1)
        assert result.removed == len(orphans)
        assert set(on_disk()) == owned
        # Every report answered with success has all its photos, complete on disk.
        for token in answered_ok:
            incident = db.session.scalars(select(Incident).where(Incident.submission_token == token)).one()
            assert len(incident.photos) == PHOTOS
            for photo in incident.photos:
                path = services.path_of(photo.stored_file)
                assert path.is_file() and path.stat().st_size == photo.stored_file.size
        for stored in db.session.scalars(select(StoredFile)):
            assert services.path_of(stored).is_file(), stored.stored_name
        print(f"{kills} kills, {len(answered_ok)} reports answered, {len(orphans)} temporary files swept")
        db.session.remove()
    assert time.monotonic() - started < 60
