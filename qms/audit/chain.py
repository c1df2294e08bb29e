"""The hash chain's arithmetic: the canonical JSON of an entry's values and the seal that links each entry to
the one before (HMAC-SHA256 with the chain key; plain SHA-256 for entries written before the chain was keyed)."""
from __future__ import annotations

import datetime as dt
import decimal
import enum
import hashlib
import hmac
import json
from typing import Any

from .keys import entry_key


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes sha256={hashlib.sha256(value).hexdigest()}>"
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def dump_values(values: dict | None) -> str | None:
    """Canonical JSON of old or new values, as stored in the trail."""
    if values is None:
        return None
    return json.dumps(_plain(values), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def entry_hash(prev_hash: str, fields: dict[str, Any], key: bytes | None) -> str:
    """The seal over the previous hash and a canonical JSON of the entry's fields: HMAC-SHA256 with ``key``
    (hash version 2), or, for ``key=None``, the plain SHA-256 of entries written before the chain was keyed
    (hash version 1, only ever verified)."""
    body = {k: _plain(fields.get(k)) for k in HASHED_FIELDS}
    payload = (prev_hash + json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))).encode("utf-8")
    if key is None:
        return hashlib.sha256(payload).hexdigest()
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


HASHED_FIELDS = ("at", "actor_id", "actor_label", "action", "entity_type", "entity_id",
                 "old_values", "new_values", "reason", "ip", "request_id")
#: Values of AuditEntry.hash_version.
HASH_UNKEYED, HASH_KEYED = 1, 2


def seal(prev_hash: str, row: dict[str, Any], key: bytes | None = None) -> str:
    """Link a new entry (a dict of its columns) to ``prev_hash`` and seal it with the chain key; returns its hash."""
    row["prev_hash"] = prev_hash
    row["hash_version"] = HASH_KEYED
    row["hash"] = entry_hash(prev_hash, row, key or entry_key())
    return row["hash"]
