"""Where the incident log plugs into the rest: photo access, reminders, the management review, the
corrective-action source link, the retention CLI and readable record names in the audit trail."""
from __future__ import annotations

import datetime as dt

import click
from flask import Flask
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..audit.services import name_entity_type
from ..cli import qms_cli
from ..extensions import db
from ..norms import ReviewSection
from ..permissions import has_permission
from ..signals import review_input_requested
from ..uploads.access import register_access_check
from .models import IncidentPhoto
from .services.reporting import detail_path

for _type, _label in {"incident": _l("Incident"), "incident_person": _l("Injured person"),
                      "incident_photo": _l("Incident photo"), "incident_site_token": _l("QR code of a site"),
                      "incident_hours": _l("Hours worked"), "incident_settings": _l("Incident log settings")}.items():
    name_entity_type(_type, _label)


@register_access_check
def incident_photos(user, stored_file) -> bool:
    """Photos of an incident: whoever may read the log."""
    if not has_permission(user, "incidents.view"):
        return False
    return db.session.scalar(select(IncidentPhoto.id).where(IncidentPhoto.stored_file_id == stored_file.id)) is not None


def if_text(p) -> str:
    """An IF as the review pack shows it: the value, and the months without registered hours when any."""
    value = p.injury_frequency
    text = _("no hours registered") if value is None else format_decimal(value, "#,##0.0")
    if value is not None and p.without_hours:
        text += " (" + _("no hours registered for %(months)s", months=p.without_hours) + ")"
    return text


def review_section(app, start: dt.date, end: dt.date, **_kwargs) -> ReviewSection:
    """Management review input: incidents, LTIs, lost days and hours over the period, and the injury frequency
    over the rolling 12 months at the end of the period (the figure every other surface shows)."""
    from . import services

    p = services.period("", start, end)
    rolling = services.rolling(end)
    counts = services.counts_by_type(start, end)
    near, accidents = services.near_miss_and_accidents(start, end)
    rows = [(_("Incidents reported"), str(sum(counts.values()))), (_("Accidents"), str(accidents)),
            (_("Near misses"), str(near)), (_("LTIs"), str(p.ltis)), (_("Lost days"), str(p.lost_days)),
            (_("Hours worked"), format_decimal(p.hours, "#,##0")),
            (_("Injury frequency (IF, 12 months), %(months)s", months=rolling.months), if_text(rolling)),
            (_("Still open"), str(services.open_count()))]
    return ReviewSection(key="incidents", title=_("Safety incidents"), rows=rows, order=45,
                         endpoint="incidents.figures_page")


def collect_reminders(today: dt.date):
    """Daily until it is recorded: accidents not yet reported to the Arbeidsinspectie. The coordinators every
    day; from the day after the accident the director (the administrators) too."""
    from ..notifications import services as notifications
    from . import services
    from .services.arbo import directors

    pending = services.arbo_pending()
    if not pending:
        return
    people = services.coordinators()
    bosses = directors()
    for incident in pending:
        number = incident.number
        late = today > incident.occurred_on
        yield notifications.Reminder(
            people + (bosses if late else []),
            lambda number=number: _("Report accident %(number)s to the Arbeidsinspectie", number=number),
            lambda: _("Death, permanent injury or hospital admission must be reported at once."),
            detail_path(incident.id), f"incident-arbo-{incident.id}-{today.isoformat()}")


@qms_cli.command("incidents-purge")
def purge_command():
    """Remove personal details of closed incidents older than the retention period (statistics stay)."""
    from ..audit.services import set_actor
    from . import services

    set_actor(None, "cli")
    count = services.purge(services.local_now().date())
    db.session.commit()
    click.echo(f"Personal details removed from {count} incidents.")


def init_app(app: Flask) -> None:
    review_input_requested.connect(review_section, sender=app, weak=False)
    from ..norms import registry

    registry(app).add_reminders(collect_reminders)
    from .tasks import SOURCE

    registry(app).add_task_source(SOURCE)
    registry(app).add_action_source("incident", _l("Incident"), lambda id: detail_path(int(id)))
