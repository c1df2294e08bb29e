"""Operations on audits: plan, prepare the checklist, conduct, report (opening nonconformities) and close.

Each function changes state and flushes, never commits. Business rules live here and in ``rules``.

- ``planning``: an audit's norms, scope, team and auditees, and the independence rule;
- ``checklist``: the questions from the scope, results, notes, photos and evidence links;
- ``workflow``: moving through the states, findings reported as nonconformities, who conducts;
- ``programme``: the programme, coverage of the requirements in scope, reminders.
"""
from .checklist import LINK_MODELS, add_link, add_question, generate_checklist, items, record_result  # noqa: F401
from .common import LINK_KINDS, SOURCE_TYPE, AuditError  # noqa: F401
from .planning import (AuditData, audited_processes, auditors_of, independence_conflicts, next_number,  # noqa: F401
                       save_audit)
from .programme import REMIND_BEFORE_DAYS, collect_reminders, coverage, programme_query, scope_targets  # noqa: F401
from .workflow import _open_nonconformities, can_conduct, finding_owner, move, result_counts  # noqa: F401
