"""The dossier PDF: key figures, the current documents and every requirement with its evidence (ReportLab)."""
from __future__ import annotations

import io
from xml.sax.saxutils import escape

from flask_babel import format_date
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .. import readiness, services

STATE_COLOURS = {readiness.COVERED: colors.HexColor("#1e7b34"), readiness.EXPIRING: colors.HexColor("#a35a00"),
                 readiness.PENDING: colors.HexColor("#a35a00"), readiness.EXPIRED: colors.HexColor("#b3261e"),
                 readiness.MISSING: colors.HexColor("#b3261e"), readiness.NOT_MET: colors.HexColor("#b3261e")}


def state_label(state: str) -> str:
    return {readiness.COVERED: _("covered"), readiness.EXPIRING: _("expiring soon"),
            readiness.PENDING: _("awaiting review"), readiness.EXPIRED: _("expired"),
            readiness.MISSING: _("missing"), readiness.NOT_MET: _("rule not met"), "na": _("not applicable")}.get(state, state)


def _p(text: str, style) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def render(title: str, company_name: str, level_name: str, result: readiness.Readiness, kpis: list,
         documents: list, entries: list, live: dict) -> bytes:
    styles = getSampleStyleSheet()
    body, small, h1, h2 = styles["BodyText"], styles["BodyText"].clone("small", fontSize=8, leading=10), \
        styles["Title"], styles["Heading2"]
    story = [_p(title, h1), _p(company_name, body)]
    facts = [[_("Date"), format_date(services.today())], [_("Level"), level_name or "—"],
             [_("Readiness"), f"{result.percent}% ({result.covered}/{result.required})"],
             [_("Must-requirements without current evidence"), str(len(result.must_missing))]]
    if result.supplementary_total:
        facts.append([_("Supplementary requirements still needed"), str(result.supplementary_short)])
    facts += [[label, value] for label, value in kpis]
    story += [Spacer(1, 4 * mm), _table([[_p(a, body), _p(b, body)] for a, b in facts], [90 * mm, 80 * mm])]
    left_out = sum(len(e.left_out) for e in entries)
    story += [Spacer(1, 2 * mm), _p(_("Left out of the dossier: %(n)s evidence files that are expired or not yet "
                                      "reviewed (named under their requirement). Only current, accepted evidence "
                                      "is in the ZIP.", n=left_out), body)]

    story += [_p(_("Current documents"), h2)]
    if documents:
        rows = [[_p(_("Number"), small), _p(_("Title"), small), _p(_("Version"), small), _p(_("Effective"), small)]]
        rows += [[_p(n, small), _p(t, small), _p(v, small), _p(format_date(e) if e else "—", small)]
                 for n, t, v, e in documents]
        story.append(_table(rows, [25 * mm, 95 * mm, 20 * mm, 30 * mm], header=True))
    else:
        story.append(_p(_("No published documents are linked to this norm."), body))

    story += [PageBreak(), _p(_("Requirements and their evidence"), h2),
              _p(_("Evidence files are in the ZIP, in a folder per requirement."), small)]
    no_end = _("no end date")
    for entry in entries:
        if entry.kind == "chapter":
            story.append(Paragraph(f"<b>{escape(entry.code)} {escape(entry.title)}</b>", body))
            continue
        colour = STATE_COLOURS.get(entry.state, colors.grey).hexval()[2:]
        story.append(Paragraph(f"<b>{escape(entry.code)}</b> {escape(entry.title)} — "
                               f"<font color='#{colour}'>{escape(state_label(entry.state))}</font>", body))
        document, record, rule = _("Document"), _("Linked record"), _("Live rule")
        met, not_met = _("met"), _("not met")
        lines = [f"{document}: {d}" for d in entry.documents]
        lines += [f"{record}: {r}" for r in entry.records]
        lines += [f"{rule}: {x.label}: {x.value} ({met if x.ok else not_met})" for x in live.get(entry.code, [])]
        left = _("Left out")
        lines += [f"{left}: {t} — {why}" for t, why in entry.left_out]
        if lines:
            story.append(Paragraph("<br/>".join("&nbsp;&nbsp;• " + escape(line) for line in lines), small))
        if entry.files:
            # Plain strings in a fixed grid: thousands of files lay out in seconds, not minutes.
            rows = [[_short(f.title, 60), format_date(f.valid_until) if f.valid_until else no_end,
                     _short(f.zip_path.rsplit("/", 1)[-1], 50)] for f in entry.files]
            table = Table(rows, colWidths=[80 * mm, 25 * mm, 69 * mm], rowHeights=11, hAlign="LEFT")
            table.setStyle(TableStyle([("FONTSIZE", (0, 0), (-1, -1), 7), ("LEADING", (0, 0), (-1, -1), 8),
                                       ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("TOPPADDING", (0, 0), (-1, -1), 1),
                                       ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                                       ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#e3e9e9"))]))
            story += [Spacer(1, 1 * mm), table, Spacer(1, 2 * mm)]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=title, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=16 * mm, bottomMargin=16 * mm)
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return buffer.getvalue()


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _table(rows, widths, header: bool = False) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#c8d3d3"))]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef3f3")))
    table.setStyle(TableStyle(style))
    return table


def _footer(canvas, doc) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica", 8)
    canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, str(doc.page))
    canvas.restoreState()
