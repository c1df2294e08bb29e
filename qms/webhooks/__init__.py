"""Outgoing webhooks: administrators subscribe a URL to events; each event is POSTed as JSON, signed with
HMAC-SHA256, by the job queue, with retries and backoff, and every try is in the delivery log.

Receivers check ``X-QMS-Signature: sha256=<hex>``, the HMAC-SHA256 with the subscription's secret over
``<X-QMS-Timestamp>.<body>`` (see :func:`services.verify`), and refuse old timestamps.
"""
from flask import Flask

from ..permissions import Role, define

define("webhooks.manage", {Role.ADMIN})


def init_app(app: Flask) -> None:
    from ..notifications.services import register_reminders
    from . import events, services
    from .views import bp

    huey = app.extensions["huey"]

    @huey.task(name=services.TASK_NAME)
    def deliver(delivery_id: int) -> None:
        services.deliver(app, delivery_id)

    app.extensions["qms_webhook_task"] = deliver
    app.extensions["qms_webhooks"] = True
    register_reminders(app, events.collect)
    app.register_blueprint(bp)
