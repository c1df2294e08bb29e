"""The client report: the period's lots with their results, the trend per category and the actions taken."""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from reportlab.platypus import KeepTogether

from ..actions.forms import STATE_LABELS
from ..core import pdf
from ..i18n import fmt_day, fmt_number
from . import charts, figures, services
from .models import CATEGORIES, Location


def client_report(location: Location, start: dt.date, end: dt.date) -> bytes:
    inspections = services.done_inspections(start, end, location)
    done = services.as_done(inspections)
    summary = figures.summary(done)
    categories = {code: str(label) for code, label in CATEGORIES.items()}
    title = _("Cleaning quality report")
    story = [pdf.para(title, "title"), pdf.para(f"{location.name} · {location.client}", "h2"),
             pdf.facts([
                 (_("Period"), f"{fmt_day(start)} – {fmt_day(end)}"),
                 (_("Inspections"), str(summary.inspections)),
                 (_("Lots accepted"), _("%(n)s of %(total)s (%(pct)s %%)", n=summary.accepted, total=summary.inspections,
                                        pct=fmt_number(summary.acceptance_rate or 0, 0))
                  if summary.inspections else "—"),
                 (_("Defects per inspected room"),
                  fmt_number(summary.defects_per_room, 2) if summary.defects_per_room is not None else "—"),
             ]), pdf.spacer()]
    story.append(pdf.para(_("Results"), "h2"))
    rows = []
    for inspection, row in zip(inspections, done):
        per = ", ".join(f"{categories[c]} {row.defects_by_category.get(c, 0)}" for c in categories)
        rows.append([fmt_day(inspection.inspected_on), inspection.plan.contract,
                     f"{inspection.sample_size} / {inspection.lot_size}", f"{inspection.ac} / {inspection.re}", per,
                     _("accepted") if inspection.accepted else _("rejected"),
                     inspection.client_name + (" ✓" if inspection.client_confirmed else "") if inspection.client_name
                     else "—"])
    if rows:
        story.append(pdf.table([_("Date"), _("Contract"), _("Rooms sampled / lot"), _("Ac / Re"),
                                _("Defects per category"), _("Result"), _("Co-signed by")], rows,
                               [19, 34, 17, 12, 41, 22, 29]))
    else:
        story.append(pdf.para(_("No inspections in this period."), "italic"))
    trend = figures.monthly_trend(done, categories)
    story.append(KeepTogether([pdf.para(_("Trend: defects per inspected room"), "h2"),
                               charts.drawing(trend, categories) if trend
                               else pdf.para(_("No inspections in this period."), "italic")]))
    story.append(pdf.para(_("Actions"), "h2"))
    ncs = services.actions_for(inspections)
    if ncs:
        story.append(pdf.table([_("Number"), _("Title"), _("Opened"), _("Status")],
                               [[nc.number, nc.title, fmt_day(nc.opened_on), str(STATE_LABELS.get(nc.state, nc.state))] for nc in ncs],
                               [28, 90, 25, 31]))
    else:
        story.append(pdf.para(_("No nonconformities were opened from these inspections."), "italic"))
    story.append(pdf.spacer())
    story.append(pdf.para(_("Lots are judged by single sampling (normal inspection) against the agreed AQL: a "
                            "category is accepted with at most Ac defects in the sampled rooms."), "small"))
    return pdf.build(story, title=title, footer=f"{title} · {location.name}")
