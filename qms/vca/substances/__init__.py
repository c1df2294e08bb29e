"""Hazardous substances register (gevaarlijke stoffen): cleaning products with their safety data sheets,
hazard codes, substances matched against the CMR list, the extra CMR registration, work instruction cards
with QR codes and instruction confirmations.

Self-contained so a later ISO 45001 module can reuse it: its own tables (pointing at core tables), services,
views (blueprint ``substances``), templates and reference data. The VCA module registers it in its setup."""
from qms.permissions import ALL_ROLES, Role

PERMISSIONS = {
    #: Read the register (products, sheets, CMR registration, coverage).
    "vca.substances.view": {Role.ADMIN, Role.COORDINATOR, Role.AUDITOR},
    "vca.substances.manage": {Role.ADMIN, Role.COORDINATOR},
    #: Load and update the reference data (hazard code texts, the CMR list).
    "vca.substances.reference": {Role.ADMIN},
    #: Open a product's work instruction card and confirm being instructed (everyone on the work floor).
    "vca.substances.card": ALL_ROLES,
    #: Who gets the cards in the menu (the others reach them from the register).
    "vca.substances.card_menu": {Role.STAFF},
}

from . import models  # noqa: E402


def setup(app) -> None:
    """Register the blueprint, the permissions, record names, file access, live evidence (for VCA and, when it is
    enabled, ISO 9001) and the menu entry on this app's registry."""
    from flask_babel import lazy_gettext as _l

    from qms.norms import NavItem, registry

    from . import evidence
    from .views import bp
    from .views.common import sheet_files

    if "substances" not in app.blueprints:
        app.register_blueprint(bp)
    reg = registry(app)
    for name, roles in PERMISSIONS.items():
        reg.add_permission(name, roles)
    for entity_type, label in models.RECORD_NAMES.items():
        reg.add_record_name(entity_type, label)
    reg.add_upload_check(sheet_files)
    reg.add_live_evidence("vca", evidence.live_evidence)
    reg.add_live_evidence("iso9001", evidence.iso9001_evidence)  # asked only when ISO 9001 is enabled
    reg.add_menu_entry("vca", NavItem("substances.cards", lambda: str(_l("Work instruction cards")),
                                      "vca.substances.card_menu"))
