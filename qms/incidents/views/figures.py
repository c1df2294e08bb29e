"""Figures and charts, hours worked, PDFs, site QR codes and the retention setting."""
from __future__ import annotations

import datetime as dt

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_datetime, format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...core.loaders import get_or_404
from ...core import exports as tabular
from ...core.import_views import add_import_routes
from ...core.imports import export_rows
from ...database import paginate
from ...extensions import db
from ...organisation.models import Site
from ...notifications.services import absolute_url, is_loopback
from ...permissions import requires
from .. import charts, figures, pdf, services
from ..imports import HOURS
from ..models import IncidentHours
from ..forms import RetentionForm, SimpleForm, hours_field_name, make_hours_form
from ..services import IncidentError
from ..workflow import TYPE_SHORT, HoursCategory, IncidentType, PersonCategory
from . import bp
from .common import load_incident

MONTH_ABBR = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


def _year_arg() -> int:
    today = services.local_now().date()
    try:
        year = int(request.args.get("year", today.year))
    except ValueError:
        year = today.year
    return year if 2000 <= year <= 2100 else today.year


def _month_label(year: int, month: int) -> str:
    return format_date(dt.date(year, month, 1), "MMM yy")


#: The trend shows TREND_MONTHS points, each the injury frequency over the 12 months up to that month.
TREND_MONTHS = 24


def TREND_TITLE() -> str:  # noqa: N802 - a title, translated when called
    return _("Injury frequency per month, each over the 12 months before it (last %(n)s months)", n=TREND_MONTHS)


def fmt_rate(value: float | None) -> str:
    return _("no hours registered") if value is None else format_decimal(value, "#,##0.0")


def if_rule() -> str:
    """Whose LTIs count in the IF, from the one rule in :data:`figures.IF_COUNTED_CATEGORIES`."""
    counted = [c.label for c in PersonCategory if figures.counts_in_if(c.value)]
    left_out = [c.label for c in PersonCategory if not figures.counts_in_if(c.value)]
    return _("LTIs of %(counted)s count in the IF: their hours are in the denominator (subcontractors' staff "
             "working under your direction: register their hours under subcontractors). LTIs of %(left_out)s "
             "stay in the log and the Arbowet list but do not count in the IF: their hours are not registered.",
             counted=", ".join(counted).lower(), left_out=", ".join(left_out).lower())


def year_data(year: int) -> dict:
    """Everything the figures page and the annual report show for one calendar year."""
    today = services.local_now().date()
    start, end = figures.year_window(year)
    months = figures.months_between(start, end)
    by_month = services.counts_by_month_and_type(start, end)
    series = [(t.value, str(TYPE_SHORT[t]), [by_month.get(m, {}).get(t, 0) for m in months]) for t in IncidentType]
    series = [s for s in series if any(s[2])] or series[:1]
    near, accidents = services.near_miss_and_accidents(start, end)
    rolling = services.rolling(today)
    trend_end = min(end, today) if year >= today.year else end
    trend = services.if_over_time(trend_end, TREND_MONTHS)
    counts = services.counts_by_type(start, end)
    return {
        "year": year, "months": [format_date(dt.date(y, m, 1), "MMM") for y, m in months], "series": series,
        "near": near, "accidents": accidents, "ratio": figures.near_miss_ratio(near, accidents),
        "three_years": services.three_years(year, today), "rolling": rolling,
        "if_rule": if_rule(),
        "trend_labels": [_month_label(*m) for m, _v in trend], "trend_values": [v for _m, v in trend],
        "counts": [(t, counts.get(t, 0)) for t in IncidentType],
    }


