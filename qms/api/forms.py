"""The personal access token form: shape only; the rules live in tokens.py."""
import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput

from ..admin.forms import CheckboxList
from ..auth.forms import single_line
from ..core.dates import today


class ScopesField(SelectMultipleField):
    widget = CheckboxList()
    option_widget = CheckboxInput()


class TokenForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)], filters=[single_line],
                       description=_l("What the token is for, e.g. “payroll link”."))
    expires_on = DateField(_l("Valid until"), validators=[DataRequired()],
                           default=lambda: today() + dt.timedelta(days=90))
    scopes = ScopesField(_l("Scopes"), validate_choice=True)
