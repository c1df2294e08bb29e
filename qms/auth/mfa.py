"""Second factors: an authenticator app (TOTP), passkeys and security keys (WebAuthn), and ten one-time
recovery codes (argon2id hashes, shown once). Which roles must use one is the administrator's policy
(TwoFactorPolicy; roles without a row follow MFA_REQUIRED_ROLES, by default administrators and HR).

Functions change state and flush; the caller commits. Every enrolment, removal and reset goes to the audit
trail (the models are audited; resets and failed codes are recorded as events).
"""
from __future__ import annotations

import base64
import json
import secrets
import time
from urllib.parse import urlsplit

import pyotp
from flask import current_app, request, session
from sqlalchemy import delete, func, select
from webauthn import (generate_authentication_options, generate_registration_options, options_to_json,
                      verify_authentication_response, verify_registration_response)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (AuthenticatorSelectionCriteria, PublicKeyCredentialDescriptor,
                                      ResidentKeyRequirement, UserVerificationRequirement)

from ..audit import services as audit
from ..database import utcnow
from ..extensions import db
from ..permissions import Role
from .models import RecoveryCode, TotpSecret, TwoFactorPolicy, User, WebAuthnCredential
from .passwords import hash_password, verify_password

RECOVERY_CODE_COUNT = 10
#: Session keys of a WebAuthn ceremony's challenge, kept until the browser answers.
_REG_CHALLENGE, _AUTH_CHALLENGE = "webauthn_reg", "webauthn_auth"


class SecondFactorError(Exception):
    """A code or key answer was not accepted."""


# --- policy --------------------------------------------------------------------------------------------

def default_required_roles() -> set[Role]:
    wanted = current_app.config.get("MFA_REQUIRED_ROLES", "")
    return {Role(v.strip()) for v in wanted.split(",") if v.strip() in {r.value for r in Role}}


def policy() -> dict[Role, bool]:
    """For every role whether it must use a second factor."""
    rows = {p.role: p.required for p in db.session.scalars(select(TwoFactorPolicy))}
    defaults = default_required_roles()
    return {role: rows.get(role, role in defaults) for role in Role}


def set_policy(required: set[Role]) -> None:
    rows = {p.role: p for p in db.session.scalars(select(TwoFactorPolicy))}
    for role in Role:
        row = rows.get(role)
        if row is None:
            db.session.add(TwoFactorPolicy(role=role, required=role in required))
        elif row.required != (role in required):
            row.required = role in required
    db.session.flush()


def is_required(user: User) -> bool:
    wanted = policy()
    return any(wanted[role] for role in user.role_set)


# --- what a user has -----------------------------------------------------------------------------------

def totp_of(user: User) -> TotpSecret | None:
    return db.session.get(TotpSecret, user.id)


def passkeys_of(user: User) -> list[WebAuthnCredential]:
    return list(db.session.scalars(select(WebAuthnCredential).where(WebAuthnCredential.user_id == user.id)
                                   .order_by(WebAuthnCredential.created_at)))


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(RecoveryCode)
                             .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def has_totp(user: User) -> bool:
    totp = totp_of(user)
    return totp is not None and totp.confirmed_at is not None


def is_enrolled(user: User) -> bool:
    return has_totp(user) or bool(passkeys_of(user))


def enrolment_by_user(user_ids: list[int]) -> dict[int, set[str]]:
    """Which factors ("totp", "passkey") each of the users has, in two queries (the user list)."""
    out: dict[int, set[str]] = {uid: set() for uid in user_ids}
    if not user_ids:
        return out
    for uid in db.session.scalars(select(TotpSecret.user_id).where(TotpSecret.user_id.in_(user_ids),
                                                                   TotpSecret.confirmed_at.is_not(None))):
        out[uid].add("totp")
    for uid in db.session.scalars(select(WebAuthnCredential.user_id).where(WebAuthnCredential.user_id.in_(user_ids))
                                  .distinct()):
        out[uid].add("passkey")
    return out


# --- TOTP ----------------------------------------------------------------------------------------------

def start_totp(user: User) -> TotpSecret:
    """A new, unconfirmed secret (replacing an unconfirmed earlier one); a confirmed one is kept."""
    totp = totp_of(user)
    if totp is not None and totp.confirmed_at is not None:
        return totp
    if totp is None:
        totp = TotpSecret(user_id=user.id, secret=pyotp.random_base32(), last_step=0)
        db.session.add(totp)
    else:
        totp.secret = pyotp.random_base32()
    db.session.flush()
    return totp


def provisioning_uri(user: User, totp: TotpSecret) -> str:
    return pyotp.TOTP(totp.secret).provisioning_uri(name=user.email, issuer_name=current_app.config["MFA_ISSUER"])


def qr_svg(data: str) -> str:
    """The QR code of ``data`` as an SVG data URI (reportlab's QR widget, as on the site posters)."""
    from reportlab.graphics import renderSVG
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing

    widget = QrCodeWidget(data)
    x0, y0, x1, y1 = widget.getBounds()
    size = 220
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    svg = renderSVG.drawToString(drawing)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _matching_step(secret: str, code: str, last_step: int) -> int | None:
    """The time step a code belongs to (now, or one step either side for clock drift), never one already used."""
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now_step = int(time.time()) // 30
    for step in (now_step, now_step - 1, now_step + 1):
        if step > last_step and secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def confirm_totp(user: User, code: str) -> None:
    totp = totp_of(user)
    step = _matching_step(totp.secret, code, totp.last_step) if totp else None
    if step is None:
        raise SecondFactorError()
    totp.last_step = step
    totp.confirmed_at = utcnow()
    db.session.flush()


