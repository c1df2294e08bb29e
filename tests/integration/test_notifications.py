"""Notifications: one per recipient in their language, once per key, mailed only after commit; the reminders run;
the user's own list, opening and marking read; nobody opens another's notification."""
import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import select

from qms.norms import registry
from qms.extensions import db as _db
from qms.notifications import services
from qms.notifications.models import Notification
from qms.permissions import Role
from tests.unit.test_translations import compiled_catalogue  # noqa: F401 (fixture)


def _outbox(app):
    return app.extensions.setdefault("mail_outbox", [])


def test_notify_adds_one_per_active_recipient_and_mails_after_commit(app, db, make_user):
    a, b = make_user(Role.STAFF), make_user(Role.STAFF)
    gone = make_user(Role.STAFF, active=False)
    made = services.notify([a, b, a, gone], "Read PR-012", "Please read it.", url="/documents/1")
    assert made == 2
    assert _outbox(app) == []  # nothing leaves before the commit
    db.session.commit()
    mails = _outbox(app)
    assert sorted(m["To"] for m in mails) == sorted([a.email, b.email])
    assert "Please read it." in mails[0].get_content() and "/documents/1" in mails[0].get_content()
    rows = db.session.scalars(select(Notification).order_by(Notification.user_id)).all()
    assert [r.user_id for r in rows] == sorted([a.id, b.id])


def test_a_rolled_back_notification_is_never_mailed(app, db, make_user):
    user = make_user(Role.STAFF)
    services.notify(user, "Subject")
    db.session.rollback()
    db.session.commit()
    assert _outbox(app) == []
    assert db.session.scalar(select(Notification)) is None


def test_a_key_notifies_each_user_once(app, db, make_user):
    a, b = make_user(Role.STAFF), make_user(Role.STAFF)
    assert services.notify(a, "Review due", key="review:1:2026-12-01") == 1
    db.session.commit()
    assert services.notify([a, b], "Review due", key="review:1:2026-12-01") == 1
    db.session.commit()
    assert len(_outbox(app)) == 2


def test_text_is_rendered_in_each_recipients_language(app, db, make_user, compiled_catalogue):
    dutch, english = make_user(Role.STAFF), make_user(Role.STAFF)
    dutch.locale, english.locale = "nl", "en"
    db.session.commit()
    services.notify([dutch, english], lambda: _("Notifications"))
    db.session.commit()
    subjects = {n.user_id: n.subject for n in db.session.scalars(select(Notification))}
    assert subjects == {dutch.id: "Berichten", english.id: "Notifications"}


def test_unsafe_urls_are_dropped(app, db, make_user):
    user = make_user(Role.STAFF)
    services.notify(user, "x", url="https://evil.example/")
    db.session.commit()
    assert db.session.scalar(select(Notification.url)) is None


def test_the_reminders_run_asks_every_collector_and_sends_each_reminder_once(app, db, make_user):
    user = make_user(Role.COORDINATOR)
    seen = []

    def collector(today):
        seen.append(today)
        if today >= dt.date(2026, 12, 1):
            yield services.Reminder(user, "Review due", "PR-012 is due", "/documents/1", key="review:1:2026-12-01")

    registry(app).add_reminders(collector)
    registry(app).add_reminders(collector)  # registering twice changes nothing
    assert services.run_reminders(dt.date(2026, 11, 30)) == 0
    assert services.run_reminders(dt.date(2026, 12, 1)) == 1
    db.session.commit()
    assert services.run_reminders(dt.date(2026, 12, 2)) == 0
    assert seen == [dt.date(2026, 11, 30), dt.date(2026, 12, 1), dt.date(2026, 12, 2)]
    assert [m["Subject"] for m in _outbox(app)] == ["Review due"]


def test_the_cli_runs_the_reminders(app, db, make_user):
    user = make_user(Role.COORDINATOR)
    registry(app).add_reminders(lambda today: [services.Reminder(user, f"due {today}", key=f"k{today}")])
    result = app.test_cli_runner().invoke(args=["qms", "reminders", "--today", "2026-12-01"])
    assert result.exit_code == 0, result.output
    assert "1 reminders sent" in result.output
    assert _db.session.scalar(select(Notification.subject)) == "due 2026-12-01"


def test_the_list_shows_only_my_notifications_and_opening_marks_read(app, db, client, login_as, make_user):
    me = login_as(Role.STAFF)
    other = make_user(Role.STAFF)
    services.notify(me, "Mine to read", url="/notifications/")
    services.notify(other, "Someone else's")
    db.session.commit()
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Mine to read" in page and "Someone else" not in page
    assert 'class="count-badge"' in client.get("/").get_data(as_text=True)
    mine = db.session.scalar(select(Notification).where(Notification.user_id == me.id))
    theirs = db.session.scalar(select(Notification).where(Notification.user_id == other.id))
    assert client.post(f"/notifications/{theirs.id}/open").status_code == 404
    response = client.post(f"/notifications/{mine.id}/open")
    assert response.status_code == 302 and response.headers["Location"].endswith("/notifications/")
    db.session.expire_all()
    assert db.session.get(Notification, mine.id).read_at is not None
    assert db.session.get(Notification, theirs.id).read_at is None
    assert 'class="count-badge"' not in client.get("/").get_data(as_text=True)


def test_mark_all_read(app, db, client, login_as):
    me = login_as(Role.STAFF)
    for n in range(3):
        services.notify(me, f"n{n}")
    db.session.commit()
    assert client.post("/notifications/read-all").status_code == 302
    assert services.unread_count(me) == 0


def test_the_unread_badge_counts_up_to_99(app, db, client, login_as):
    """Every page shows the badge: it counts at most a hundred rows and shows 99+ beyond 99."""
    from sqlalchemy import insert

    from qms.database import utcnow

    me = login_as(Role.STAFF)
    rows = [{"user_id": me.id, "key": f"k{n}", "subject": f"n{n}", "body": "", "url": None, "created_at": utcnow()}
            for n in range(99)]
    db.session.execute(insert(Notification), rows)
    db.session.commit()
    assert '<span class="count-badge" aria-label="99 unread">99</span>' in client.get("/").get_data(as_text=True)
    db.session.execute(insert(Notification), [dict(r, key=f"x{n}") for n, r in enumerate(rows[:5])])
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert '<span class="count-badge" aria-label="More than 99 unread">99+</span>' in page
    assert services.unread_count(me) == 100 and services.unread_count(me, at_most=None) == 104
