"""Defect kinds and the sampling tables (read by everyone, corrected by whoever holds measurement.tables)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ...core.loaders import get_or_404
from ...core.submit import on_submit
from ...extensions import db
from ...permissions import requires
from .. import sampling, services
from ..forms import CellForm, KindForm, LetterForm, StartForm
from ..models import DefectKind
from . import bp, _categories


@bp.route("/defect-kinds", methods=["GET", "POST"])
@requires("measurement.manage")
def defect_kinds():
    form = KindForm()

    def add():
        services.ensure_default_kinds()
        return services.add_kind(code=form.code.data, name_nl=form.name_nl.data, name_en=form.name_en.data,
                                 category=form.category.data)

    added = on_submit(form, add, to=url_for("measurement.defect_kinds"),
                      done=lambda kind: _("Defect kind %(name)s was added.", name=kind.name(str(get_locale()))))
    return added or (render_template("measurement/kinds.html", form=form, kinds=services.all_kinds(),
                                     categories=_categories(), locale=str(get_locale()), toggle=StartForm()),
                     400 if request.method == "POST" else 200)


@bp.route("/defect-kinds/<int:kind_id>/active", methods=["POST"])
@requires("measurement.manage")
def toggle_kind(kind_id: int):
    kind = get_or_404(DefectKind, kind_id)
    if StartForm().validate_on_submit():
        kind.active = not kind.active
        db.session.commit()
        flash(_("The defect kind was changed."), "success")
    return redirect(url_for("measurement.defect_kinds"))


TABLE_CORRECTED = _l("The sampling table was corrected; new inspections use the corrected table.")


def _table_forms(cell_form=None, letter_form=None):
    data = services.tables_data()
    cell_form = cell_form or CellForm(formdata=None)
    cell_form.letter.choices = [(letter, letter) for letter in data["master"]]
    cell_form.aql.choices = [(a, a) for a in data["aql_values"]]
    letter_form = letter_form or LetterForm(formdata=None)
    letter_form.lot_min.choices = [(r["lot_min"], _lot_label(r)) for r in data["code_letters"]]
    letter_form.letter.choices = [(letter, letter) for letter in data["master"]]
    return data, cell_form, letter_form


def _lot_label(row) -> str:
    return f"{row['lot_min']} – {row['lot_max']}" if row["lot_max"] else _("%(n)s and more", n=row["lot_min"])


def _tables_page(cell_form=None, letter_form=None, status=200):
    data, cell_form, letter_form = _table_forms(cell_form, letter_form)
    return render_template("measurement/tables.html", data=data, cell_form=cell_form, letter_form=letter_form,
                           revisions=services.revisions(), label=sampling.cell_label, lot_label=_lot_label,
                           levels=sampling.LEVELS), status


@bp.route("/tables")
@requires("measurement.view")
def tables():
    return _tables_page()


@bp.route("/tables/cell", methods=["POST"])
@requires("measurement.tables")
def correct_cell():
    form = _table_forms(CellForm())[1]
    return on_submit(form, lambda: services.correct_cell(form.letter.data, form.aql.data, form.cell.data,
                                                         form.note.data, current_user),
                     done=TABLE_CORRECTED, to=url_for("measurement.tables")) or _tables_page(cell_form=form, status=400)


@bp.route("/tables/letter", methods=["POST"])
@requires("measurement.tables")
def correct_letter():
    form = _table_forms(None, LetterForm())[2]
    return on_submit(form, lambda: services.correct_letter(form.lot_min.data, form.level.data, form.letter.data,
                                                           form.note.data, current_user),
                     done=TABLE_CORRECTED, to=url_for("measurement.tables")) or _tables_page(letter_form=form,
                                                                                             status=400)
