"""External providers (8.4): evaluation overview and evaluating a supplier from the core register."""
from flask import render_template, url_for
from markupsafe import Markup
from flask_babel import gettext as _
from flask_login import current_user

from ...core import exports as tabular
from ...extensions import db
from ...permissions import has_permission, requires
from ...suppliers.models import Supplier
from .. import scoring
from ..forms import CRITERIA_LABELS, EvaluationForm
from ..services import providers as services, today
from . import bp, load, page
from ...core.submit import on_submit


@bp.route("/suppliers")
@requires("iso9001.view")
def suppliers():
    from flask import current_app, request
    from sqlalchemy import func, select

    from ...database import paginate

    stmt = select(Supplier).where(Supplier.active.is_(True)).order_by(func.lower(Supplier.name), Supplier.id)
    result = paginate(stmt, request.args.get("page"), current_app.config["ITEMS_PER_PAGE"])
    latest = services.latest_by_supplier([s.id for s in result.items])
    on = today()
    rows = [(s, latest.get(s.id), latest.get(s.id) is None or latest[s.id].next_evaluation <= on)
            for s in result.items]
    return page("suppliers.html", rows=rows, page_=result, figures=services.figures(on), today=on)


@bp.route("/suppliers/export.<any(csv, xlsx):fmt>")
@requires("iso9001.view")
def suppliers_export(fmt: str):
    """The external providers overview: every active supplier with its latest evaluation."""
    from sqlalchemy import func, select

    stmt = select(Supplier).where(Supplier.active.is_(True)).order_by(func.lower(Supplier.name), Supplier.id)
    found = list(db.session.scalars(stmt.limit(tabular.MAX_ROWS)))
    latest = services.latest_by_supplier([s.id for s in found])
    on = today()
    header = [_("Supplier"), _("Supplies"), _("Score"), _("Approval"), _("Evaluated on"), _("Next evaluation"),
              _("Re-evaluation due")]
    rows = ([s.name, s.supplies or "", e.score if e else None, e.decision if e else _("Not evaluated"),
             e.evaluated_on if e else None, e.next_evaluation if e else None, e is None or e.next_evaluation <= on]
            for s in found for e in [latest.get(s.id)])
    return tabular.response(fmt, header, rows, "external-providers", _("External providers"))


@bp.route("/suppliers/<int:supplier_id>/evaluate", methods=["GET", "POST"])
@requires("iso9001.manage")
def evaluate_supplier(supplier_id: int):
    supplier = load(Supplier, supplier_id)
    form = EvaluationForm()
    saved = on_submit(form, lambda: services.evaluate(supplier, user=current_user, scores=form.scores(),
                                                      decision=form.decision.data,
                                                      next_evaluation=form.next_evaluation.data, note=form.note.data),
                      done=lambda evaluation: _("%(name)s was evaluated: %(score)s / 100.", name=supplier.name,
                                                score=evaluation.score),
                      to=url_for("suppliers.detail", supplier_id=supplier.id))
    return saved or page("evaluate.html", 400 if form.is_submitted() else 200, supplier=supplier, form=form,
                         weights=scoring.CRITERIA, history=services.history(supplier))


def supplier_panel(supplier: Supplier) -> str:
    """The ISO 9001 evaluation section on the core supplier page (for those who may read it)."""
    if not has_permission(current_user, "iso9001.view"):
        return ""
    return Markup(render_template("iso9001/_supplier_panel.html", supplier=supplier, history=services.history(supplier),
                           labels=CRITERIA_LABELS, criteria=list(scoring.CRITERIA), today=today()))
