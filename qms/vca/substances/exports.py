"""The product register as CSV and XLSX through the core export module (formulas neutralised, labels for codes)."""
from __future__ import annotations

from flask import Response
from flask_babel import gettext as _

from sqlalchemy.orm import selectinload

from qms.core import exports as tabular
from qms.extensions import db

from . import services
from .forms import QUANTITIES, SIGNAL_WORDS
from .models import VcaProduct

#: An export never holds more rows than this.
MAX_ROWS = 5000


def _header() -> list[str]:
    return [_("Product"), _("Kind of product"), _("Supplier"), _("Used at"), _("Used by (functions)"),
            _("Quantity used"), _("Signal word"), _("Hazard pictograms"), _("H statements"), _("P statements"),
            _("CMR"), _("Issue date"), _("Revision"), _("Language"), _("Sheet status"), _("Check again by")]


def _rows(stmt):
    products = db.session.scalars(stmt.options(selectinload(VcaProduct.sites)).limit(MAX_ROWS)).unique().all()
    cmr = services.cmr_product_ids([p.id for p in products])
    quantities = {c.value: str(c.label) for c in QUANTITIES}
    words = {c.value: str(c.label) for c in SIGNAL_WORDS}
    statuses = {"missing": _("missing"), "outdated": _("outdated"), "newer": _("newer revision announced"),
                "ok": _("current")}
    max_age, on = services.max_age_years(), services.today()
    for p in products:
        status = services.sheet_status(p, max_age, on)
        yield [
            p.name, p.purpose, p.supplier.name if p.supplier else "", ", ".join(s.name for s in p.sites),
            ", ".join(p.function_list), quantities[p.quantity_band.value], words[p.signal_word.value],
            ", ".join(p.pictogram_list), ", ".join(p.hazard_list), ", ".join(p.precaution_list),
            p.id in cmr, p.sds_issued_on, p.sds_revision, p.sds_language, statuses[status.code], status.due]


def products_csv(stmt) -> Response:
    return tabular.csv_response(_header(), _rows(stmt), "hazardous-substances.csv")


def products_xlsx(stmt) -> Response:
    return tabular.xlsx_response(_header(), _rows(stmt), "hazardous-substances.xlsx", _("Hazardous substances"))
