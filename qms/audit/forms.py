"""The audit trail's filter form: read from the query string, every field optional."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, Form, SelectField, StringField, ValidationError
from wtforms.validators import Length

from ..forms import LookupField, Optional



def _sane_year(form, field) -> None:
    if field.data is not None and not 1900 <= field.data.year <= 9998:
        raise ValidationError(_l("Enter a date between the years 1900 and 9998."))


class AuditFilterForm(Form):
    entity_type = SelectField(_l("Record type"), validate_choice=False, validators=[Length(max=80)])
    entity_id = StringField(_l("Record number"), validators=[Optional(), Length(max=80)],
                            filters=[lambda v: v.strip() if v else v])
    #: Everyone when blank; a search over every account, also those switched off since.
    actor = LookupField(_l("User"), validators=[Optional()], lookup="accounts")
    action = SelectField(_l("Action"), validate_choice=False, validators=[Length(max=40)])
    date_from = DateField(_l("From"), validators=[Optional(), _sane_year])
    date_to = DateField(_l("Until"), validators=[Optional(), _sane_year])

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date lies before the start date."))

    def valid_value(self, name: str):
        """The field's value if it passed validation and is not empty, else None (the filter is ignored)."""
        field = self[name]
        if field.errors or field.data in (None, ""):
            return None
        return field.data
