"""Outgoing webhooks against a real HTTP receiver on this machine: signed payloads, retries with backoff, the
delivery log with the answers, and no loopback or private target unless an administrator allows it."""
import datetime as dt
import http.server
import json
import threading
import time

import pytest
from sqlalchemy import select

from qms import signals
from qms.notifications.services import run_reminders
from qms.permissions import Role
from qms.webhooks import services
from qms.webhooks.models import DeliveryState, WebhookDelivery, WebhookSubscription
from tests.integration.api_data import make_company

PORTS = range(5160, 5170)


class Receiver:
    """A small HTTP server in a thread: records every request and answers with the queued status codes."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answers: list[int] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                status = receiver.answers.pop(0) if receiver.answers else 200
                text = b"thanks" if status < 300 else b"try later"
                self.send_response(status)
                self.send_header("Content-Length", str(len(text)))
                self.end_headers()
                self.wfile.write(text)

            def log_message(self, *args):
                pass

        for port in PORTS:
            try:
                self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
                break
            except OSError:
                continue
        else:
            raise RuntimeError("no free port in 5160-5169")
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook?src=qms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def _subscribe(db, url, events, allow_private=True):
    sub = services.create(url=url, description="test", events=set(events), allow_private=allow_private, by=None)
    db.session.commit()
    return sub


def _report(client, api_token, make_user):
    token = api_token(make_user(Role.COORDINATOR))
    response = client.post("/api/v1/incidents", headers={"Authorization": f"Bearer {token}"}, json={
        "type": "near_miss", "occurred_at": "2026-01-05T10:00:00", "description": "Losliggende tegel"})
    assert response.status_code == 201
    return response.get_json()


def test_an_event_is_posted_signed_and_logged(client, db, receiver, api_token, make_user):
    sub = _subscribe(db, receiver.url, {"incident.reported"})
    created = _report(client, api_token, make_user)
    assert len(receiver.requests) == 1
    got = receiver.requests[0]
    headers = {k.lower(): v for k, v in got["headers"].items()}
    assert got["path"] == "/hook?src=qms" and headers["x-qms-event"] == "incident.reported"
    assert services.verify(sub.secret, headers["x-qms-timestamp"], got["body"], headers["x-qms-signature"])
    assert not services.verify(sub.secret, headers["x-qms-timestamp"], got["body"] + b" ", headers["x-qms-signature"])
    assert not services.verify("whsec_other", headers["x-qms-timestamp"], got["body"], headers["x-qms-signature"])
    old = str(int(headers["x-qms-timestamp"]) - 3600)
    assert not services.verify(sub.secret, old, got["body"], services.signature(sub.secret, int(old), got["body"]))
    payload = json.loads(got["body"])
    assert payload["event"] == "incident.reported" and payload["data"]["number"] == created["number"]
    assert "reporter" not in got["body"].decode() and "Test User" not in got["body"].decode()
    delivery = db.session.scalar(select(WebhookDelivery))
    assert delivery.state is DeliveryState.DELIVERED and delivery.attempts == 1
    assert delivery.tries[0].status_code == 200 and delivery.tries[0].response_body == "thanks"


def test_a_failed_delivery_is_retried_with_backoff_until_delivered(app, client, db, receiver, api_token, make_user):
    _subscribe(db, receiver.url, {"incident.reported"})
    receiver.answers = [500, 503]
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    _report(client, api_token, make_user)
    delivery = db.session.scalar(select(WebhookDelivery))
    assert delivery.state is DeliveryState.PENDING and delivery.attempts == 1
    first_wait = (delivery.next_attempt_at - before).total_seconds()
    assert services.BACKOFF_BASE - 1 <= first_wait <= services.BACKOFF_BASE + 30
    scheduled = app.extensions["huey"].scheduled()
    assert any(task.name == services.TASK_NAME and task.args == (delivery.id,) for task in scheduled)
    delivery_id = delivery.id
    db.session.rollback()  # the worker is another process: this test's session holds no transaction meanwhile
    services.deliver(app, delivery_id)  # the queue runs the scheduled retry
    db.session.expire_all()
    delivery = db.session.get(WebhookDelivery, delivery_id)
    assert delivery.attempts == 2 and delivery.state is DeliveryState.PENDING
    assert services.backoff(2) == services.BACKOFF_BASE * services.BACKOFF_FACTOR
    db.session.rollback()
    services.deliver(app, delivery_id)
    db.session.expire_all()
    delivery = db.session.get(WebhookDelivery, delivery_id)
    assert delivery.state is DeliveryState.DELIVERED and [t.status_code for t in delivery.tries] == [500, 503, 200]
    assert len(receiver.requests) == 3
    ids = {json.loads(r["body"])["id"] for r in receiver.requests}
    assert ids == {delivery.id}  # the same delivery each time: the receiver can drop repeats


def test_a_delivery_gives_up_after_the_last_attempt(app, db, receiver):
    sub = _subscribe(db, receiver.url, {"ping"})
    receiver.answers = [500] * services.MAX_ATTEMPTS
    services.ping(sub)
    db.session.commit()
    delivery_id = db.session.scalar(select(WebhookDelivery.id))
    db.session.rollback()
    for _ in range(services.MAX_ATTEMPTS - 1):
        services.deliver(app, delivery_id)
    db.session.expire_all()
    delivery = db.session.get(WebhookDelivery, delivery_id)
    assert delivery.state is DeliveryState.FAILED and delivery.attempts == services.MAX_ATTEMPTS
    db.session.rollback()
    services.deliver(app, delivery_id)  # a failed delivery is not tried again
    assert len(receiver.requests) == services.MAX_ATTEMPTS


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254",
                                     "100.64.0.1", "0.0.0.0", "[::1]", "[::ffff:127.0.0.1]", "[fd00::1]", "localhost"])
def test_loopback_and_private_targets_are_refused_unless_allowed(address):
    with pytest.raises(services.WebhookError):
        services.check_target(f"http://{address}:5169/hook", allow_private=False)
    services.check_target(f"http://{address}:5169/hook", allow_private=True)


def test_other_bad_targets_are_refused():
    for url in ("ftp://example.com/", "http://", "http://user:pw@127.0.0.1/", "javascript:alert(1)",
                "http://127.0.0.1:99999/"):
        with pytest.raises(services.WebhookError):
            services.check_target(url, allow_private=True)


def test_the_admin_page_refuses_a_private_target_and_keeps_the_input(client, db, login_as):
    login_as(Role.ADMIN)
    page = client.post("/admin/webhooks/", data={"url": "http://127.0.0.1:5169/x", "events": ["incident.reported"]})
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert "private network" in html and "http://127.0.0.1:5169/x" in html
    assert db.session.scalar(select(WebhookSubscription)) is None
    saved = client.post("/admin/webhooks/", data={"url": "http://127.0.0.1:5169/x", "events": ["incident.reported"],
                                                  "allow_private": "y"})
    assert saved.status_code == 302
    sub = db.session.scalar(select(WebhookSubscription))
    assert sub.allow_private and sub.event_set == {"incident.reported"}
    detail = client.get(f"/admin/webhooks/{sub.id}").get_data(as_text=True)
    assert sub.secret in detail and "Delivery log" in detail


def test_the_address_is_checked_again_at_delivery(app, db, receiver):
    """A target allowed once is checked on every try: when private targets are no longer allowed, nothing is
    sent and the log says why."""
    sub = _subscribe(db, receiver.url, {"ping"})
    sub.allow_private = False
    db.session.commit()
    services.ping(sub)
    db.session.commit()
    delivery = db.session.scalar(select(WebhookDelivery))
    assert receiver.requests == [] and "private network" in delivery.tries[0].error


def test_the_admin_sends_a_test_message_and_sees_the_answer(client, db, login_as, receiver):
    login_as(Role.ADMIN)
    sub = _subscribe(db, receiver.url, {"incident.reported"})
    assert client.post(f"/admin/webhooks/{sub.id}/ping").status_code == 302
    assert json.loads(receiver.requests[0]["body"])["event"] == "ping"
    assert "HTTP 200" in client.get(f"/admin/webhooks/{sub.id}").get_data(as_text=True)
    client.post(f"/admin/webhooks/{sub.id}/toggle")
    db.session.expire_all()
    assert db.session.get(WebhookSubscription, sub.id).active is False


def test_daily_events_and_signals_are_sent_once(app, db, receiver, make_user):
    users = {r.value: make_user(r) for r in Role}
    ids = make_company(db, users)
    _subscribe(db, receiver.url, {"action.overdue", "certificate.expiring", "nonconformity.closed"})
    run_reminders(dt.date.today())
    db.session.commit()
    events = sorted(json.loads(r["body"])["event"] for r in receiver.requests)
    assert events == ["action.overdue", "certificate.expiring"]
    certificate = next(json.loads(r["body"]) for r in receiver.requests
                       if json.loads(r["body"])["event"] == "certificate.expiring")
    assert certificate["data"]["id"] == ids["certificate"] and certificate["data"]["days_left"] == 25
    run_reminders(dt.date.today())  # the next day's run (or a second run) sends nothing twice
    db.session.commit()
    assert len(receiver.requests) == 2
    from qms.actions.models import Nonconformity

    nc = db.session.get(Nonconformity, ids["nc"])
    nc.closed_on = dt.date.today()
    signals.nonconformity_closed.send(app, nonconformity=nc)
    db.session.commit()
    assert json.loads(receiver.requests[-1]["body"])["data"]["number"] == nc.number


def test_nothing_is_sent_when_the_transaction_is_rolled_back(app, db, receiver):
    sub = _subscribe(db, receiver.url, {"ping"})
    services.ping(sub)
    db.session.rollback()
    time.sleep(0.05)
    assert receiver.requests == [] and db.session.scalar(select(WebhookDelivery)) is None
