"""The catalogue page's filters, read from the query string: shape only, an odd value is simply ignored."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, Form, SearchField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from ..forms import Optional
from ..norms import CatalogueVersion


def _clean(value):
    return " ".join(value.split()) if isinstance(value, str) else value


class CatalogueFilterForm(Form):
    q = SearchField(_l("Search"), validators=[Optional(), Length(max=100)], filters=[_clean],
                    description=_l("Code or words from the title or the evidence hint."))
    level = SelectField(_l("Level"), default="")

    def __init__(self, formdata, cat: CatalogueVersion):
        super().__init__(formdata)
        self.level.choices = [SelectChoice("", _l("All levels")),
                              *(SelectChoice(lv.code, lv.name) for lv in cat.levels)]
        self.validate()

    def valid_value(self, name: str):
        """The field's value if it passed validation and is not empty, else None (the filter is ignored)."""
        field = self[name]
        if field.errors or field.data in (None, ""):
            return None
        return field.data


class ImportForm(FlaskForm):
    """An administrator's catalogue upload: shape only; the rows are checked by the import service."""

    norm = SelectField(_l("Norm"), validators=[DataRequired()])
    version = StringField(_l("Version code"), validators=[DataRequired(), Length(max=40)], filters=[_clean],
                          description=_l("For example 2026-6.1. An existing code replaces that version; a new "
                                         "code adds a version."))
    replaces = StringField(_l("Follows version"), validators=[Optional(), Length(max=40)], filters=[_clean],
                           description=_l("The version this one follows (for the comparison and the transition), "
                                          "for example 2017-6.0."))
    title_nl = StringField(_l("Title (Dutch)"), validators=[Optional(), Length(max=200)], filters=[_clean])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=200)], filters=[_clean])
    effective = DateField(_l("Effective from"), validators=[Optional()])
    min_supplementary = StringField(
        _l("Minimum supplementary per level"), validators=[Optional(), Length(max=200)], filters=[_clean],
        description=_l("Only for a CSV file: level code=number, separated by commas (for example level2=4, "
                       "level3=1). An XLSX file carries them in its version sheet."))
    file = FileField(_l("Spreadsheet (XLSX or CSV)"))

    def min_supplementary_counts(self) -> dict[str, int] | None:
        """The counts typed in, or None when the text is not of the form level=number, …"""
        out: dict[str, int] = {}
        for part in (self.min_supplementary.data or "").split(","):
            if not part.strip():
                continue
            level, _, number = part.partition("=")
            if not level.strip() or not number.strip().isdigit():
                return None
            out[level.strip()] = int(number)
        return out


class TransitionActionsForm(FlaskForm):
    owner_id = SelectField(_l("Owner"), coerce=str, validators=[DataRequired()])
    due_date = DateField(_l("Due date"), validators=[DataRequired()])
