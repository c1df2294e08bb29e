"""The catalogue page's filters, read from the query string: shape only, an odd value is simply ignored."""
from flask_babel import lazy_gettext as _l
from wtforms import Form, SearchField, SelectChoice, SelectField
from wtforms.validators import Length

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
