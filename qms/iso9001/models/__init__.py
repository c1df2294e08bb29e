"""ISO 9001 tables (prefix ``iso_``). They may point at core tables (user, employee, site, supplier)."""
from flask_babel import lazy_gettext as _l

from .competence import (Competence, CompetenceEvidence, EmployeeFunction, JobFunction, LearningAssignment,  # noqa: F401
                         LearningPath, LearningStep, StepSignoff)
from .context import ContextReview, ContextStatement, Exclusion, InterestedParty, Issue, IssueKind, Process  # noqa: F401
from .customers import (CHANNEL_LABELS, Channel, Complaint, ComplaintState, FeedbackKind, SatisfactionResult,  # noqa: F401
                        COMPLAINT_TRANSITIONS)
from .planning import Direction, Measurement, Objective, ObjectiveState, Risk, RiskKind, RiskState  # noqa: F401
from .providers import Decision, SupplierEvaluation  # noqa: F401

#: Readable names of the tables in the audit trail (registered in the norm's setup).
RECORD_NAMES = {
    "iso_context_statement": _l("QMS scope and climate determination"), "iso_context_review": _l("Context review"),
    "iso_issue": _l("Internal or external issue"), "iso_interested_party": _l("Interested party"),
    "iso_exclusion": _l("Non-applicable requirement"), "iso_process": _l("Process"),
    "iso_risk": _l("Risk or opportunity"), "iso_objective": _l("Quality objective"),
    "iso_measurement": _l("Objective measurement"), "iso_complaint": _l("Customer complaint or feedback"),
    "iso_satisfaction": _l("Customer satisfaction result"), "iso_supplier_evaluation": _l("Supplier evaluation"),
    "iso_function": _l("Function"), "iso_competence": _l("Required competence"),
    "iso_employee_function": _l("Function of an employee"), "iso_competence_evidence": _l("Competence evidence"),
    "iso_learning_path": _l("Learning path"), "iso_learning_step": _l("Learning path step"),
    "iso_learning_assignment": _l("Learning path of an apprentice"), "iso_step_signoff": _l("Learning step sign-off"),
}
