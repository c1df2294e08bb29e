"""What every PSO service module shares: the domain error and the limits on what is stored."""
from __future__ import annotations

from ...core.errors import FieldError

EVIDENCE_KINDS = frozenset({"pdf", "image", "docx"})
PAYROLL_MAX_BYTES = 20 * 1024 * 1024
FROZEN_FIELDS = frozenset({"inputs", "results", "content_sha256", "year", "reference_code", "total_pct", "level",
                           "corrects_id", "created_at", "created_by_id"})


class PsoError(FieldError):
    """A business rule refused the change; ``field`` names the form field the message belongs to."""


