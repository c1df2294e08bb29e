"""Catalogue import (administrator) and export: upload, preview with the diff, put in use or discard."""
from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from ..core.loaders import get_row
from ..extensions import db
from ..norms import registry
from ..permissions import requires
from . import store
from .forms import ImportForm
from .models import CatalogueImport, ImportState
from .spreadsheet import RowError
from .views import APPLICABILITY_LABELS, STATUS_LABELS, bp

MAX_BYTES = 5 * 1024 * 1024

_SIMPLE = {
    "unsupported": lambda d: _("Upload an .xlsx or .csv file."),
    "not_utf8": lambda d: _("The CSV file is not UTF-8: save it as “CSV UTF-8” and try again."),
    "not_xlsx": lambda d: _("The file cannot be read as an Excel workbook (.xlsx)."),
    "empty": lambda d: _("The sheet is empty."),
    "header": lambda d: _("The first row must start with the columns code, parent, kind, title_nl, title_en, "
                          "hint_nl, hint_en."),
    "level_columns": lambda d: _("Columns after hint_en must be level:<level code>, each once."),
    "too_many": lambda d: _("The sheet has more than %(n)s rows.", n=5000),
    "no_rows": lambda d: _("The sheet has no requirements."),
    "code_empty": lambda d: _("The code is empty."),
    "code_long": lambda d: _("The code is longer than 40 characters."),
    "title": lambda d: _("Both titles (Dutch and English) are required."),
    "too_long": lambda d: _("A title or hint is longer than 2000 characters."),
    "min_supplementary": lambda d: _("The minimum number of supplementary questions must be a whole number of 0 "
                                     "or more."),
    "level_name": lambda d: _("A level needs a name: “name NL | name EN”."),
    "unknown_key": lambda d: _("Unknown key in the version sheet."),
    "crossref_row": lambda d: _("A cross-reference row needs from_code and to_code; change is empty or "
                                "“changed”."),
    "duplicate": lambda d: _("The code %(code)s appears twice.", code=d),
    "parent": lambda d: _("The parent %(code)s is not an earlier row.", code=d),
    "kind": lambda d: _("The kind “%(value)s” is not chapter or requirement.", value=d),
    "unknown_level": lambda d: _("The level %(level)s is not a level of this norm: name it in the version sheet "
                                 "(level:%(level)s).", level=d),
    "chapter_level": lambda d: _("A chapter has no marking for level %(level)s: leave it empty.", level=d),
    "code": lambda d: _("The version sheet names version %(code)s, not the version being imported.", code=d),
    "status": lambda d: _("The status “%(value)s” is not current, legacy or provisional.", value=d),
    "date": lambda d: _("The date %(key)s is missing or not a date (YYYY-MM-DD).", key=d),
    "min_level": lambda d: _("A minimum is given for level %(level)s, which has no column.", level=d),
}


def error_message(error: RowError) -> str:
    code, _sep, detail = error.message.partition(":")
    if code == "applicability":
        level, _sep, value = detail.partition(":")
        return _("The marking “%(value)s” for level %(level)s is not must, supplementary or na.",
                 value=value, level=level)
    if code == "crossref_code":
        old, _sep, new = detail.partition(":")
        return _("The cross-reference %(old)s → %(new)s names a code that does not exist.", old=old, new=new)
    if code == "csv":
        return _("The CSV file cannot be read (%(detail)s).", detail=detail)
    found = _SIMPLE.get(code)
    return found(detail) if found else error.message


def refusal_message(error: store.ImportRefused) -> str:
    return {
        "norm": lambda: _("This norm is not enabled."),
        "version": lambda: _("Enter a version code without spaces or slashes (at most 40 characters)."),
        "replaces": lambda: _("Version %(code)s does not exist for this norm.", code=error.detail),
        "invalid": lambda: _("The file was not imported: correct the rows below and upload it again."),
        "state": lambda: _("This import has already been handled."),
        "frozen": lambda: _("This version is used by %(n)s frozen audit(s), dossier(s) or measurement(s) and is "
                            "never changed in place: import the corrected list under a new version code.",
                            n=error.detail),
        "unknown_version": lambda: _("Version %(code)s does not exist for this norm.", code=error.detail),
    }[error.code]()


