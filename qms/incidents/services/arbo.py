"""The Arbeidsinspectie assistant (Arbowet art. 9): from the moment a report or the triage says death,
hospital admission or permanent injury, the coordinators and the director are alerted at once; the incident
page says what to do now and offers a ready text with what the online form asks (never a diagnosis)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import select

from ...auth.models import User, active_users_holding
from ...extensions import db
from ...organisation.models import Company
from ...permissions import Role
from ..models import Incident
from ..workflow import ARBO_PHONE, ArboReason

def directors() -> list[User]:
    """Who stands for the employer: the administrators (a configured address is mailed as well)."""
    return active_users_holding(Role.ADMIN)


def alert(incident: Incident) -> None:
    """Alert the coordinators and the director at once (in the app and by e-mail after commit)."""
    from ...notifications import services as notifications
    from .reporting import coordinators, detail_path

    number, reason = incident.number, incident.arbo_reason
    subject = lambda: _("Serious accident %(number)s: report it to the Arbeidsinspectie now",  # noqa: E731
                        number=number)
    body = lambda: instruction(reason)  # noqa: E731
    path = detail_path(incident.id)
    notifications.notify(coordinators() + directors(), subject, body, url=path,
                         key=f"incident-arbo-alert-{incident.id}-{reason.value}")
    address = current_app.config.get("INCIDENT_DIRECTOR_EMAIL") or ""
    if address:
        message = str(body()) + f"\n\n{notifications.absolute_url(path)}\n"
        notifications.mail_after_commit(address, str(subject()), message)


def instruction(reason: ArboReason | None) -> str:
    """What to do now, in one paragraph (also the alert's text)."""
    if reason is ArboReason.DEATH:
        return _("Someone died. Call the Arbeidsinspectie now at %(phone)s (day and night). Leave the place of the "
                 "accident as it is, as far as possible.", phone=ARBO_PHONE)
    return _("Report it at once to the Arbeidsinspectie: call %(phone)s or use the online form. Leave the place of "
             "the accident as it is, as far as possible.", phone=ARBO_PHONE)


@dataclass
class Assistant:
    """What the incident page shows while the report is due."""

    death: bool
    phone: str
    form_url: str
    steps: list[str]
    text: str


def assistant(incident: Incident) -> Assistant | None:
    if incident.arbo_reason is None:
        return None
    death = incident.arbo_reason is ArboReason.DEATH
    steps = [_("Call %(phone)s now, day and night.", phone=ARBO_PHONE)] if death else [
        _("Call %(phone)s or fill in the online form of the Arbeidsinspectie.", phone=ARBO_PHONE)]
    steps += [_("Leave the place of the accident as it is, as far as possible (only change what is needed to help "
                "or to stop more danger)."),
              _("Do not give a diagnosis: tell only what happened and the kind of injury."),
              _("Write down below when, how and by whom it was reported, and the reference you get.")]
    return Assistant(death=death, phone=ARBO_PHONE, form_url=current_app.config["ARBEIDSINSPECTIE_FORM_URL"],
                     steps=steps, text=report_text(incident))


def report_text(incident: Incident) -> str:
    """A ready text with what the Arbeidsinspectie asks: employer, when, where, what happened, who (as
    categories), the injury category. Never a name of the injured or a medical diagnosis."""
    company = db.session.scalar(select(Company).order_by(Company.id).limit(1))
    site = incident.site
    where = ", ".join(p for p in (site.name if site else None, (site.address or "").replace("\n", ", ") if site else None,
                                  incident.location) if p) or "—"
    employer = "—"
    if company is not None:
        employer = ", ".join(p for p in (company.name, (company.address or "").replace("\n", ", "),
                                         _("KvK %(number)s", number=company.kvk_number) if company.kvk_number else None)
                             if p)
    who = ", ".join(c.label for c in incident.involved_categories) or "—"
    lines = [
        _("Employer: %(employer)s", employer=employer),
        _("When: %(when)s", when=format_datetime(incident.occurred_at, "d MMMM yyyy HH:mm")),
        _("Where: %(where)s", where=where),
        _("Who was involved: %(who)s; injured: %(count)s", who=who, count=incident.injured_count),
        _("Consequence: %(reason)s", reason=incident.arbo_reason.label if incident.arbo_reason else "—"),
        _("What happened: %(what)s", what=incident.description),
        _("What was done straight away: %(action)s", action=incident.immediate_action or "—"),
        _("Our number: %(number)s", number=incident.number),
    ]
    return "\n".join(lines)
