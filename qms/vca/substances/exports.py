"""The product register as CSV and XLSX; free text is neutralised so a spreadsheet never runs it as a formula."""
from __future__ import annotations

import csv
import io

from flask import Response
from flask_babel import gettext as _

from sqlalchemy.orm import selectinload

from qms.extensions import db

from . import services
from .forms import QUANTITIES, SIGNAL_WORDS
from .models import VcaProduct

#: An export never holds more rows than this.
MAX_ROWS = 5000


def safe_cell(value) -> str:
    """A cell starting with = + - @ (or a tab / carriage return) is text, not a formula."""
    value = "" if value is None else str(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


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
        yield [safe_cell(v) for v in (
            p.name, p.purpose, p.supplier.name if p.supplier else "", ", ".join(s.name for s in p.sites),
            ", ".join(p.function_list), quantities[p.quantity_band.value], words[p.signal_word.value],
            ", ".join(p.pictogram_list), ", ".join(p.hazard_list), ", ".join(p.precaution_list),
            _("yes") if p.id in cmr else _("no"), p.sds_issued_on.isoformat() if p.sds_issued_on else "",
            p.sds_revision, p.sds_language, statuses[status.code], status.due.isoformat() if status.due else "")]


def products_csv(stmt) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(_header())
    writer.writerows(_rows(stmt))
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="hazardous-substances.csv"', "Cache-Control": "no-store"})


def products_xlsx(stmt) -> Response:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Hazardous substances")[:31])
    sheet.append(_header())
    for row in _rows(stmt):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return Response(buffer.getvalue(),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": 'attachment; filename="hazardous-substances.xlsx"',
                             "Cache-Control": "no-store"})
