"""The field app without a connection: the report form opened offline after one earlier visit (served by the
service worker), sent with a photo into the outbox on the phone, and stored once when the connection is back."""
import itertools

import pytest
from sqlalchemy import func, select

from qms.extensions import db
from qms.incidents.models import Incident, IncidentPhoto

from .conftest import PHONE, log_in
from .test_incidents_reporting import _fill, _photo as _png
from .test_vca_toolbox_phone import vca_server  # noqa: F401  (its own app with a VCA company and workers)

pytestmark = pytest.mark.browser
_seq = itertools.count(1)

OUTBOX = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("qms-offline", 1);
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const all = open.result.transaction("outbox").objectStore("outbox").getAll();
    all.onsuccess = () => resolve(all.result.map(e => ({
      state: e.state, action: e.action,
      submission_id: (e.fields.find(f => f[0] === "submission_id") || [])[1],
      photos: e.fields.filter(f => f.length > 2).map(f => [f[0], f[2], f[1].size, f[1] instanceof Blob])})));
  };
})"""


def _stored(live_server, description: str) -> list[tuple[str, int]]:
    """(submission token, number of photos) of each stored report with this description."""
    with live_server.app.app_context():
        rows = db.session.execute(
            select(Incident.submission_token, func.count(IncidentPhoto.id))
            .outerjoin(IncidentPhoto, IncidentPhoto.incident_id == Incident.id)
            .where(Incident.description == description).group_by(Incident.id)).all()
        db.session.remove()
        return [tuple(r) for r in rows]


def _until(page, script: str, arg=None, seconds: float = 10) -> None:
    """Wait until the async ``script`` (awaited, unlike wait_for_function's predicate) answers true."""
    for _ in range(int(seconds * 10)):
        if page.evaluate(script, arg):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"still false after {seconds}s: {script}")


#: Whether the service worker is active for this origin (within half a second; evaluate awaits the promise).
WORKER_ACTIVE = """() => Promise.race([navigator.serviceWorker.ready.then(r => !!r.active),
                                      new Promise(resolve => setTimeout(() => resolve(false), 500))])"""


def _worker_active(page) -> None:
    """Wait until the service worker is installed and active: every navigation from then on goes through it.

    Not ``navigator.serviceWorker.controller``: a page whose navigation started while the worker was still
    installing may stay uncontrolled although the worker claims its clients (a race in Chromium), and only the
    next navigation is controlled. That next navigation is what the tests (and the phone) do."""
    _until(page, WORKER_ACTIVE, seconds=30)


def _open_online_once(page, live_server) -> None:
    """The earlier online visit: the service worker controls the page and keeps the form's copy."""
    _worker_active(page)
    page.goto(live_server.url + "/incidents/report")
    _until(page, """() => caches.open("qms-pages").then(c => c.match(location.origin + "/incidents/report"))
                      .then(hit => !!hit)""")
    _until(page, """() => caches.keys().then(names => Promise.all(names.filter(n => n.startsWith("qms-shell-"))
                               .map(n => caches.open(n).then(c => c.match("/incidents/static/incidents.js")))))
                               .then(hits => hits.some(Boolean))""")


def _offline_form(form, live_server):
    """The form opened again without a connection: the service worker's kept copy."""
    form.goto(live_server.url + "/incidents/report")
    assert form.locator("h1").inner_text() == "Incident melden"
    assert form.evaluate("document.documentElement.hasAttribute('data-offline-copy')"), "not the kept copy"
    return form


def test_a_report_opened_and_sent_offline_with_a_photo_is_stored_once(live_server, page, context, tmp_path):
    description = f"Olie op de vloer in de kelder, zonder bereik {next(_seq)}."
    log_in(page, live_server, "staff")
    _open_online_once(page, live_server)
    server_token = page.input_value("input[name=submission_id]")

    context.set_offline(True)
    form = _offline_form(page, live_server)
    assert form.input_value("input[name=submission_id]") != server_token
    _fill(form, description)
    form.set_input_files("input[name=photos]", str(_png(tmp_path)))
    form.locator("main form.incident-form [type=submit]").click()
    form.locator("[data-outbox]", has_text="Wacht op verzending (1)").wait_for()
    assert "/incidents/report" in form.url
    assert form.locator("[data-outbox-note]").is_visible()
    outbox = form.evaluate(OUTBOX)
    assert len(outbox) == 1 and outbox[0]["state"] == "waiting"
    assert outbox[0]["photos"][0][:2] == ["photos", "foto.jpg"] and outbox[0]["photos"][0][2] > 0
    assert form.input_value("textarea[name=description]") == "", "the form is ready for the next report"
    form.close()  # the tab is closed before the connection comes back
    assert _stored(live_server, description) == []

    context.set_offline(False)
    again = context.new_page()
    again.goto(live_server.url + "/")
    again.locator("[data-outbox-note]", has_text="Je melding is verzonden.").wait_for()
    again.wait_for_function("() => document.querySelector('[data-outbox]').hidden")
    assert again.evaluate(OUTBOX) == []
    assert _stored(live_server, description) == [(outbox[0]["submission_id"], 1)]

    # Opening another page sends nothing again: the report stays stored once.
    again.goto(live_server.url + "/incidents/mine")
    again.wait_for_load_state("networkidle")
    assert len(_stored(live_server, description)) == 1


