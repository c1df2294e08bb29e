"""Minutes of a management review as PDF (ReportLab): meeting, input pack, conclusions, decisions."""
from __future__ import annotations

from flask import Response
from flask_babel import format_date
from flask_babel import gettext as _

from ..core import pdf
from .models import Review


def minutes_pdf(review: Review, sections: list[dict], state_labels: dict) -> Response:
    title = _("Minutes: %(title)s", title=review.title)
    story = [pdf.para(title, "title"), pdf.facts([
        (_("Meeting date"), format_date(review.meeting_on)),
        (_("Period"), f"{format_date(review.period_start)} – {format_date(review.period_end)}"),
        (_("Chair"), review.chair.name), (_("Attendees"), review.attendees or "—"),
        (_("State"), state_labels[review.state]),
    ]), pdf.para(_("Input"), "h2")]
    for section in sections:
        story.append(pdf.para(section["title"], "h3"))
        if section.get("rows"):
            story.append(pdf.table([_("Subject"), _("Value")], section["rows"], widths=[110, 64]))
        if section.get("text"):
            story.append(pdf.para(section["text"]))
    story += [pdf.para(_("Conclusions"), "h2"), pdf.para(review.conclusions or _("Not recorded yet."))]
    story.append(pdf.para(_("Decisions and actions"), "h2"))
    if review.decisions:
        rows = []
        for d in review.decisions:
            a = d.action
            rows.append((d.text, a.owner.name if a else "—", format_date(a.due_date) if a else "—",
                         (_("Done") if a.done else _("To do")) if a else "—"))
        story.append(pdf.table([_("Decision"), _("Who"), _("By when"), _("Status")], rows, widths=[96, 34, 24, 20]))
    else:
        story.append(pdf.para(_("No decisions recorded.")))
    story += [pdf.spacer(10), pdf.facts([(_("Chair"), review.chair.name),
                                         (_("Signature"), "\n\n\n________________________")])]
    return pdf.response(pdf.build(story, title=title), f"management-review-{review.id}.pdf")
