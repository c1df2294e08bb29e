"""The VCA overview (figures and live evidence), settings (level, version), the VGM policy statement and
the status report PDF."""
from flask import make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from qms.norms import registry
from qms.permissions import has_permission, requires

from . import bp
from .helpers import document_choices
from .. import figures, integrations, rules
from ..forms import PolicyForm, SettingsForm
from ..services import common, registers
from ...core.submit import on_submit


def _level_names(version: str) -> dict[str, str]:
    norm = registry().get("vca")
    catalogue = norm.versions.get(version) or norm.versions[norm.default_version]
    return {level.code: level.name for level in catalogue.levels}


@bp.route("/")
@requires("vca.view")
def index():
    f = figures.collect()
    evidence = figures.all_live_evidence(f.version, f.level, f)
    ready = None
    if has_permission(current_user, "evidence.view"):
        ready = integrations.readiness(f.version, f.level, evidence)
    return render_template("vca/index.html", f=f, evidence=evidence, level_name=_level_names(f.version).get(f.level),
                           rate=rules.rate, ready=ready)


@bp.route("/settings", methods=["GET", "POST"])
@requires("vca.manage")
def settings():
    norm = registry().get("vca")
    current = common.current_profile()
    form = SettingsForm(data=None if request.method == "POST" else {
        "level": common.company_level() or "vca1", "version": current.version if current else norm.default_version})
    form.version.choices = [SelectChoice(code, v.title) for code, v in sorted(norm.versions.items(), reverse=True)]
    form.level.choices = [SelectChoice(code, name) for code, name in _level_names(norm.default_version).items()]
    saved = on_submit(form, lambda: registers.save_settings(form.level.data, form.version.data, set(norm.versions)),
                      done=_("The VCA settings were saved."),
                      to=url_for("vca.index"))
    return saved or render_template(
        "vca/form.html", form=form, title=_("VCA level and version"), cancel=url_for("vca.index"),
        intro=_("The level sets the minimum number of toolbox meetings and the questions that apply. Version "
                "2008/5.1 is kept for history."))


@bp.route("/policy")
@requires("vca.view")
def policy():
    row = common.current_profile()
    due = rules.policy_evaluation_due(row.policy_signed_on, row.policy_evaluated_on) if row else None
    return render_template("vca/policy.html", row=row, due=due, today=common.today(),
                           document=integrations.document_link(row.policy_document_id) if row else None)


@bp.route("/policy/edit", methods=["GET", "POST"])
@requires("vca.manage")
def policy_edit():
    row = common.current_profile()
    form = PolicyForm(data=None if request.method == "POST" or row is None else {
        "title": row.policy_title, "document_id": row.policy_document_id, "signed_on": row.policy_signed_on,
        "signed_by": row.policy_signed_by, "evaluated_on": row.policy_evaluated_on})
    form.document_id.choices = document_choices()
    saved = on_submit(form, lambda: registers.save_policy(form.title.data, form.document_id.data, form.signed_on.data,
                                                          form.signed_by.data, form.evaluated_on.data,
                                                          request.files.get("file")),
                      done=_("The VGM policy statement was saved."),
                      to=url_for("vca.policy"))
    return saved or render_template("vca/form.html", form=form, title=_("VGM policy statement"),
                                    cancel=url_for("vca.policy"), enctype="multipart/form-data")


@bp.route("/report.pdf")
@requires("vca.view")
def report():
    from ..pdf import status_report

    f = figures.collect()
    data = status_report(f, figures.all_live_evidence(f.version, f.level, f), _level_names(f.version).get(f.level))
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="vca-status-{f.today.isoformat()}.pdf"'
    return response
