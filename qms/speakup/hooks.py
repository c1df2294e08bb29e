"""Where the speak-up channel plugs into the rest: photo access (the counsellor only), the daily reminders on
the legal terms, the management review's anonymous figures and readable record names in the audit trail."""
from __future__ import annotations

import datetime as dt

from flask import Flask
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..audit.services import name_entity_type
from ..extensions import db
from ..norms import ReviewSection
from ..permissions import has_permission
from ..signals import review_input_requested
from ..uploads.access import register_access_check, register_restriction
from .models import SpeakupCase, SpeakupPhoto
from .workflow import CATEGORY_LABELS, Category, acknowledge_due, feedback_due

#: Remind the counsellor this many days before a term ends.
SOON_DAYS = {"ack": 2, "feedback": 14}

for _type, _label in {"speakup_case": _l("Speak-up report"), "speakup_message": _l("Speak-up message"),
                      "speakup_photo": _l("Speak-up photo"),
                      "speakup_settings": _l("Speak-up settings")}.items():
    name_entity_type(_type, _label)


@register_restriction
def speakup_photo_restriction(stored_file) -> str | None:
    """Photos of a speak-up report are special personal data: not even an administrator reads them."""
    found = db.session.scalar(select(SpeakupPhoto.id).where(SpeakupPhoto.stored_file_id == stored_file.id))
    return "speakup.handle" if found is not None else None


@register_access_check
def speakup_photos(user, stored_file) -> bool:
    """Photos sent with a speak-up report are never served by the generic download route: the counsellor opens
    them from the case (``speakup.photo``), which writes each look to the audit trail."""
    return False


def due_reminders(today: dt.date, cases) -> list[tuple[str, str, int, str, dt.date]]:
    """Which reminders are due today: (term, stage, case id, number, due date); stage is "soon", "today" or
    "overdue". Pure: ``cases`` are (id, number, received_on, acknowledged_on, feedback_on) rows."""
    out = []
    for case_id, number, received_on, acknowledged_on, feedback_on in cases:
        for term, due, done in (("ack", acknowledge_due(received_on), acknowledged_on),
                                ("feedback", feedback_due(received_on), feedback_on)):
            if done is not None:
                continue
            if today > due:
                out.append((term, "overdue", case_id, number, due))
            elif today == due:
                out.append((term, "today", case_id, number, due))
            elif today >= due - dt.timedelta(days=SOON_DAYS[term]):
                out.append((term, "soon", case_id, number, due))
    return out


def collect_reminders(today: dt.date):
    """Daily: the counsellors before and on the last day of each term; after it, every day, the counsellors
    and the administrators (who read only that a term was missed, never the report)."""
    from flask_babel import format_date

    from ..notifications import services as notifications
    from . import services

    rows = db.session.execute(select(SpeakupCase.id, SpeakupCase.number, SpeakupCase.received_on,
                                     SpeakupCase.acknowledged_on, SpeakupCase.feedback_on)
                              .where(SpeakupCase.closed_at.is_(None))
                              .where((SpeakupCase.acknowledged_on.is_(None)) | (SpeakupCase.feedback_on.is_(None))))
    due = due_reminders(today, rows)
    if not due:
        return
    counsellors, admins = services.counsellors(), services.administrators()
    for term, stage, case_id, number, due_on in due:
        url = services.case_path(case_id)
        if term == "ack":
            subject = {"soon": lambda n=number, d=due_on: _("Confirm receipt of report %(number)s by %(date)s",
                                                             number=n, date=format_date(d)),
                       "today": lambda n=number: _("Confirm receipt of report %(number)s today (7-day term)",
                                                   number=n),
                       "overdue": lambda n=number: _("Receipt of report %(number)s is not confirmed: the 7-day "
                                                     "term has passed", number=n)}[stage]
        else:
            subject = {"soon": lambda n=number, d=due_on: _("Give feedback on report %(number)s by %(date)s",
                                                             number=n, date=format_date(d)),
                       "today": lambda n=number: _("Give feedback on report %(number)s today (3-month term)",
                                                   number=n),
                       "overdue": lambda n=number: _("Feedback on report %(number)s is late: the 3-month term has "
                                                     "passed", number=n)}[stage]
        body = lambda: _("Wet bescherming klokkenluiders: the reporter must hear from you in time.")  # noqa: E731
        key = f"speakup-{term}-{stage}-{case_id}-{due_on.isoformat()}"
        if stage == "overdue":
            key += f"-{today.isoformat()}"  # escalates every day until it is done
            yield notifications.Reminder(counsellors, subject, body, url, key)
            overdue = (lambda n=number: _("A speak-up report is past its legal term (%(number)s)", number=n))
            yield notifications.Reminder(
                admins, overdue, lambda: _("Ask the confidential counsellor to handle it. You cannot read the report."),
                None, key + "-admin")
        else:
            yield notifications.Reminder(counsellors, subject, body, url, key)


def review_section(app, start: dt.date, end: dt.date, **_kwargs) -> ReviewSection | None:
    """Management review input: the year's anonymous figures (counts per category, terms kept)."""
    from . import services

    fig = services.figures(end.year)
    pct = (lambda v: _("nothing to measure yet") if v is None else format_decimal(v, "#,##0.0") + " %")
    rows = [(_("Reports received in %(year)s", year=fig.year), str(fig.total))]
    rows += [(str(CATEGORY_LABELS[c]), str(fig.by_category.get(c.value, 0))) for c in Category]
    rows += [(_("Receipt confirmed within 7 days"), pct(fig.acknowledged_pct)),
             (_("Feedback within 3 months"), pct(fig.feedback_pct))]
    return ReviewSection(key="speakup", title=_("Speak-up reports (anonymous figures)"), rows=rows, order=47,
                         text=_("Only numbers: the reports themselves are read by the confidential counsellor alone."),
                         endpoint="speakup.figures", endpoint_args={"year": fig.year})


def init_app(app: Flask) -> None:
    from ..norms import registry

    review_input_requested.connect(review_section, sender=app, weak=False)
    registry(app).add_reminders(collect_reminders)
