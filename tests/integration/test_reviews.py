"""Management review: the input pack from the modules and norms, conclusions, decisions tracked as actions,
freezing when held, closed minutes, the PDF, access per role."""
import datetime as dt

import pytest
from sqlalchemy import select

from qms.actions import services as actions
from qms.actions.models import CorrectiveAction
from qms.norms import ReviewSection
from qms.permissions import Role
from qms.reviews import services
from qms.reviews.models import Review
from qms.reviews.rules import ReviewState
from qms.signals import review_input_requested


def _plan(client, chair):
    today = dt.date.today()
    return client.post("/reviews/new", data={
        "title": "Review 2026", "period_start": today.replace(year=today.year - 1).isoformat(),
        "period_end": today.isoformat(), "meeting_on": today.isoformat(), "chair_id": str(chair.id),
        "attendees": "Director, coordinator"})


def test_review_assembles_decides_freezes_and_prints(client, db, login_as, make_user):
    chair = login_as(Role.COORDINATOR)
    doer = make_user(Role.STAFF, name="Doris Doer")
    actions.open_nonconformity(title="Late delivery", description="", source_type="manual", severity="minor")
    db.session.commit()
    assert _plan(client, chair).status_code == 302
    review = db.session.scalars(select(Review)).one()
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "Nonconformities and corrective actions" in page and "Audit results" in page
    assert "Status of actions from earlier reviews" in page
    # who acts on a decision is searched among the users, not chosen from every account in the page
    assert 'data-lookup="/lookup/users"' in page and "Doris Doer" not in page
    gone = make_user(Role.STAFF, name="Gerrit Gestopt", active=False)
    r = client.post(f"/reviews/{review.id}/decisions", data={"text": "Vertrokken eigenaar", "owner_id": str(gone.id),
                                                             "due_date": "2030-01-01"})
    assert r.status_code == 400 and "Choose an active user from the suggestions" in r.get_data(as_text=True)
    assert "Vertrokken eigenaar" in r.get_data(as_text=True)

    r = client.post(f"/reviews/{review.id}/decisions", data={"text": "Hire a second planner", "owner_id": str(doer.id),
                                                             "due_date": ""})
    assert r.status_code == 400 and "Hire a second planner" in r.get_data(as_text=True)
    r = client.post(f"/reviews/{review.id}/decisions", data={
        "text": "Hire a second planner", "owner_id": str(doer.id),
        "due_date": (dt.date.today() + dt.timedelta(days=60)).isoformat()})
    assert r.status_code == 302
    client.post(f"/reviews/{review.id}/decisions", data={"text": "Policy stays as it is", "owner_id": ""})
    db.session.refresh(review)
    tracked = [d for d in review.decisions if d.action]
    assert len(review.decisions) == 2 and len(tracked) == 1
    action = tracked[0].action
    assert action.owner_id == doer.id and action.source_type == "review" and action.nonconformity_id is None

    # closing needs conclusions; holding freezes the pack
    assert client.post(f"/reviews/{review.id}/state", data={"target": "closed"}).status_code == 400
    db.session.refresh(review)
    assert review.state is ReviewState.PLANNED
    client.post(f"/reviews/{review.id}/state", data={"target": "held"})
    db.session.refresh(review)
    assert review.state is ReviewState.HELD and "Nonconformities and corrective actions" in review.input_pack
    r = client.post(f"/reviews/{review.id}/state", data={"target": "closed"})
    assert r.status_code == 400 and "Record the conclusions" in r.get_data(as_text=True)
    client.post(f"/reviews/{review.id}/conclusions", data={"conclusions": "The system works; planning is a risk."})
    assert client.post(f"/reviews/{review.id}/state", data={"target": "closed"}).status_code == 302
    db.session.refresh(review)
    assert review.state is ReviewState.CLOSED
    r = client.post(f"/reviews/{review.id}/conclusions", data={"conclusions": "rewritten"})
    assert r.status_code == 400
    db.session.refresh(review)
    assert review.conclusions == "The system works; planning is a risk."

    pdf = client.get(f"/reviews/{review.id}/minutes.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")

    # the decision is tracked in the doer's own action list and reported in the next review
    nxt = Review(title="Next", period_start=dt.date.today(), period_end=dt.date.today(), meeting_on=dt.date.today(),
                 chair_id=chair.id)
    db.session.add(nxt)
    db.session.commit()
    section = services.earlier_actions_section(nxt.period_start, nxt.period_end, nxt)
    assert any("Hire a second planner" in label for label, _v in section.rows)


def test_a_missing_or_failing_module_leaves_its_section_out(app, db):
    def broken(sender, **kwargs):
        raise RuntimeError("boom")

    def extra(sender, start, end, **kwargs):
        return ReviewSection(key="extra", title="Customer feedback", order=70)

    review_input_requested.connect(broken)
    review_input_requested.connect(extra)
    try:
        with app.test_request_context():
            keys = [s.key for s in services.assemble(dt.date(2026, 1, 1), dt.date(2026, 12, 31))]
    finally:
        review_input_requested.disconnect(broken)
        review_input_requested.disconnect(extra)
    assert "extra" in keys and "nonconformities" in keys and "audits" in keys
    assert keys.index("nonconformities") < keys.index("extra")


@pytest.mark.parametrize("role, view, manage", [(Role.STAFF, 403, 403), (Role.AUDITOR, 200, 403),
                                                (Role.COORDINATOR, 200, 200)])
def test_access_per_role(client, db, login_as, role, view, manage):
    login_as(role)
    assert client.get("/reviews/").status_code == view
    assert client.get("/reviews/new").status_code == manage


def test_a_frozen_pack_is_shown_in_the_readers_language(client, db, login_as):
    chair = login_as(Role.COORDINATOR)
    assert _plan(client, chair).status_code == 302
    review = db.session.scalars(select(Review)).one()
    client.post("/language", data={"lang": "nl", "next": "/"})
    client.post(f"/reviews/{review.id}/state", data={"target": "held"})
    db.session.refresh(review)
    assert review.state is ReviewState.HELD
    dutch = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "Afwijkingen en corrigerende acties" in dutch
    client.post("/language", data={"lang": "en", "next": "/"})
    english = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "Nonconformities and corrective actions" in english
    assert "Afwijkingen en corrigerende acties" not in english


def test_the_pack_covers_process_performance_resources_and_improvement(client, db, login_as, make_user):
    """ISO 9001 9.3.2 c3 (process performance, conformity of services), e (resources) and f (improvement)."""
    chair = login_as(Role.COORDINATOR)
    doer = make_user(Role.STAFF, name="Doris Doer")
    actions.add_action(None, kind="improvement", description="Better planning board", owner=doer,
                       due_date=dt.date.today() - dt.timedelta(days=3), source_type="manual")
    db.session.commit()
    assert _plan(client, chair).status_code == 302
    review = db.session.scalars(select(Review)).one()
    with client.application.test_request_context():
        keys = {s["key"]: s for s in services.pack(review)}
    assert {"process_performance", "resources", "improvement"} <= set(keys)
    resources = dict(keys["resources"]["rows"])
    assert resources["Doris Doer: open actions, of which overdue"] == "1 / 1"
    improvement = dict(keys["improvement"]["rows"])
    assert improvement["Improvement actions open"] == "1"
