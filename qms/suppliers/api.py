"""REST endpoints of the supplier register and the suppliers' certificates (read)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..api import ApiBlueprint, register_api
from ..api.common import PageArgs, columns_schema, endpoint, get_or_404, page_of, paged, where_given, where_text
from .models import Supplier, SupplierCertificate

blp = ApiBlueprint("api_suppliers", __name__, url_prefix="/suppliers", description="Supplier register")


SupplierCertificateSchema = columns_schema(SupplierCertificate, "id scheme level number issuer valid_until",
                                           describe={"scheme": "A norm code, or other"})
SupplierSchema = columns_schema(Supplier, "id name kvk_number city contact email phone supplies active",
                                certificates=fields.List(fields.Nested(SupplierCertificateSchema), required=True))


class SupplierFilter(PageArgs):
    active = fields.Boolean()
    q = fields.String(validate=validate.Length(max=100))


@endpoint(blp, "", "suppliers.view", "suppliers", page_of(SupplierSchema, "SupplierPage"), query=SupplierFilter)
def list_suppliers(args):
    stmt = where_text(where_given(select(Supplier), args, active=Supplier.active), args.get("q"), Supplier.name)
    return paged(stmt.options(selectinload(Supplier.certificates)).order_by(Supplier.name, Supplier.id), args)


@endpoint(blp, "/<int:supplier_id>", "suppliers.view", "suppliers", SupplierSchema)
def get_supplier(supplier_id: int):
    return get_or_404(Supplier, supplier_id)


def register(app) -> None:
    register_api(app, blp, area="suppliers", label=_l("Suppliers"), permissions={"suppliers.view"})
