"""The speak-up channel: an anonymous report leaves no trace of its sender, only the confidential counsellor reads
it (every read in the trail, the text never in the trail or a notification), the reporter returns with case code
and secret (wrong secrets lock the code), the 7-day and 3-month reminders on a fixed clock, the procedure from
document control, the anonymous figures for administrators and the management review."""
import datetime as dt
import io
import json

import pytest
from PIL import Image
from sqlalchemy import func, select

from qms.audit.models import AuditEntry
from qms.documents.models import Document
from qms.notifications import services as notifications
from qms.notifications.models import Notification
from qms.permissions import Role
from qms.speakup import services
from qms.speakup.models import SpeakupAttempt, SpeakupCase, SpeakupMessage, SpeakupPhoto
from qms.speakup.workflow import MessageKind
from qms.uploads.services import path_of
from tests import factories

SECRET = "mijn geheim 123"
TEXT = "Mijn leidinggevende laat ons zonder valbeveiliging op het dak werken."


def _photo(name="IMG_from_jan_jansen.jpg"):
    buffer = io.BytesIO()
    image = Image.new("RGB", (40, 30), (20, 120, 20))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0131] = "Jan Jansen's phone"  # Software
    image.save(buffer, "JPEG", exif=exif.tobytes())
    buffer.seek(0)
    return buffer, name


def _form(**overrides):
    data = {"category": "manager_behaviour", "subject": "Werken zonder valbeveiliging", "description": TEXT,
            "anonymous": "y", "secret": SECRET, "submission_id": "tok-1"}
    data.update(overrides)
    return data


def _report(client, **overrides):
    response = client.post("/speak-up/", data=_form(**overrides), content_type="multipart/form-data",
                           environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response


def _code(client) -> str:
    page = client.get("/speak-up/thanks").get_data(as_text=True)
    case = services.normalise_code(page.split('data-case-code>')[1].split("<")[0])
    return case


def test_an_anonymous_report_keeps_no_trace_of_the_sender(app, db, client, make_user, login_as):
    counsellor = make_user(Role.COUNSELLOR)
    login_as(Role.STAFF)  # even a logged-in reporter stays anonymous
    _report(client, reporter_name="Jan Jansen", photos=[_photo()])
    case = db.session.scalar(select(SpeakupCase))
    assert case.anonymous and case.reporter_name is None and case.description == TEXT
    assert case.secret_hash.startswith("$argon2") and SECRET not in case.secret_hash
    photo = db.session.scalar(select(SpeakupPhoto))
    assert photo.stored_file.uploaded_by_id is None and "jansen" not in photo.stored_file.original_name.lower()
    stored = Image.open(path_of(photo.stored_file))
    assert not stored.getexif() and "Jan Jansen" not in path_of(photo.stored_file).read_bytes().decode("latin-1")
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type.in_(
        ["speakup_case", "speakup_photo", "stored_file"]))).all()
    assert entries and all(e.actor_id is None and e.actor_label == "anonymous" and e.ip is None for e in entries)
    trail = " ".join((e.new_values or "") + (e.old_values or "") for e in db.session.scalars(select(AuditEntry)))
    assert "203.0.113.9" not in trail and "valbeveiliging" not in trail and case.code not in trail
    created = db.session.scalar(select(AuditEntry).where(AuditEntry.entity_type == "speakup_case"))
    assert json.loads(created.new_values)["description"] == "***"
    attempt = db.session.scalar(select(SpeakupAttempt))
    assert "203.0.113.9" not in attempt.key and attempt.hour.minute == 0
    # the counsellor is told that a report arrived, never what it says (in the app and by e-mail)
    note = db.session.scalar(select(Notification).where(Notification.user_id == counsellor.id))
    assert note and case.number in note.subject and "valbeveiliging" not in note.subject + note.body
    # the code is shown once
    code = _code(client)
    assert code == case.code
    assert case.code not in client.get("/speak-up/thanks").get_data(as_text=True)


def test_the_same_form_sent_twice_makes_one_case_and_bad_input_is_kept(db, client):
    refused = client.post("/speak-up/", data=_form(secret="kort"))
    assert refused.status_code == 400 and "at least 8 characters" in refused.get_data(as_text=True)
    assert TEXT in refused.get_data(as_text=True)
    named = client.post("/speak-up/", data=_form(anonymous="", reporter_name=""))
    assert named.status_code == 400 and "Fill in your name" in named.get_data(as_text=True)
    _report(client)
    _report(client)
    assert db.session.scalar(select(func.count()).select_from(SpeakupCase)) == 1


