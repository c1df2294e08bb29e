"""The register's list and its figures: products filtered in the database with their sheet status, the sheets
that need attention, and the counts the register page, the status report and the evidence show."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import and_, exists, func, or_, select

from qms.core.dates import today
from qms.database import once_per_request
from qms.extensions import db
from qms.organisation.models import Site

from . import rules
from .models import (Substitution, VcaCmrRegistration, VcaCmrSubstance, VcaProduct, VcaProductInstruction,
                     VcaProductSite, VcaProductSubstance)
from .services import cmr_exists, max_age_years, sheet_status


# --- the list ---------------------------------------------------------------------------------

@dataclass
class Filters:
    q: str = ""
    supplier_id: int | None = None
    site_id: int | None = None
    pictogram: str = ""
    sheet: str = ""
    cmr: bool = False
    inactive: bool = False


def filtered(f: Filters, on: dt.date | None = None):
    """The product list as one select, every filter in the database."""
    on = on or today()
    stmt = select(VcaProduct).where(VcaProduct.active.is_(not f.inactive))
    if f.q:
        like = f"%{f.q.lower()}%"
        stmt = stmt.where(or_(func.lower(VcaProduct.name).like(like), func.lower(VcaProduct.purpose).like(like)))
    if f.supplier_id:
        stmt = stmt.where(VcaProduct.supplier_id == f.supplier_id)
    if f.site_id:
        stmt = stmt.where(exists().where(VcaProductSite.product_id == VcaProduct.id,
                                         VcaProductSite.site_id == f.site_id))
    if f.pictogram in rules.PICTOGRAMS:
        stmt = stmt.where(VcaProduct.pictograms.like(f"%{f.pictogram}%"))
    if f.sheet:
        before = rules.outdated_before(max_age_years(), on)
        latest = func.coalesce(VcaProduct.sds_reviewed_on, VcaProduct.sds_issued_on)
        latest = func.max(VcaProduct.sds_issued_on, latest) if db.engine.dialect.name == "sqlite" else \
            func.greatest(VcaProduct.sds_issued_on, latest)
        missing = or_(VcaProduct.sds_file_id.is_(None), VcaProduct.sds_issued_on.is_(None))
        if f.sheet == "missing":
            stmt = stmt.where(missing)
        elif f.sheet == "newer":
            stmt = stmt.where(~missing, VcaProduct.newer_revision_on.is_not(None))
        elif f.sheet == "outdated":
            stmt = stmt.where(~missing, VcaProduct.newer_revision_on.is_(None), latest < before)
        elif f.sheet == "attention":
            stmt = stmt.where(or_(missing, VcaProduct.newer_revision_on.is_not(None), latest < before))
    if f.cmr:
        stmt = stmt.where(exists().where(VcaProductSubstance.product_id == VcaProduct.id,
                                         VcaProductSubstance.cas == VcaCmrSubstance.cas))
    return stmt.order_by(VcaProduct.name, VcaProduct.id)


def sheets_needing_attention(on: dt.date | None = None):
    """(product, sheet status) of every product in use whose sheet is missing, outdated or superseded."""
    on = on or today()
    max_age = max_age_years()
    for product in db.session.scalars(filtered(Filters(sheet="attention"), on)):
        yield product, sheet_status(product, max_age, on)


# --- figures ----------------------------------------------------------------------------------

def figures(on: dt.date | None = None) -> rules.RegisterFigures:
    """The register's counts on one day (a handful of aggregate queries, once per request: the VCA and the
    ISO 9001 live evidence both ask)."""
    on = on or today()
    return once_per_request(("vca.substances.figures", on), lambda: _figures(on))


def _figures(on: dt.date) -> rules.RegisterFigures:
    active = VcaProduct.active.is_(True)
    products = db.session.scalar(select(func.count()).select_from(VcaProduct).where(active)) or 0
    attention = db.session.scalar(select(func.count()).select_from(
        filtered(Filters(sheet="attention"), on).order_by(None).subquery())) or 0
    cmr = db.session.scalar(select(func.count()).select_from(filtered(Filters(cmr=True), on).order_by(None)
                                                              .subquery())) or 0
    cmr_ids = select(VcaProduct.id).where(active, cmr_exists())
    registered = db.session.scalar(select(func.count()).select_from(VcaCmrRegistration).where(
        VcaCmrRegistration.product_id.in_(cmr_ids), VcaCmrRegistration.exposed.is_not(None),
        VcaCmrRegistration.exposure.is_not(None), VcaCmrRegistration.measures.is_not(None))) or 0
    decided = db.session.scalar(select(func.count()).select_from(VcaCmrRegistration).where(
        VcaCmrRegistration.product_id.in_(cmr_ids), VcaCmrRegistration.substitution != Substitution.OPEN)) or 0
    with_card = db.session.scalar(select(func.count()).select_from(VcaProduct).where(
        active, VcaProduct.do_text.is_not(None), VcaProduct.first_aid.is_not(None))) or 0
    confirmed = db.session.scalar(select(func.count()).select_from(VcaProductInstruction).join(
        VcaProduct, and_(VcaProduct.id == VcaProductInstruction.product_id, active))) or 0
    return rules.RegisterFigures(products=products, sheets_current=products - attention, cmr_products=cmr,
                                 cmr_registered=registered, cmr_substitution_decided=decided,
                                 with_card_text=with_card, confirmations=confirmed)
