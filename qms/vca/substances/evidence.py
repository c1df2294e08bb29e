"""Live evidence of the hazardous substances register for the VCA questions on hazardous substances and
exposure (and, through ``iso9001_evidence``, for ISO 9001 control of external documents)."""
from __future__ import annotations

from flask_babel import gettext as _

from qms.norms import LiveEvidence

from . import register

#: Requirement codes per VCA catalogue version: (hazardous substances, exposure).
VCA_CODES = {"2017-6.0": ("8.2", "8.3"), "2008-5.1": ("9.2", "9.3")}


def rules_for(f, substances: str, exposure: str) -> list[LiveEvidence]:
    """The register's rules over its figures (one function: every surface shows these values)."""
    return [
        LiveEvidence(substances, _("Register of hazardous substances with a current safety data sheet per product"),
                     _("%(current)s of %(products)s sheets current", current=f.sheets_current, products=f.products),
                     f.sheets_ok, "substances.index"),
        LiveEvidence(substances, _("Work instruction card per product, instructions confirmed"),
                     _("%(cards)s of %(products)s cards filled in, %(confirmations)s confirmations",
                       cards=f.with_card_text, products=f.products, confirmations=f.confirmations),
                     f.cards_ok, "substances.cards"),
        LiveEvidence(exposure, _("CMR products registered (exposure, measures) with a substitution check"),
                     _("%(done)s of %(total)s CMR products", done=min(f.cmr_registered, f.cmr_substitution_decided),
                       total=f.cmr_products), f.cmr_ok, "substances.index", {"cmr": "1"}),
    ]


def live_evidence(version: str, level: str = "") -> list[LiveEvidence]:
    """The register's rules for one VCA version; they are the same for every level."""
    codes = VCA_CODES.get(version)
    if codes is None:
        return []
    return rules_for(register.figures(), *codes)


#: ISO 9001 requirement the register gives evidence for, per catalogue version: safety data sheets are
#: documents of external origin (2015 7.5.3); 2008 7.5.5 asks for correct labelling and handling of products.
ISO9001_CODES = {"2015": "7.5.3.2", "2008": "7.5.5"}


def iso9001_evidence(version: str, level: str = "") -> list[LiveEvidence]:
    """For ISO 9001, only in an app where VCA (and so this register) is enabled."""
    from qms.norms import registry

    code = ISO9001_CODES.get(version)
    if code is None or "vca" not in registry():
        return []
    f = register.figures()
    if not f.products:  # ISO 9001 asks nothing of a register that is not used: no rule, not a failing one
        return []
    return [LiveEvidence(code, _("Safety data sheets of the cleaning products current (external documents)"),
                         _("%(current)s of %(products)s sheets current", current=f.sheets_current,
                           products=f.products), f.sheets_ok, "substances.index")]
