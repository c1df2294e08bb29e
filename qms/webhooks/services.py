"""Webhook rules: which targets are allowed, signing, queuing an event and delivering it with retries.

Services flush, never commit. :func:`deliver` runs in the job worker (or at once with JOBS_IMMEDIATE) and
commits its own attempt, like a job does.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.client
import ipaddress
import json
import secrets
import socket
import ssl
import time
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app
from flask_babel import gettext as _
from sqlalchemy import event as sa_event
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..database import utcnow
from ..extensions import db
from .models import DeliveryState, WebhookAttempt, WebhookDelivery, WebhookSubscription

#: Tries per delivery, and the wait before each retry (seconds): 30 s, 2 min, 8 min, 32 min, 2 h.
MAX_ATTEMPTS = 6
BACKOFF_BASE = 30
BACKOFF_FACTOR = 4
TIMEOUT = 10
KEEP_BODY = 2000
USER_AGENT = "QMS-Webhooks/1"
_PENDING = "qms_pending_webhooks"
TASK_NAME = "qms.webhook_deliver"


class WebhookError(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


# --- targets -------------------------------------------------------------------------------------

def _blocked(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved
            or ip.is_unspecified or not ip.is_global)


def resolve_target(url: str, allow_private: bool) -> tuple[str, str, int, list[str]]:
    """Check a target URL and resolve its host: (scheme, host, port, addresses). Every address the host
    resolves to must be public unless ``allow_private`` (an administrator's choice)."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookError("url", _("Enter a full http:// or https:// address."))
    if parts.username or parts.password:
        raise WebhookError("url", _("Leave the user name and password out of the address."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise WebhookError("url", _("The port in this address is not valid.")) from None
    try:
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise WebhookError("url", _("The host %(host)s cannot be found.", host=parts.hostname)) from None
    addresses = sorted({info[4][0] for info in infos})
    if not addresses:
        raise WebhookError("url", _("The host %(host)s cannot be found.", host=parts.hostname))
    if not allow_private and any(_blocked(a) for a in addresses):
        raise WebhookError("url", _("This address is on the local machine or a private network. Only an "
                                    "administrator who allows private targets can use it."))
    return parts.scheme, parts.hostname, port, addresses


def check_target(url: str, allow_private: bool) -> None:
    resolve_target(url, allow_private)


# --- subscriptions ----------------------------------------------------------------------------------

def create(*, url: str, description: str, events: set[str], allow_private: bool, by) -> WebhookSubscription:
    from .events import EVENTS

    url = (url or "").strip()
    if not events or not events <= set(EVENTS):
        raise WebhookError("events", _("Choose at least one event."))
    check_target(url, allow_private)
    sub = WebhookSubscription(url=url, description=(description or "").strip()[:200], events=json.dumps(sorted(events)),
                              secret="whsec_" + secrets.token_urlsafe(32), allow_private=allow_private,
                              created_by_id=getattr(by, "id", None))
    db.session.add(sub)
    db.session.flush()
    return sub


def set_active(sub: WebhookSubscription, active: bool) -> None:
    sub.active = active
    db.session.flush()


# --- signing -------------------------------------------------------------------------------------

def signature(secret: str, timestamp: int, body: bytes) -> str:
    """HMAC-SHA256 over "<timestamp>.<body>", hex: the receiver recomputes it and compares (and rejects an old
    timestamp, against replays)."""
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, given: str, *, tolerance: int = 300,
           now: float | None = None) -> bool:
    """What a receiver does (also used by the tests)."""
    try:
        ts = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((now or time.time()) - ts) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, ts, body), given or "")


# --- events --------------------------------------------------------------------------------------

def emit(event: str, key: str, data: dict[str, Any]) -> int:
    """Queue ``event`` for every active subscription to it (once per key); sent after the commit."""
    subs = db.session.scalars(select(WebhookSubscription).where(WebhookSubscription.active.is_(True))).all()
    made = 0
    for sub in subs:
        if event not in sub.event_set:
            continue
        exists = db.session.scalar(select(WebhookDelivery.id).where(
            WebhookDelivery.subscription_id == sub.id, WebhookDelivery.event_key == key[:160]))
        if exists is None:
            queue(sub, event, key, data)
            made += 1
    return made


def ping(sub: WebhookSubscription) -> WebhookDelivery:
    """A test message to one subscription, whatever its events."""
    return queue(sub, "ping", f"ping:{utcnow().isoformat()}", {})


def queue(sub: WebhookSubscription, event: str, key: str, data: dict[str, Any]) -> WebhookDelivery:
    delivery = WebhookDelivery(subscription_id=sub.id, event=event, event_key=key[:160], payload="",
                               state=DeliveryState.PENDING, next_attempt_at=utcnow())
    db.session.add(delivery)
    db.session.flush()
    delivery.payload = json.dumps({"id": delivery.id, "event": event,
                                   "created_at": delivery.created_at.replace(tzinfo=dt.UTC).isoformat(),
                                   "data": data}, default=str, sort_keys=True)
    db.session.flush()
    db.session.info.setdefault(_PENDING, []).append((current_app._get_current_object(), delivery.id))
    return delivery


