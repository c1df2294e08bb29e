"""Forms of the management review: shape only; rules live in services."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, InputRequired, Length

from ..forms import LookupField, Optional, Usable
from ..organisation.forms import clean, optional_id


def _sane_year(form, field) -> None:
    if field.data is not None and not 2000 <= field.data.year <= 2100:
        raise ValidationError(_l("Enter a date between the years 2000 and 2100."))


class ReviewForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)], filters=[clean])
    period_start = DateField(_l("Period from"), validators=[DataRequired(), _sane_year])
    period_end = DateField(_l("Period until"), validators=[DataRequired(), _sane_year])
    meeting_on = DateField(_l("Meeting date"), validators=[DataRequired(), _sane_year])
    #: The service says who may chair (an administrator or a quality coordinator), next to the field.
    chair_id = SelectField(_l("Chair"), coerce=optional_id, validators=[InputRequired()], validate_choice=False)
    attendees = TextAreaField(_l("Attendees"), validators=[Optional(), Length(max=2000)], filters=[clean])


class ConclusionsForm(FlaskForm):
    conclusions = TextAreaField(_l("Conclusions"), validators=[Optional(), Length(max=20000)], filters=[clean],
                                description=_l("Is the management system suitable, adequate and effective? "
                                               "What must improve, and what does it need?"))


class DecisionForm(FlaskForm):
    text = TextAreaField(_l("Decision"), validators=[DataRequired(), Length(max=5000)], filters=[clean])
    owner_id = LookupField(_l("Who acts on it"), validators=[Optional(), Usable()], lookup="users",
                           description=_l("Choose a person and a date to track the decision as an action."))
    due_date = DateField(_l("By when"), validators=[Optional(), _sane_year])


class MoveForm(FlaskForm):
    target = SelectField(choices=[SelectChoice("held", "held"), SelectChoice("closed", "closed")])
