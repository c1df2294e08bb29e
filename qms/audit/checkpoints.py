"""Checkpoints: the chain's head, signed and kept outside the database.

The keyed chain shows that no entry was altered, but not that the newest entries are all still there: whoever
deletes entries from the end leaves a chain that is whole. A checkpoint records the head entry's id and hash
and the number of entries, signed with the checkpoint key (qms/audit/keys.py). It is appended as one JSON line
to AUDIT_CHECKPOINT_FILE (instance/audit-checkpoints.jsonl) and, when configured, e-mailed to
AUDIT_CHECKPOINT_EMAIL and POSTed to AUDIT_CHECKPOINT_WEBHOOK, so a copy survives someone who can also reach
the server's files. ``qms audit-verify`` checks the chain against every checkpoint.

Checkpoints are taken by the daily ``qms reminders`` run and by ``qms audit-checkpoint`` (run it from cron as
often as the trail should be anchored), not on each request: a file write, a mail and a web call per request
would cost every user's click, and entries written since the newest checkpoint are protected by the chain
links only until the next one. A checkpoint is only signed after the entries since the previous one verify,
so a tampered trail is never blessed.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import pathlib
import urllib.request
from dataclasses import asdict, dataclass

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..database import utcnow
from ..mail import send_mail
from . import services
from .keys import checkpoint_key
from .models import AuditEntry

logger = logging.getLogger(__name__)

WEBHOOK_TIMEOUT_SECONDS = 5


class ChainTampered(Exception):
    """The chain or the checkpoint file does not verify; no checkpoint is taken over it."""

    def __init__(self, result: services.VerifyResult):
        super().__init__(result.problem)
        self.result = result


class BadCheckpointFile(Exception):
    """A line of the checkpoint file is malformed or its signature does not match."""


@dataclass(frozen=True)
class Checkpoint:
    #: UTC time of the checkpoint, ISO 8601.
    at: str
    head_id: int
    head_hash: str
    #: Entries in the chain up to and including the head.
    count: int
    sig: str = ""

    def signed_part(self) -> bytes:
        body = {k: v for k, v in asdict(self).items() if k != "sig"}
        return json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")

    def signature(self) -> str:
        return hmac.new(checkpoint_key(), self.signed_part(), hashlib.sha256).hexdigest()

    def line(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))


def checkpoint_file() -> pathlib.Path:
    configured = current_app.config.get("AUDIT_CHECKPOINT_FILE")
    return pathlib.Path(configured or pathlib.Path(current_app.instance_path) / "audit-checkpoints.jsonl")


def parse(lines, source: str) -> list[Checkpoint]:
    """Checkpoints from JSON lines (blank lines skipped); every signature must match."""
    found = []
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
            checkpoint = Checkpoint(at=str(data["at"]), head_id=int(data["head_id"]),
                                    head_hash=str(data["head_hash"]), count=int(data["count"]),
                                    sig=str(data["sig"]))
        except (ValueError, KeyError, TypeError):
            raise BadCheckpointFile(f"{source}, line {number}: not a checkpoint") from None
        if not hmac.compare_digest(checkpoint.sig, checkpoint.signature()):
            raise BadCheckpointFile(f"{source}, line {number}: the signature does not match "
                                    "(altered, or signed with another key)")
        found.append(checkpoint)
    return found


def read_checkpoints(path: pathlib.Path | None = None) -> list[Checkpoint]:
    """The checkpoints in the file, oldest first; none when there is no file yet."""
    path = path or checkpoint_file()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return parse(text.splitlines(), str(path))


def current_head(session: Session) -> Checkpoint:
    """An unsigned checkpoint of the committed chain as it is now."""
    # One statement, so the count and the head belong together; appends are serialised (qms/audit/services.py).
    count, head_id = session.execute(select(func.count(), func.max(AuditEntry.id))).one()
    head_hash = session.scalar(select(AuditEntry.hash).where(AuditEntry.id == head_id)) if head_id else ""
    at = utcnow().isoformat(timespec="seconds") + "Z"
    return Checkpoint(at=at, head_id=head_id or 0, head_hash=head_hash or "", count=count or 0)


def take_checkpoint(session: Session) -> Checkpoint:
    """Verify the entries since the newest checkpoint, then sign the head, append it to the checkpoint file and
    publish it. Raises ChainTampered (nothing written) when the trail does not verify; reads only."""
    try:
        earlier = read_checkpoints()
    except BadCheckpointFile as error:
        raise ChainTampered(services.VerifyResult(0, None, str(error))) from None
    head = current_head(session)
    since = max(earlier, key=lambda c: c.count, default=None)
    result = services.verify_chain(session, since=since)
    if not result.ok:
        raise ChainTampered(result)
    signed = Checkpoint(head.at, head.head_id, head.head_hash, head.count, head.signature())
    _append_line(checkpoint_file(), signed.line())
    publish(signed)
    return signed


def _append_line(path: pathlib.Path, line: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # One write in append mode: lines of processes writing at once do not interleave.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, (line + "\n").encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(checkpoint: Checkpoint) -> None:
    """Send a copy by e-mail and to the webhook, when configured; a failure is logged, never raised."""
    cfg = current_app.config
    if cfg.get("AUDIT_CHECKPOINT_EMAIL"):
        body = ("Checkpoint of the QMS audit trail. Keep this message: `flask --app wsgi qms audit-verify "
                "--checkpoints FILE` checks the trail against the line below saved in FILE.\n\n"
                f"{checkpoint.line()}\n")
        send_mail(cfg["AUDIT_CHECKPOINT_EMAIL"], f"QMS audit checkpoint {checkpoint.at}: "
                  f"{checkpoint.count} entries", body)
    url = cfg.get("AUDIT_CHECKPOINT_WEBHOOK")
    if url and not url.lower().startswith(("http://", "https://")):
        logger.error("AUDIT_CHECKPOINT_WEBHOOK must be an http(s) URL; checkpoint not posted")
    elif url:
        request = urllib.request.Request(url, data=checkpoint.line().encode("utf-8"), method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:
                response.read(1024)
        except Exception:
            logger.exception("could not post the audit checkpoint to %s", url)
