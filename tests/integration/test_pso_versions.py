"""The PSO score names its handbook: a 2026 application is scored under 2.1 (one Aspirant extension at most, the
base level with its unconfirmed threshold), a 2022 application under 1.9."""
import datetime as dt
from decimal import Decimal

import pytest

from qms.organisation.models import Employee
from qms.permissions import Role
from qms.pso import services, versions
from qms.pso.services import StatusData

YEAR = 2025


@pytest.fixture
def company(db):
    """Nineteen regular staff and one Wajong colleague with a documented dossier: 5 % direct in 2025."""
    people = []
    for n in range(20):
        e = Employee(number=f"V{n:03}", first_name="Anna", last_name=f"Versie{n}", function="cleaner",
                     hired_on=dt.date(2015, 1, 1))
        db.session.add(e)
        people.append(e)
    db.session.flush()
    for e in people:
        services.add_employment(e, start=dt.date(2015, 1, 1), end=None, contract_type="regular",
                                hours_per_week=Decimal(40), norm_week_hours=None)
    status = services.save_status(people[0], StatusData(
        starting_position="wia_wajong", intake_date=dt.date(2015, 1, 1), suitable_work="vaste ronde",
        integration="werkoverleg", support="jobcoach"))
    services.add_conversation(status, held_on=dt.date(YEAR, 5, 1), kind="performance", summary="goed gesprek")
    db.session.commit()
    return people


def test_a_2026_application_is_scored_under_handbook_2_1(client, login_as, company):
    ref = versions.version_for_application(services.references(), dt.date(2026, 3, 1))
    current = services.score(YEAR, ref=ref)
    outcome = versions.apply_rules(current.result, ref, dt.date(2026, 3, 1), aspirant_extensions=1)
    assert outcome.version == "2.1" and outcome.max_aspirant_extensions == 1 and outcome.extension_possible is False
    assert outcome.level == "basis" and not outcome.basis_confirmed

    login_as(Role.HR)
    page = client.get(f"/pso/?year={YEAR}&applied_on=2026-03-01").get_data(as_text=True)
    assert "Handbook 2.1" in page and "at most 1 extension" in page and "at most 1 extensions" not in page
    assert 'id="versioned-level">Base level' in page
    assert "provisional-banner" in page and "PSO → Reference data" in page

    old = client.get(f"/pso/?year={YEAR}&applied_on=2022-03-01").get_data(as_text=True)
    assert "Handbook 1.9" in old and "at most 2 extensions" in old and "provisional-banner" not in old
    # An odd date falls back to today (handbook 2.1 too) and never fails.
    assert "Handbook 2.1" in client.get(f"/pso/?year={YEAR}&applied_on=31-02-2026").get_data(as_text=True)


def _pdf_text(data: bytes) -> str:
    import subprocess

    return " ".join(subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
                    .stdout.decode().split())


def test_the_dossier_pdf_gives_the_pages_level_under_the_same_handbook(client, login_as, company):
    login_as(Role.HR)
    page = client.get(f"/pso/?year={YEAR}&applied_on=2026-03-01").get_data(as_text=True)
    assert 'id="versioned-level">Base level' in page
    text = _pdf_text(client.get(f"/pso/dossier.pdf?year={YEAR}&applied_on=2026-03-01").data)
    assert "Level reached Base level" in text and "2.1" in text
    old = _pdf_text(client.get(f"/pso/dossier.pdf?year={YEAR}&applied_on=2022-03-01").data)
    assert "Level reached no level" in old  # handbook 1.9 has no base level


def test_a_frozen_measurement_shows_its_level_in_words_and_numbers_in_the_readers_locale(client, db, login_as,
                                                                                         company):
    import re

    user = login_as(Role.HR)
    measurement = services.create_measurement(YEAR, user)
    db.session.commit()
    page = client.get(f"/pso/measurements/{measurement.id}").get_data(as_text=True)
    level = re.search(r'id="measurement-level">([^<]*)<', page).group(1)
    assert level == "Base level"  # frozen under handbook 2.1 (in force today), as the score page gives it
    assert re.search(r"<dd><strong>\d+\.\d\d%</strong></dd>", page)  # the total in the reader's locale


def test_the_api_gives_the_level_under_the_handbook_of_the_application_date(client, make_user, api_token, company):
    token = {"Authorization": f"Bearer {api_token(make_user(Role.HR))}"}
    new = client.get(f"/api/v1/pso/score?year={YEAR}&applied_on=2026-03-01", headers=token).get_json()
    assert new["reference_version"] == "2.1" and new["handbook_level"] == "basis" and new["basis_confirmed"] is False
    old = client.get(f"/api/v1/pso/score?year={YEAR}&applied_on=2022-03-01", headers=token).get_json()
    assert old["reference_version"] == "1.9" and old["handbook_level"] is None and old["basis_threshold"] is None
    assert client.get(f"/api/v1/pso/score?year={YEAR}&applied_on=gisteren", headers=token).status_code == 422
