"""Passwords are stored with argon2id at the library's recommended parameters."""
from argon2 import PasswordHasher, Type

from qms.auth import passwords


def test_production_hasher_is_argon2id_with_recommended_parameters(_fast_password_hashing):
    production = _fast_password_hashing  # the module's own hasher, swapped out for the test run
    recommended = PasswordHasher()
    assert production.type is Type.ID
    assert (production.time_cost, production.memory_cost, production.parallelism) == (
        recommended.time_cost, recommended.memory_cost, recommended.parallelism)
    assert production.hash("een lang wachtwoord").startswith("$argon2id$")


def test_verify_rejects_missing_hash_and_wrong_password():
    stored = passwords.hash_password("een lang wachtwoord")
    assert passwords.verify_password(stored, "een lang wachtwoord")
    assert not passwords.verify_password(stored, "iets anders")
    assert not passwords.verify_password(None, "een lang wachtwoord")
    assert not passwords.verify_password("not-a-hash", "x")
