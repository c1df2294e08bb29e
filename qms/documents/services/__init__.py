"""Business rules of document control. Every function changes state and flushes, never commits.

- ``register``: documents, requirement links, distribution targets, the register query and full-text search;
- ``versions``: new documents and drafts, the review/approval workflow with electronic signatures, publication,
  withdrawal, the periodic review;
- ``reading``: who must read what, read confirmations, coverage and reminders.

The imports run one way: ``versions`` → ``reading`` → ``register`` (no cycle).

Contract for other packages: :func:`current_version` and :func:`documents_for_requirement`.
"""
from .errors import DocumentError, StaleDraft  # noqa: F401
from .register import (DocumentData, Filters, current_version, documents_for_requirement,  # noqa: F401
                       register_query, update_document)
from .reading import (confirm_read, coverage, coverage_by_person, readers, remind_unconfirmed,  # noqa: F401
                      reviews_due, to_read, to_read_query)
from .versions import (create_document, new_version, publish, record_review, reject, save_draft,  # noqa: F401
                       sign, submit, withdraw)
