"""The action list as CSV (for spreadsheets) and PDF (for the wall or the auditor)."""
from __future__ import annotations

import csv
import io
from typing import Sequence

from flask import Response
from flask_babel import format_date
from flask_babel import gettext as _

from ..organisation.services import today
from ..core import pdf
from .forms import KIND_LABELS
from .models import CorrectiveAction
from .services import source_link

#: An export never holds more rows than this (a register of this size is read on screen, filtered).
MAX_ROWS = 5000


def _safe_cell(value) -> str:
    """Neutralise spreadsheet formulas (a cell starting with = + - @ is text, not a formula)."""
    value = "" if value is None else str(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _origin(action: CorrectiveAction) -> str:
    if action.nonconformity is not None:
        return f"{action.nonconformity.number} {action.nonconformity.title}"
    label, _url = source_link(action.source_type, action.source_id)
    return label


def _status(action: CorrectiveAction, on) -> str:
    if action.done:
        return _("Done")
    return _("Overdue") if action.due_date < on else _("To do")


def actions_csv(actions: Sequence[CorrectiveAction]) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([_("Due date"), _("Status"), _("Kind"), _("Action"), _("Carried out by"), _("Origin"),
                     _("Done on"), _("What was done")])
    on = today()
    for a in actions:
        writer.writerow([_safe_cell(v) for v in (
            a.due_date.isoformat(), _status(a, on), KIND_LABELS[a.kind], a.description, a.owner.name, _origin(a),
            a.done_at.date().isoformat() if a.done_at else "", a.done_note or "")])
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="actions.csv"'})


def actions_pdf(actions: Sequence[CorrectiveAction], title: str) -> Response:
    on = today()
    story = [pdf.para(title, "title"),
             pdf.para(_("Printed on %(date)s · %(count)s actions", date=format_date(on), count=len(actions)), "small"),
             pdf.spacer()]
    if actions:
        rows = [(format_date(a.due_date), _status(a, on), KIND_LABELS[a.kind], a.description, a.owner.name,
                 _origin(a)) for a in actions]
        story.append(pdf.table([_("Due date"), _("Status"), _("Kind"), _("Action"), _("Carried out by"), _("Origin")],
                               rows, widths=[20, 17, 22, 55, 26, 34]))
    else:
        story.append(pdf.para(_("No actions match.")))
    return pdf.response(pdf.build(story, title=title), "actions.pdf")