@bp.route("/figures")
@requires("incidents.view")
def figures_page():
    data = year_data(_year_arg())
    svg = {
        "months": charts.stacked_bars(_("Incidents per month by type"), data["months"], data["series"]),
        "legend": charts.legend([(k, label) for k, label, _c in data["series"]]),
        "ratio": charts.ratio_bars(_("Near misses and accidents"), [
            (_("Near misses"), data["near"], charts.TYPE_COLOURS["near_miss"]),
            (_("Accidents"), data["accidents"], charts.TYPE_COLOURS["lti"])]),
        "trend": charts.line(TREND_TITLE(), data["trend_labels"], data["trend_values"],
                             empty_text=_("no hours registered")),
    }
    return render_template("incidents/figures.html", data=data, svg=svg, fmt_rate=fmt_rate, trend_title=TREND_TITLE())


@bp.route("/annual-report.pdf")
@requires("incidents.view")
def annual_pdf():
    data = year_data(_year_arg())
    year = data["year"]
    rows = [[_("Period"), _("LTIs"), _("Hours worked"), _("Lost days"), _("IF (per 1,000,000 hours)"),
             _("Rate per 200,000 hours")]]
    notes = [f"{data['rolling'].label}: {data['rolling'].months}."]
    for p in data["three_years"] + [data["rolling"]]:
        rows.append([p.label + (" *" if p.without_hours else ""), str(p.ltis), format_decimal(p.hours, "#,##0"),
                     str(p.lost_days), fmt_rate(p.injury_frequency), fmt_rate(p.rate_200k)])
        if p.without_hours:
            notes.append(f"* {p.label}: " + _("no hours registered for %(months)s", months=p.without_hours) + ".")
    notes.append(data["if_rule"])
    ratio = data["ratio"]
    arbo = [[_("Number"), _("Date"), _("Type"), _("Arbeidsinspectie"), _("Most days of absence")]]
    start, end = figures.year_window(year)
    for i in db.session.scalars(services.arbowet_statement(start, end).limit(500)):
        arbo.append([i.number, format_date(i.occurred_on), str(TYPE_SHORT[i.type]),
                     i.arbo_reason.label if i.arbo_reason else "—", str(i.max_lost_days)])
    body = pdf.annual_report(
        title=_("Annual safety report %(year)s", year=year),
        intro=_("Incidents, lost-time injuries and injury frequency (IF = LTIs × 1,000,000 / hours worked), "
                "made on %(date)s.", date=format_date(services.local_now().date(), "long")),
        figures_heading=_("Injury frequency over three years"), figure_rows=rows, if_rule=" ".join(notes),
        chart_heading=_("Incidents per month by type"), months=data["months"], series=data["series"],
        legend_rows=[[label, str(sum(c))] for _k, label, c in data["series"]],
        ratio_heading=_("Near misses and accidents"),
        ratio_rows=[[_("Near misses"), str(data["near"])], [_("Accidents"), str(data["accidents"])],
                    [_("Near misses per accident"), "—" if ratio is None else format_decimal(ratio, "#,##0.0")]],
        if_heading=TREND_TITLE(), if_labels=data["trend_labels"],
        if_values=data["trend_values"], if_empty=_("no hours registered"),
        value_label=lambda v: format_decimal(v, "#,##0.#"),
        types_heading=_("Incidents per type"), type_rows=[[_("Type"), _("Count")]] + [
            [t.label, str(n)] for t, n in data["counts"]],
        arbo_heading=_("Arbowet list"), arbo_rows=arbo)
    return _pdf_response(body, f"safety-report-{year}.pdf")


def _pdf_response(body: bytes, filename: str) -> Response:
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{filename}"', "Cache-Control": "no-store"})


def _reporter(incident) -> str:
    from ...auth.models import User

    user = db.session.get(User, incident.reporter_id) if incident.reporter_id else None
    name = user.name if user else incident.reporter_name
    return " · ".join(part for part in (name, incident.reporter_contact) if part) or "—"


