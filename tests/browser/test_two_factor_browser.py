"""Two-factor enrolment in a real browser: an authenticator app (TOTP from the QR page's key) and a passkey
through Chromium's virtual authenticator (CDP WebAuthn), then a login with the passkey. The page is opened on
"localhost": WebAuthn refuses an IP address as relying party."""
import re

import pyotp
import pytest

pytestmark = pytest.mark.browser


def test_enrol_totp_and_a_passkey_then_log_in_with_the_passkey(browser, live_server):
    base = live_server.url.replace("127.0.0.1", "localhost")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        cdp = context.new_cdp_session(page)
        cdp.send("WebAuthn.enable")
        authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
            "protocol": "ctap2", "transport": "internal", "hasResidentKey": True, "hasUserVerification": True,
            "isUserVerified": True, "automaticPresenceSimulation": True}})

        def log_in():
            page.goto(base + "/login")
            page.fill("input[name=email]", live_server.emails["twofactor"])
            page.fill("input[name=password]", live_server.password)
            with page.expect_navigation():
                page.locator("main form [type=submit]").click()

        log_in()
        page.goto(base + "/account/two-factor")
        with page.expect_navigation():
            page.locator("form[action$='/two-factor/totp'] button").click()
        assert page.locator("img.qr").get_attribute("src").startswith("data:image/svg+xml;base64,")
        secret = page.locator("[data-totp-secret]").inner_text().strip()
        page.fill("input[name='totp-code']", pyotp.TOTP(secret).now())
        with page.expect_navigation():
            page.locator("form[action$='/totp/confirm'] [type=submit]").click()
        codes = page.locator("ul.codes li").all_inner_texts()
        assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{5}-[a-z2-7]{5}", c.strip()) for c in codes)

        page.fill("input[name='pk-name']", "Laptop")
        with page.expect_navigation():
            page.locator("button[data-webauthn=register]").click()
        assert page.locator("#passkeys table").inner_text().count("Laptop") == 1
        credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator["authenticatorId"]})
        assert len(credentials["credentials"]) == 1

        with page.expect_navigation():
            page.locator("form[action='/logout'] button").click()
        log_in()
        assert page.url.endswith("/login/verify")
        with page.expect_navigation():
            page.locator("button[data-webauthn=login]").click()
        assert page.url.rstrip("/") == base, f"the passkey login ended on {page.url}"
        assert not errors, errors
    finally:
        context.close()

