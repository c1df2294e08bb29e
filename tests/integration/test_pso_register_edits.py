"""Editing the PSO target-group register through its pages: employment periods, hours worked, conversations,
purchases and the forecast's planned hires. Only the HR/PSO officer changes them; a refusal keeps what was typed
and changes nothing; every change is in the audit trail."""
import datetime as dt
import json
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from qms.audit.models import AuditEntry
from qms.permissions import Role
from qms.pso import services
from qms.pso.models import PsoConversation, PsoEmployment, PsoHours, PsoPlannedHire, PsoPurchase
from qms.pso.services import PurchaseData, StatusData
from tests import factories

YEAR = 2025


def trail(db, entity_type: str, action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == entity_type,
                                                            AuditEntry.action == action).order_by(AuditEntry.id)))


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def wendy(db):
    """A Wajong colleague with a documented target-group status."""
    person = factories.employee(db, "W001", first_name="Wendy", last_name="de Wit", hired_on=dt.date(2015, 1, 1))
    services.save_status(person, StatusData(starting_position="wia_wajong", intake_date=dt.date(2015, 1, 1),
                                            suitable_work="vaste ronde", integration="werkoverleg", support="jobcoach"))
    db.session.commit()
    return person


@pytest.fixture
def hr(client, login_as):
    login_as(Role.HR)
    return client