@bp.route("/<int:incident_id>/report.pdf")
@requires("incidents.view")
def incident_pdf(incident_id: int):
    i = load_incident(incident_id)
    names = services.may_see_persons(current_user)
    ncs = services.nonconformities(i)

    def when(value):
        return format_datetime(value, "d MMM yyyy HH:mm") if value else "—"

    sections = [
        (_("Report"), [
            (_("Type"), i.type.label), (_("State"), i.state.label), (_("When"), when(i.occurred_at)),
            (_("Site"), i.site.name if i.site else "—"), (_("Where exactly"), i.location or "—"),
            (_("Involved"), ", ".join(c.label for c in i.involved_categories) or "—"),
            (_("Injured"), str(i.injured_count)), (_("What happened"), i.description),
            (_("Immediate action"), i.immediate_action or "—"), (_("Reported on"), when(i.reported_at)),
            (_("Reported by"), _("Anonymous") if i.anonymous else (
                _reporter(i) if names else _("(only for coordinator and HR)")))]),
        (_("Triage"), [
            (_("Severity"), i.severity.label if i.severity else "—"),
            (_("Department"), i.department.name if i.department else "—"),
            (_("Arbeidsinspectie"), i.arbo_reason.label if i.arbo_reason else _("Not required")),
            (_("Reported to the Arbeidsinspectie on"), when(i.arbo_notified_at)),
            (_("How"), i.arbo_method.label if i.arbo_method else "—"),
            (_("Reported by"), i.arbo_reported_by or "—"),
            (_("Reference"), i.arbo_reference or "—")]),
        (_("Injured persons"), [
            (p.category.label + (f" — {p.name}" if names and p.name else ""),
             _("%(days)s lost days", days=p.lost_days) + (" " + _("(still absent)") if p.absence_ongoing else ""))
            for p in i.persons]),
        (_("Investigation"), [
            (_("Method"), i.method.label if i.method else "—"), (_("Root causes"), i.root_causes or "—"),
            (_("Contributing factors"), i.contributing_factors or "—"), (_("Lessons learned"), i.lessons or "—")]),
        (_("Actions"), [(nc.number, f"{a.description} — {a.owner.name if a.owner else ''}, "
                         f"{format_date(a.due_date) if a.due_date else ''}"
                         + (" ✓" if a.done_at else "")) for nc in ncs for a in nc.actions]),
    ]
    body = pdf.incident_report(_("Incident %(number)s", number=i.number), sections)
    return _pdf_response(body, f"{i.number}.pdf")


# --- hours worked -------------------------------------------------------------------------------------------

