"""Nonconformities and actions through the pages: the full cycle, access per role, reminders, exports, trail."""
import datetime as dt

import pytest
from sqlalchemy import select

from qms.actions import services
from qms.actions.models import Nonconformity
from qms.actions.workflow import NcState
from qms.audit.models import AuditEntry
from qms.permissions import Role
from tests import factories


@pytest.fixture
def nc(db, make_user):
    owner = make_user(Role.COORDINATOR, name="Nina Owner")
    return factories.nonconformity(db, "Ladder not inspected", description="Ladder 4 had no sticker.", owner=owner)


def _tomorrow():
    return (dt.date.today() + dt.timedelta(days=10)).isoformat()


def test_nc_cycle_corrected_checked_ineffective_reopened_fixed_closed(client, db, login_as, make_user, nc):
    manager = login_as(Role.COORDINATOR)
    doer = make_user(Role.STAFF, name="Dirk Doer")
    r = client.post(f"/actions/nc/{nc.id}/edit", data={
        "title": nc.title, "description": nc.description, "severity": "major", "owner_id": str(manager.id),
        "correction": "Ladder taken out of use", "root_cause": "No inspection schedule"})
    assert r.status_code == 302
    r = client.post(f"/actions/nc/{nc.id}/actions", data={
        "kind": "corrective", "description": "Start an inspection schedule", "owner_id": str(doer.id),
        "due_date": _tomorrow()})
    assert r.status_code == 302
    db.session.refresh(nc)
    assert nc.state is NcState.ACTIONS_PLANNED and nc.correction == "Ladder taken out of use"

    # an effectiveness check is refused while an action is open
    r = client.post(f"/actions/nc/{nc.id}/check", data={"effective": "yes", "note": "ok",
                                                        "checked_on": dt.date.today().isoformat()})
    assert r.status_code == 400 and b"once every action is done" in r.data
    db.session.refresh(nc)
    assert nc.state is NcState.ACTIONS_PLANNED

    action = nc.actions[0]
    assert client.post(f"/actions/{action.id}/complete", data={"note": ""}).status_code == 400
    assert client.post(f"/actions/{action.id}/complete", data={"note": "Schedule made"}).status_code == 302
    db.session.refresh(nc)
    assert nc.state is NcState.AWAITING_CHECK

    r = client.post(f"/actions/nc/{nc.id}/check", data={"effective": "no", "note": "Ladder 6 also unchecked",
                                                        "checked_on": dt.date.today().isoformat()})
    assert r.status_code == 302
    db.session.refresh(nc)
    assert nc.state is NcState.OPEN and nc.closed_on is None

    client.post(f"/actions/nc/{nc.id}/actions", data={
        "kind": "preventive", "description": "Sticker check in the weekly round", "owner_id": str(doer.id),
        "due_date": _tomorrow()})
    db.session.refresh(nc)
    assert nc.state is NcState.ACTIONS_PLANNED
    client.post(f"/actions/{nc.actions[1].id}/complete", data={"note": "Added to the round"})
    r = client.post(f"/actions/nc/{nc.id}/check", data={"effective": "yes", "note": "Three rounds, all ladders ok",
                                                        "checked_on": dt.date.today().isoformat()})
    assert r.status_code == 302
    db.session.refresh(nc)
    assert nc.state is NcState.CLOSED and nc.closed_on == dt.date.today()
    assert [c.effective for c in nc.checks] == [False, True]

    # closed is final
    r = client.post(f"/actions/nc/{nc.id}/actions", data={
        "kind": "corrective", "description": "More", "owner_id": str(doer.id), "due_date": _tomorrow()})
    assert r.status_code == 400
    assert len(nc.actions) == 2
    page = client.get(f"/actions/nc/{nc.id}").get_data(as_text=True)
    assert "Closed" in page and "Plan an action" not in page

    states = [e.new_values for e in db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity_type == "nonconformity", AuditEntry.entity_id == str(nc.id)).order_by(AuditEntry.id))]
    assert any('"closed"' in (v or "") for v in states) and any('"open"' in (v or "") for v in states)


def test_staff_sees_own_action_only(client, db, login_as, make_user, nc):
    staff = login_as(Role.STAFF)
    other = make_user(Role.STAFF)
    assert client.get(f"/actions/nc/{nc.id}").status_code == 404
    assert client.get("/actions/nc").status_code == 403
    mine = services.add_action(nc, kind="immediate", description="Remove the ladder", owner=staff,
                               due_date=dt.date.today())
    theirs = services.add_action(nc, kind="corrective", description="Their task", owner=other,
                                 due_date=dt.date.today())
    db.session.commit()
    assert client.get(f"/actions/nc/{nc.id}").status_code == 200
    page = client.get("/actions/").get_data(as_text=True)
    assert "Remove the ladder" in page and "Their task" not in page
    assert client.post(f"/actions/{theirs.id}/complete", data={"note": "not mine"}).status_code in (403, 404)
    assert client.post(f"/actions/{mine.id}/complete", data={"note": "Removed", "back": "index"}).status_code == 302
    assert client.post(f"/actions/nc/{nc.id}/check", data={"effective": "yes", "note": "x"}).status_code == 403


