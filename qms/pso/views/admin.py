"""Reference data: the loaded handbook versions, and an administrator's upload of a version or norm table."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from ...extensions import db
from ...permissions import requires
from .. import services
from ..forms import ReferenceForm
from ..services import PsoError
from . import bp, refused, unconfirmed_label


@bp.route("/reference", methods=["GET", "POST"])
@requires("pso.reference")
def reference():
    refs = services.references()
    form = ReferenceForm()
    form.version.choices = [SelectChoice("", "—")] + [SelectChoice(code, code) for code in reversed(list(refs))]
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(2 * 1024 * 1024) if upload and upload.filename else b""
        if not data:
            form.file.errors = [_("Choose a .toml or .csv file.")]
        else:
            try:
                row = services.load_reference_file(upload.filename, data, form.version.data or None)
            except PsoError as error:
                refused(form, error)
            else:
                db.session.commit()
                flash(_("Reference data %(code)s was loaded.", code=row.code), "success")
                return redirect(url_for("pso.reference"))
    rows = {r.code: r for r in services.reference_rows()}
    return render_template("pso/reference.html", refs=list(reversed(list(refs.values()))), rows=rows, form=form,
                           unconfirmed_label=unconfirmed_label)
