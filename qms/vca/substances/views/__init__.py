"""Views of the hazardous substances register (blueprint ``substances``)."""
from . import cards, products, reference  # noqa: F401  (registers the routes)
from .common import bp, sheet_files  # noqa: F401
