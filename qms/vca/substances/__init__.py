"""Hazardous substances register (gevaarlijke stoffen): cleaning products with their safety data sheets,
hazard codes, substances matched against the CMR list, the extra CMR registration, work instruction cards
with QR codes and instruction confirmations.

Self-contained so a later ISO 45001 module can reuse it: its own tables (pointing at core tables), services,
views (blueprint ``substances``), templates and reference data. The VCA module registers it in its setup."""
from qms.permissions import ALL_ROLES, Role, define

#: Read the register (products, sheets, CMR registration, coverage).
define("vca.substances.view", {Role.ADMIN, Role.COORDINATOR, Role.AUDITOR})
define("vca.substances.manage", {Role.ADMIN, Role.COORDINATOR})
#: Load and update the reference data (hazard code texts, the CMR list).
define("vca.substances.reference", {Role.ADMIN})
#: Open a product's work instruction card and confirm being instructed (everyone on the work floor).
define("vca.substances.card", ALL_ROLES)
#: Who gets the cards in the menu (the others reach them from the register).
define("vca.substances.card_menu", {Role.STAFF})

from . import models  # noqa: E402,F401


def init_app(app) -> None:
    """Register the blueprint and, once every norm is loaded, the evidence for other norms."""
    from qms.signals import norms_loaded

    from .evidence import add_to_other_norms
    from .views import bp

    if "substances" not in app.blueprints:
        app.register_blueprint(bp)
    norms_loaded.connect(add_to_other_norms)