@bp.route("/hours", methods=["GET", "POST"])
@requires("incidents.manage")
def hours():
    try:
        year = _year_arg() if request.method == "GET" else int(request.form.get("year", ""))
    except ValueError:
        abort(400)
    if not 2000 <= year <= 2100:
        abort(400)
    form = make_hours_form(year, services.hours_table(year), formdata=request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        values = {(m, c): form[hours_field_name(m, c)].data for m in range(1, 13) for c in HoursCategory}
        try:
            changed = services.save_hours(year, values)
        except IncidentError as error:
            db.session.rollback()
            form.year.errors = [error.message]
        else:
            db.session.commit()
            flash(_("The hours were saved (%(n)s changes).", n=changed), "success")
            return redirect(url_for("incidents.hours", year=year))
    totals = {c: sum((form[hours_field_name(m, c)].data or 0) for m in range(1, 13)) for c in HoursCategory}
    months = [(m, format_date(dt.date(year, m, 1), "MMMM")) for m in range(1, 13)]
    return render_template("incidents/hours.html", form=form, year=year, months=months, categories=list(HoursCategory),
                           field_name=hours_field_name, totals=totals), 200 if not form.errors else 400


@bp.route("/hours/export.<any(csv, xlsx):fmt>")
@requires("incidents.manage")
def hours_export(fmt: str):
    """The hours of the year shown, in the columns the import reads."""
    year = _year_arg()
    stmt = select(IncidentHours).where(IncidentHours.year == year).order_by(
        IncidentHours.month, IncidentHours.category)
    return tabular.response(fmt, HOURS.header(), export_rows(HOURS, db.session.scalars(stmt)), f"hours-{year}",
                            _("Hours worked"))


add_import_routes(bp, "hours", "incidents.manage", "/hours")


# --- site QR codes ----------------------------------------------------------------------------------------

def _load_site(site_id: int) -> Site:
    return get_or_404(Site, site_id)


@bp.route("/sites")
@requires("incidents.manage")
def sites():
    stmt = select(Site).where(Site.active.is_(True)).order_by(Site.client, Site.name)
    page = paginate(stmt, request.args.get("page"), current_app.config["ITEMS_PER_PAGE"])
    tokens = services.tokens_for([s.id for s in page.items])
    return render_template("incidents/sites.html", page=page, form=SimpleForm(), tokens=tokens)


@bp.route("/sites/<int:site_id>/poster.pdf")
@requires("incidents.manage")
def poster(site_id: int):
    site = _load_site(site_id)
    token = services.site_token(site, create=False)  # a GET never writes: the code is made by a POST
    if token is None:
        flash(_("Site %(name)s has no QR code yet: make one first.", name=site.name), "info")
        return redirect(url_for("incidents.sites"))
    thing = " ".join((request.args.get("object") or "").split())[:120]
    url = absolute_url(url_for("incidents.public_report", token=token.token, object=thing or None))
    if is_loopback(url):
        flash(_("The poster is not made: its QR code would open %(url)s, an address that only works on this "
                "computer, so a phone finds nothing. Set PUBLIC_URL to the address phones use (see the README, "
                "\"On a phone\").", url=url), "error")
        return redirect(url_for("incidents.sites"))
    where = site.name + (f" — {site.client}" if site.client else "")
    body = pdf.qr_poster(
        url=url, heading=_("Something happened? Report it!"), site=where + (f" · {thing}" if thing else ""),
        lines=[_("Accident, near miss or unsafe situation: scan the code with your phone."),
               _("It takes one minute. You may stay anonymous.")],
        footer=_("Report it straight away to your supervisor too when someone is hurt."))
    return _pdf_response(body, f"qr-poster-{site.id}.pdf")


@bp.route("/sites/<int:site_id>/renew", methods=["POST"])
@requires("incidents.manage")
def renew(site_id: int):
    site = _load_site(site_id)
    if SimpleForm().validate_on_submit():
        had_code = services.site_token(site, create=False) is not None
        name = site.name
        services.renew_site_token(site)
        db.session.commit()
        if had_code:
            flash(_("Site %(name)s has a new QR code; print the new poster. The old code no longer works.",
                    name=name), "success")
        else:
            flash(_("Site %(name)s has a QR code; print the poster and hang it at the site.", name=name), "success")
    return redirect(url_for("incidents.sites"))


# --- retention -----------------------------------------------------------------------------------------------

@bp.route("/settings", methods=["GET", "POST"])
@requires("incidents.manage")
def settings():
    current = services.settings()
    form = RetentionForm(data={"retention_months": current.retention_months})
    if form.validate_on_submit():
        try:
            services.set_retention(form.retention_months.data)
        except IncidentError as error:
            db.session.rollback()
            form.retention_months.errors = [error.message]
        else:
            db.session.commit()
            flash(_("The retention period was saved."), "success")
            return redirect(url_for("incidents.settings"))
    cutoff = services.retention_cutoff(services.local_now().date(), current.retention_months)
    return render_template("incidents/settings.html", form=form, purge_form=SimpleForm(), cutoff=cutoff)


@bp.route("/settings/purge", methods=["POST"])
@requires("incidents.manage")
def purge():
    if SimpleForm().validate_on_submit():
        count = services.purge(services.local_now().date())
        db.session.commit()
        flash(_("Personal details were removed from %(n)s incidents.", n=count), "success")
    return redirect(url_for("incidents.settings"))
