"""Reminders arrive as one daily digest per person (counted per kind, with links), unless the person chose a
message per reminder; mail goes out over one SMTP connection per batch."""
import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from qms import mail
from qms.notifications import services
from qms.notifications.models import Notification, NotificationPreference, ReminderSent
from qms.norms import registry
from qms.permissions import Role

DAY = dt.date(2026, 12, 3)


@pytest.fixture(autouse=True)
def digest_by_default(app, monkeypatch):
    """The shipped default (the test suite's app factory sets immediate delivery for the packages' tests)."""
    monkeypatch.setitem(app.config, "REMINDER_DELIVERY", "digest")


def _collector(users, kinds=(("vca:diploma", 12), ("document-review", 3)), day=DAY):
    def collect(today):
        for kind, count in kinds:
            for n in range(count):
                yield services.Reminder(users, lambda n=n, kind=kind: f"{kind} item {n}", "", f"/x/{n}",
                                        f"{kind}:{n}:{day}")
    return collect


def test_the_first_run_sends_at_most_one_digest_per_person(app, db, make_user):
    people = [make_user(Role.COORDINATOR) for _ in range(3)]
    registry(app).reminders[:] = [_collector(people)]
    app.extensions.pop("mail_outbox", None)
    assert services.run_reminders(DAY) == 3
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 3
    outbox = app.extensions["mail_outbox"]
    assert sorted(str(m["To"]) for m in outbox) == sorted(p.email for p in people)
    note = db.session.scalars(select(Notification).where(Notification.user_id == people[0].id)).one()
    assert "15" in note.subject and note.url == "/notifications/"
    assert "12 × vca:diploma item 0" in note.body and "3 × document-review item 0" in note.body
    assert "… en nog 7 van deze soort" in note.body or "… and 7 more of this kind" in note.body
    assert "/x/0" in note.body
    # Again the same day, and the next day with nothing new: nothing is sent.
    assert services.run_reminders(DAY) == 0
    assert services.run_reminders(DAY + dt.timedelta(days=1)) == 0
    db.session.commit()
    # A new reminder the next day: a digest with only that one.
    registry(app).reminders[:] = [_collector(people), _collector(people[:1], (("audit", 1),))]
    assert services.run_reminders(DAY + dt.timedelta(days=1)) == 1
    db.session.commit()
    newest = db.session.scalars(select(Notification).where(Notification.user_id == people[0].id)
                                .order_by(Notification.id.desc())).first()
    assert ": 1" in newest.subject and "audit item 0" in newest.body and "vca:diploma" not in newest.body
    assert db.session.scalar(select(func.count()).select_from(ReminderSent)) == 3 * 15 + 1


def test_a_person_who_chose_immediate_delivery_gets_a_message_per_reminder(app, db, client, make_user, login_as):
    user = login_as(Role.COORDINATOR)
    html = client.get("/notifications/settings").get_data(as_text=True)
    assert re.search(r"<input[^>]*checked[^>]*value=\"digest\"|<input[^>]*value=\"digest\"[^>]*checked", html)
    response = client.post("/notifications/settings", data={"reminders": "hourly"})
    assert response.status_code == 200 and db.session.get(NotificationPreference, user.id) is None
    assert client.post("/notifications/settings", data={"reminders": "immediate"}).status_code == 302
    other = make_user(Role.COORDINATOR)
    registry(app).reminders[:] = [_collector([user, other], (("vca:diploma", 4),))]
    assert services.run_reminders(DAY) == 4 + 1
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.user_id == user.id)) == 4
    assert db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.user_id == other.id)) == 1


def test_mail_goes_out_over_one_connection_per_batch(app, monkeypatch):
    connections, sent = [], []

    class FakeSMTP:
        def __init__(self, *args, **kwargs):
            connections.append(self)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def close(self):
            pass

        def starttls(self, **kwargs):
            pass

        def send_message(self, message):
            sent.append(message["To"])

    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSMTP)
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "mail.example")
    monkeypatch.setitem(app.config, "MAIL_USERNAME", "")
    messages = [(f"p{i}@example.com", "Onderwerp", "Tekst") for i in range(mail.SMTP_BATCH + 20)]
    assert mail.send_many(messages) == len(messages)
    assert len(connections) == 2 and len(sent) == len(messages)
