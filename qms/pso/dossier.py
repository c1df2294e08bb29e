"""The PSO dossier PDF for the certifying body (ReportLab): summary, calculation breakdown, qualitative
coverage, purchases, evidence list and the score over the years. Pseudonymised unless names are given."""
from __future__ import annotations

import io

from flask_babel import gettext as _
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle


def _table(rows, widths=None):
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8), ("FONT", (0, 1), (-1, -1), "Helvetica", 8),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
        ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _chart(history, norms):
    if not history:
        return None
    drawing = Drawing(160 * mm, 55 * mm)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 8 * mm, 140 * mm, 42 * mm
    values = [v for _, v in history]
    series = [values] + [[norms[f"trede{t}"]] * len(values) for t in (1, 2, 3)] if norms else [values]
    chart.data = series
    chart.categoryAxis.categoryNames = [str(y) for y, _ in history]
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(max(max(s) for s in series) * 1.2, 5)
    chart.lines[0].strokeColor, chart.lines[0].strokeWidth = colors.HexColor("#1f5fa8"), 2
    for index, colour in enumerate(("#b58900", "#cb4b16", "#2a7a3b"), 1):
        if index < len(series):
            chart.lines[index].strokeColor = colors.HexColor(colour)
            chart.lines[index].strokeDashArray = (2, 3)
    drawing.add(chart)
    return drawing


def render(current, names: dict[str, str], history, certificate, measurements) -> bytes:
    styles = getSampleStyleSheet()
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                            bottomMargin=15 * mm, title=_("PSO dossier %(year)s", year=current.year))
    ref, r = current.reference, current.result
    story = [Paragraph(_("PSO dossier %(year)s", year=current.year), styles["Title"]),
             Paragraph(_("Named version: for the certifying body only.") if names else
                       _("Pseudonymised version."), styles["Italic"]),
             Paragraph(_("Reference data: %(title)s, in force from %(date)s.", title=ref.title_nl,
                         date=ref.effective.isoformat()), styles["Normal"])]
    if r is None:
        story.append(Paragraph(_("The register cannot be calculated: %(error)s", error=str(current.error)),
                               styles["Normal"]))
        doc.build(story)
        return out.getvalue()
    yes, no, capped, indicative = _("yes"), _("no"), _("capped"), _("indicative")
    story += [Spacer(1, 4 * mm), Paragraph(_("Summary"), styles["Heading2"]), _table([
        [_("Figure"), _("Value")],
        [_("Total FTE (size)"), f"{r.total_fte:.2f}"],
        [_("Weighted target-group FTE"), f"{r.weighted_target_fte:.2f}"],
        [_("Direct contribution"), f"{r.direct_pct:.2f} %"],
        [_("Indirect contribution"), f"{r.indirect_pct:.2f} %" + (f" ({capped}: {r.indirect_pct_uncapped:.2f} %)"
                                                                  if r.indirect_capped else "")],
        [_("Total contribution"), f"{r.total_pct:.2f} %"],
        [_("Norms level 1 / 2 / 3"), " / ".join(f"{r.norms[f'trede{t}']:.1f}" for t in (1, 2, 3)) +
         (f" ({indicative})" if r.norms_indicative else "") if r.norms else "—"],
        [_("Level reached"), r.level or "—"],
        [_("PSO 30+"), f"{r.pso30plus_pct:.2f} % · " + (yes if r.pso30plus else no)],
        [_("Certificate"), f"{certificate.level or ''} {certificate.number} · {certificate.expires_on.isoformat()}"
         if certificate else "—"],
    ], [70 * mm, 100 * mm])]
    if r.unconfirmed:
        story.append(Paragraph(_("Rests on unconfirmed reference values: %(list)s", list=", ".join(r.unconfirmed)),
                               styles["Normal"]))
    drawing = _chart(history + ([] if any(y == current.year for y, _v in history) else [(current.year, r.total_pct)]),
                     r.norms)
    if drawing is not None:
        story += [Paragraph(_("Score over the years"), styles["Heading2"]), drawing]
    inputs = {e.id: e for e in current.register.input.employees}
    rows = [[_("Person"), _("Contract"), _("Position"), "FTE", _("Days counted"), _("Weighted"), "30+"]]
    for row in r.employees:
        if row.weighted_fte <= 0 and not inputs[row.id].starting_position:
            continue
        e = inputs[row.id]
        rows.append([names.get(row.id.split("/")[0], row.id), e.contract_type, e.starting_position or "—",
                     f"{row.fte:.3f}", f"{row.counted_days}/{row.employed_days}", f"{row.weighted_fte:.3f}",
                     yes if row.pso30_counted else no])
    story += [Paragraph(_("Calculation breakdown: target group"), styles["Heading2"]),
              _table(rows, [38 * mm, 24 * mm, 30 * mm, 16 * mm, 22 * mm, 18 * mm, 12 * mm]),
              Paragraph(_("%(n)s people in the calculation in total.", n=len(r.employees)), styles["Normal"])]
    story.append(Paragraph(_("Qualitative criteria"), styles["Heading2"]))
    share = f"{100 * (r.conversation_share or 0):.0f} %" if r.dossiers else "—"
    story.append(Paragraph(_("%(n)s dossiers; documented conversations: %(share)s.", n=r.dossiers, share=share),
                           styles["Normal"]))
    labels = {"suitable_work": _("Suitable work"), "integration": _("Integration"), "support": _("Support"),
              "conversations": _("Performance and development conversation")}
    for item in r.missing:
        if item["code"] not in ("criterion", "conversations"):
            continue
        who = ", ".join(names.get(p, p) for p in item["employees"])
        what = labels[item.get("criterion", item["code"])]
        story.append(Paragraph(_("Missing %(what)s in:", what=what) + " " + who, styles["Normal"]))
    story.append(Paragraph(_("Purchases"), styles["Heading2"]))
    prow = [[_("Supplier"), _("Invoiced"), _("Attributable FTE")]]
    prow += [[p.supplier, f"{p.invoice_value:,.2f}", f"{p.attributable_fte:.3f}"] for p in r.purchases]
    story.append(_table(prow, [90 * mm, 40 * mm, 40 * mm]))
    story.append(Paragraph(_("Evidence list"), styles["Heading2"]))
    evidence = [[_("Evidence"), _("Where")],
                [_("Target-group decisions per person"), _("PSO register (HR)")],
                [_("Payroll hours of the peiljaar"), _("Imported payroll files")],
                [_("Supplier invoices and PSO/SW status"), _("Purchases, supplier register")],
                [_("Conversation records"), _("Dossiers in the PSO register")]]
    from .services import state_label

    evidence += [[_("Measurement #%(id)s (%(state)s)", id=m.id, state=state_label(m.state)), m.content_sha256[:16]]
                 for m in measurements]
    story.append(_table(evidence, [90 * mm, 80 * mm]))
    doc.build(story)
    return out.getvalue()
