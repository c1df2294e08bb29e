"""The feature's own errors; views show ``message`` next to ``field`` (or as a flash when field is None)."""
from __future__ import annotations


class DocumentError(Exception):
    """A business rule refused the change."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class StaleDraft(DocumentError):
    """Someone else saved the draft since this editor loaded it; nothing of either edit is lost."""

    def __init__(self, message: str, version):
        super().__init__(message, field="content_markdown")
        self.version = version
