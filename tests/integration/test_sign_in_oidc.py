"""Single sign-on with OpenID Connect against a real provider (node oidc-provider, tests/oidc/) started by
the tests: login, logout, a token for another audience, an expired token, a changed group."""
import re
import time
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from sqlalchemy import select

from qms.auth import sso
from qms.auth.models import ExternalIdentity, User, UserSession
from qms.extensions import db
from qms.permissions import Role
from tests.identity_servers import APP_BASE, openid_provider  # noqa: F401

ROLE_MAP = "qms-admins=admin,qms-coordinators=coordinator,qms-staff=staff"


def _app(app_factory, provider, client_id="qms", **extra):
    sso._metadata_cache.clear()
    return app_factory(OIDC_ISSUER=provider.issuer, OIDC_CLIENT_ID=client_id,
                       OIDC_CLIENT_SECRET=f"{client_id}-secret-for-tests", OIDC_ROLE_MAP=ROLE_MAP,
                       SERVER_NAME="localhost", **extra)


def _through_provider(browser: requests.Session, url: str, account: str) -> str:
    """Play the person at the provider: log in as ``account``, consent; returns the URL sent back to the app."""
    for _ in range(12):
        response = browser.get(url, allow_redirects=False, timeout=10)
        while response.status_code == 200 and "<form" in response.text:
            action = urljoin(url, re.search(r'<form[^>]*action="([^"]+)"', response.text).group(1))
            prompt = re.search(r'name="prompt" value="(\w+)"', response.text)
            data = {"prompt": prompt.group(1) if prompt else "", "login": account, "password": "any"}
            if not prompt:  # the logout confirmation
                data = dict(re.findall(r'name="(\w+)" value="([^"]*)"', response.text)) | {"logout": "yes"}
            response = browser.post(action, data=data, allow_redirects=False, timeout=10)
            url = action
        assert response.status_code in (302, 303), response.text[:500]
        url = urljoin(url, response.headers["Location"])
        if url.startswith(APP_BASE):
            return url
    raise AssertionError("the provider never sent the browser back")


def _sso_login(client, provider, account: str):
    start = client.get("/sso/login")
    assert start.status_code == 302 and start.headers["Location"].startswith(provider.issuer)
    back = _through_provider(requests.Session(), start.headers["Location"], account)
    parts = urlsplit(back)
    assert parts.path == "/sso/callback"
    return client.get(f"{parts.path}?{parts.query}")


def test_login_and_logout_through_the_provider(app_factory, openid_provider):  # noqa: F811
    openid_provider.set_account("p-anna", email="anna@example.test", email_verified=True, name="Anna",
                                groups=["qms-coordinators"])
    app = _app(app_factory, openid_provider, SSO_JIT_ACCOUNTS=True)
    client = app.test_client()
    with app.app_context():
        assert b"/sso/login" in client.get("/login").data
        response = _sso_login(client, openid_provider, "p-anna")
        assert response.status_code == 302 and response.headers["Location"] in ("/", "http://localhost/")
        assert client.get("/account").status_code == 200
        user = db.session.scalar(select(User).where(User.email == "anna@example.test"))
        assert user.role_set == {Role.COORDINATOR}
        link = db.session.scalar(select(ExternalIdentity).where(ExternalIdentity.user_id == user.id))
        assert link.subject == f"{openid_provider.issuer}|p-anna"
        record = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
        assert record.method == "oidc" and record.id_token

        out = client.post("/logout")
        assert out.status_code == 302
        location = out.headers["Location"]
        assert location.startswith(openid_provider.issuer)
        query = parse_qs(urlsplit(location).query)
        assert query["id_token_hint"] == [record.id_token]
        assert query["client_id"] == ["qms"]
        assert query["post_logout_redirect_uri"] == ["http://localhost/login"]
        assert client.get("/account").status_code == 302, "our session ended"
        db.session.expire_all()
        assert db.session.get(UserSession, record.id).end_reason == "logout"
        # The provider accepts the logout and sends the browser back to our login page.
        assert _through_provider(requests.Session(), location, "p-anna") == "http://localhost/login"


