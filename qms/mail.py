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


#: Messages sent over one SMTP connection: a reminders run opens one connection per batch, not per message.
SMTP_BATCH = 100


def send_many(messages: list[tuple[str, str, str]]) -> int:
    """Send (to, subject, body) messages, over one SMTP connection per SMTP_BATCH; returns how many went.
    Like :func:`send_mail` it never raises: a failed message or connection is logged and not counted."""
    if current_app.config.get("MAIL_BACKEND", "log") != "smtp":
        return sum(1 for to, subject, body in messages if send_mail(to, subject, body))
    sent = 0
    for start in range(0, len(messages), SMTP_BATCH):
        batch = messages[start:start + SMTP_BATCH]
        try:
            with _connect() as smtp:
                for to, subject, body in batch:
                    try:
                        smtp.send_message(build_message(to, subject, body))
                        sent += 1
                    except smtplib.SMTPRecipientsRefused:
                        logger.exception("could not send mail to %s (subject %r)", to, subject)
        except Exception:
            logger.exception("could not send a batch of %s messages", len(batch))
    return sent


def _connect() -> smtplib.SMTP:
    """An SMTP connection to MAIL_SERVER, with TLS and login as configured."""
    cfg = current_app.config
    server, port = cfg["MAIL_SERVER"], int(cfg["MAIL_PORT"])
    if not server:
        raise RuntimeError("MAIL_SERVER is not set")
    context = ssl.create_default_context()
    if port == 465:  # implicit TLS
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(server, port, timeout=SMTP_TIMEOUT_SECONDS, context=context)
    else:
        smtp = smtplib.SMTP(server, port, timeout=SMTP_TIMEOUT_SECONDS)
    try:
        if port != 465 and cfg["MAIL_USE_TLS"]:
            smtp.starttls(context=context)
        if cfg["MAIL_USERNAME"]:
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
    except Exception:
        smtp.close()
        raise
    return smtp


def _send_smtp(message: EmailMessage) -> None:
    with _connect() as smtp:
        smtp.send_message(message)
