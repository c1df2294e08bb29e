"""Single sign-on with OpenID Connect (authorization code flow with PKCE, Authlib), configured from the
environment: OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET.

The id token is checked here: signature against the provider's published keys, issuer, audience (our
client id), expiry and issue time (OIDC_CLOCK_LEEWAY seconds of clock difference), and the nonce of this
login. Roles follow the provider's groups claim through OIDC_ROLE_MAP at every login; an unknown person gets
an account only when SSO_JIT_ACCOUNTS is on.
"""
from __future__ import annotations

import secrets
import time
from urllib.parse import urlencode

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from flask import current_app, session, url_for

from . import external
from .models import User

#: Session key of a login under way: state, nonce, PKCE verifier, where to go afterwards.
FLOW_KEY = "oidc_flow"
_TIMEOUT = 10
_metadata_cache: dict[str, tuple[float, dict]] = {}


class SsoError(Exception):
    """The provider's answer was refused; ``reason`` says why (for the log and the audit trail)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _get_json(url: str) -> dict:
    cached = _metadata_cache.get(url)
    if cached and time.monotonic() - cached[0] < 300:
        return cached[1]
    response = requests.get(url, timeout=_TIMEOUT)
    response.raise_for_status()
    data = response.json()
    _metadata_cache[url] = (time.monotonic(), data)
    return data


def metadata() -> dict:
    issuer = current_app.config["OIDC_ISSUER"].rstrip("/")
    return _get_json(issuer + "/.well-known/openid-configuration")


def _client() -> OAuth2Session:
    cfg = current_app.config
    return OAuth2Session(cfg["OIDC_CLIENT_ID"], cfg["OIDC_CLIENT_SECRET"], scope="openid email profile",
                         redirect_uri=url_for("auth.sso_callback", _external=True),
                         code_challenge_method="S256", token_endpoint_auth_method="client_secret_basic")


def authorization_url(next_url: str) -> str:
    verifier = generate_token(48)
    nonce = secrets.token_urlsafe(16)
    url, state = _client().create_authorization_url(metadata()["authorization_endpoint"], nonce=nonce,
                                                    code_verifier=verifier)
    session[FLOW_KEY] = {"state": state, "nonce": nonce, "verifier": verifier, "next": next_url, "at": time.time()}
    return url


def validate_id_token(id_token: str, nonce: str | None) -> dict:
    """The claims of a provider-signed id token meant for us, or SsoError."""
    cfg = current_app.config
    issuer = cfg["OIDC_ISSUER"].rstrip("/")
    keys = KeySet.import_key_set(_get_json(metadata()["jwks_uri"]))
    registry = jwt.JWTClaimsRegistry(
        leeway=cfg["OIDC_CLOCK_LEEWAY"], iss={"essential": True, "values": [issuer, issuer + "/"]},
        aud={"essential": True, "value": cfg["OIDC_CLIENT_ID"]}, exp={"essential": True},
        iat={"essential": True}, sub={"essential": True}, nonce={"essential": True, "value": nonce})
    try:
        token = jwt.decode(id_token, keys, algorithms=["RS256", "PS256", "ES256", "EdDSA"])
        registry.validate(token.claims)
    except JoseError as error:
        raise SsoError(f"{error.error}: {error.description or ''}".strip(": ")) from None
    except (ValueError, TypeError) as error:
        raise SsoError(f"malformed token: {error}") from None
    claims = dict(token.claims)
    if isinstance(claims.get("aud"), list) and len(claims["aud"]) > 1 and claims.get("azp") != cfg["OIDC_CLIENT_ID"]:
        raise SsoError("invalid_claim: azp")
    return claims


def finish(args: dict) -> tuple[User, str]:
    """Exchange the code, check the id token, and find (or make) the user; returns the user and the id token."""
    flow = session.pop(FLOW_KEY, None)
    if not isinstance(flow, dict) or time.time() - flow.get("at", 0) > 600:
        raise SsoError("no login under way")
    if "error" in args:
        raise SsoError(f"provider: {args.get('error')}")
    if not args.get("state") or not secrets.compare_digest(str(args.get("state")), flow["state"]):
        raise SsoError("state does not match")
    client = _client()
    try:
        token = client.fetch_token(metadata()["token_endpoint"], code=args.get("code", ""),
                                   code_verifier=flow["verifier"], grant_type="authorization_code")
    except Exception as error:  # the provider refused the code (reused, expired) or could not be reached
        raise SsoError(f"token exchange failed: {error}") from None
    id_token = token.get("id_token")
    if not id_token:
        raise SsoError("no id token")
    claims = validate_id_token(id_token, flow["nonce"])
    cfg = current_app.config
    groups = claims.get(cfg["OIDC_GROUPS_CLAIM"])
    if groups is None and token.get("access_token") and metadata().get("userinfo_endpoint"):
        info = requests.get(metadata()["userinfo_endpoint"], timeout=_TIMEOUT,
                            headers={"Authorization": f"Bearer {token['access_token']}"}).json()
        if info.get("sub") == claims["sub"]:
            claims = {**info, **claims}
            groups = info.get(cfg["OIDC_GROUPS_CLAIM"])
    subject = f"{claims['iss']}|{claims['sub']}"
    user = external.sign_in("oidc", subject, claims.get("email") or "", claims.get("name") or "",
                            groups if isinstance(groups, list) else None, cfg["OIDC_ROLE_MAP"],
                            email_verified=bool(claims.get("email_verified")))
    return user, id_token


def logout_url(id_token: str) -> str:
    """The provider's logout (RP-initiated logout), returning to our login page."""
    endpoint = metadata().get("end_session_endpoint")
    if not endpoint:
        return url_for("auth.login")
    query = urlencode({"id_token_hint": id_token, "client_id": current_app.config["OIDC_CLIENT_ID"],
                       "post_logout_redirect_uri": url_for("auth.login", _external=True)})
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
