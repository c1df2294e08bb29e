"""Supplier register pages: list with filters, detail with certificates, add and edit."""
from flask import Blueprint, abort, current_app, flash, render_template, request, url_for
from flask_babel import gettext as _

from sqlalchemy.orm import selectinload

from ..core import exports as tabular
from ..core.import_views import add_import_routes
from ..core.imports import export_rows
from ..core.loaders import get_row
from ..core.submit import act, on_submit
from ..database import paginate
from ..extensions import db
from ..organisation.forms import ActiveForm
from ..permissions import requires
from . import imports, services
from .expiry import WARN_DAYS, certificate_status, days_left
from .forms import CertificateForm, ConfirmForm, SupplierFilterForm, SupplierForm
from .imports import SUPPLIERS
from .models import Supplier, SupplierCertificate
from .services import SupplierData

bp = Blueprint("suppliers", __name__, url_prefix="/suppliers", template_folder="templates", static_folder="static")


@bp.record_once
def _register_reminders(state) -> None:
    """Certificate expiry reminders."""
    from ..norms import registry

    registry(state.app).add_reminders(services.reminders)


def _load(supplier_id: int):
    supplier = services.get(supplier_id)
    if supplier is None:
        abort(404)
    return supplier


def _data(form: SupplierForm) -> SupplierData:
    return SupplierData(name=form.name.data, kvk_number=form.kvk_number.data, city=form.city.data,
                        contact=form.contact.data, email=form.email.data, phone=form.phone.data,
                        supplies=form.supplies.data, notes=form.notes.data)


def _helpers() -> dict:
    today = services.today()
    return {"today": today, "status_of": lambda c: certificate_status(c.valid_until, today),
            "days_left": lambda c: days_left(c.valid_until, today), "warn_days": WARN_DAYS}


@bp.route("/")
@requires("suppliers.view")
def index():
    form = SupplierFilterForm(request.args)
    if request.args and not form.validate():
        flash(_("Some filters were not understood and are ignored; see the messages below."), "warning")
    stmt = services.register_query(q=form.valid_value("q"), status=form.valid_value("status") or "active",
                                   scheme=form.valid_value("scheme"))
    page = paginate(stmt, request.args.get("page"), current_app.config["ITEMS_PER_PAGE"])
    certificates = services.certificates_for([s.id for s in page.items])
    return render_template("suppliers/index.html", form=form, page=page, certificates=certificates,
                           expiring=services.expiring(), **_helpers())


@bp.route("/export.<any(csv, xlsx):fmt>")
@requires("suppliers.view")
def export(fmt: str):
    """The register with the page's filters, one row per certificate, in the columns the import reads."""
    form = SupplierFilterForm(request.args)
    form.validate()
    stmt = services.register_query(q=form.valid_value("q"), status=form.valid_value("status") or "active",
                                   scheme=form.valid_value("scheme")).options(selectinload(Supplier.certificates))
    suppliers = db.session.scalars(stmt.limit(tabular.MAX_ROWS)).all()
    return tabular.response(fmt, SUPPLIERS.header(), export_rows(SUPPLIERS, imports.rows(suppliers)), "suppliers",
                            _("Suppliers"))


add_import_routes(bp, "suppliers", "suppliers.manage", "")


@bp.route("/new", methods=["GET", "POST"])
@requires("suppliers.manage")
def new():
    form = SupplierForm()
    saved = on_submit(form, lambda: services.save_supplier(None, _data(form)),
                      done=lambda supplier: _("Supplier %(name)s was added.", name=supplier.name),
                      to=lambda supplier: url_for("suppliers.detail", supplier_id=supplier.id))
    return saved or render_template("suppliers/form.html", form=form, supplier=None)


@bp.route("/<int:supplier_id>")
@requires("suppliers.view")
def detail(supplier_id: int):
    supplier = _load(supplier_id)
    return render_template("suppliers/detail.html", supplier=supplier, form=CertificateForm(),
                           toggle=ActiveForm(), panels=_panels(supplier), **_helpers())


def _panels(supplier) -> list:
    """Extra sections other packages show on a supplier's page (``registry(app).add_supplier_panel``)."""
    from ..norms import registry

    return [html for html in (panel(supplier) for panel in registry().supplier_panels) if html]


@bp.route("/<int:supplier_id>/edit", methods=["GET", "POST"])
@requires("suppliers.manage")
def edit(supplier_id: int):
    supplier = _load(supplier_id)
    form = SupplierForm(obj=supplier)
    saved = on_submit(form, lambda: services.save_supplier(supplier, _data(form)),
                      done=lambda _saved: _("The details of %(name)s were saved.", name=supplier.name),
                      to=url_for("suppliers.detail", supplier_id=supplier.id))
    return saved or render_template("suppliers/form.html", form=form, supplier=supplier)


@bp.route("/<int:supplier_id>/active", methods=["POST"])
@requires("suppliers.manage")
def set_active(supplier_id: int):
    supplier = _load(supplier_id)
    form = ActiveForm()
    return act(form, lambda: services.set_active(supplier, form.active.data == "1"),
               done=lambda _r: (_("%(name)s is in use again.", name=supplier.name) if supplier.active
                                else _("%(name)s is no longer in use.", name=supplier.name)),
               to=url_for("suppliers.detail", supplier_id=supplier.id))


@bp.route("/<int:supplier_id>/certificates", methods=["POST"])
@requires("suppliers.manage")
def add_certificate(supplier_id: int):
    supplier = _load(supplier_id)
    form = CertificateForm()
    saved = on_submit(form, lambda: services.add_certificate(supplier, scheme=form.scheme.data, level=form.level.data,
                                                             number=form.number.data, issuer=form.issuer.data,
                                                             valid_until=form.valid_until.data),
                      done=_("The certificate was added."),
                      to=url_for("suppliers.detail", supplier_id=supplier.id))
    if saved:
        return saved
    return render_template("suppliers/detail.html", supplier=supplier, form=form, toggle=ActiveForm(),
                           panels=_panels(supplier), **_helpers()), 400


@bp.route("/<int:supplier_id>/certificates/<int:certificate_id>/remove", methods=["POST"])
@requires("suppliers.manage")
def remove_certificate(supplier_id: int, certificate_id: int):
    supplier = _load(supplier_id)
    certificate = get_row(SupplierCertificate, certificate_id)
    if certificate is None or certificate.supplier_id != supplier.id:
        abort(404)
    return act(ConfirmForm(), lambda: services.remove_certificate(certificate), done=_("The certificate was removed."),
               to=url_for("suppliers.detail", supplier_id=supplier.id))
