"""Own certificates and the external audit calendar derived from them."""
from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms import SelectChoice

from ...core import exports as tabular
from ...database import paginate
from ...extensions import db
from ...norms import registry
from ...permissions import requires
from .. import cycles, reminders, services
from ..forms import CertificateForm
from ..models import Certificate
from ..services import CertificateData
from . import bp
from .common import load, per_page
from ...core.submit import on_submit


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
    form.version.choices = [SelectChoice("", _("— not recorded —"))] + [
        SelectChoice(cat.code, f"{norm.title} · {cat.title}") for norm in registry() for cat in norm.versions.values()]
    exclude = cert.id if cert is not None else None
    extensions = registry().certificate_extensions
    if not extensions:  # no enabled norm lets a certificate extend another: no such field
        del form.extends_id
        return
    form.extends_id.label.text = str(extensions[0].label)
    form.extends_id.description = str(extensions[0].description)
    form.extends_id.choices = [SelectChoice("", _("— not an extension —"))] + [
        SelectChoice(str(cid), label) for extension in extensions for cid, label in extension.choices(exclude)]
    if cert is not None and request.method == "GET":
        form.extends_id.data = next((str(found) for extension in extensions
                                     if (found := extension.current(cert)) is not None), "")


def _extends(value) -> int | None:
    """The chosen certificate id; anything that is not a number is refused by the service as unknown."""
    text = str(value or "").strip()
    if not text or text == "None":
        return None
    return int(text) if text.isdigit() and len(text) < 12 else -1


def _data(form: CertificateForm) -> CertificateData:
    extends = _extends(form.extends_id.data) if "extends_id" in form else None
    return CertificateData(form.norm.data, form.level.data or None, form.certifying_body.data, form.number.data,
                           form.scope.data, form.issued_on.data, form.expires_on.data, extends,
                           version=form.version.data or None)


def _cycles() -> list[tuple[str, cycles.Cycle]]:
    """(norm title, its certification cycle) of every enabled norm, for the note on the form."""
    return [(norm.title, cycles.cycle_for(norm.code)) for norm in registry()]


def _transition_deadlines(on):
    from ...catalogue.transition import deadlines

    return deadlines(on)


@bp.route("/certificates")
@requires("evidence.view")
def certificates():
    on = services.today()
    page = paginate(select(Certificate).order_by(Certificate.expires_on.desc(), Certificate.id.desc()),
                    request.args.get("page"), per_page())
    calendar = services.audit_calendar(on)
    dates = {c.id: cycles.next_audit(cycles.audit_dates(cycles.cycle_for(c.norm), c.issued_on, c.expires_on), on) for c in page.items}
    return render_template("evidence/certificates.html", page=page, calendar=calendar, next_dates=dates, today=on,
                           kind_label=reminders.kind_label, norm_title=reminders.norm_title,
                           level_name=services.certificate_level_name,
                           version_title=services.certificate_version_title,
                           extensions=services.extension_badges([c.id for c in page.items]),
                           transitions=_transition_deadlines(on))


@bp.route("/certificates/export.<any(csv, xlsx):fmt>")
@requires("evidence.view")
def certificates_export(fmt: str):
    on = services.today()
    header = [_("Norm"), _("Level"), _("Certifying body"), _("Number"), _("Issued on"), _("Expires on"),
              _("Next audit")]

    def rows():
        for c in db.session.scalars(select(Certificate).order_by(Certificate.expires_on.desc(), Certificate.id.desc())
                                    .limit(tabular.MAX_ROWS)):
            due = cycles.next_audit(cycles.audit_dates(cycles.cycle_for(c.norm), c.issued_on, c.expires_on), on)
            yield [reminders.norm_title(c.norm), services.certificate_level_name(c), c.certifying_body, c.number,
                   c.issued_on, c.expires_on, f"{due.due.isoformat()} {reminders.kind_label(due.kind)}" if due else ""]

    return tabular.response(fmt, header, rows(), "certificates", _("Certificates and audits"))


@bp.route("/certificates/new", methods=["GET", "POST"])
@requires("evidence.manage")
def new_certificate():
    form = CertificateForm()
    _choices(form, None)
    saved = on_submit(form, lambda: services.add_certificate(_data(form)),
                      done=lambda cert: _("Certificate %(number)s was added.", number=cert.number),
                      to=url_for("evidence.certificates"))
    if saved:
        return saved
    return render_template("evidence/certificate_form.html", form=form, cert=None, cycles=_cycles()), \
        400 if form.errors else 200


@bp.route("/certificates/<int:cert_id>/edit", methods=["GET", "POST"])
@requires("evidence.manage")
def edit_certificate(cert_id: int):
    cert = load(Certificate, cert_id)
    form = CertificateForm(obj=cert)
    _choices(form, cert)
    saved = on_submit(form, lambda: services.update_certificate(cert, _data(form)),
                      done=_("The certificate was saved."),
                      to=url_for("evidence.certificates"))
    if saved:
        return saved
    return render_template("evidence/certificate_form.html", form=form, cert=cert, cycles=_cycles()), \
        400 if form.errors else 200