def test_a_named_report_keeps_the_name_for_the_counsellor_only(db, client, make_user):
    _report(client, anonymous="", reporter_name="Piet Klaassen", reporter_contact="06-12345678")
    case = db.session.scalar(select(SpeakupCase))
    assert not case.anonymous and case.reporter_name == "Piet Klaassen"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity_type == "speakup_case"))
    assert "Piet" not in entry.new_values and json.loads(entry.new_values)["reporter_name"] == "***"


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR, Role.AUDITOR, Role.HR, Role.STAFF])
def test_only_the_counsellor_reads_a_report(app, db, client, login_as, role):
    _report(client)
    case = db.session.scalar(select(SpeakupCase))
    login_as(role)
    for url in ("/speak-up/cases", f"/speak-up/cases/{case.id}"):
        assert client.get(url).status_code in (403, 404), (role, url)
    assert client.post(f"/speak-up/cases/{case.id}/message", data={"kind": "to_reporter", "body": "x"}
                       ).status_code in (403, 404)
    trail = client.get("/audit/").get_data(as_text=True) if role in (Role.ADMIN, Role.COORDINATOR) else ""
    assert "valbeveiliging" not in trail
    figures = client.get("/speak-up/figures")
    if role is Role.ADMIN:  # administrators see counts, never a report
        html = figures.get_data(as_text=True)
        assert figures.status_code == 200 and "valbeveiliging" not in html and case.number not in html
        assert '<td data-total>1</td>' in html
    else:
        assert figures.status_code == 403


def test_photos_of_a_report_are_for_the_counsellor_alone_not_even_an_administrator(app, db, client, make_user):
    """Only the counsellor sees a photo, and only from the case, where each look is written to the trail; the
    generic download route serves it to nobody (it would leave no trace)."""
    _report(client, photos=[_photo()])
    photo = db.session.scalar(select(SpeakupPhoto))
    generic, own = f"/files/{photo.stored_file_id}", f"/speak-up/cases/{photo.case_id}/photos/{photo.id}"
    for role, allowed in ((Role.ADMIN, False), (Role.COORDINATOR, False), (Role.COUNSELLOR, True)):
        user, reader = make_user(role), app.test_client()
        reader.post("/login", data={"email": user.email, "password": "correct horse battery"})
        assert reader.get(generic).status_code in (403, 404), role
        assert (reader.get(own).status_code == 200) is allowed, role
    assert reader.get(f"/speak-up/cases/{photo.case_id}/photos/{photo.id + 1}").status_code == 404
    views = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "view",
                                                        AuditEntry.entity_type == "speakup_case")).all()
    assert ["photo 1" in (v.new_values or "") for v in views] == [True]


def test_the_counsellor_reads_and_answers_and_each_read_is_in_the_trail(app, db, client, login_as):
    _report(client)
    code = _code(client)
    case = db.session.scalar(select(SpeakupCase))
    counsellor = login_as(Role.COUNSELLOR)
    assert case.number in client.get("/speak-up/cases").get_data(as_text=True)
    page = client.get(f"/speak-up/cases/{case.id}")
    assert page.status_code == 200 and TEXT in page.get_data(as_text=True)
    client.get(f"/speak-up/cases/{case.id}")
    views = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "view",
                                                        AuditEntry.entity_type == "speakup_case")).all()
    assert len(views) == 2 and all(v.actor_id == counsellor.id for v in views)
    note = client.post(f"/speak-up/cases/{case.id}/message", data={"kind": "internal_note", "body": "Bellen met HR."})
    assert note.status_code == 302
    db.session.expire_all()
    assert db.session.get(SpeakupCase, case.id).acknowledged_on is None  # a note is not a confirmation
    bad = client.post(f"/speak-up/cases/{case.id}/message", data={"kind": "internal_note", "body": "x", "is_feedback": "y"})
    assert bad.status_code == 400 and "not an internal note" in bad.get_data(as_text=True)
    sent = client.post(f"/speak-up/cases/{case.id}/message",
                       data={"kind": "to_reporter", "body": "Dank je. Wanneer gebeurde dit?"})
    assert sent.status_code == 302
    db.session.expire_all()
    case = db.session.get(SpeakupCase, case.id)
    assert case.acknowledged_on is not None and case.state.value == "acknowledged"
    trail = " ".join(e.new_values or "" for e in db.session.scalars(select(AuditEntry)))
    assert "Bellen met HR" not in trail and "Wanneer gebeurde" not in trail

    # the reporter, without an account, reads the answer but never the internal note, and replies
    reporter = app.test_client()
    assert reporter.get("/speak-up/mailbox").status_code == 302
    opened = reporter.post("/speak-up/mailbox/open", data={"code": code.lower().replace("-", " "), "secret": SECRET})
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/speak-up/mailbox")
    mailbox = reporter.get("/speak-up/mailbox").get_data(as_text=True)
    assert "Wanneer gebeurde dit?" in mailbox and "Bellen met HR" not in mailbox
    assert reporter.post("/speak-up/mailbox/reply", data={"body": "Vorige week dinsdag."},
                         environ_base={"REMOTE_ADDR": "203.0.113.10"}).status_code == 302
    reply = db.session.scalar(select(SpeakupMessage).where(SpeakupMessage.kind == MessageKind.REPORTER))
    assert reply.body == "Vorige week dinsdag." and reply.author_user_id is None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity_type == "speakup_message")
                              .order_by(AuditEntry.id.desc()))
    assert entry.actor_label == "anonymous" and entry.ip is None and "dinsdag" not in entry.new_values
    assert "Vorige week dinsdag." in client.get(f"/speak-up/cases/{case.id}").get_data(as_text=True)
    told = db.session.scalars(select(Notification).where(Notification.user_id == counsellor.id)).all()
    assert told and all("dinsdag" not in n.subject + n.body for n in told)
    # feedback, then closing
    assert client.post(f"/speak-up/cases/{case.id}/message", data={
        "kind": "to_reporter", "body": "Er is nu valbeveiliging.", "is_feedback": "y"}).status_code == 302
    assert client.post(f"/speak-up/cases/{case.id}/close").status_code == 302
    db.session.expire_all()
    assert db.session.get(SpeakupCase, case.id).state.value == "closed"
    reporter.post("/speak-up/mailbox/close")
    assert reporter.get("/speak-up/mailbox").status_code == 302


