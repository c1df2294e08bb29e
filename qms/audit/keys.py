"""The secret that keys the audit chain, kept outside the database.

Entries are sealed with HMAC-SHA256, so someone who can write to the database but does not hold the key
cannot rewrite an entry and recompute the hashes after it. The key material comes from AUDIT_HMAC_KEY (the
environment; required in production), or else from a key file in the instance folder that is created on
first use (development). Two keys are derived from it with distinct labels: one seals entries, one signs
checkpoints, so a value made for one purpose is never valid for the other.

The key must never change: entries sealed under another key no longer verify. Keep a copy of it apart
from the database backups.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import pathlib
import secrets

from flask import current_app

ENTRY_LABEL = b"qms audit-entry v2"
CHECKPOINT_LABEL = b"qms audit-checkpoint v1"
_CACHE = "qms_audit_keys"


def key_file(app=None) -> pathlib.Path:
    app = app or current_app
    return pathlib.Path(app.config.get("AUDIT_HMAC_KEY_FILE") or pathlib.Path(app.instance_path) / "audit-hmac.key")


def _material(app) -> bytes:
    configured = app.config.get("AUDIT_HMAC_KEY")
    if configured:
        return configured.encode("utf-8")
    path = key_file(app)
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = secrets.token_hex(32).encode("ascii")
    try:
        # O_EXCL: when two processes start at once, one creates the file and the other reads it.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as handle:
        handle.write(fresh + b"\n")
        handle.flush()
        os.fsync(handle.fileno())
    app.logger.warning("created the audit chain key %s: keep a copy of it apart from the database backups", path)
    return fresh


def _keys() -> dict[bytes, bytes]:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    keys = app.extensions.get(_CACHE)
    if keys is None:
        material = _material(app)
        if not material:
            raise RuntimeError(f"the audit chain key in {key_file(app)} is empty")
        keys = {label: hmac.new(material, label, hashlib.sha256).digest()
                for label in (ENTRY_LABEL, CHECKPOINT_LABEL)}
        app.extensions[_CACHE] = keys
    return keys


def entry_key() -> bytes:
    """The key that seals audit entries (HMAC-SHA256)."""
    return _keys()[ENTRY_LABEL]


def checkpoint_key() -> bytes:
    """The key that signs checkpoints of the chain's head."""
    return _keys()[CHECKPOINT_LABEL]