def remove_totp(user: User) -> None:
    totp = totp_of(user)
    if totp is not None:
        db.session.delete(totp)
        db.session.flush()


# --- recovery codes ------------------------------------------------------------------------------------

def _new_code() -> str:
    raw = base64.b32encode(secrets.token_bytes(8)).decode("ascii").rstrip("=").lower()[:10]
    return f"{raw[:5]}-{raw[5:]}"


def new_recovery_codes(user: User) -> list[str]:
    """Ten fresh codes replace any earlier ones; returns them in plain text to show once."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_code() for _ in range(RECOVERY_CODE_COUNT)]
    for code in codes:
        db.session.add(RecoveryCode(user_id=user.id, code_hash=hash_password(code)))
    db.session.flush()
    return codes


def _use_recovery_code(user: User, code: str) -> bool:
    code = (code or "").strip().lower().replace(" ", "")
    if len(code) == 10:
        code = f"{code[:5]}-{code[5:]}"
    if len(code) != 11:
        return False
    for row in db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                                             RecoveryCode.used_at.is_(None))):
        if verify_password(row.code_hash, code):
            row.used_at = utcnow()
            return True
    return False


def verify_code(user: User, code: str) -> str:
    """Accept an authenticator code or a recovery code; returns which ("totp" or "recovery")."""
    totp = totp_of(user)
    if totp is not None and totp.confirmed_at is not None:
        step = _matching_step(totp.secret, code, totp.last_step)
        if step is not None:
            totp.last_step = step
            return "totp"
    if _use_recovery_code(user, code):
        audit.record(db.session, "recovery_code_used", "user", user.id,
                     new={"left": recovery_codes_left(user) - 1})
        return "recovery"
    raise SecondFactorError()


# --- WebAuthn ------------------------------------------------------------------------------------------

def _rp() -> tuple[str, str]:
    """The relying party id (host name) and the expected origin, from PUBLIC_URL or the request."""
    base = current_app.config.get("PUBLIC_URL") or request.host_url
    parts = urlsplit(base)
    return parts.hostname or "localhost", f"{parts.scheme}://{parts.netloc}"


def registration_options(user: User) -> str:
    rp_id, _origin = _rp()
    options = generate_registration_options(
        rp_id=rp_id, rp_name=current_app.config["MFA_ISSUER"], user_name=user.email,
        user_id=str(user.id).encode(), user_display_name=user.name,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED, user_verification=UserVerificationRequirement.PREFERRED),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=c.credential_id) for c in passkeys_of(user)])
    session[_REG_CHALLENGE] = base64.b64encode(options.challenge).decode("ascii")
    return options_to_json(options)


def register_passkey(user: User, answer: str, name: str) -> WebAuthnCredential:
    challenge = session.pop(_REG_CHALLENGE, None)
    if not challenge:
        raise SecondFactorError()
    rp_id, origin = _rp()
    try:
        verified = verify_registration_response(credential=answer, expected_challenge=base64.b64decode(challenge),
                                                expected_rp_id=rp_id, expected_origin=origin)
    except (WebAuthnException, ValueError, KeyError, TypeError):
        raise SecondFactorError() from None
    credential = WebAuthnCredential(user_id=user.id, credential_id=verified.credential_id,
                                    public_key=verified.credential_public_key, sign_count=verified.sign_count,
                                    name=(name or "").strip()[:80] or "Passkey")
    db.session.add(credential)
    db.session.flush()
    return credential


def authentication_options(user: User) -> str:
    rp_id, _origin = _rp()
    options = generate_authentication_options(
        rp_id=rp_id, allow_credentials=[PublicKeyCredentialDescriptor(id=c.credential_id) for c in passkeys_of(user)],
        user_verification=UserVerificationRequirement.PREFERRED)
    session[_AUTH_CHALLENGE] = base64.b64encode(options.challenge).decode("ascii")
    return options_to_json(options)


def verify_passkey(user: User, answer: str) -> WebAuthnCredential:
    challenge = session.pop(_AUTH_CHALLENGE, None)
    if not challenge:
        raise SecondFactorError()
    try:
        raw_id = json.loads(answer).get("rawId", "")
        credential_id = base64.urlsafe_b64decode(raw_id + "=" * (-len(raw_id) % 4))
    except (ValueError, AttributeError, TypeError):
        raise SecondFactorError() from None
    credential = db.session.scalar(select(WebAuthnCredential).where(WebAuthnCredential.user_id == user.id,
                                                                    WebAuthnCredential.credential_id == credential_id))
    if credential is None:
        raise SecondFactorError()
    rp_id, origin = _rp()
    try:
        verified = verify_authentication_response(
            credential=answer, expected_challenge=base64.b64decode(challenge), expected_rp_id=rp_id,
            expected_origin=origin, credential_public_key=credential.public_key,
            credential_current_sign_count=credential.sign_count)
    except (WebAuthnException, ValueError, KeyError, TypeError):
        raise SecondFactorError() from None
    credential.sign_count = verified.new_sign_count
    credential.last_used_at = utcnow()
    return credential


def remove_passkey(user: User, credential_id: int) -> bool:
    credential = db.session.get(WebAuthnCredential, credential_id)
    if credential is None or credential.user_id != user.id:
        return False
    db.session.delete(credential)
    db.session.flush()
    return True


def reset(user: User) -> None:
    """An administrator removes every second factor of the user (they enrol again at their next login)."""
    remove_totp(user)
    for credential in passkeys_of(user):
        db.session.delete(credential)
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    audit.record(db.session, "second_factor_reset", "user", user.id)
    db.session.flush()


