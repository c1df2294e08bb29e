"""Column helpers shared by the ISO 9001 models."""
import enum

from sqlalchemy import Enum


def enum_column(cls: type[enum.Enum]) -> Enum:
    """A portable enum column (VARCHAR + CHECK), storing the member values."""
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
