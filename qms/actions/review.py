"""The nonconformities-and-actions section of the management review input pack (ISO 9001 9.3.2 c 2)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..extensions import db
from ..norms import ReviewSection
from ..signals import review_input_requested
from .forms import SEVERITY_LABELS
from .models import Nonconformity
from .services import counts, source_choices


@review_input_requested.connect
def nonconformities_section(sender, start, end, **kwargs) -> ReviewSection:
    figures = counts(start, end)
    by_severity = dict(db.session.execute(
        select(Nonconformity.severity, func.count()).where(Nonconformity.opened_on >= start,
                                                           Nonconformity.opened_on <= end)
        .group_by(Nonconformity.severity)).all())
    by_source = dict(db.session.execute(
        select(Nonconformity.source_type, func.count()).where(Nonconformity.opened_on >= start,
                                                              Nonconformity.opened_on <= end)
        .group_by(Nonconformity.source_type)).all())
    labels = dict(source_choices())
    rows = [(_("Opened in the period"), str(figures["opened"])),
            (_("Closed in the period (proven effective)"), str(figures["closed_in_period"]))]
    rows += [(str(SEVERITY_LABELS[s]), str(n)) for s, n in sorted(by_severity.items(), key=lambda kv: kv[0].value)]
    rows += [(_("Found through: %(source)s", source=labels.get(k, k)), str(n)) for k, n in sorted(by_source.items())]
    rows += [(_("Actions open now"), str(figures["open_actions"])),
             (_("Actions overdue now"), str(figures["overdue_actions"]))]
    return ReviewSection(key="nonconformities", title=str(_l("Nonconformities and corrective actions")), rows=rows,
                         order=40, endpoint="actions.nonconformities")
