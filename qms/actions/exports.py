"""The action list as CSV or XLSX (for spreadsheets) and PDF (for the wall or the auditor)."""
from __future__ import annotations

from typing import Sequence

from flask import Response
from flask_babel import format_date
from flask_babel import gettext as _

from ..core import exports as tabular
from ..organisation.services import today
from ..core import pdf
from .forms import KIND_LABELS
from .models import CorrectiveAction
from .services import source_link

#: An export never holds more rows than this (a register of this size is read on screen, filtered).
MAX_ROWS = 5000


def _origin(action: CorrectiveAction) -> str:
    if action.nonconformity is not None:
        return f"{action.nonconformity.number} {action.nonconformity.title}"
    label, _url = source_link(action.source_type, action.source_id)
    return label


def _status(action: CorrectiveAction, on) -> str:
    if action.done:
        return _("Done")
    return _("Overdue") if action.due_date < on else _("To do")


def actions_table(actions: Sequence[CorrectiveAction], fmt: str) -> Response:
    """The actions as CSV or XLSX (``fmt``), labels for codes, dates as dates."""
    header = [_("Due date"), _("Status"), _("Kind"), _("Action"), _("Carried out by"), _("Origin"),
              _("Done on"), _("What was done")]
    on = today()
    rows = ([a.due_date, _status(a, on), KIND_LABELS[a.kind], a.description, a.owner.name, _origin(a),
             a.done_at.date() if a.done_at else None, a.done_note or ""] for a in actions)
    return tabular.response(fmt, header, rows, "actions", _("Actions"))


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