def test_wrong_secrets_lock_the_case_code(app_factory):
    app = app_factory(SPEAKUP_MAX_FAILURES=3)
    client = app.test_client()
    from qms.extensions import db

    with app.app_context():
        _report(client)
        code = _code(client)
        for _ in range(3):
            wrong = client.post("/speak-up/mailbox/open", data={"code": code, "secret": "niet mijn geheim"})
            assert wrong.status_code == 400 and "not right" in wrong.get_data(as_text=True)
        locked = client.post("/speak-up/mailbox/open", data={"code": code, "secret": SECRET})
        assert locked.status_code == 429 and "closed for an hour" in locked.get_data(as_text=True)
        assert client.get("/speak-up/mailbox").status_code == 302
        case = db.session.scalar(select(SpeakupCase))
        case.locked_until = dt.datetime(2000, 1, 1)
        db.session.commit()
        assert client.post("/speak-up/mailbox/open", data={"code": code, "secret": SECRET}).status_code == 302
        unknown = client.post("/speak-up/mailbox/open", data={"code": "AAAA-BBBB-CCCC", "secret": SECRET})
        assert unknown.status_code == 400


def test_reports_and_mailbox_openings_are_rate_limited_per_address(app_factory):
    app = app_factory(SPEAKUP_MAX_PER_HOUR={"report": 2, "mailbox": 2})
    client = app.test_client()
    from qms.extensions import db

    with app.app_context():
        address = {"REMOTE_ADDR": "198.51.100.7"}
        for n in range(2):
            assert client.post("/speak-up/", data=_form(submission_id=f"t{n}"), environ_base=address).status_code == 302
        refused = client.post("/speak-up/", data=_form(submission_id="t3"), environ_base=address)
        assert refused.status_code == 429 and TEXT in refused.get_data(as_text=True)
        assert client.post("/speak-up/", data=_form(submission_id="t4"),
                           environ_base={"REMOTE_ADDR": "198.51.100.8"}).status_code == 302
        assert db.session.scalar(select(func.count()).select_from(SpeakupCase)) == 3
        for _ in range(2):
            client.post("/speak-up/mailbox/open", data={"code": "AAAA", "secret": "x"}, environ_base=address)
        assert client.post("/speak-up/mailbox/open", data={"code": "AAAA", "secret": "x"},
                           environ_base=address).status_code == 429


def _case_received_on(db, client, day: dt.date) -> SpeakupCase:
    _report(client, submission_id=f"tok-{day}")
    case = db.session.scalar(select(SpeakupCase).order_by(SpeakupCase.id.desc()))
    case.received_on = day
    db.session.commit()
    return case


def _subjects(db, user) -> list[str]:
    return list(db.session.scalars(select(Notification.subject).where(Notification.user_id == user.id)
                                   .order_by(Notification.id)))


