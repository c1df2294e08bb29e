"""The feature's own errors; views show ``message`` next to ``field`` (or as a flash when field is None)."""
from __future__ import annotations

from ...core.errors import DomainError


class DocumentError(DomainError):
    """A business rule refused the change."""


class StaleDraft(DocumentError):
    """Someone else saved the draft since this editor loaded it; nothing of either edit is lost."""

    def __init__(self, message: str, version):
        super().__init__(message, field="content_markdown")
        self.version = version
