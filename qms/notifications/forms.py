"""The user's notification settings: shape only; the service stores the choice."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice
from wtforms.validators import InputRequired

from .models import Delivery


class SettingsForm(FlaskForm):
    reminders = RadioField(_l("Reminders"), choices=[
        SelectChoice(Delivery.DIGEST.value, _l("One daily overview of everything due (counted per kind)")),
        SelectChoice(Delivery.IMMEDIATE.value, _l("A message for every reminder, as soon as it is due")),
    ], validators=[InputRequired(_l("Choose how you want to receive reminders."))])
