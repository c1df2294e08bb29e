"""Imports every core model so that metadata is complete (Alembic, create_all in tests)."""
from .actions.models import CorrectiveAction, EffectivenessCheck, Nonconformity  # noqa: F401
from .api.models import ApiToken  # noqa: F401
from .audit.models import AuditEntry  # noqa: F401
from .catalogue.models import CatalogueImport  # noqa: F401
from .core.changes import TableChange  # noqa: F401
from .core.models import RecordCounter  # noqa: F401
from .audits.models import (Audit, AuditAuditee, AuditItem, AuditItemFile, AuditItemLink, AuditMember,  # noqa: F401
                            AuditNorm, AuditScope)
from .reviews.models import Review, ReviewDecision  # noqa: F401
from .auth.models import LoginAttempt, User, UserRole  # noqa: F401
from .documents.models import (DistributionTarget, Document, DocumentRequirement, DocumentVersion,  # noqa: F401
                               ReadConfirmation, ReviewRecord, Signature, VersionReviewer)
from .evidence.models import (Certificate, DossierJob, EvidenceItem, EvidenceRecordLink,  # noqa: F401
                              EvidenceRequirement, ReadinessSnapshot)
from .jobs import Job  # noqa: F401
from .incidents.models import (Incident, IncidentHours, IncidentPerson, IncidentPhoto,  # noqa: F401
                               IncidentReportAttempt, IncidentSettings, IncidentSiteToken)
from .notifications.models import Notification  # noqa: F401
from .organisation.models import Company, Department, Employee, Site  # noqa: F401
from .speakup.models import (SpeakupAttempt, SpeakupCase, SpeakupMessage, SpeakupPhoto,  # noqa: F401
                             SpeakupSettings)
from .suppliers.models import Supplier, SupplierCertificate  # noqa: F401
from .training.models import TrainingRecord  # noqa: F401
from .webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription  # noqa: F401
from .uploads.models import StoredFile  # noqa: F401

from flask_babel import lazy_gettext as _l  # noqa: E402

from .audit.services import name_entity_type  # noqa: E402

for _type, _label in {
    "user": _l("User"), "user_role": _l("Role of a user"), "company": _l("Company"),
    "department": _l("Department"), "site": _l("Site"), "employee": _l("Employee"),
    "stored_file": _l("File"), "job": _l("Background job"), "route": _l("Page"),
}.items():
    name_entity_type(_type, _label)
from .quality_measurement.models import (DefectKind, Inspection, InspectionDefect, InspectionPhoto,  # noqa: F401
                                         InspectionPlan, InspectionRoom, Location, Room, RoomElement,
                                         SamplingTableRevision)
