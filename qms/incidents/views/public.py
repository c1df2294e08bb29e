"""The public report form behind a site's QR code: no account needed, anonymous by default.

Nothing ties an anonymous report to its sender: the visitor is treated as anonymous even when logged in,
the audit trail names the actor "anonymous" and records no address, the rate limit keeps only a keyed hash
of the address per hour, and photo file names are replaced."""
from __future__ import annotations

from flask import abort, g, render_template, request, url_for, redirect
from flask_babel import gettext as _
from flask_login import AnonymousUserMixin

from ...audit.services import set_actor
from ...extensions import db
from ...permissions import public
from .. import services
from ..forms import PublicReportForm
from ..services import RateLimited
from . import bp
from .reporting import NotStored, forget_kept, keep_photos, prefill, prepare, store, submit


def _as_anonymous_visitor() -> None:
    g._login_user = AnonymousUserMixin()
    set_actor(None, "anonymous")


def _forget_address() -> None:
    """From here on the request has no client address (the trail records none)."""
    request.remote_addr = None


@bp.route("/qr/<token>", methods=["GET", "POST"])
@public
def public_report(token: str):
    site = services.site_for_token(token)
    if site is None:
        abort(404)
    _as_anonymous_visitor()
    form = PublicReportForm()
    prepare(form)
    prefill(form, default_site_id=site.id, site_from_address=False)
    if form.validate_on_submit():
        address = request.remote_addr
        _forget_address()
        anonymous = bool(form.anonymous.data)

        def attempt():
            sent_before = services.find_by_token(form.submission_id.data)
            if sent_before is not None:  # the same form again: the first answer, not counted twice
                return sent_before
            services.check_public_allowance(address)
            return submit(form, reporter=None, via_qr=True, anonymous=anonymous,
                          **({} if anonymous else {"named": (form.reporter_name.data, form.reporter_contact.data)}))

        try:
            number = store(form, attempt)
        except RateLimited:
            db.session.rollback()
            return render_template("incidents/report.html", form=form, site=site, public=True,
                                   action=url_for("incidents.public_report", token=token), limited=True,
                                   kept_photos=keep_photos(form)), 429
        except NotStored as failure:
            form.form_errors.append(failure.message)
            return render_template("incidents/report.html", form=form, site=site, public=True,
                                   action=url_for("incidents.public_report", token=token),
                                   kept_photos=keep_photos(form)), 503
        if number is not None:
            forget_kept()
            return redirect(url_for("incidents.public_thanks", token=token, number=number))
    return render_template("incidents/report.html", form=form, site=site, public=True,
                           action=url_for("incidents.public_report", token=token), kept_photos=keep_photos(form))


@bp.route("/qr/<token>/thanks")
@public
def public_thanks(token: str):
    site = services.site_for_token(token)
    if site is None:
        abort(404)
    number = (request.args.get("number") or "")[:20]
    return render_template("incidents/thanks.html", site=site, number=number, token=token,
                           message=_("Thank you. Your report was received."))
