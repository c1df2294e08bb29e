"""Reference data and settings: hazard codes, the CMR list, the sheet period."""
from __future__ import annotations

import datetime as dt
import pathlib
import secrets
import time

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from qms.core import exports as tabular
from qms.database import paginate
from qms.extensions import db
from qms.permissions import has_permission, requires

from .. import reference, services
from ..forms import ButtonForm, CmrImportForm, ConfirmCmrForm, HazardFileForm, SettingsForm
from ..models import HazardKind, VcaCmrSubstance, VcaHazardCode
from ..services import SubstanceError
from .common import _refused, bp


@bp.route("/reference", methods=["GET", "POST"])
@requires("vca.substances.view")
def reference_page():
    """The reference data (hazard codes, CMR list) and the sheet period; administrators load new versions."""
    may_load = has_permission(current_user, "vca.substances.reference")
    settings_form = SettingsForm(sds_max_age_years=services.max_age_years())
    hazard_form = HazardFileForm(prefix="hazard")
    if request.method == "POST":
        if not may_load:
            abort(403)
        if request.form.get("action") == "settings" and settings_form.validate_on_submit():
            try:
                services.save_settings(settings_form.sds_max_age_years.data)
            except SubstanceError as error:
                _refused(settings_form, error)
            else:
                db.session.commit()
                flash(_("The settings were saved."), "success")
                return redirect(url_for("substances.reference_page"))
        elif request.form.get("action") == "shipped" and ButtonForm().validate_on_submit():
            added, updated = reference.load_hazard_codes(reference.HAZARD_FILE.read_text(encoding="utf-8"))
            db.session.commit()
            flash(_("Hazard codes loaded: %(added)s added, %(updated)s changed.", added=added, updated=updated),
                  "success")
            return redirect(url_for("substances.reference_page"))
        elif request.form.get("action") == "hazard" and hazard_form.validate_on_submit():
            upload = request.files.get("hazard-file")
            data = upload.read(1024 * 1024 + 1) if upload and upload.filename else b""
            try:
                text = data.decode("utf-8") if data and len(data) <= 1024 * 1024 else None
            except UnicodeDecodeError:
                text = None
            if text is None:
                hazard_form.file.errors = [_("Choose a hazard code file in TOML format (UTF-8, at most 1 MB).")]
            else:
                try:
                    added, updated = reference.load_hazard_codes(text)
                except reference.ReferenceRefused as error:
                    db.session.rollback()
                    hazard_form.file.errors = [error.message] + [f"{row}: {msg}" for row, msg in error.errors[:20]]
                else:
                    db.session.commit()
                    flash(_("Hazard codes loaded: %(added)s added, %(updated)s changed.", added=added,
                            updated=updated), "success")
                    return redirect(url_for("substances.reference_page"))
    page = paginate(select(VcaCmrSubstance).order_by(VcaCmrSubstance.name), request.args.get("page"),
                    current_app.config["ITEMS_PER_PAGE"])
    codes = db.session.scalars(select(VcaHazardCode).order_by(VcaHazardCode.kind, VcaHazardCode.code)).all()
    return render_template("substances/reference.html", page=page, codes=codes, may_load=may_load,
                           settings_form=settings_form, hazard_form=hazard_form,
                           button=ButtonForm(formdata=None)), 400 if request.method == "POST" else 200


@bp.route("/reference/cmr/export.<any(csv, xlsx):fmt>")
@requires("vca.substances.view")
def cmr_export(fmt: str):
    """The CMR list as loaded, in the page's order."""
    stmt = select(VcaCmrSubstance).order_by(VcaCmrSubstance.name)
    header = [_("CAS number"), _("Name"), _("Category"), _("Source"), _("Version date")]
    rows = ([s.cas, s.name, s.category, s.source or "", s.version_date]
            for s in db.session.scalars(stmt.limit(tabular.MAX_ROWS)))
    return tabular.response(fmt, header, rows, "cmr-substances", _("CMR substances"))