@sa_event.listens_for(Session, "after_commit")
def _send_committed(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        return
    for app, delivery_id in session.info.pop(_PENDING, []):
        enqueue(app, delivery_id)


@sa_event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


def enqueue(app: Flask, delivery_id: int, delay: float | None = None) -> None:
    from ..jobs import huey_of

    huey_of(app)  # made on first use; its task builders declare the delivery task
    task = app.extensions["qms_webhook_task"]
    if delay:
        task.schedule(args=(delivery_id,), delay=delay)
    else:
        task(delivery_id)


# --- delivery ------------------------------------------------------------------------------------

class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to an address checked beforehand, with the certificate checked against the host name."""

    def __init__(self, host, address, port, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, address, port, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def post(sub: WebhookSubscription, delivery: WebhookDelivery) -> tuple[int | None, str | None, str | None]:
    """POST one delivery: (status code, start of the answer, error). Resolves the host again and checks every
    address (a name may point elsewhere since it was saved), then connects to the checked address."""
    try:
        scheme, host, port, addresses = resolve_target(sub.url, sub.allow_private)
    except WebhookError as error:
        return None, None, error.message
    parts = urlsplit(sub.url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    body = delivery.payload.encode("utf-8")
    timestamp = int(time.time())
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
               "X-QMS-Event": delivery.event, "X-QMS-Delivery": str(delivery.id),
               "X-QMS-Timestamp": str(timestamp), "X-QMS-Signature": signature(sub.secret, timestamp, body)}
    kind = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    conn = kind(host, addresses[0], port, TIMEOUT)
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read(KEEP_BODY).decode("utf-8", "replace")
        return response.status, text, None
    except (OSError, http.client.HTTPException) as error:
        return None, None, f"{type(error).__name__}: {error}"[:500]
    finally:
        conn.close()


def backoff(attempts: int) -> int:
    """Seconds to wait after the ``attempts``-th failed try."""
    return BACKOFF_BASE * BACKOFF_FACTOR ** max(0, attempts - 1)


def attempt(delivery: WebhookDelivery) -> WebhookAttempt:
    """Try a delivery once and record the answer; schedules the next try on failure (flush only)."""
    sub = delivery.subscription
    started = time.monotonic()
    if not sub.active:
        status, text, error = None, None, "the subscription is switched off"
    else:
        status, text, error = post(sub, delivery)
    record = WebhookAttempt(delivery_id=delivery.id, status_code=status, response_body=text, error=error,
                            duration_ms=int((time.monotonic() - started) * 1000))
    db.session.add(record)
    delivery.attempts += 1
    if status is not None and 200 <= status < 300:
        delivery.state = DeliveryState.DELIVERED
        delivery.delivered_at = utcnow()
        delivery.next_attempt_at = None
    elif delivery.attempts >= MAX_ATTEMPTS or not sub.active:
        delivery.state = DeliveryState.FAILED
        delivery.next_attempt_at = None
    else:
        delivery.next_attempt_at = utcnow() + dt.timedelta(seconds=backoff(delivery.attempts))
    db.session.flush()
    return record


def deliver(app: Flask, delivery_id: int) -> None:
    """The job: one try of one delivery in its own app context, committed; on failure the next try is queued
    with backoff. Texts in the log are in the default language (there is no requester)."""
    with app.app_context(), app.test_request_context(base_url=app.config.get("PUBLIC_URL") or None):
        try:
            delivery = db.session.get(WebhookDelivery, delivery_id)
            if delivery is None or delivery.state is not DeliveryState.PENDING:
                return
            try:
                attempt(delivery)
            except Exception as error:  # recorded in the log and tried again, never lost silently
                app.logger.exception("webhook delivery %s failed", delivery_id)
                db.session.rollback()
                delivery = db.session.get(WebhookDelivery, delivery_id)
                db.session.add(WebhookAttempt(delivery_id=delivery_id, error=f"{type(error).__name__}: {error}"[:500]))
                delivery.attempts += 1
                done = delivery.attempts >= MAX_ATTEMPTS
                delivery.state = DeliveryState.FAILED if done else DeliveryState.PENDING
                delivery.next_attempt_at = None if done else utcnow() + dt.timedelta(seconds=backoff(delivery.attempts))
            retry_in = backoff(delivery.attempts) if delivery.state is DeliveryState.PENDING else None
            db.session.commit()
            if retry_in is not None:
                enqueue(app, delivery_id, delay=retry_in)
        finally:
            db.session.remove()


def due(now: dt.datetime | None = None) -> list[int]:
    """Pending deliveries whose next try is due (to send again after the queue lost them)."""
    now = now or utcnow()
    return list(db.session.scalars(select(WebhookDelivery.id).where(
        WebhookDelivery.state == DeliveryState.PENDING, WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.id)))
