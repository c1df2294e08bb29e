"""Work instruction cards: the phone card, the PDF for the trolley, confirming an instruction."""
from __future__ import annotations

from flask import abort, current_app, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from qms.core import exports as tabular
from qms.database import paginate
from qms.extensions import db
from qms.permissions import has_permission, requires

from .. import card as card_content
from .. import register, services
from ..forms import ButtonForm
from ..models import VcaProductInstruction
from ..pdf import instruction_card
from ..register import Filters
from .common import _load, bp
from ....core.submit import act


@bp.route("/cards")
@requires("vca.substances.card")
def cards():
    """The cards for the work floor: every product in use, searchable, with the ones you confirmed."""
    q = request.args.get("q", "").strip()[:100]
    page = paginate(register.filtered(Filters(q=q)), request.args.get("page"), current_app.config["ITEMS_PER_PAGE"])
    ids = [p.id for p in page.items]
    confirmed = set(db.session.scalars(select(VcaProductInstruction.product_id).where(
        VcaProductInstruction.user_id == current_user.id, VcaProductInstruction.product_id.in_(ids)))) if ids else set()
    return render_template("substances/cards.html", page=page, q=q, confirmed=confirmed)


@bp.route("/cards/export.<any(csv, xlsx):fmt>")
@requires("vca.substances.card")
def cards_export(fmt: str):
    """The work instruction cards with the page's search, and whether you confirmed each instruction."""
    q = request.args.get("q", "").strip()[:100]
    products = db.session.scalars(register.filtered(Filters(q=q)).limit(tabular.MAX_ROWS)).unique().all()
    ids = [p.id for p in products]
    confirmed = set(db.session.scalars(select(VcaProductInstruction.product_id).where(
        VcaProductInstruction.user_id == current_user.id, VcaProductInstruction.product_id.in_(ids)))) if ids else set()
    header = [_("Product"), _("Kind of product"), _("Instructed")]
    rows = ([p.name, p.purpose or "", p.id in confirmed] for p in products)
    return tabular.response(fmt, header, rows, "work-instruction-cards", _("Work instruction cards"))


@bp.route("/<int:product_id>/card")
@requires("vca.substances.card")
def card(product_id: int):
    product = _load(product_id)
    if not product.active and not has_permission(current_user, "vca.substances.view"):
        abort(404)
    return render_template("substances/card.html", product=product, card=card_content.content(product),
                           confirmed=services.confirmation(product, current_user), button=ButtonForm(formdata=None))


@bp.route("/<int:product_id>/card.pdf")
@requires("vca.substances.card")
def card_pdf(product_id: int):
    product = _load(product_id)
    if not product.active and not has_permission(current_user, "vca.substances.view"):
        abort(404)
    response = make_response(instruction_card(card_content.content(product)))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="card-{product.id}.pdf"'
    return response


@bp.route("/<int:product_id>/card/confirm", methods=["POST"])
@requires("vca.substances.card")
def card_confirm(product_id: int):
    product = _load(product_id)
    if not product.active:
        abort(404)
    form = ButtonForm()
    return act(form, lambda: services.confirm_instruction(product, current_user),
               done=lambda _changed: _("Thank you: you confirmed that you were instructed on %(name)s.",
                                       name=product.name),
               to=url_for("substances.card", product_id=product.id))
