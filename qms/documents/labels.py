"""Translated labels of the document enums, for templates, PDFs and exports."""
from flask_babel import lazy_gettext as _l

from .models import DocumentType, ReviewOutcome, SignatureMeaning, VersionState

TYPE_LABELS = {
    DocumentType.POLICY: _l("Policy"),
    DocumentType.PROCEDURE: _l("Procedure"),
    DocumentType.WORK_INSTRUCTION: _l("Work instruction"),
    DocumentType.FORM: _l("Form or template"),
    DocumentType.EXTERNAL: _l("External document"),
    DocumentType.RECORD_TEMPLATE: _l("Record template"),
}

STATE_LABELS = {
    VersionState.DRAFT: _l("draft"),
    VersionState.IN_REVIEW: _l("in review"),
    VersionState.APPROVED: _l("approved"),
    VersionState.PUBLISHED: _l("published"),
    VersionState.SUPERSEDED: _l("superseded"),
    VersionState.WITHDRAWN: _l("withdrawn"),
}

MEANING_LABELS = {
    SignatureMeaning.REVIEWED: _l("reviewed"),
    SignatureMeaning.APPROVED: _l("approved"),
}

OUTCOME_LABELS = {
    ReviewOutcome.CONFIRMED: _l("Version confirmed"),
    ReviewOutcome.NEW_VERSION: _l("New version started"),
}

#: Badge class per state (qms.css badge-ok / badge-warn / badge-bad / badge-info).
STATE_BADGES = {
    VersionState.DRAFT: "badge doc-badge-draft",
    VersionState.IN_REVIEW: "badge badge-info",
    VersionState.APPROVED: "badge badge-info",
    VersionState.PUBLISHED: "badge badge-ok",
    VersionState.SUPERSEDED: "badge badge-warn",
    VersionState.WITHDRAWN: "badge badge-bad",
}
