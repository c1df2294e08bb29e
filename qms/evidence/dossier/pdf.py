"""The dossier PDF: key figures, the current documents and every requirement with its evidence (ReportLab)."""
from __future__ import annotations

from flask_babel import format_date
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Table, TableStyle

from ...core.pdf import Markup, bold, build, grid, para, spacer
from .. import readiness, services

STATE_COLOURS = {readiness.COVERED: colors.HexColor("#1e7b34"), readiness.EXPIRING: colors.HexColor("#a35a00"),
                 readiness.PENDING: colors.HexColor("#a35a00"), readiness.EXPIRED: colors.HexColor("#b3261e"),
                 readiness.MISSING: colors.HexColor("#b3261e"), readiness.NOT_MET: colors.HexColor("#b3261e")}


def state_label(state: str) -> str:
    return {readiness.COVERED: _("covered"), readiness.EXPIRING: _("expiring soon"),
            readiness.PENDING: _("awaiting review"), readiness.EXPIRED: _("expired"),
            readiness.MISSING: _("missing"), readiness.NOT_MET: _("rule not met"), "na": _("not applicable")}.get(state, state)


def render(title: str, company_name: str, level_name: str, result: readiness.Readiness, kpis: list,
         documents: list, entries: list, live: dict, notice: str = "") -> bytes:
    """The dossier's PDF; ``notice`` says the catalogue is provisional and how the official one is loaded."""
    body, small, h1, h2 = "body", "small", "title", "h2"
    story = [para(title, h1), para(company_name, body)]
    if notice:
        story += [spacer(2), para(bold(notice), body)]
    facts = [[_("Date"), format_date(services.today())], [_("Level"), level_name or "—"],
             [_("Readiness"), f"{result.percent}% ({result.covered}/{result.required})"],
             [_("Must-requirements without current evidence"), str(len(result.must_missing))]]
    if result.supplementary_total:
        facts.append([_("Supplementary requirements still needed"), str(result.supplementary_short)])
    facts += [[label, value] for label, value in kpis]
    story += [spacer(4), _table([[para(a, body), para(b, body)] for a, b in facts], [90 * mm, 80 * mm])]
    left_out = sum(len(e.left_out) for e in entries)
    story += [spacer(2), para(_("Left out of the dossier: %(n)s evidence files that are expired or not yet "
                                      "reviewed (named under their requirement). Only current, accepted evidence "
                                      "is in the ZIP.", n=left_out), body)]

    story += [para(_("Current documents"), h2)]
    if documents:
        rows = [[para(label, small) for label in (_("Number"), _("Title"), _("Version"), _("Effective"))]]
        rows += [[para(n, small), para(t, small), para(v, small), para(format_date(e) if e else "—", small)]
                 for n, t, v, e in documents]
        story.append(_table(rows, [25 * mm, 95 * mm, 20 * mm, 30 * mm], header=True))
    else:
        story.append(para(_("No published documents are linked to this norm."), body))

    story += [PageBreak(), para(_("Requirements and their evidence"), h2),
              para(_("Evidence files are in the ZIP, in a folder per requirement."), small)]
    no_end = _("no end date")
    for entry in entries:
        if entry.kind == "chapter":
            story.append(para(bold(f"{entry.code} {entry.title}"), body))
            continue
        colour = STATE_COLOURS.get(entry.state, colors.grey).hexval()[2:]
        story.append(para(Markup("<b>%s</b> %s — <font color='#%s'>%s</font>")
                          % (entry.code, entry.title, colour, state_label(entry.state)), body))
        document, record, rule = _("Document"), _("Linked record"), _("Live rule")
        met, not_met = _("met"), _("not met")
        lines = [f"{document}: {d}" for d in entry.documents]
        lines += [f"{record}: {r}" for r in entry.records]
        lines += [f"{rule}: {x.label}: {x.value} ({met if x.ok else not_met})" for x in live.get(entry.code, [])]
        left = _("Left out")
        lines += [f"{left}: {t} — {why}" for t, why in entry.left_out]
        if lines:
            story.append(para(Markup("<br/>").join(Markup("&nbsp;&nbsp;• %s") % line for line in lines), small))
        if entry.files:
            # Plain strings in a fixed grid: thousands of files lay out in seconds, not minutes.
            rows = [[_short(f.title, 60), format_date(f.valid_until) if f.valid_until else no_end,
                     _short(f.zip_path.rsplit("/", 1)[-1], 50)] for f in entry.files]
            table = Table(rows, colWidths=[80 * mm, 25 * mm, 69 * mm], rowHeights=11, hAlign="LEFT")
            table.setStyle(TableStyle([("FONTSIZE", (0, 0), (-1, -1), 7), ("LEADING", (0, 0), (-1, -1), 8),
                                       ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("TOPPADDING", (0, 0), (-1, -1), 1),
                                       ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                                       ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#e3e9e9"))]))
            story += [spacer(1), table, spacer(2)]
    return build(story, title=title)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _table(rows, widths, header: bool = False) -> Table:
    return grid(rows, widths, header=header)
