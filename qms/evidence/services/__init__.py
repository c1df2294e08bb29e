"""Evidence, requirement links, record links, certificates and readiness: the business rules.

Every function changes state and flushes but never commits; the Audited mixin writes the trail. Callers use
this package as one module (``services.assess``, ``services.add_evidence`` …).
"""
from ...norms import LiveEvidence  # noqa: F401  (the dossier rebuilds live evidence from its snapshot)
from .certificates import (CalendarEntry, CertificateData, add_certificate, audit_calendar,  # noqa: F401
                           certificate_level_name, certificate_version_title, extension_badges,
                           update_certificate)
from .common import (ALLOWED_KINDS, EvidenceError, parse_requirement_key, possible_owners,  # noqa: F401
                     requirement, today)
from .coverage import (FileState, NormOverview, RecordView, RequirementView, assess,  # noqa: F401
                       evidence_by_requirement, evidence_for_requirement, expiring_count, expiring_evidence,
                       file_states, history, history_with_today, live_evidence, overview, pending_count,
                       record_snapshots,
                       records_by_requirement, related_requirements, snapshot, suggestions, target_level)
from .files import (EvidenceData, add_evidence, add_revision, current_revision, escape_like,  # noqa: F401
                    first_revision, link_evidence, link_record, review_evidence, review_label, search_evidence, unlink_evidence, unlink_record, update_evidence)
