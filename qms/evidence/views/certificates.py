"""Own certificates and the external audit calendar derived from them."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms import SelectChoice

from ...core import exports as tabular
from ...database import paginate
from ...extensions import db
from ...norms import registry
from ...permissions import requires
from .. import aspirant, cycles, reminders, services
from ..forms import CertificateForm
from ..models import Certificate
from ..services import CertificateData, EvidenceError
from . import bp
from .common import load, per_page, refused


def _choices(form: CertificateForm, cert: Certificate | None) -> None:
    form.norm.choices = [SelectChoice("", _("— choose —"))] + [SelectChoice(n.code, n.title) for n in registry()]
    levels = [SelectChoice("", _("— none —"))]
    for norm in registry():
        seen = set()
        for cat in norm.versions.values():
            for lv in cat.levels:
                if lv.code not in seen:
                    seen.add(lv.code)
                    levels.append(SelectChoice(lv.code, f"{norm.title}: {lv.name}"))
    form.level.choices = levels
    exclude = cert.id if cert is not None else None
    form.extends_id.choices = [SelectChoice("", _("— not an extension —"))] + [
        SelectChoice(str(c.id), f"{c.number} · {c.issued_on.isoformat()} – {c.expires_on.isoformat()}")
        for c in services.extendable_certificates(exclude)]


def _extends(value) -> int | None:
    """The chosen certificate id; anything that is not a number is refused by the service as unknown."""
    text = str(value or "").strip()
    if not text or text == "None":
        return None
    return int(text) if text.isdigit() and len(text) < 12 else -1


def _data(form: CertificateForm) -> CertificateData:
    return CertificateData(form.norm.data, form.level.data or None, form.certifying_body.data, form.number.data,
                           form.scope.data, form.issued_on.data, form.expires_on.data, _extends(form.extends_id.data))


def _extended_numbers(certificates) -> dict[int, str]:
    """Number of the certificate each listed extension extends (one query for the page)."""
    ids = {c.extends_id for c in certificates if c.extends_id is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(Certificate.id, Certificate.number).where(Certificate.id.in_(ids))).all())


@bp.route("/certificates")
@requires("evidence.view")
def certificates():
    on = services.today()
    page = paginate(select(Certificate).order_by(Certificate.expires_on.desc(), Certificate.id.desc()),
                    request.args.get("page"), per_page())
    calendar = services.audit_calendar(on)
    dates = {c.id: cycles.next_audit(cycles.audit_dates(c.norm, c.issued_on, c.expires_on), on) for c in page.items}
    return render_template("evidence/certificates.html", page=page, calendar=calendar, next_dates=dates, today=on,
                           kind_label=reminders.kind_label, norm_title=reminders.norm_title,
                           level_name=services.certificate_level_name,
                           extension_of=services.extension_positions(), max_extensions=aspirant.MAX_EXTENSIONS,
                           numbers=_extended_numbers(page.items))


@bp.route("/certificates/export.<any(csv, xlsx):fmt>")
@requires("evidence.view")
def certificates_export(fmt: str):
    on = services.today()
    header = [_("Norm"), _("Level"), _("Certifying body"), _("Number"), _("Issued on"), _("Expires on"),
              _("Next audit")]

    def rows():
        for c in db.session.scalars(select(Certificate).order_by(Certificate.expires_on.desc(), Certificate.id.desc())
                                    .limit(tabular.MAX_ROWS)):
            due = cycles.next_audit(cycles.audit_dates(c.norm, c.issued_on, c.expires_on), on)
            yield [reminders.norm_title(c.norm), services.certificate_level_name(c), c.certifying_body, c.number,
                   c.issued_on, c.expires_on, f"{due.due.isoformat()} {reminders.kind_label(due.kind)}" if due else ""]

    return tabular.response(fmt, header, rows(), "certificates", _("Certificates and audits"))


@bp.route("/certificates/new", methods=["GET", "POST"])
@requires("evidence.manage")
def new_certificate():
    form = CertificateForm()
    _choices(form, None)
    if form.validate_on_submit():
        try:
            cert = services.add_certificate(_data(form))
        except EvidenceError as error:
            refused(form, error)
        else:
            db.session.commit()
            flash(_("Certificate %(number)s was added.", number=cert.number), "success")
            return redirect(url_for("evidence.certificates"))
    return render_template("evidence/certificate_form.html", form=form, cert=None), 400 if form.errors else 200


@bp.route("/certificates/<int:cert_id>/edit", methods=["GET", "POST"])
@requires("evidence.manage")
def edit_certificate(cert_id: int):
    cert = load(Certificate, cert_id)
    form = CertificateForm(obj=cert)
    _choices(form, cert)
    if form.validate_on_submit():
        try:
            services.update_certificate(cert, _data(form))
        except EvidenceError as error:
            refused(form, error)
        else:
            db.session.commit()
            flash(_("The certificate was saved."), "success")
            return redirect(url_for("evidence.certificates"))
    return render_template("evidence/certificate_form.html", form=form, cert=cert), 400 if form.errors else 200