def test_bad_input_keeps_text_and_changes_nothing(client, db, login_as, nc):
    login_as(Role.COORDINATOR)
    r = client.post(f"/actions/nc/{nc.id}/actions", data={
        "kind": "corrective", "description": "Keep this text", "owner_id": "", "due_date": "not a date"})
    assert r.status_code == 400
    assert "Keep this text" in r.get_data(as_text=True)
    db.session.refresh(nc)
    assert nc.actions == [] and nc.state is NcState.OPEN


def test_similar_cases_on_same_requirement(client, db, login_as):
    login_as(Role.AUDITOR)
    old = services.open_nonconformity(title="Old one", description="", source_type="manual",
                                      requirement=("iso9001", "2015", "7.5.3.1"), opened_on=dt.date(2025, 1, 3))
    new = services.open_nonconformity(title="New one", description="", source_type="manual",
                                      requirement=("iso9001", "2015", "7.5.3.1"))
    other = services.open_nonconformity(title="Elsewhere", description="", source_type="manual",
                                        requirement=("iso9001", "2015", "8.1"))
    db.session.commit()
    assert services.similar_cases(new) == [old]
    page = client.get(f"/actions/nc/{new.id}").get_data(as_text=True)
    assert "Old one" in page and "Elsewhere" not in page
    assert other.number.startswith(f"NC-{dt.date.today().year}-")


def test_registered_source_links_back(app, client, db, login_as):
    login_as(Role.COORDINATOR)
    from qms.norms import registry

    registry(app).add_action_source("thing", "Thing", lambda id: f"/things/{id}")
    nc = services.open_nonconformity(title="From a thing", description="", source_type="thing", source_id=42)
    db.session.commit()
    assert services.for_source("thing", 42) == [nc]
    assert 'href="/things/42"' in client.get(f"/actions/nc/{nc.id}").get_data(as_text=True)


def test_reminders_before_and_after_due_date(app, db, make_user, nc):
    from qms.notifications import services as notifications

    doer = make_user(Role.STAFF)
    services.add_action(nc, kind="corrective", description="Fix it", owner=doer, due_date=dt.date(2026, 3, 20))
    db.session.commit()
    app.extensions["mail_outbox"].clear()
    assert notifications.run_reminders(dt.date(2026, 3, 15)) == 1
    assert notifications.run_reminders(dt.date(2026, 3, 16)) == 0  # once per stage
    assert notifications.run_reminders(dt.date(2026, 3, 22)) == 1
    assert notifications.run_reminders(dt.date(2026, 4, 5)) == 1  # escalation to the nonconformity's owner
    db.session.commit()
    assert any(m["To"] == doer.email for m in app.extensions["mail_outbox"])
    assert any(m["To"] == nc.owner.email for m in app.extensions["mail_outbox"])


def test_action_list_exports(client, db, login_as, make_user, nc):
    user = login_as(Role.COORDINATOR)
    services.add_action(nc, kind="corrective", description="=HYPERLINK(evil)", owner=user, due_date=dt.date.today())
    db.session.commit()
    csv = client.get("/actions/export.csv?status=all")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert "'=HYPERLINK(evil)" in csv.get_data(as_text=True)
    pdf = client.get("/actions/export.pdf?scope=all&status=open")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


@pytest.mark.parametrize("url", ["/actions/", "/actions/all", "/actions/nc", "/audits/"])
def test_lists_without_filters_show_no_errors(client, db, login_as, url):
    login_as(Role.COORDINATOR)
    page = client.get(url).get_data(as_text=True)
    assert 'class="error"' not in page


@pytest.mark.parametrize("query", ["status=bogus&kind=%00x&owner=abc", "state=zzz&severity=1&source=<b>&page=-4&q=%25"])
def test_bad_filters_never_break_a_list(client, db, login_as, query):
    login_as(Role.COORDINATOR)
    for url in ("/actions/all", "/actions/nc", "/actions/export.csv", "/actions/export.pdf", "/audits/"):
        assert client.get(f"{url}?{query}").status_code in (200, 400), url