def test_changed_group_changes_roles_and_no_account_without_just_in_time(app_factory, openid_provider):  # noqa: F811
    openid_provider.set_account("p-bram", email="bram@example.test", email_verified=True, name="Bram",
                                groups=["qms-staff"])
    app = _app(app_factory, openid_provider)
    with app.app_context():
        response = _sso_login(app.test_client(), openid_provider, "p-bram")
        assert response.status_code == 302 and response.headers["Location"].endswith("/login")
        assert db.session.scalar(select(User).where(User.email == "bram@example.test")) is None
        user = User(email="bram@example.test", name="Bram", active=True)
        db.session.add(user)
        db.session.commit()
        assert _sso_login(app.test_client(), openid_provider, "p-bram").status_code == 302
        db.session.expire_all()
        assert db.session.get(User, user.id).role_set == {Role.STAFF}

        openid_provider.set_account("p-bram", email="bram@example.test", email_verified=True, name="Bram",
                                    groups=["qms-admins"])
        assert _sso_login(app.test_client(), openid_provider, "p-bram").status_code == 302
        db.session.expire_all()
        assert db.session.get(User, user.id).role_set == {Role.ADMIN}


def _id_token_for(provider, client_id: str) -> tuple[str, str]:
    """A real id token the provider issued to ``client_id`` (through the code flow); returns it and its nonce."""
    from authlib.integrations.requests_client import OAuth2Session

    client = OAuth2Session(client_id, f"{client_id}-secret-for-tests", scope="openid email",
                           redirect_uri=f"{APP_BASE}/sso/callback", code_challenge_method="S256")
    verifier = "v" * 50
    url, _state = client.create_authorization_url(f"{provider.issuer}/auth", nonce="n-123", code_verifier=verifier)
    back = _through_provider(requests.Session(), url, "p-cas")
    code = parse_qs(urlsplit(back).query)["code"][0]
    token = client.fetch_token(f"{provider.issuer}/token", code=code, code_verifier=verifier)
    return token["id_token"], "n-123"


@pytest.mark.parametrize("client_id, wait, leeway, why", [
    ("other", 0, 60, "aud"),
    ("short", 1.2, 0, "expired"),
])
def test_a_token_for_another_audience_or_expired_is_refused(app_factory, openid_provider, client_id, wait,  # noqa: F811
                                                            leeway, why):
    openid_provider.set_account("p-cas", email="cas@example.test", email_verified=True, name="Cas", groups=[])
    app = _app(app_factory, openid_provider, client_id="qms" if why == "aud" else "short",
               OIDC_CLOCK_LEEWAY=leeway)
    with app.test_request_context():
        token, nonce = _id_token_for(openid_provider, client_id)
        time.sleep(wait)
        with pytest.raises(sso.SsoError) as refused:
            sso.validate_id_token(token, nonce)
        assert why in refused.value.reason.lower()
        if why == "aud":  # the same kind of token, meant for us, is accepted: the check is not blind
            own, nonce = _id_token_for(openid_provider, "qms")
            assert sso.validate_id_token(own, nonce)["sub"] == "p-cas"
            with pytest.raises(sso.SsoError):
                sso.validate_id_token(own, "another nonce")
            head, body, signature = own.split(".")
            forged = ".".join([head, body, ("A" if signature[0] != "A" else "B") + signature[1:]])
            with pytest.raises(sso.SsoError):
                sso.validate_id_token(forged, nonce)
            import base64
            import json

            unsigned = base64.urlsafe_b64encode(json.dumps({"alg": "none"}).encode()).decode().rstrip("=")
            with pytest.raises(sso.SsoError):
                sso.validate_id_token(f"{unsigned}.{body}.", nonce)
