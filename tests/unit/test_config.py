"""Configuration: production refuses to start without a real secret and audit key, and uses secure cookies."""
import pytest

import config
from qms import create_app


@pytest.mark.parametrize("secret", [None, "", "short"])
def test_production_refuses_to_start_without_a_secret(monkeypatch, secret):
    monkeypatch.setattr(config.ProductionConfig, "SECRET_KEY", secret)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


@pytest.mark.parametrize("key", [None, "", "too short for a key"])
def test_production_refuses_to_start_without_an_audit_key(monkeypatch, key):
    monkeypatch.setattr(config.ProductionConfig, "SECRET_KEY", "x" * 40)
    monkeypatch.setattr(config.ProductionConfig, "AUDIT_HMAC_KEY", key)
    with pytest.raises(RuntimeError, match="AUDIT_HMAC_KEY"):
        create_app("production")


def test_production_starts_with_a_secret_and_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.setattr(config.ProductionConfig, "SECRET_KEY", "x" * 40)
    monkeypatch.setattr(config.ProductionConfig, "AUDIT_HMAC_KEY", "k" * 40)
    app = create_app("production", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'p.sqlite3'}",
                     QMS_NORMS=["tests.testnorm"])
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert not app.debug


def test_unknown_environment_name_is_refused():
    with pytest.raises(RuntimeError, match="QMS_ENV"):
        create_app("staging-typo")
