"""ReportLab documents of the VCA module: the status report for management and the certifying body, and
printable LMRA cards."""
from __future__ import annotations

from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A6
from reportlab.lib.units import mm
from reportlab.platypus import Table, TableStyle

from ..core.pdf import build, para, spacer, table

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


def status_report(f, evidence, level_name: str | None) -> bytes:
    """The VCA status report: level and version, figures, live evidence per question, gaps and overdue items."""
    from .services import common

    company = common.company()
    story = [para(_("VCA status report"), "title"),
             para(f"{company.name if company else ''} · {level_name or _('no level chosen')} · "
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
    story += [para(_("Figures"), "h2"), table([_("Figure"), _("Value")], rows, [110, 64])]
    story += [para(_("Evidence per question"), "h2"),
              table([_("Question"), _("Rule"), _("Now"), _("Met")],
                     [(e.requirement, e.label, e.value, _("yes") if e.ok else _("no")) for e in evidence],
                     [18, 92, 48, 16])]
    story += [para(_("Diploma gaps"), "h2")]
    if f.gaps:
        story.append(table([_("Name"), _("Gap")],
                            [(p.employee.full_name, "; ".join(gap_label(g.code) for g in p.real_gaps)) for p in f.gaps],
                            [60, 114]))
    else:
        story.append(para(_("No diploma gaps.")))
    story.append(spacer(6))
    story.append(para(_("The VCA checklist in this system is a provisional reconstruction, not the official SSVV "
                      "question list."), "cell"))
    return build(story, title=_("VCA status report"))


def lmra_card(card) -> bytes:
    """An A6 LMRA card to print and carry: the questions with yes/no boxes and the stop rule."""
    story = [para(card.title, "card_title")]
    if card.task:
        story.append(para(card.task, "cell"))
    story.append(spacer(2))
    rows = [[para(q, "cell"), para("[  ] " + _("yes"), "cell"), para("[  ] " + _("no"), "cell")]
            for q in card.question_list]
    boxes = Table(rows, colWidths=[54 * mm, 16 * mm, 16 * mm])
    boxes.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#b8c7ca")),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story += [boxes, spacer(3),
              para(_("Any answer 'no'? Stop the work and tell your supervisor before you start."), "cell"),
              spacer(3), para(_("Name, date and signature:") + " ______________________", "cell")]
    return build(story, title=card.title, pagesize=A6, margin_mm=7, numbered=False)