def _form() -> ImportForm:
    form = ImportForm()
    form.norm.choices = [SelectChoice(n.code, n.title) for n in registry()]
    if request.method == "GET" and request.args.get("norm") in registry():
        form.norm.data = request.args["norm"]
        form.version.data = request.args.get("version", "")[:40]
    return form


@bp.route("/import", methods=["GET", "POST"])
@requires("catalogue.import")
def import_upload():
    form = _form()
    errors: list[str] = []
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(MAX_BYTES + 1) if upload and getattr(upload, "filename", "") else b""
        counts = form.min_supplementary_counts()
        if not data:
            form.file.errors = [_("Choose an .xlsx or .csv file.")]
        elif len(data) > MAX_BYTES:
            form.file.errors = [_("The file is larger than 5 MB.")]
        elif counts is None:
            form.min_supplementary.errors = [_("Write it as level=number, separated by commas.")]
        else:
            overrides = {"replaces": form.replaces.data, "title_nl": form.title_nl.data,
                         "title_en": form.title_en.data, "effective": form.effective.data,
                         "min_supplementary": counts}
            try:
                row = store.stage(form.norm.data, form.version.data, upload.filename, data, current_user.id,
                                  overrides)
            except store.ImportRefused as refusal:
                db.session.rollback()
                flash(refusal_message(refusal), "error")
                errors = [(e.sheet, e.row, error_message(e)) for e in refusal.errors]
            else:
                db.session.commit()
                return redirect(url_for("catalogue.import_preview", import_id=row.id))
        status = 422
    elif request.method == "POST":
        status = 422
    store.refresh()
    return render_template("catalogue/import.html", form=form, errors=errors, history=store.history(),
                           norms={n.code: n for n in registry()}), status


def _load(import_id: int) -> CatalogueImport:
    row = get_row(CatalogueImport, import_id)
    if row is None or row.norm not in registry():
        abort(404)
    return row


@bp.route("/import/<int:import_id>")
@requires("catalogue.import")
def import_preview(import_id: int):
    row = _load(import_id)
    cat, old, changes = store.preview(row)
    return render_template("catalogue/import_preview.html", row=row, cat=cat, old=old, diff=changes,
                           norm=registry().get(row.norm), status_labels=STATUS_LABELS,
                           applicability_labels=APPLICABILITY_LABELS, frozen=store.frozen_uses(row.norm, row.version)
                           if row.state is ImportState.PREVIEW and old is not None and old.code == cat.code else 0)


@bp.route("/import/<int:import_id>/activate", methods=["POST"])
@requires("catalogue.import")
def import_activate(import_id: int):
    row = _load(import_id)
    try:
        store.activate(row)
    except store.ImportRefused as refusal:
        db.session.rollback()
        store.refresh(force=True)
        flash(refusal_message(refusal), "error")
        return redirect(url_for("catalogue.import_preview", import_id=import_id))
    db.session.commit()
    flash(_("Version %(version)s is now in use (import %(revision)s).", version=row.version,
            revision=row.revision), "success")
    return redirect(url_for("catalogue.version", norm=row.norm, version=row.version))


@bp.route("/import/<int:import_id>/discard", methods=["POST"])
@requires("catalogue.import")
def import_discard(import_id: int):
    row = _load(import_id)
    try:
        store.discard(row)
    except store.ImportRefused as refusal:
        db.session.rollback()
        flash(refusal_message(refusal), "error")
        return redirect(url_for("catalogue.import_preview", import_id=import_id))
    db.session.commit()
    flash(_("The import was discarded."), "success")
    return redirect(url_for("catalogue.import_upload"))


@bp.route("/<norm>/<version>/export.<fmt>")
@requires("catalogue.view")
def export(norm: str, version: str, fmt: str):
    if fmt not in ("xlsx", "csv"):
        abort(404)
    try:
        content, name, mimetype = store.export(norm, version, fmt)
    except store.ImportRefused:
        abort(404)
    return send_file(io.BytesIO(content), mimetype=mimetype, as_attachment=True, download_name=name)