def test_reminders_fire_on_day_7_and_at_3_months_on_a_fixed_clock(app, db, client, make_user):
    counsellor, admin = make_user(Role.COUNSELLOR), make_user(Role.ADMIN)
    received = dt.date(2026, 3, 2)
    case = _case_received_on(db, client, received)
    db.session.execute(Notification.__table__.delete())
    db.session.commit()

    notifications.run_reminders(dt.date(2026, 3, 8))  # day 6: the term ends soon
    assert any("by" in s for s in _subjects(db, counsellor)) and not any("today" in s for s in _subjects(db, counsellor))
    notifications.run_reminders(dt.date(2026, 3, 9))  # day 7: the last day
    today = [s for s in _subjects(db, counsellor) if "today (7-day term)" in s]
    assert today == [f"Confirm receipt of report {case.number} today (7-day term)"]
    assert notifications.run_reminders(dt.date(2026, 3, 9)) == 0  # once
    assert _subjects(db, admin) == []
    notifications.run_reminders(dt.date(2026, 3, 10))  # late: escalates, also to the administrators
    notifications.run_reminders(dt.date(2026, 3, 11))  # … every day until it is done
    late = [s for s in _subjects(db, admin) if "past its legal term" in s]
    assert len(late) == 2
    admin_notes = db.session.scalars(select(Notification).where(Notification.user_id == admin.id)).all()
    assert all("valbeveiliging" not in n.subject + n.body and n.url is None for n in admin_notes)

    case.acknowledged_on = dt.date(2026, 3, 12)
    db.session.commit()
    before = len(_subjects(db, counsellor))
    notifications.run_reminders(dt.date(2026, 3, 13))
    assert len(_subjects(db, counsellor)) == before  # acknowledged: nothing more on that term
    notifications.run_reminders(dt.date(2026, 6, 1))  # the day before the 3-month term ends
    assert not any("today (3-month term)" in s for s in _subjects(db, counsellor))
    notifications.run_reminders(dt.date(2026, 6, 2))  # 3 months after receipt
    assert f"Give feedback on report {case.number} today (3-month term)" in _subjects(db, counsellor)


def test_the_reminders_run_from_the_cli_with_a_date(app, db, client, make_user):
    counsellor = make_user(Role.COUNSELLOR)
    _case_received_on(db, client, dt.date(2026, 3, 2))
    result = app.test_cli_runner().invoke(args=["qms", "reminders", "--today", "2026-03-09"])
    assert result.exit_code == 0, result.output
    assert any("today (7-day term)" in s for s in _subjects(db, counsellor))


def _published_procedure(db, text: str, major: int = 1) -> Document:
    return factories.document(db, "PR-030", "Meldregeling integriteit", content=text, major=major)


def test_the_procedure_page_shows_the_published_version_the_administrator_chose(app, db, client, login_as):
    assert "has not published" in client.get("/speak-up/procedure").get_data(as_text=True)
    document = _published_procedure(db, "# Meldregeling\n\nDe **vertrouwenspersoon** is Sanne.")
    login_as(Role.ADMIN)
    assert client.post("/speak-up/settings", data={"document_id": "999"}).status_code == 400
    assert client.post("/speak-up/settings", data={"document_id": str(document.id)}).status_code == 302
    client.get("/logout")
    page = client.get("/speak-up/procedure").get_data(as_text=True)
    assert "<strong>vertrouwenspersoon</strong>" in page and "version 1.0" in page and "PR-030" in page
    assert 'href="/speak-up/procedure"' in client.get("/speak-up/").get_data(as_text=True)


def test_incident_forms_link_to_the_speakup_channel(db, client, login_as):
    from qms.incidents import services as incidents
    from qms.organisation.models import Site

    site = Site(name="Kantoor Noord", active=True)
    db.session.add(site)
    db.session.commit()
    token = incidents.site_token(site).token
    db.session.commit()
    assert 'href="/speak-up/"' in client.get(f"/incidents/qr/{token}").get_data(as_text=True)
    login_as(Role.STAFF)
    assert 'href="/speak-up/"' in client.get("/incidents/report").get_data(as_text=True)


def test_figures_and_the_management_review_show_the_same_anonymous_numbers(app, db, client):
    from qms.speakup.hooks import review_section

    this_year = services.local_now().date().year
    _report(client)
    _report(client, submission_id="tok-2", category="harassment")
    fig = services.figures(this_year)
    assert fig.total == 2 and fig.by_category["harassment"] == 1 and fig.by_category["manager_behaviour"] == 1
    section = review_section(app, dt.date(this_year, 1, 1), dt.date(this_year, 12, 31))
    rows = dict(section.rows)
    assert rows[f"Reports received in {this_year}"] == "2"
    assert rows["Harassment, discrimination or bullying"] == "1"
    assert "valbeveiliging" not in json.dumps(section.rows)
