"""Outgoing e-mail through the backend named in MAIL_BACKEND.

"smtp" sends through MAIL_SERVER, "log" writes the message to the log, "memory" appends it to
``app.extensions["mail_outbox"]`` (tests). Sending never raises: a failure is logged and reported as
``False``, so the action that triggered the message still stands.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage

from flask import current_app

logger = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 15


def build_message(to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    return message


def send_mail(to: str, subject: str, body: str) -> bool:
    """Send one plain-text message; True when the backend accepted it."""
    backend = current_app.config.get("MAIL_BACKEND", "log")
    try:
        message = build_message(to, subject, body)
        if backend == "memory":
            current_app.extensions.setdefault("mail_outbox", []).append(message)
        elif backend == "log":
            logger.info("mail to %s, subject %r:\n%s", to, subject, body)
        elif backend == "smtp":
            _send_smtp(message)
        else:
            logger.error("unknown MAIL_BACKEND %r; message to %s not sent", backend, to)
            return False
    except Exception:
        logger.exception("could not send mail to %s (subject %r)", to, subject)
        return False
    return True


def _send_smtp(message: EmailMessage) -> None:
    cfg = current_app.config
    server, port = cfg["MAIL_SERVER"], int(cfg["MAIL_PORT"])
    if not server:
        raise RuntimeError("MAIL_SERVER is not set")
    context = ssl.create_default_context()
    if port == 465:  # implicit TLS
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(server, port, timeout=SMTP_TIMEOUT_SECONDS, context=context)
    else:
        smtp = smtplib.SMTP(server, port, timeout=SMTP_TIMEOUT_SECONDS)
    with smtp:
        if port != 465 and cfg["MAIL_USE_TLS"]:
            smtp.starttls(context=context)
        if cfg["MAIL_USERNAME"]:
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
        smtp.send_message(message)
