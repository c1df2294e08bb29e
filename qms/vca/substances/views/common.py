"""The register's blueprint and what its views share: loading a product, showing a refusal, the filters."""
from __future__ import annotations

import pathlib

from flask import Blueprint, abort, request
from sqlalchemy import select

from qms.core.errors import show_refusal as _refused
from qms.extensions import db
from qms.permissions import has_permission
from qms.suppliers.models import Supplier

from .. import services
from ..models import VcaProduct
from ..register import Filters

#: Templates and static files stay in the register's own folder (qms/vca/substances/), beside its models.
bp = Blueprint("substances", __name__, url_prefix="/vca/substances", template_folder="templates",
               static_folder="static", static_url_path="/static", root_path=str(pathlib.Path(__file__).parents[1]))


def sheet_files(user, stored_file) -> bool:
    """Safety data sheets are for everyone who works with the products (the law wants them at hand)."""
    if not has_permission(user, "vca.substances.card"):
        return False
    return db.session.scalar(select(VcaProduct.id).where(VcaProduct.sds_file_id == stored_file.id).limit(1)) is not None


def _load(product_id: int) -> VcaProduct:
    found = services.get(VcaProduct, product_id)
    if found is None:
        abort(404)
    return found


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and 0 < int(value) < 2**31 else None


def _filters() -> Filters:
    sheet = request.args.get("sheet", "")
    return Filters(q=request.args.get("q", "").strip()[:100], supplier_id=_int_arg("supplier"),
                   site_id=_int_arg("site"), pictogram=request.args.get("pictogram", ""),
                   sheet=sheet if sheet in ("missing", "outdated", "newer", "attention") else "",
                   cmr=request.args.get("cmr") == "1", inactive=request.args.get("inactive") == "1")


def _suppliers():
    return db.session.execute(select(Supplier.id, Supplier.name).where(Supplier.active.is_(True))
                              .order_by(Supplier.name)).all()
