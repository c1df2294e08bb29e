"""Business rules of document control. Every function changes state and flushes, never commits.

- ``register``: documents, requirement links, distribution targets, the register query and full-text search;
- ``versions``: drafts, the review/approval workflow with electronic signatures, publication, withdrawal;
- ``reading``: who must read what, read confirmations, coverage, periodic review and reminders.

Contract for other packages: :func:`current_version` and :func:`documents_for_requirement`.
"""
from .errors import DocumentError, StaleDraft  # noqa: F401
from .register import (DocumentData, Filters, create_document, current_version,  # noqa: F401
                       documents_for_requirement, register_query, update_document)
from .versions import (new_version, publish, reject, save_draft, sign, submit, withdraw)  # noqa: F401
from .reading import (confirm_read, coverage, coverage_by_person, readers, record_review,  # noqa: F401
                      remind_unconfirmed, reviews_due, to_read)
