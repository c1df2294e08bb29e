"""One truth for every figure a certifier sees.

With the demo company loaded, each figure is computed once by its pure function from the records themselves
(IF over the rolling 12 months, IF per calendar year, the LTI count, readiness per norm and level, the toolbox
count, diploma coverage); then every surface — the dashboard, /incidents/figures, /vca/, /evidence/, the
management review's input pack and the PDFs (read with pdftotext) — must show that value, formatted in Dutch.
"""
import datetime as dt
import html
import re
import subprocess
from decimal import Decimal

import pytest
from babel.dates import format_date
from babel.numbers import format_decimal
from sqlalchemy import select

from qms.evidence import services as evidence
from qms.evidence.models import DossierJob, JobState
from qms.incidents import figures
from qms.incidents.models import Incident, IncidentHours
from qms.incidents.workflow import IncidentType
from qms.norms import registry
from qms.reviews.models import Review
from qms.reviews.rules import ReviewState
from qms.vca import rules
from qms.vca.models import MeetingState, VcaToolboxMeeting
from qms.vca.services import people

DEMO_PASSWORD = "demo-password-for-tests"
#: "69,1 · dec 2025 – nov 2026": an IF with the months it covers, as every VCA surface shows it.
IF_WITH_MONTHS = re.compile(r"(\d+,\d) · ([a-z]{3} \d{4} – [a-z]{3} \d{4})")


