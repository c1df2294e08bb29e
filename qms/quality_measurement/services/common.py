"""What every part of quality measurement's rules shares: its error, its limits, its record source."""
from __future__ import annotations

from ...core.errors import FieldError

SOURCE_TYPE = "quality_inspection"
#: Defect kinds a new installation starts with (code, Dutch, English, category); administrators add more.
DEFAULT_KINDS = [
    ("dust", "Stof", "Dust", "cleaning"), ("stains", "Vlekken", "Stains", "cleaning"),
    ("litter", "Afval en zwerfvuil", "Litter", "cleaning"), ("smears", "Strepen", "Smears", "cleaning"),
    ("supplies", "Ontbrekende verbruiksartikelen", "Missing supplies", "supplies"),
    ("damage", "Beschadiging", "Damage", "damage"),
]
MAX_COUNT = 99


class MeasurementError(FieldError):
    """A rule of quality measurement refused the change; ``field`` names the form field it concerns."""
