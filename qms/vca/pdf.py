"""ReportLab documents of the VCA module: the status report for management and the certifying body, and
printable LMRA cards."""
from __future__ import annotations

import io
from xml.sax.saxutils import escape

from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

BRAND = colors.HexColor("#0f5e66")
_base = getSampleStyleSheet()
STYLES = {
    "title": ParagraphStyle("vca-title", parent=_base["Title"], fontSize=18, leading=22, textColor=BRAND,
                            alignment=0, spaceAfter=6),
    "h2": ParagraphStyle("vca-h2", parent=_base["Heading2"], fontSize=13, leading=16, textColor=BRAND,
                         spaceBefore=10, spaceAfter=4),
    "body": ParagraphStyle("vca-body", parent=_base["BodyText"], fontSize=9.5, leading=12.5),
    "cell": ParagraphStyle("vca-cell", parent=_base["BodyText"], fontSize=8.5, leading=10.5),
    "card": ParagraphStyle("vca-card", parent=_base["BodyText"], fontSize=8.5, leading=10.5),
    "card_title": ParagraphStyle("vca-card-title", parent=_base["Title"], fontSize=12, leading=14,
                                 textColor=BRAND, alignment=0, spaceAfter=2),
}


def _p(value, style: str = "body") -> Paragraph:
    return Paragraph(escape("" if value is None else str(value)).replace("\n", "<br/>"), STYLES[style])


def _table(header, rows, widths) -> Table:
    data = [[Paragraph(f"<b>{escape(str(h))}</b>", STYLES["cell"]) for h in header]]
    data += [[c if isinstance(c, Paragraph) else _p(c, "cell") for c in row] for row in rows]
    result = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
    result.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6eef0")),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#b8c7ca")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return result


GAP_LABELS = {
    "no_vca_diploma": lambda: _("No VCA diploma (risky work over 3 months)"),
    "vca_diploma_expired": lambda: _("VCA diploma expired"),
    "no_vol_vca": lambda: _("Supervisor without VOL-VCA"),
    "vol_vca_expired": lambda: _("VOL-VCA expired"),
    "diploma_due": lambda: _("Diploma needed by"),
    "expiring": lambda: _("Diploma expires on"),
}


def gap_label(code: str) -> str:
    return GAP_LABELS[code]()


def _page_number(canvas, doc) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica", 8)
    canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, _("Page %(page)s", page=doc.page))
    canvas.restoreState()


def status_report(f, evidence, level_name: str | None) -> bytes:
    """The VCA status report: level and version, figures, live evidence per question, gaps and overdue items."""
    from .services import common

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=_("VCA status report"))
    company = common.company()
    story = [_p(_("VCA status report"), "title"),
             _p(f"{company.name if company else ''} · {level_name or _('no level chosen')} · "
                f"{f.version} · {format_date(f.today, 'long')}")]
    attended, expected = f.attendance_12m
    ok, total = f.coverage
    from . import rules

    rows = [
        (_("Toolbox meetings this year (held and planned)"), _("%(held)s of %(minimum)s", held=f.spread.count,
                                                                 minimum=f.minimum)),
        (_("Toolbox meetings held in the last 12 months"), str(f.held_12m)),
        (_("Toolbox attendance (12 months)"),
         "—" if not expected else format_decimal(rules.rate(attended, expected), format="#,##0.#") + "%"),
        (_("VCA diploma coverage"), _("%(ok)s of %(total)s", ok=ok, total=total)),
        (_("Workplace inspections overdue"), str(f.overdue_inspections)),
        (_("Keuringen overdue"), str(f.overdue_keuringen)),
        (_("TRAs older than 12 months"), str(f.stale_tras)),
        (_("Overdue measures in the plan of action"), str(f.overdue_measures)),
    ]
    if f.injury is not None:
        rows.insert(0, (_("Injury frequency (IF, 12 months)"), f.injury_text))
    story += [_p(_("Figures"), "h2"), _table([_("Figure"), _("Value")], rows, [110, 64])]
    story += [_p(_("Evidence per question"), "h2"),
              _table([_("Question"), _("Rule"), _("Now"), _("Met")],
                     [(e.requirement, e.label, e.value, _("yes") if e.ok else _("no")) for e in evidence],
                     [18, 92, 48, 16])]
    story += [_p(_("Diploma gaps"), "h2")]
    if f.gaps:
        story.append(_table([_("Name"), _("Gap")],
                            [(p.employee.full_name, "; ".join(gap_label(g.code) for g in p.real_gaps)) for p in f.gaps],
                            [60, 114]))
    else:
        story.append(_p(_("No diploma gaps.")))
    story.append(Spacer(1, 6 * mm))
    story.append(_p(_("The VCA checklist in this system is a provisional reconstruction, not the official SSVV "
                      "question list."), "cell"))
    doc.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return buffer.getvalue()


def lmra_card(card) -> bytes:
    """An A6 LMRA card to print and carry: the questions with yes/no boxes and the stop rule."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A6, leftMargin=7 * mm, rightMargin=7 * mm, topMargin=7 * mm,
                            bottomMargin=7 * mm, title=card.title)
    story = [_p(card.title, "card_title")]
    if card.task:
        story.append(_p(card.task, "card"))
    story.append(Spacer(1, 2 * mm))
    rows = [[_p(q, "card"), _p("[  ] " + _("yes"), "card"), _p("[  ] " + _("no"), "card")] for q in card.question_list]
    table = Table(rows, colWidths=[54 * mm, 16 * mm, 16 * mm])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#b8c7ca")),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story += [table, Spacer(1, 3 * mm),
              _p(_("Any answer 'no'? Stop the work and tell your supervisor before you start."), "card"),
              Spacer(1, 3 * mm), _p(_("Name, date and signature:") + " ______________________", "card")]
    doc.build(story)
    return buffer.getvalue()
