"""Forms for the company profile, departments, sites and employees: shape only, rules live in services."""
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, Form, HiddenField, SelectChoice, SelectField, StringField,
                     TextAreaField, ValidationError)
from wtforms.validators import DataRequired, Length, Regexp

from ..forms import LookupField, Optional, id_value

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(value):
    """Strip surrounding space and control characters (a NUL byte cannot be stored in PostgreSQL)."""
    return _CONTROL.sub("", value).strip() if isinstance(value, str) else value


def _digits_only(value):
    return re.sub(r"[\s.]", "", clean(value)) if isinstance(value, str) else value


#: Coerce a select's value to an id; "" means none, an id no row can have is refused (see qms.forms).
optional_id = id_value


def _sane_year(form, field) -> None:
    if field.data is not None and not 1900 <= field.data.year <= 2200:
        raise ValidationError(_l("Enter a date between the years 1900 and 2200."))


class CompanyForm(FlaskForm):
    name = StringField(_l("Company name"), validators=[DataRequired(), Length(max=200)], filters=[clean])
    kvk_number = StringField(
        _l("KvK number"), filters=[_digits_only],
        validators=[Optional(), Regexp(r"^\d{8}$", message=_l("A KvK number has exactly 8 digits."))],
        description=_l("Chamber of Commerce number: 8 digits."), render_kw={"inputmode": "numeric"})
    address = TextAreaField(_l("Address"), validators=[Optional(), Length(max=1000)], filters=[clean])
    city = StringField(_l("City"), validators=[Optional(), Length(max=100)], filters=[clean])


class DepartmentForm(FlaskForm):
    name = StringField(_l("Department name"), validators=[DataRequired(), Length(max=120)], filters=[clean])


class SiteForm(FlaskForm):
    name = StringField(_l("Site name"), validators=[DataRequired(), Length(max=160)], filters=[clean])
    client = StringField(_l("Client"), validators=[Optional(), Length(max=160)], filters=[clean],
                         description=_l("Leave empty for a location of our own."))
    address = StringField(_l("Address"), validators=[Optional(), Length(max=255)], filters=[clean])


class ActiveForm(FlaskForm):
    """Deactivate or reactivate a department or site (a button with a CSRF token)."""

    active = HiddenField(validators=[DataRequired(), Regexp(r"^[01]$")])


class EmployeeForm(FlaskForm):
    number = StringField(_l("Employee number"), validators=[DataRequired(), Length(max=20)], filters=[clean])
    first_name = StringField(_l("First name"), validators=[DataRequired(), Length(max=100)], filters=[clean])
    last_name = StringField(_l("Last name"), validators=[DataRequired(), Length(max=100)], filters=[clean])
    function = StringField(_l("Function"), validators=[DataRequired(), Length(max=120)], filters=[clean],
                           description=_l("For example: cleaner, team leader, window cleaner."))
    department_id = SelectField(_l("Department"), coerce=optional_id)
    site_id = LookupField(_l("Work location"), validators=[Optional()], lookup="sites",
                          description=_l("The site where this person usually works."))
    is_master_trainer = BooleanField(_l("Master trainer (may supervise apprentices)"))
    is_apprentice = BooleanField(_l("Apprentice"))
    is_supervisor = BooleanField(_l("Supervisor"))
    mentor_id = LookupField(_l("Mentor (master trainer)"), validators=[Optional()], lookup="mentors")
    hired_on = DateField(_l("Employed since"), validators=[DataRequired(), _sane_year])
    left_on = DateField(_l("Left on"), validators=[Optional(), _sane_year],
                        description=_l("Leave empty while the person is employed."))


class EmployeeFilterForm(Form):
    """The employee register's filters, read from the query string."""

    STATUSES = [SelectChoice("active", _l("Employed")), SelectChoice("left", _l("Left")),
                SelectChoice("all", _l("Everyone"))]
    FLAGS = [SelectChoice("", _l("Any")), SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))]

    q = StringField(_l("Name or number"), validators=[Optional(), Length(max=100)], filters=[clean])
    department = SelectField(_l("Department"), coerce=optional_id)
    function = SelectField(_l("Function"), validate_choice=False, validators=[Length(max=120)])
    master_trainer = SelectField(_l("Master trainer"), choices=FLAGS)
    apprentice = SelectField(_l("Apprentice"), choices=FLAGS)
    status = SelectField(_l("Status"), choices=STATUSES, default="active")

    def valid_value(self, name: str):
        """The field's value if it passed validation and is not empty, else None (the filter is ignored)."""
        field = self[name]
        if field.errors or field.data in (None, ""):
            return None
        return field.data