@bp.route("/reference/hazard-codes/export.<any(csv, xlsx):fmt>")
@requires("vca.substances.view")
def hazard_codes_export(fmt: str):
    """The hazard codes with their texts in both languages."""
    kinds = {HazardKind.PICTOGRAM: _("Pictogram"), HazardKind.HAZARD: _("H statement"),
             HazardKind.PRECAUTION: _("P statement")}
    stmt = select(VcaHazardCode).order_by(VcaHazardCode.kind, VcaHazardCode.code)
    header = [_("Code"), _("Kind"), _("Text (Dutch)"), _("Text (English)")]
    rows = ([c.code, kinds[c.kind], c.text_nl, c.text_en] for c in db.session.scalars(stmt.limit(tabular.MAX_ROWS)))
    return tabular.response(fmt, header, rows, "hazard-codes", _("Hazard codes"))


def _import_folder() -> pathlib.Path:
    """Where a checked CMR list waits for confirmation (inside the upload folder, never served)."""
    folder = pathlib.Path(current_app.config["UPLOAD_FOLDER"]) / "cmr-imports"
    folder.mkdir(parents=True, exist_ok=True)
    stale = time.time() - 24 * 3600
    for old in folder.iterdir():
        if old.stat().st_mtime < stale:
            old.unlink(missing_ok=True)
    return folder


@bp.route("/reference/cmr", methods=["GET", "POST"])
@requires("vca.substances.reference")
def cmr_import():
    form = CmrImportForm()
    preview = token = None
    if form.validate_on_submit():
        upload = request.files.get("file")
        data = upload.read(reference.CMR_MAX_BYTES + 1) if upload and upload.filename else b""
        try:
            preview = reference.preview_cmr(upload.filename if upload else "", data)
        except reference.ReferenceRefused as error:
            form.file.errors = [error.message]
        else:
            if preview.problem:
                form.file.errors = [preview.problem]
                preview = None
            else:
                token = secrets.token_hex(16)
                suffix = ".xlsx" if data[:4] == b"PK\x03\x04" else ".csv"
                (_import_folder() / f"{token}{suffix}").write_bytes(data)
    confirm = ConfirmCmrForm(formdata=None, token=token, source=form.source.data,
                             version_date=form.version_date.data.isoformat() if form.version_date.data else "")
    return render_template("substances/cmr_import.html", form=form, preview=preview, confirm=confirm), \
        400 if form.is_submitted() and preview is None else 200


@bp.route("/reference/cmr/confirm", methods=["POST"])
@requires("vca.substances.reference")
def cmr_confirm():
    form = ConfirmCmrForm()
    token = form.token.data or ""
    if not form.validate_on_submit() or len(token) != 32 or not all(c in "0123456789abcdef" for c in token):
        flash(_("The import could not be found; upload the file again."), "error")
        return redirect(url_for("substances.cmr_import"))
    matches = list(_import_folder().glob(f"{token}.*"))
    if not matches:
        flash(_("The import could not be found; upload the file again."), "error")
        return redirect(url_for("substances.cmr_import"))
    try:
        version_date = dt.date.fromisoformat(form.version_date.data) if form.version_date.data else None
    except ValueError:
        version_date = None
    path = matches[0]
    try:
        preview = reference.preview_cmr(path.name, path.read_bytes())
        added, updated, removed = reference.apply_cmr(preview, form.source.data[:120], version_date)
    except reference.ReferenceRefused as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("substances.cmr_import"))
    db.session.commit()
    path.unlink(missing_ok=True)
    flash(_("The CMR list was loaded: %(added)s added, %(updated)s changed, %(removed)s removed; %(skipped)s rows "
            "skipped.", added=added, updated=updated, removed=removed, skipped=len(preview.errors)), "success")
    return redirect(url_for("substances.reference_page"))