def test_two_offline_reports_get_their_own_submission_id_and_are_both_stored(live_server, page, context):
    first, second = (f"Tweede melding zonder bereik {next(_seq)}-{n}." for n in (1, 2))
    log_in(page, live_server, "staff")
    _open_online_once(page, live_server)

    context.set_offline(True)
    form = _offline_form(page, live_server)
    _fill(form, first)
    form.locator("main form.incident-form [type=submit]").click()
    form.locator("[data-outbox]", has_text="Wacht op verzending (1)").wait_for()
    _fill(form, second)  # the same kept page, a second report
    form.locator("main form.incident-form [type=submit]").click()
    form.locator("[data-outbox]", has_text="Wacht op verzending (2)").wait_for()
    ids = [e["submission_id"] for e in form.evaluate(OUTBOX)]
    assert len(set(ids)) == 2 and all(len(i) >= 22 for i in ids)

    # The connection comes back while the page is open: sent by themselves.
    context.set_offline(False)
    form.locator("[data-outbox-note]", has_text="2 meldingen zijn verzonden.").wait_for()
    assert sorted(t for t, _ in _stored(live_server, first) + _stored(live_server, second)) == sorted(ids)


def test_a_report_queued_while_logged_out_waits_for_the_login(live_server, page, context):
    description = f"Verstuurd na het inloggen {next(_seq)}."
    log_in(page, live_server, "staff")
    _open_online_once(page, live_server)
    context.set_offline(True)
    form = _offline_form(page, live_server)
    _fill(form, description)
    form.locator("main form.incident-form [type=submit]").click()
    form.locator("[data-outbox]", has_text="Wacht op verzending (1)").wait_for()
    form.close()

    context.clear_cookies()  # the session ended while the phone was without a connection
    context.set_offline(False)
    login = context.new_page()
    login.goto(live_server.url + "/login")
    link = login.locator("[data-outbox-link]", has_text="Log in om je melding te versturen")
    link.wait_for()
    assert _stored(live_server, description) == []
    with login.expect_navigation():
        link.click()
    login.fill("input[name=email]", live_server.emails["staff"])
    login.fill("input[name=password]", live_server.password)
    with login.expect_navigation():
        login.locator("main form [type=submit]").click()
    login.locator("[data-outbox-note]", has_text="Je melding is verzonden.").wait_for()
    assert len(_stored(live_server, description)) == 1


def test_a_queued_report_the_server_sends_back_opens_again_in_its_form(live_server, page, context, tmp_path):
    description = f"Zonder soort verstuurd {next(_seq)}."
    log_in(page, live_server, "staff")
    _open_online_once(page, live_server)
    context.set_offline(True)
    form = _offline_form(page, live_server)
    form.check("input[name=involved][value=own_staff]")
    form.fill("textarea[name=description]", description)  # "what happened?" left open: the server asks
    form.set_input_files("input[name=photos]", str(_png(tmp_path)))
    form.locator("main form.incident-form [type=submit]").click()
    form.locator("[data-outbox]", has_text="Wacht op verzending (1)").wait_for()

    context.set_offline(False)
    check = form.locator("[data-outbox-link]", has_text="Controleer je melding (1)")
    check.wait_for()
    assert _stored(live_server, description) == []
    assert [e["state"] for e in form.evaluate(OUTBOX)] == ["invalid"]
    check.click()
    form.locator("[data-outbox-note]", has_text="Controleer wat er staat").wait_for()
    assert form.input_value("textarea[name=description]") == description
    assert form.evaluate("document.querySelector('input[name=photos]').files[0].name") == "foto.jpg"
    form.select_option("select[name=type]", "near_miss")
    with form.expect_navigation():
        form.locator("main form.incident-form [type=submit]").click()
    assert "/incidents/mine" in form.url
    assert [photos for _, photos in _stored(live_server, description)] == [1]
    assert form.evaluate(OUTBOX) == []


