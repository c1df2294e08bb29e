"""The incident log's domain error."""


class IncidentError(Exception):
    """A business rule refused the change; ``field`` names the form field the message belongs to (or "")."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message
