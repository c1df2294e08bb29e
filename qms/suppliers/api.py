"""REST endpoints of the supplier register and the suppliers' certificates (read)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..api import ApiBlueprint, register_api
from ..api.common import PageArgs, endpoint, get_or_404, page_of, paged
from .models import Supplier

blp = ApiBlueprint("api_suppliers", __name__, url_prefix="/suppliers", description="Supplier register")


class SupplierCertificateSchema(Schema):
    id = fields.Integer(required=True)
    scheme = fields.String(required=True, metadata={"description": "A norm code, or other"})
    level = fields.String(allow_none=True)
    number = fields.String(allow_none=True)
    issuer = fields.String(allow_none=True)
    valid_until = fields.Date(required=True)


class SupplierSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    kvk_number = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    contact = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    supplies = fields.String(allow_none=True)
    active = fields.Boolean(required=True)
    certificates = fields.List(fields.Nested(SupplierCertificateSchema), required=True)


class SupplierFilter(PageArgs):
    active = fields.Boolean()
    q = fields.String(validate=validate.Length(max=100))


@endpoint(blp, "", "suppliers.view", "suppliers", page_of(SupplierSchema, "SupplierPage"), query=SupplierFilter)
def list_suppliers(args):
    stmt = select(Supplier)
    if "active" in args:
        stmt = stmt.where(Supplier.active.is_(args["active"]))
    if args.get("q"):
        stmt = stmt.where(Supplier.name.ilike(f"%{args['q']}%"))
    return paged(stmt.options(selectinload(Supplier.certificates)).order_by(Supplier.name, Supplier.id), args)


@endpoint(blp, "/<int:supplier_id>", "suppliers.view", "suppliers", SupplierSchema)
def get_supplier(supplier_id: int):
    return get_or_404(Supplier, supplier_id)


def register(app) -> None:
    register_api(app, blp, area="suppliers", label=_l("Suppliers"), permissions={"suppliers.view"})
