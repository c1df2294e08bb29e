"""The PSO dossier PDF for the certifying body (ReportLab): summary, calculation breakdown, qualitative
coverage, purchases, evidence list and the score over the years. Pseudonymised unless names are given."""
from __future__ import annotations

from flask_babel import gettext as _
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.units import mm

from ..core.pdf import STYLES, build, grid, para, spacer, style, value_axis
from ..i18n import fmt_day, fmt_euro, fmt_number, fmt_percent


#: Table cells of the breakdown: small enough that "Arbeidsovereenkomst" fits its column.
_CELL = style("dossier-cell", STYLES["cell"], fontSize=8, leading=9.5)


def _table(rows, widths=None):
    return grid(rows, widths, header=True, font_size=8, wrap_over=1000)


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
    top, step = value_axis(max(max(max(s) for s in series) * 1.1, 5))
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, top, step
    chart.valueAxis.labelTextFormat = lambda v: fmt_number(v, 1, trim=True)
    chart.lines[0].strokeColor, chart.lines[0].strokeWidth = colors.HexColor("#1f5fa8"), 2
    for index, colour in enumerate(("#b58900", "#cb4b16", "#2a7a3b"), 1):
        if index < len(series):
            chart.lines[index].strokeColor = colors.HexColor(colour)
            chart.lines[index].strokeDashArray = (2, 3)
    drawing.add(chart)
    return drawing


def _ref_title(ref) -> str:
    from flask_babel import get_locale

    return ref.title_nl if str(get_locale()) == "nl" else ref.title_en


def render(current, names: dict[str, str], history, certificate, measurements, versioned=None) -> bytes:
    """``versioned`` is the score under its handbook's own rules (the level with the base level), as the page."""
    from .hooks import level_label
    from .versions import level_name
    from .services import state_label
    from .views import contract_label, position_label, unconfirmed_label

    title = _("PSO dossier %(year)s", year=current.year)
    ref, r = current.reference, current.result
    story = [para(title, "title"),
             para(_("Named version: for the certifying body only.") if names else
                       _("Pseudonymised version."), "italic"),
             para(_("Reference data: %(title)s, in force from %(date)s.", title=_ref_title(ref),
                         date=fmt_day(ref.effective, "long")), "body")]
    if r is None:
        story.append(para(_("The register cannot be calculated: %(error)s", error=str(current.error)),
                               "body"))
        return build(story, title=title, margin_mm=15)
    yes, no, capped, indicative = _("yes"), _("no"), _("capped"), _("indicative")
    story += [spacer(4), para(_("Summary"), "h2"), _table([
        [_("Figure"), _("Value")],
        [_("Total FTE (size)"), fmt_number(r.total_fte, 2)],
        [_("Weighted target-group FTE"), fmt_number(r.weighted_target_fte, 2)],
        [_("Direct contribution"), fmt_percent(r.direct_pct, 2)],
        [_("Indirect contribution"), fmt_percent(r.indirect_pct, 2) + (
            f" ({capped}: {fmt_percent(r.indirect_pct_uncapped, 2)})" if r.indirect_capped else "")],
        [_("Total contribution"), fmt_percent(r.total_pct, 2)],
        [_("Norms level 1 / 2 / 3"), " / ".join(fmt_percent(r.norms[f"trede{t}"], 1) for t in (1, 2, 3)) +
         (f" ({indicative})" if r.norms_indicative else "") if r.norms else "—"],
        [_("Level reached"), level_name(versioned.level) if versioned is not None else level_label(r.level)],
        [_("PSO 30+"), f"{fmt_percent(r.pso30plus_pct, 2)} · " + (yes if r.pso30plus else no)],
        [_("Certificate"), f"{level_label(certificate.level) if certificate.level else ''} {certificate.number} · "
                           f"{fmt_day(certificate.expires_on)}" if certificate else "—"],
    ], [70 * mm, 100 * mm])]
    if r.unconfirmed:
        story.append(para(_("Rests on unconfirmed reference values: %(list)s",
                                 list=", ".join(unconfirmed_label(n, ref) for n in r.unconfirmed)), "body"))
    drawing = _chart(history + ([] if any(y == current.year for y, _v in history) else [(current.year, r.total_pct)]),
                     r.norms)
    if drawing is not None:
        story += [para(_("Score over the years"), "h2"), drawing]
    inputs = {e.id: e for e in current.register.input.employees}
    rows = [[_("Person"), _("Contract"), _("Position"), "FTE", _("Days counted"), _("Weighted"), "30+"]]
    for row in r.employees:
        if row.weighted_fte <= 0 and not inputs[row.id].starting_position:
            continue
        e = inputs[row.id]
        rows.append([names.get(row.id.split("/")[0], row.id), para(contract_label(ref, e.contract_type), _CELL),
                     para(position_label(ref, e.starting_position), _CELL), fmt_number(row.fte, 3),
                     f"{fmt_number(row.counted_days)}/{fmt_number(row.employed_days)}", fmt_number(row.weighted_fte, 3),
                     yes if row.pso30_counted else no])
    story += [para(_("Calculation breakdown: target group"), "h2"),
              _table(rows, [34 * mm, 32 * mm, 36 * mm, 15 * mm, 22 * mm, 16 * mm, 10 * mm]),
              para(_("%(n)s people in the calculation in total.", n=len(r.employees)), "body")]
    story.append(para(_("Qualitative criteria"), "h2"))
    share = fmt_percent(100 * (r.conversation_share or 0), 0) if r.dossiers else "—"
    story.append(para(_("%(n)s dossiers; documented conversations: %(share)s.", n=r.dossiers, share=share),
                           "body"))
    labels = {"suitable_work": _("Suitable work"), "integration": _("Integration"), "support": _("Support"),
              "conversations": _("Performance and development conversation")}
    for item in r.missing:
        if item["code"] not in ("criterion", "conversations"):
            continue
        who = ", ".join(names.get(p, p) for p in item["employees"])
        what = labels[item.get("criterion", item["code"])]
        story.append(para(_("Missing %(what)s in:", what=what) + " " + who, "body"))
    story.append(para(_("Purchases"), "h2"))
    prow = [[_("Supplier"), _("Invoiced"), _("Attributable FTE")]]
    prow += [[p.supplier, fmt_euro(p.invoice_value), fmt_number(p.attributable_fte, 3)] for p in r.purchases]
    story.append(_table(prow, [90 * mm, 40 * mm, 40 * mm]))
    story.append(para(_("Evidence list"), "h2"))
    evidence = [[_("Evidence"), _("Where")],
                [_("Target-group decisions per person"), _("PSO register (HR)")],
                [_("Payroll hours of the peiljaar"), _("Imported payroll files")],
                [_("Supplier invoices and PSO/SW status"), _("Purchases, supplier register")],
                [_("Conversation records"), _("Dossiers in the PSO register")]]
    evidence += [[_("Measurement #%(id)s (%(state)s)", id=m.id, state=state_label(m.state)), m.content_sha256[:16]]
                 for m in measurements]
    story.append(_table(evidence, [90 * mm, 80 * mm]))
    return build(story, title=title, margin_mm=15)
