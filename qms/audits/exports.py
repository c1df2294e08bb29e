"""Audit output: the programme as CSV and PDF, and the audit report PDF (ReportLab)."""
from __future__ import annotations

from typing import Callable, Sequence

from flask import Response
from flask_babel import format_date
from flask_babel import gettext as _
from reportlab.platypus import KeepTogether

from ..core import exports as tabular
from ..core import pdf
from ..norms import registry
from ..organisation.services import today
from .forms import LINK_LABELS, RESULT_LABELS, STATE_LABELS, TYPE_LABELS
from .models import Audit, AuditItem
from .rules import Result


def _norms(audit: Audit) -> str:
    parts = []
    for n in audit.norms:
        norm = registry().get(n.norm)
        version = norm.versions.get(n.version) if norm else None
        parts.append(version.title if version else f"{norm.title if norm else n.norm} {n.version}")
    return ", ".join(parts)


def _level(audit: Audit) -> str:
    for n in audit.norms:
        norm = registry().get(n.norm)
        cat = norm.versions.get(n.version) if norm else None
        level = cat.level(audit.level) if cat and audit.level else None
        if level:
            return level.name
    return audit.level or ""


def _team(audit: Audit) -> str:
    return ", ".join([audit.lead_auditor.name + " (" + _("lead") + ")"] + [u.name for u in audit.team])


def _scope_codes(audit: Audit) -> str:
    return ", ".join(f"{s.norm} {s.code}" for s in audit.scope_items) or _("All requirements")


def programme_table(audits: Sequence[Audit], year: int, fmt: str) -> Response:
    """The audit programme as CSV or XLSX (``fmt``)."""
    header = [_("Number"), _("Planned date"), _("Until"), _("Title"), _("Type"), _("Norms"), _("Certification level"),
              _("Chapters and requirements"), _("Processes"), _("Audited department"), _("Location"),
              _("Audit team"), _("State")]
    rows = ([a.number, a.planned_start, a.planned_end, a.title, TYPE_LABELS[a.type], _norms(a), _level(a),
             _scope_codes(a), a.processes or "", a.department.name if a.department else "",
             a.site.name if a.site else "", _team(a), STATE_LABELS[a.state]] for a in audits)
    return tabular.response(fmt, header, rows, f"audit-programme-{year}", _("Audit programme %(year)s", year=year))


def programme_pdf(audits: Sequence[Audit], year: int) -> Response:
    title = _("Audit programme %(year)s", year=year)
    story = [pdf.para(title, "title"),
             pdf.para(_("Printed on %(date)s · %(count)s audits", date=format_date(today()), count=len(audits)),
                      "small"), pdf.spacer()]
    if audits:
        rows = [(f"{a.number}\n{format_date(a.planned_start)}", f"{a.title}\n{TYPE_LABELS[a.type]}",
                 f"{_norms(a)}\n{_scope_codes(a)}",
                 "\n".join(x for x in (a.processes, a.department.name if a.department else None,
                                       a.site.name if a.site else None) if x),
                 _team(a), STATE_LABELS[a.state]) for a in audits]
        story.append(pdf.table([_("Number and date"), _("Audit"), _("Norms and requirements"),
                                _("Processes, department, location"), _("Audit team"), _("State")],
                               rows, widths=[24, 34, 38, 30, 30, 18]))
    else:
        story.append(pdf.para(_("No audits are planned for this year.")))
    return pdf.response(pdf.build(story, title=title), f"audit-programme-{year}.pdf")


def report_pdf(audit: Audit, checklist: Sequence[AuditItem], counts: dict[str, int], ncs: dict,
               requirement_title: Callable) -> Response:
    title = _("Audit report %(n)s", n=audit.number)
    story = [pdf.para(title, "title"), pdf.para(audit.title, "h2"), pdf.spacer(2),
             pdf.facts([
                 (_("Type"), TYPE_LABELS[audit.type]), (_("Norms"), _norms(audit)),
                 (_("Certification level"), _level(audit) or "—"),
                 (_("Date"), format_date(audit.conducted_on or audit.planned_start)),
                 (_("Audited department"), audit.department.name if audit.department else "—"),
                 (_("Location"), audit.site.name if audit.site else "—"), (_("Processes"), audit.processes or "—"),
                 (_("Lead auditor"), audit.lead_auditor.name),
                 (_("Audit team"), ", ".join(u.name for u in audit.team) or "—"),
                 (_("Auditees"), ", ".join(a.employee.full_name for a in audit.auditees) or "—"),
                 (_("State"), STATE_LABELS[audit.state]),
             ])]
    if audit.independence_note:
        story += [pdf.para(_("Independence"), "h3"), pdf.para(audit.independence_note)]
    story += [pdf.para(_("Scope"), "h2"), pdf.para(audit.scope or "—"),
              pdf.para(_("Chapters and requirements"), "h3"), pdf.para(_scope_codes(audit)),
              pdf.para(_("Criteria"), "h2"), pdf.para(audit.criteria or "—"),
              pdf.para(_("Summary"), "h2"),
              pdf.table([_("Result"), _("Count")],
                        [(RESULT_LABELS[r], counts[r.value]) for r in Result] + [(_("No result yet"), counts["open"])],
                        widths=[80, 30])]
    if audit.conclusion:
        story += [pdf.para(_("Conclusion"), "h2"), pdf.para(audit.conclusion)]
    story.append(pdf.para(_("Findings per requirement"), "h2"))
    rows = []
    for item in checklist:
        code = f"{item.norm} {item.requirement}" if item.requirement else _("Own question")
        evidence = [f"{LINK_LABELS.get(link.kind, link.kind)}: {link.label}" for link in item.links]
        evidence += [_("File: %(name)s", name=f.stored_file.original_name) for f in item.files]
        nc_numbers = [nc.number for nc in ncs.get(str(item.id), [])]
        result = RESULT_LABELS[item.result] if item.result else _("No result yet")
        if nc_numbers:
            result += "\n" + ", ".join(nc_numbers)
        remark = item.notes or ""
        if item.justification:
            remark = (remark + "\n" if remark else "") + _("Not applicable because: %(why)s", why=item.justification)
        rows.append((code + ("\n" + _("must") if item.must else ""), requirement_title(item), result, remark,
                     "\n".join(evidence)))
    story.append(pdf.table([_("Requirement"), _("Question"), _("Result"), _("Notes"), _("Evidence")], rows,
                           widths=[20, 42, 26, 50, 36]) if rows else pdf.para(_("The checklist is empty.")))
    story += [pdf.spacer(10), KeepTogether([
        pdf.para(_("Signature"), "h2"),
        pdf.facts([(_("Lead auditor"), audit.lead_auditor.name),
                   (_("Date"), format_date(audit.reported_on) if audit.reported_on else ""),
                   (_("Signature"), "\n\n\n______________________________")])])]
    return pdf.response(pdf.build(story, title=title, footer=f"{title} · {audit.title}"),
                        f"audit-report-{audit.number}.pdf")
