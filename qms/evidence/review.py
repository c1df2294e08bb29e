"""The certification section of the management review input pack: readiness per norm, own certificates and
the next external audits (ISO 9001 9.3.2 c: monitoring results and external audit results)."""
from __future__ import annotations

from flask_babel import format_date
from flask_babel import gettext as _

from ..norms import ReviewSection
from ..signals import review_input_requested
from . import cycles, reminders, services


@review_input_requested.connect
def certification_section(sender, start, end, **kwargs) -> ReviewSection:
    """Readiness as it stands now (it is a current position, not a period figure) and the audit calendar."""
    rows: list[tuple[str, str]] = []
    for overview in services.overview():
        label = overview.norm.title + (f" · {overview.level_name}" if overview.level_name else "")
        rows.append((_("Readiness %(norm)s", norm=label),
                     _("%(percent)s%% (%(covered)s of %(required)s requirements)", percent=overview.result.percent,
                       covered=overview.result.covered, required=overview.result.required)))
    for entry in services.audit_calendar(limit=4):
        cert = entry.certificate
        what = reminders.kind_label(entry.date.kind)
        rows.append((f"{what} {reminders.norm_title(cert.norm)}", format_date(entry.date.due)))
    expiring = services.expiring_count()
    on = services.today()
    rows.append((_("Evidence expired or expiring within 60 days"), str(expiring) if expiring else _("none")))
    text = ""
    if any(e.date.kind == cycles.RECERTIFICATION and e.date.due < on for e in services.audit_calendar()):
        text = _("A recertification audit is overdue: plan it before the certificate expires.")
    return ReviewSection(key="certification", title=_("Certification readiness and external audits"), rows=rows,
                         text=text, order=62, endpoint="evidence.index")
