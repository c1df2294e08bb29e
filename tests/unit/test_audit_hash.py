"""The audit chain's hash: canonical, sensitive to every field and to the previous entry."""
import datetime as dt
import enum

import pytest

from qms.audit.models import AuditEntry
from qms.audit.services import HASHED_FIELDS, entry_hash, field_changes

KEY = b"k" * 32
FIELDS = {
    "at": dt.datetime(2024, 5, 1, 12, 30, 15, 123456),
    "actor_id": 7,
    "actor_label": "admin@example.nl",
    "action": "update",
    "entity_type": "employee",
    "entity_id": "12",
    "old_values": '{"function":"Schoonmaker"}',
    "new_values": '{"function":"Voorman"}',
    "reason": "Promotie",
    "ip": "10.0.0.1",
    "request_id": "abc123",
}


def test_hash_is_sha256_hex_and_deterministic():
    first = entry_hash("", FIELDS, KEY)
    assert len(first) == 64 and int(first, 16) >= 0
    assert entry_hash("", dict(FIELDS), KEY) == first


def test_hash_depends_on_the_key():
    """Without the key nobody can recompute a seal: another key, or none, gives another value."""
    assert entry_hash("", FIELDS, KEY) != entry_hash("", FIELDS, b"another key")
    assert entry_hash("", FIELDS, KEY) != entry_hash("", FIELDS, None)


def test_unkeyed_entries_keep_their_plain_sha256():
    """Entries written before the chain was keyed still verify: version 1 is the SHA-256 they were given."""
    import hashlib
    import json

    body = {k: FIELDS[k].isoformat() if k == "at" else FIELDS[k] for k in HASHED_FIELDS}
    payload = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert entry_hash("", FIELDS, None) == hashlib.sha256(payload.encode()).hexdigest()


def test_hash_depends_on_the_previous_hash():
    assert entry_hash("", FIELDS, KEY) != entry_hash("0" * 64, FIELDS, KEY)


@pytest.mark.parametrize("field", HASHED_FIELDS)
def test_changing_any_hashed_field_changes_the_hash(field):
    changed = dict(FIELDS)
    original = changed[field]
    if isinstance(original, dt.datetime):
        changed[field] = original + dt.timedelta(microseconds=1)
    elif isinstance(original, int):
        changed[field] = original + 1
    else:
        changed[field] = original + "x"
    assert entry_hash("", changed, KEY) != entry_hash("", FIELDS, KEY)


def test_missing_field_and_none_hash_alike_but_differ_from_empty_string():
    without_reason = {k: v for k, v in FIELDS.items() if k != "reason"}
    assert entry_hash("", without_reason, KEY) == entry_hash("", dict(FIELDS, reason=None), KEY)
    assert entry_hash("", dict(FIELDS, reason=None), KEY) != entry_hash("", dict(FIELDS, reason=""), KEY)


def test_fields_outside_the_hashed_set_do_not_count():
    assert entry_hash("", dict(FIELDS, id=99, hash="x"), KEY) == entry_hash("", FIELDS, KEY)


def test_field_changes_pairs_old_and_new_values():
    entry = AuditEntry(old_values='{"a":1,"b":"x"}', new_values='{"b":"y","c":null}')
    rows = [(c.field, c.old, c.new) for c in field_changes(entry)]
    assert rows == [("a", 1, None), ("b", "x", "y"), ("c", None, None)]


def test_field_changes_survives_values_that_are_not_objects():
    entry = AuditEntry(old_values=None, new_values="not json")
    assert [(c.field, c.new) for c in field_changes(entry)] == [("", "not json")]
    entry = AuditEntry(old_values="[1,2]", new_values=None)
    assert [(c.field, c.old) for c in field_changes(entry)] == [("", [1, 2])]


def test_plain_values_use_enum_values():
    from qms.audit.services import _plain

    class Colour(str, enum.Enum):
        RED = "red"

    assert _plain(Colour.RED) == "red"
    assert _plain(dt.date(2024, 1, 2)) == "2024-01-02"
