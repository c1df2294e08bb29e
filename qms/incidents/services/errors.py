"""The incident log's domain error."""
from ...core.errors import FieldError


class IncidentError(FieldError):
    """A business rule refused the change; ``field`` names the form field the message belongs to (or "")."""
