"""Outgoing webhooks: administrators subscribe a URL to events; each event is POSTed as JSON, signed with
HMAC-SHA256, by the job queue, with retries and backoff, and every try is in the delivery log.

Receivers check ``X-QMS-Signature: sha256=<hex>``, the HMAC-SHA256 with the subscription's secret over
``<X-QMS-Timestamp>.<body>`` (see :func:`services.verify`), and refuse old timestamps.
"""
from flask import Flask



def init_app(app: Flask) -> None:
    from .. import jobs
    from ..norms import registry
    from . import events, services
    from .views import bp

    def add_tasks(huey) -> None:
        @huey.task(name=services.TASK_NAME)
        def deliver(delivery_id: int) -> None:
            services.deliver(app, delivery_id)

        app.extensions["qms_webhook_task"] = deliver

    jobs.add_tasks(app, add_tasks)
    app.extensions["qms_webhooks"] = True
    registry(app).add_reminders(events.collect)
    app.register_blueprint(bp)