@pytest.fixture
def demo_client(app, db, client):
    from qms.audit.services import set_actor
    from qms.demo.company import load_demo

    set_actor(None, "demo")
    load_demo(db.session, DEMO_PASSWORD)
    db.session.commit()
    response = client.post("/login", data={"email": "coordinator@demo.example", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    with client.session_transaction() as session:
        session["lang"] = "nl"
    return client


def _squash(text: str) -> str:
    return " ".join(text.split())


def page(client, url: str) -> tuple[str, str]:
    """(raw HTML, visible text with whitespace squashed)."""
    response = client.get(url)
    assert response.status_code == 200, url
    body = response.get_data(as_text=True)
    visible = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return body, _squash(html.unescape(re.sub(r"<[^>]+>", " ", visible)))


def pdf(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200 and response.data.startswith(b"%PDF"), url
    return pdf_text(response.data)


def pdf_text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout
    return _squash(out.decode())


def nl(value: float) -> str:
    return format_decimal(value, "#,##0.0", locale="nl")


def month(m: tuple[int, int]) -> str:
    return format_date(dt.date(m[0], m[1], 1), "LLL yyyy", locale="nl")


def records_figures(db, today: dt.date):
    """LTIs and hours per month straight from the records, and the IF figures of the pure functions."""
    hours: dict[tuple[int, int], Decimal] = {}
    for row in db.session.scalars(select(IncidentHours)):
        hours[(row.year, row.month)] = hours.get((row.year, row.month), Decimal(0)) + row.hours
    ltis: dict[tuple[int, int], int] = {}
    for incident in db.session.scalars(select(Incident)):
        n = figures.lti_count([(p.category.value, p.lost_days) for p in incident.persons], incident.injured_count,
                              incident.type is IncidentType.LTI)
        assert incident.lti_count == n, incident.number  # the stored count is the pure function's
        key = (incident.occurred_on.year, incident.occurred_on.month)
        ltis[key] = ltis.get(key, 0) + n
    return ltis, hours


def test_every_surface_shows_the_same_figures(app, db, demo_client):
    client = demo_client
    today = evidence.today()
    ltis, hours = records_figures(db, today)
    rolling = figures.rolling_if(today, ltis, hours)
    this_year = figures.year_if(today.year, ltis, hours, today)
    assert rolling.value is not None and rolling.ltis > 0 and rolling.complete
    if_text, months = nl(rolling.value), f"{month(rolling.first)} – {month(rolling.last)}"
    # The demo registers hours up to last month: the window is the 12 whole months before this month.
    assert rolling.last == figures.shift_month(today.year, today.month, -1)

    review = db.session.scalar(select(Review).where(Review.state == ReviewState.PLANNED))
    level = evidence.target_level("vca", "2017-6.0")
    surfaces = {
        "dashboard": page(client, "/")[1],
        "vca": page(client, "/vca/")[1],
        "review pack": page(client, f"/reviews/{review.id}")[1],
        "vca report pdf": pdf(client, "/vca/report.pdf"),
        "review minutes pdf": pdf(client, f"/reviews/{review.id}/minutes.pdf"),
    }
    job_id = int(client.post("/evidence/norms/vca/2017-6.0/dossier", data={"level": level})
                 .headers["Location"].rsplit("/", 1)[1])
    db.session.rollback()  # jobs run inside the request in tests (JOBS_IMMEDIATE): the dossier is built
    job = db.session.get(DossierJob, job_id)
    assert job.state is JobState.DONE, job.error
    surfaces["vca dossier pdf"] = pdf(client, f"/evidence/dossiers/{job.id}/pdf")

    # --- IF over the rolling 12 months: one value, one window, wherever it is shown -------------------------
    for name, text in surfaces.items():
        found = set(IF_WITH_MONTHS.findall(text))
        assert found == {(if_text, months)}, (name, found, (if_text, months))
    figures_html, figures_text = page(client, "/incidents/figures")
    assert re.search(r'data-figure="if-rolling">([^<]*)<', figures_html).group(1) == if_text
    assert re.search(r'data-figure="if-rolling-months">([^<]*)<', figures_html).group(1) == months
    assert f"Ongevallenfrequentie (IF, 12 maanden), {months} {if_text}" in surfaces["review pack"]
    annual = pdf(client, "/incidents/annual-report.pdf")
    hours_text = format_decimal(rolling.hours, "#,##0", locale="nl")
    assert f"Laatste 12 maanden {rolling.ltis} {hours_text} " in annual
    assert re.search(rf"Laatste 12 maanden {rolling.ltis} {re.escape(hours_text)} \d+ {re.escape(if_text)} ", annual)
    assert f"Laatste 12 maanden: {months}." in annual

    # The chart's last point is the same figure (its month, its value).
    from qms.incidents import services as incident_services

    (last_point, last_value), = incident_services.if_over_time(today, 24)[-1:]
    assert last_point == rolling.last and last_value == pytest.approx(rolling.value)
    point = format_date(dt.date(*rolling.last, 1), "MMM yy", locale="nl")
    assert re.search(rf"{point}: {rolling.value:.1f}".replace(".", "[.,]"), figures_text)

    # --- LTI count of the window ------------------------------------------------------------------------------
    assert f"{rolling.ltis} LTI’s · {format_decimal(int(rolling.hours), locale='nl')} uur" in figures_text

    # --- IF per calendar year, with the month that has no hours yet marked -----------------------------------
    assert re.search(r'data-figure="if-year">([^<]*)<', figures_html).group(1) == nl(this_year.value)
    assert this_year.months_without_hours == ((today.year, today.month),)
    assert f"geen uren ingevuld voor {month((today.year, today.month))}" in figures_text
    year_hours = format_decimal(this_year.hours, "#,##0", locale="nl")
    assert re.search(rf"{today.year} \* {this_year.ltis} {re.escape(year_hours)} \d+ {re.escape(nl(this_year.value))} ",
                     annual)
    for past in (today.year - 2, today.year - 1):
        f = figures.year_if(past, ltis, hours, today)
        assert re.search(rf"\b{past} {f.ltis} {re.escape(format_decimal(f.hours, '#,##0', locale='nl'))} \d+ "
                         rf"{re.escape(nl(f.value))} ", annual), past

    # --- readiness per norm and level ------------------------------------------------------------------------
    overview_text = page(client, "/evidence/")[1]
    for norm in registry():
        version = norm.default_version
        target = evidence.target_level(norm.code, version)
        result, _views = evidence.assess(norm.code, version, target)
        assert f"{result.percent}% {result.covered} van {result.required} vereiste eisen aangetoond" in overview_text, norm.code
        cat = norm.versions[version]
        for lv in cat.levels or [None]:
            code = lv.code if lv else ""
            at_level, _views = evidence.assess(norm.code, version, code)
            norm_html = page(client, f"/evidence/norms/{norm.code}/{version}" + (f"?level={code}" if code else ""))[0]
            shown = re.search(r'<p class="kpi">(\d+)%</p>', norm_html).group(1)
            assert int(shown) == at_level.percent, (norm.code, code)
        if norm.code == "vca":
            level_name = cat.level(target).name
            assert f"Gereedheid voor {level_name}: {result.percent}%" in surfaces["vca"]
            assert f"Gereedheid VCA · {level_name} {result.percent}% ({result.covered} van {result.required} eisen)" \
                in surfaces["review pack"]
            assert f"Gereedheid {result.percent}% ({result.covered}/{result.required})" in surfaces["vca dossier pdf"]

    # --- a requirement with a failing live rule is never shown as covered ------------------------------------
    for norm in registry():
        version, target = norm.default_version, evidence.target_level(norm.code, norm.default_version)
        with app.test_request_context():
            failing = {e.requirement for e in registry().live_evidence(norm.code, version, target) if not e.ok}
        result, _views = evidence.assess(norm.code, version, target)
        assert failing <= set(result.codes("not_met")) | {s.code for s in result.states if s.applicability == "na"}
        for code in sorted(failing)[:3]:
            text = page(client, f"/evidence/norms/{norm.code}/{version}/req/{code}?level={target}")[1]
            assert "Regel niet voldaan" in text and "Aangetoond" not in text, (norm.code, code)

    # --- toolbox meetings held in the last 12 months against the level's minimum -----------------------------
    held_on = db.session.scalars(select(VcaToolboxMeeting.held_on).where(
        VcaToolboxMeeting.state.in_((MeetingState.HELD, MeetingState.CLOSED)))).all()
    held = sum(1 for d in held_on if d is not None and today - dt.timedelta(days=365) <= d <= today)
    for lv in ("vca1", "vca2", "petro"):
        text = page(client, f"/evidence/norms/vca/2017-6.0/req/4.1?level={lv}")[1]
        assert f"verspreid over het jaar: {held} van {rules.toolbox_minimum(lv)}" in text, lv
    toolbox = f"{held} van {rules.toolbox_minimum(level)}"
    assert f"4.1 Toolboxmeetings in de laatste 12 maanden, verspreid over het jaar — {toolbox}" in surfaces["vca"]
    # In the PDF's table the rule's last word wraps to the next line: "… verspreid over het 11 van 10 ja jaar".
    assert re.search(rf"4\.1 Toolboxmeetings in de laatste 12 maanden, verspreid over het (jaar )?{toolbox} ja\b",
                     surfaces["vca report pdf"])
    assert f"Toolboxmeetings gehouden in de laatste 12 maanden {held} " in surfaces["vca report pdf"]
    # The review pack counts the meetings of the review's period, which need not end today.
    in_period = sum(1 for d in held_on if d is not None and review.period_start <= d <= review.period_end)
    assert f"Gehouden toolboxmeetings {in_period} (minimaal {rules.toolbox_minimum(level)} per jaar)" \
        in surfaces["review pack"]
    assert f"verspreid over het jaar: {toolbox} (voldaan)" in surfaces["vca dossier pdf"]

    # --- VCA diploma coverage --------------------------------------------------------------------------------
    ok, total = people.coverage(people.diploma_overview(today), today)
    coverage = f"{ok} van {total}"
    assert f"{coverage} Dekking VCA-diploma's" in surfaces["dashboard"]
    assert f"Diploma's {ok} / {total}" in surfaces["vca"]
    assert f"3 maanden — {coverage}" in surfaces["vca"]
    assert f"Dekking VCA-diploma's {coverage}" in surfaces["review pack"]
    assert f"Dekking VCA-diploma's {coverage}" in surfaces["vca report pdf"]