def test_a_coordinator_registers_a_nonconformity_through_the_form(client, db, login_as, make_user):
    manager = login_as(Role.COORDINATOR)
    owner = make_user(Role.STAFF, name="Olaf Owner")
    form = client.get("/actions/nc/new").get_data(as_text=True)
    # the owner is searched among the users (a lookup input), not picked from every account in the page
    assert 'name="title"' in form and 'data-lookup="/lookup/users"' in form and "Olaf Owner" not in form
    response = client.post("/actions/nc/new", data={
        "title": "Kapotte trapleer", "description": "Trap 2 mist een sport.", "severity": "major",
        "source_type": "manual", "requirement": "", "owner_id": str(owner.id)}, follow_redirects=True)
    found = db.session.scalar(select(Nonconformity))
    html = response.get_data(as_text=True)
    assert f"Nonconformity {found.number} was registered." in html and "Trap 2 mist een sport." in html
    assert (found.title, found.owner_id, found.opened_by_id, found.state) == (
        "Kapotte trapleer", owner.id, manager.id, NcState.OPEN)
    created = db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == Nonconformity.__tablename__,
                                                          AuditEntry.action == "create")).all()
    assert [e.entity_id for e in created] == [str(found.id)]
    # an empty title is refused and what was typed stays
    bad = client.post("/actions/nc/new", data={"title": "", "description": "Alleen een omschrijving",
                                                "severity": "minor", "source_type": "manual", "requirement": "",
                                                "owner_id": ""})
    assert bad.status_code == 200 and "Alleen een omschrijving" in bad.get_data(as_text=True)
    assert len(db.session.scalars(select(Nonconformity)).all()) == 1


def test_staff_do_not_register_nonconformities_through_the_form(client, db, login_as):
    login_as(Role.STAFF)
    assert client.get("/actions/nc/new").status_code == 403
    assert client.post("/actions/nc/new", data={"title": "x", "severity": "minor", "source_type": "manual",
                                                 "requirement": "", "owner_id": ""}).status_code == 403
    assert db.session.scalars(select(Nonconformity)).all() == []


def test_action_owners_are_searched_and_an_unusable_one_is_refused_next_to_the_field(client, db, login_as,
                                                                                  make_user, nc):
    login_as(Role.COORDINATOR)
    gone = make_user(Role.STAFF, name="Vera Vertrokken")
    gone.active = False
    doer = make_user(Role.STAFF, name="Dirk Doener")
    db.session.commit()
    page = client.get(f"/actions/nc/{nc.id}").get_data(as_text=True)
    assert 'data-lookup="/lookup/users"' in page and "Dirk Doener" not in page
    for owner in (str(gone.id), "999999", "abc"):
        r = client.post(f"/actions/nc/{nc.id}/actions", data={
            "kind": "corrective", "description": "Blijft staan", "owner_id": owner, "due_date": _tomorrow()})
        html = r.get_data(as_text=True)
        assert r.status_code == 400 and "Blijft staan" in html and f'value="{owner}"' in html, owner
        assert "Choose an active user from the suggestions" in html or "Choose from the suggestions" in html
    db.session.refresh(nc)
    assert nc.actions == []
    ok = client.post(f"/actions/nc/{nc.id}/actions", data={
        "kind": "corrective", "description": "Nu wel", "owner_id": str(doer.id), "due_date": _tomorrow()})
    assert ok.status_code == 302
    db.session.refresh(nc)
    assert [(a.description, a.owner_id) for a in nc.actions] == [("Nu wel", doer.id)]
    # the detail page names the chosen owner through the lookup's label, not through a list
    assert "Dirk Doener" in client.get(f"/actions/nc/{nc.id}").get_data(as_text=True)


def test_an_analysis_keeps_an_owner_who_left_but_refuses_choosing_one(client, db, login_as, make_user, nc):
    login_as(Role.COORDINATOR)
    left, other = make_user(Role.STAFF, name="Lotte Weg"), make_user(Role.STAFF, name="Otto Uit")
    nc.owner_id = left.id
    left.active = other.active = False
    db.session.commit()
    form = client.get(f"/actions/nc/{nc.id}/edit").get_data(as_text=True)
    assert "Lotte Weg" in form  # the label of the owner held
    data = {"title": nc.title, "description": "", "severity": "minor", "correction": "", "root_cause": "Oorzaak"}
    assert client.post(f"/actions/nc/{nc.id}/edit", data=dict(data, owner_id=str(left.id))).status_code == 302
    db.session.refresh(nc)
    assert (nc.owner_id, nc.root_cause) == (left.id, "Oorzaak")
    refused = client.post(f"/actions/nc/{nc.id}/edit", data=dict(data, owner_id=str(other.id), root_cause="Nieuw"))
    assert refused.status_code == 200 and "Choose an active user from the suggestions" in refused.get_data(as_text=True)
    db.session.refresh(nc)
    assert (nc.owner_id, nc.root_cause) == (left.id, "Oorzaak")
