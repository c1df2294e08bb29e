"""ISO 9001 status report (ReportLab): readiness, context, risks, objectives, customers, suppliers, competence."""
from __future__ import annotations

import datetime as dt

from flask_babel import format_date
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.platypus import Table, TableStyle

from sqlalchemy import select

from ..core.pdf import build, facts, para, spacer, table
from ..extensions import db
from ..organisation.services import company
from . import scoring
from .models import Objective, ObjectiveState
from .services import competence, context, customers, figures, planning, providers, today


def _matrix_table(grid) -> Table:
    shades = {scoring.LOW: "#dff0e3", scoring.MEDIUM: "#fcebd3", scoring.HIGH: "#f6d1cd"}
    data = [[""] + [str(c.likelihood) for c in grid[0]]]
    style = [("ALIGN", (0, 0), (-1, -1), "CENTER"), ("FONTSIZE", (0, 0), (-1, -1), 8),
             ("GRID", (1, 1), (-1, -1), 0.5, colors.white)]
    for r, row in enumerate(grid, start=1):
        data.append([str(row[0].impact)] + [str(c.count or "") for c in row])
        for col, cell in enumerate(row, start=1):
            style.append(("BACKGROUND", (col, r), (col, r), colors.HexColor(shades[cell.level])))
    result = Table(data, colWidths=[18] + [26] * 5, rowHeights=[14] + [18] * 5)
    result.setStyle(TableStyle(style))
    return result


def status_report(on: dt.date | None = None) -> bytes:
    on = on or today()
    year_ago = on - dt.timedelta(days=365)
    profile = company()
    title = _("ISO 9001 status report")
    story = [para(title, "title"), para(f"{profile.name if profile else ''} · {format_date(on)}", "small"), spacer()]

    story.append(para(_("Readiness: ISO 9001:2015"), "h2"))
    story.append(table([_("Clause"), _("Rule"), _("Now"), _("Met")],
                       [(e.requirement, e.label, e.value, _("yes") if e.ok else _("no"))
                        for e in figures.evidence("2015")], widths=[16, 80, 52, 16]))

    story.append(para(_("Context of the organisation"), "h2"))
    data = context.overview()
    statement, review = data["statement"], data["review"]
    climate = "—"
    if statement is not None and statement.climate_relevant is not None:
        climate = (_("relevant") if statement.climate_relevant else _("not relevant")) + ": " + (
            statement.climate_reasoning or "")
    story.append(facts([
        (_("QMS scope"), statement.scope if statement and statement.scope else "—"),
        (_("Climate change"), climate),
        (_("Last reviewed"), format_date(review.reviewed_on) if review else _("never")),
        (_("Current issues"), str(sum(1 for i in data["issues"] if i.active))),
        (_("Interested parties"), str(sum(1 for p in data["parties"] if p.active))),
        (_("Not applicable"), ", ".join(f"{x.requirement}" for x in data["exclusions"]) or "—"),
        (_("Processes"), ", ".join(f"{p.name} ({p.owner.name if p.owner else '—'})"
                                   for p in data["processes"] if p.active) or "—"),
    ]))

    story.append(para(_("Risks and opportunities"), "h2"))
    story.append(para(_("Current risks: impact (rows) × likelihood (columns)"), "small"))
    story.append(_matrix_table(planning.matrix("risk")))

    top = list(db.session.scalars(planning.risks_query(state="current").limit(10)))
    if top:
        story.append(spacer(2))
        story.append(table([_("Score"), _("Title"), _("Owner"), _("Next review")],
                           [(r.score, f"{r.kind.label}: {r.title}", r.owner.name if r.owner else "—",
                             format_date(r.review_on) if r.review_on else "—") for r in top], widths=[14, 90, 36, 24]))

    story.append(para(_("Quality objectives"), "h2"))
    objectives = list(db.session.scalars(select(Objective).where(Objective.state == ObjectiveState.ACTIVE)
                                         .order_by(Objective.deadline)))
    values = planning.latest_values([o.id for o in objectives])
    labels = {scoring.ON_TARGET: _("on target"), scoring.OFF_TARGET: _("not on target"), scoring.NO_DATA: _("no data")}
    story.append(table([_("Objective"), _("Target"), _("Latest"), _("Status"), _("Deadline")], [
        (o.title, f"{o.direction.label} {o.target.normalize():f} {o.unit}",
         f"{values[o.id][-1][1].normalize():f} {o.unit}" if values[o.id] else "—",
         labels[scoring.objective_status(o.direction.value, o.target, [v for _, v in values[o.id]])],
         format_date(o.deadline)) for o in objectives], widths=[62, 34, 26, 22, 20]))

    story.append(para(_("Customers (last 12 months)"), "h2"))
    c = customers.figures(year_ago, on)
    story.append(facts([
        (_("Complaints received"), str(c["complaints"])), (_("Open now, of which overdue"), f"{c['open']} / {c['overdue']}"),
        (_("Average handling time"), _("%(days)s days", days=c["average_days"]) if c["average_days"] is not None else "—"),
        (_("Satisfaction (average score 1–10)"), f"{c['satisfaction'] or '—'} ({c['surveys']})"),
    ]))

    story.append(para(_("External providers"), "h2"))
    rows = providers.overview(on)
    story.append(table([_("Supplier"), _("Score"), _("Approval"), _("Next evaluation")], [
        (s.name, f"{e.score} / 100" if e else "—", e.decision.label if e else _("Not evaluated"),
         (format_date(e.next_evaluation) if e else "—") + (" !" if due else "")) for s, e, due in rows],
        widths=[70, 24, 40, 30]))

    story.append(para(_("Competence"), "h2"))
    counts = competence.summary(on)
    story.append(facts([(_("Functions held with all competences"), str(counts[scoring.MET])),
                        (_("With competences expiring"), str(counts[scoring.EXPIRING])),
                        (_("With competences missing"), str(counts[scoring.MISSING]))]))
    return build(story, title=title, footer=f"{title} · {format_date(on)}")