def test_hr_adds_an_employment_period_and_the_trail_records_it(db, hr, wendy):
    response = hr.post(f"/pso/register/{wendy.id}/employment?year={YEAR}", data={
        "emp-start": "2015-01-01", "emp-end": "", "emp-contract_type": "regular", "emp-hours_per_week": "32",
        "emp-norm_week_hours": "38"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/pso/register/{wendy.id}")
    period = db.session.scalar(select(PsoEmployment).where(PsoEmployment.employee_id == wendy.id))
    assert (period.start, period.end, period.contract_type) == (dt.date(2015, 1, 1), None, "regular")
    assert (period.hours_per_week, period.norm_week_hours) == (Decimal(32), Decimal(38))
    page = hr.get(f"/pso/register/{wendy.id}").get_data(as_text=True)
    assert "The employment period was added." in page and "32 hours a week" in page and "CAO week 38 hours" in page
    created = trail(db, "pso_employment", "create")
    assert [e.entity_id for e in created] == [str(period.id)]
    assert json.loads(created[0].new_values)["hours_per_week"] in ("32", "32.00", 32)


def test_an_overlapping_or_backwards_period_is_refused_next_to_its_field(db, hr, wendy):
    services.add_employment(wendy, start=dt.date(2015, 1, 1), end=None, contract_type="regular",
                            hours_per_week=Decimal(40), norm_week_hours=None)
    db.session.commit()
    before = len(trail(db, "pso_employment", "create"))
    overlap = hr.post(f"/pso/register/{wendy.id}/employment", data={
        "emp-start": "2020-06-01", "emp-end": "", "emp-contract_type": "supported", "emp-hours_per_week": "24"})
    html = overlap.get_data(as_text=True)
    assert overlap.status_code == 400 and "This period overlaps the period starting" in html
    assert 'value="2020-06-01"' in html and 'value="24"' in html  # what was typed is kept
    backwards = hr.post(f"/pso/register/{wendy.id}/employment", data={
        "emp-start": "2014-06-01", "emp-end": "2014-01-01", "emp-contract_type": "regular", "emp-hours_per_week": "8"})
    assert backwards.status_code == 400
    assert "The end date cannot be before the start date." in backwards.get_data(as_text=True)
    unknown = hr.post(f"/pso/register/{wendy.id}/employment", data={
        "emp-start": "2010-01-01", "emp-end": "2010-12-31", "emp-contract_type": "fantasy", "emp-hours_per_week": "8"})
    assert unknown.status_code == 400
    assert count(db, PsoEmployment) == 1 and len(trail(db, "pso_employment", "create")) == before


def test_hr_removes_a_period_and_the_trail_keeps_what_it_was(db, hr, wendy):
    period = services.add_employment(wendy, start=dt.date(2015, 1, 1), end=dt.date(2019, 12, 31),
                                     contract_type="regular", hours_per_week=Decimal(20), norm_week_hours=None)
    db.session.commit()
    period_id = period.id
    response = hr.post(f"/pso/employment/{period_id}/delete")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/pso/register/{wendy.id}")
    assert count(db, PsoEmployment) == 0
    removed = trail(db, "pso_employment", "delete")
    assert [e.entity_id for e in removed] == [str(period_id)]
    assert json.loads(removed[0].old_values)["end"].startswith("2019-12-31")
    assert hr.post(f"/pso/employment/{period_id}/delete").status_code == 404


def test_hr_sets_the_hours_worked_and_a_second_entry_replaces_the_first(db, hr, wendy):
    first = hr.post(f"/pso/register/{wendy.id}/hours", data={"hrs-year": str(YEAR), "hrs-hours_worked": "1600"})
    assert first.status_code == 302
    again = hr.post(f"/pso/register/{wendy.id}/hours", data={"hrs-year": str(YEAR), "hrs-hours_worked": "1650.5"},
                    follow_redirects=True)
    assert again.status_code == 200 and f"The hours worked in {YEAR} were saved." in again.get_data(as_text=True)
    rows = db.session.scalars(select(PsoHours).where(PsoHours.employee_id == wendy.id)).all()
    assert [(r.year, r.hours_worked, r.source) for r in rows] == [(YEAR, Decimal("1650.5"), "entered")]
    assert len(trail(db, "pso_hours", "create")) == 1
    changed = trail(db, "pso_hours", "update")
    assert len(changed) == 1 and "1650.5" in changed[0].new_values


@pytest.mark.parametrize("data", [{"hrs-year": str(YEAR), "hrs-hours_worked": "veel"},
                                  {"hrs-year": str(YEAR), "hrs-hours_worked": "9000"},
                                  {"hrs-year": "1850", "hrs-hours_worked": "100"},
                                  {"hrs-year": "", "hrs-hours_worked": "100"}])
def test_bad_hours_are_refused_and_nothing_is_saved(db, hr, wendy, data):
    response = hr.post(f"/pso/register/{wendy.id}/hours", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'value="{data["hrs-hours_worked"]}"' in html
    assert count(db, PsoHours) == 0 and trail(db, "pso_hours", "create") == []


def test_hr_records_a_conversation_and_it_counts_for_the_dossier(db, hr, wendy):
    held = dt.date.today() - dt.timedelta(days=3)
    response = hr.post(f"/pso/register/{wendy.id}/conversations", data={
        "conv-held_on": held.isoformat(), "conv-kind": "development", "conv-summary": "Opleiding VCA besproken."},
        follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "The conversation was recorded." in html
    assert "Opleiding VCA besproken." in html and "Development conversation" in html
    conversation = db.session.scalar(select(PsoConversation))
    assert (conversation.held_on, conversation.kind.value) == (held, "development")
    assert [e.entity_id for e in trail(db, "pso_conversation", "create")] == [str(conversation.id)]


def test_a_conversation_in_the_future_or_without_a_status_is_refused(db, hr, wendy):
    later = (dt.date.today() + dt.timedelta(days=5)).isoformat()
    response = hr.post(f"/pso/register/{wendy.id}/conversations", data={
        "conv-held_on": later, "conv-kind": "performance", "conv-summary": "Nog te voeren."})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "A conversation cannot be recorded before it was held." in html
    assert "Nog te voeren." in html
    colleague = factories.employee(db, "R001", first_name="Ruud")
    no_status = hr.post(f"/pso/register/{colleague.id}/conversations", data={
        "conv-held_on": dt.date.today().isoformat(), "conv-kind": "performance", "conv-summary": "Gesprek."},
        follow_redirects=True)
    assert "Record the target-group status first." in no_status.get_data(as_text=True)
    assert count(db, PsoConversation) == 0 and trail(db, "pso_conversation", "create") == []


def test_hr_removes_a_purchase(db, hr):
    purchase = services.add_purchase(PurchaseData(
        year=YEAR, supplier_id=None, supplier_name="Sociale werkplaats Noord", kind="sw",
        certificate_number=None, invoice_value=Decimal(10000), supplier_turnover=Decimal(500000),
        supplier_target_fte=Decimal(12)))
    db.session.commit()
    purchase_id = purchase.id
    response = hr.post(f"/pso/purchases/{purchase_id}/delete", follow_redirects=True)
    assert response.status_code == 200 and "The purchase was removed." in response.get_data(as_text=True)
    assert count(db, PsoPurchase) == 0
    assert [e.entity_id for e in trail(db, "pso_purchase", "delete")] == [str(purchase_id)]


def test_hr_plans_a_hire_that_the_forecast_counts_and_removes_it_again(db, hr):
    start = dt.date(dt.date.today().year + 1, 3, 1)
    response = hr.post(f"/pso/forecast?year={YEAR}", data={
        "label": "schoonmaker via gemeente", "start": start.isoformat(), "contract_type": "regular",
        "hours_per_week": "32", "starting_position": "participatiewet"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "The planned hire was added to the forecast." in html
    assert "schoonmaker via gemeente" in html
    hire = db.session.scalar(select(PsoPlannedHire))
    assert (hire.start, hire.contract_type, hire.hours_per_week, hire.starting_position) == (
        start, "regular", Decimal(32), "participatiewet")
    assert [e.entity_id for e in trail(db, "pso_planned_hire", "create")] == [str(hire.id)]
    hire_id = hire.id
    removed = hr.post(f"/pso/forecast/hires/{hire_id}/delete", follow_redirects=True)
    assert "The planned hire was removed." in removed.get_data(as_text=True)
    assert count(db, PsoPlannedHire) == 0
    assert [e.entity_id for e in trail(db, "pso_planned_hire", "delete")] == [str(hire_id)]
    assert hr.post(f"/pso/forecast/hires/{hire_id}/delete").status_code == 404


def test_a_planned_hire_with_bad_input_is_refused_and_keeps_the_text(db, hr):
    response = hr.post("/pso/forecast", data={
        "label": "leerling BBL", "start": "2027-02-01", "contract_type": "fantasy", "hours_per_week": "24"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "The planned hire was added" not in html
    assert 'value="leerling BBL"' in html and 'value="24"' in html
    no_hours = hr.post("/pso/forecast", data={
        "label": "leerling BBL", "start": "2027-02-01", "contract_type": "regular", "hours_per_week": "veel"})
    assert "The planned hire was added" not in no_hours.get_data(as_text=True)
    assert count(db, PsoPlannedHire) == 0 and trail(db, "pso_planned_hire", "create") == []


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN, Role.AUDITOR, Role.STAFF])
def test_only_hr_changes_the_register_and_the_forecast(db, client, login_as, wendy, role):
    period = services.add_employment(wendy, start=dt.date(2015, 1, 1), end=None, contract_type="regular",
                                     hours_per_week=Decimal(40), norm_week_hours=None)
    hire = services.add_planned_hire(label="schoonmaker", start=dt.date(2027, 1, 1), contract_type="regular",
                                     hours_per_week=Decimal(20), starting_position=None)
    db.session.commit()
    entries = count(db, AuditEntry)
    login_as(role)
    posts = {
        f"/pso/register/{wendy.id}/employment": {"emp-start": "2010-01-01", "emp-end": "2010-12-31",
                                                  "emp-contract_type": "regular", "emp-hours_per_week": "8"},
        f"/pso/employment/{period.id}/delete": {},
        f"/pso/register/{wendy.id}/hours": {"hrs-year": str(YEAR), "hrs-hours_worked": "1000"},
        f"/pso/register/{wendy.id}/conversations": {"conv-held_on": "2025-01-01", "conv-kind": "performance",
                                                    "conv-summary": "x"},
        "/pso/forecast": {"label": "x", "start": "2027-01-01", "contract_type": "regular", "hours_per_week": "8"},
        f"/pso/forecast/hires/{hire.id}/delete": {},
    }
    for url, data in posts.items():
        assert client.post(url, data=data).status_code == 403, url
    assert count(db, PsoEmployment) == 1 and count(db, PsoPlannedHire) == 1
    assert count(db, PsoHours) == 0 and count(db, PsoConversation) == 0
    # only the refusals themselves were written
    new = db.session.scalars(select(AuditEntry).where(AuditEntry.id > entries)).all()
    assert {e.action for e in new} <= {"access_refused", "login", "create"}
    assert not [e for e in new if e.entity_type and e.entity_type.startswith("pso_")]
