"""Imports every core model so that metadata is complete (Alembic, create_all in tests)."""
from .audit.models import AuditEntry  # noqa: F401
from .auth.models import LoginAttempt, User, UserRole  # noqa: F401
from .organisation.models import Company, Department, Employee, Site  # noqa: F401
from .uploads.models import StoredFile  # noqa: F401