def test_a_toolbox_signature_given_offline_is_recorded_when_back_online(vca_server, browser):
    """The toolbox sign-in page opened once online, signed in the basement, recorded once back online."""
    import datetime as dt

    from qms.vca.models import AttendanceMethod, VcaToolboxAttendance
    from .test_vca_toolbox_phone import _log_in

    app, base = vca_server
    boss = browser.new_context(viewport=PHONE)
    coordinator = boss.new_page()
    _log_in(coordinator, base, "coordinator@vca.example")
    coordinator.goto(base + "/vca/toolbox/new")
    coordinator.fill("input[name=planned_on]", dt.date.today().isoformat())
    coordinator.fill("input[name=topic]", "Werken op hoogte")
    with coordinator.expect_navigation():
        coordinator.locator("main form [type=submit]").first.click()
    with coordinator.expect_navigation():
        coordinator.locator("form[action$='/start'] button").click()
    sign_url = coordinator.url.rstrip("/") + "/sign"
    boss.close()

    worker = browser.new_context(viewport=PHONE, locale="nl-NL", is_mobile=True, has_touch=True)
    try:
        phone = worker.new_page()
        _log_in(phone, base, "kim@vca.example")
        _worker_active(phone)
        phone.goto(sign_url)
        _until(phone, """u => caches.open("qms-pages").then(c => c.match(u)).then(Boolean)""", sign_url)
        worker.set_offline(True)
        phone.goto(sign_url)
        assert phone.evaluate("document.documentElement.hasAttribute('data-offline-copy')")
        phone.locator("main button.sign-button").tap()
        phone.locator("[data-outbox]", has_text="Wacht op verzending (1)").wait_for()
        assert "handtekening" in phone.locator("[data-outbox-note]").inner_text()
        worker.set_offline(False)
        phone.locator("[data-outbox-note]", has_text="Je handtekening is verzonden.").wait_for()
    finally:
        worker.close()
    with app.app_context():
        rows = db.session.scalars(select(VcaToolboxAttendance)).all()
        assert [r.method for r in rows] == [AttendanceMethod.SIGNED]
        db.session.remove()


def test_an_anonymous_qr_report_sent_offline_is_sent_without_an_account(live_server, browser, tmp_path):
    from qms.incidents import services
    from qms.organisation.models import Site

    description = f"Losse tegel bij de lift, via de QR-code {next(_seq)}."
    with live_server.app.app_context():
        site = Site(name=f"Parkeergarage Noord {next(_seq)}", active=True)
        db.session.add(site)
        db.session.flush()
        link = "/incidents/qr/" + services.site_token(site).token
        db.session.commit()
        db.session.remove()
    visitor = browser.new_context(viewport=PHONE, locale="nl-NL", is_mobile=True, has_touch=True)
    try:
        phone = visitor.new_page()
        phone.goto(live_server.url + link)
        _worker_active(phone)
        phone.reload()  # now through the service worker, which keeps the copy
        _until(phone, """u => caches.open("qms-pages").then(c => c.match(u)).then(Boolean)""", live_server.url + link)
        visitor.set_offline(True)
        phone.goto(live_server.url + link)
        assert phone.evaluate("document.documentElement.hasAttribute('data-offline-copy')")
        assert phone.locator("input[name=anonymous]").is_checked()
        _fill(phone, description)
        phone.set_input_files("input[name=photos]", str(_png(tmp_path)))
        phone.locator("main form.incident-form [type=submit]").click()
        phone.locator("[data-outbox]", has_text="Wacht op verzending (1)").wait_for()
        visitor.set_offline(False)
        phone.locator("[data-outbox-note]", has_text="Je melding is verzonden.").wait_for()
    finally:
        visitor.close()
    with live_server.app.app_context():
        incident = db.session.scalar(select(Incident).where(Incident.description == description))
        assert incident.via_qr and incident.anonymous and incident.reporter_id is None
        assert len(incident.photos) == 1
        db.session.remove()


def test_logging_out_removes_the_kept_pages_but_not_the_outbox(live_server, page, context):
    description = f"Bewaard tijdens het uitloggen {next(_seq)}."
    log_in(page, live_server, "staff")
    _open_online_once(page, live_server)
    context.set_offline(True)
    form = _offline_form(page, live_server)
    _fill(form, description)
    form.locator("main form.incident-form [type=submit]").click()
    form.locator("[data-outbox]", has_text="Wacht op verzending (1)").wait_for()
    # Route the send to nowhere for a moment: the outbox must still hold the report after the log-out.
    context.route("**/csrf-token", lambda route: route.abort())
    context.set_offline(False)
    form.locator("#menu .menu-toggle").click()
    with form.expect_navigation():
        form.locator("form[data-logout] button").click()
    assert "/login" in form.url
    assert form.evaluate("caches.has('qms-pages')") is False
    assert [e["state"] for e in form.evaluate(OUTBOX)] == ["waiting"]
    context.unroute("**/csrf-token")
