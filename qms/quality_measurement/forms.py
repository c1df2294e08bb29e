"""Forms of quality measurement: shape only; the rules live in services."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, SelectField, SelectMultipleField, StringField,
                     TextAreaField)
from wtforms.widgets import TextInput
from wtforms.validators import DataRequired, Length, NumberRange

from ..forms import DecimalField, Optional
from ..organisation.forms import clean
from . import sampling
from .models import CATEGORIES, ELEMENTS, FREQUENCIES, ROOM_TYPES


class AreaField(DecimalField):
    """A floor area typed with a decimal comma (Dutch) or point (a text box: a number box refuses the comma)."""

    widget = TextInput()

    def process_formdata(self, valuelist):
        super().process_formdata([v.replace(",", ".") for v in valuelist])


def _choices(labels: dict):
    return lambda: [(code, str(label)) for code, label in labels.items()]


class LocationForm(FlaskForm):
    name = StringField(_l("Location"), validators=[DataRequired(), Length(max=160)], filters=[clean])
    client = StringField(_l("Client"), validators=[DataRequired(), Length(max=160)], filters=[clean])


class RoomForm(FlaskForm):
    building = StringField(_l("Building"), validators=[DataRequired(), Length(max=80)], filters=[clean])
    floor = StringField(_l("Floor level"), validators=[DataRequired(), Length(max=40)], filters=[clean])
    code = StringField(_l("Room"), validators=[DataRequired(), Length(max=40)], filters=[clean],
                       description=_l("The room's number or code on the floor plan."))
    name = StringField(_l("Room name"), validators=[Optional(), Length(max=120)], filters=[clean])
    room_type = SelectField(_l("Room type"), choices=_choices(ROOM_TYPES))
    area = AreaField(_l("Floor area (m²)"), places=2, validators=[Optional(), NumberRange(min=0.01, max=99999)],
                        render_kw={"inputmode": "decimal"})
    elements = SelectMultipleField(_l("Elements"), choices=_choices(ELEMENTS), validators=[DataRequired()])
    frequency = SelectField(_l("Frequency"), choices=_choices(FREQUENCIES),
                            description=_l("As agreed in the work programme."))


class PlanForm(FlaskForm):
    contract = StringField(_l("Contract"), validators=[DataRequired(), Length(max=160)], filters=[clean])
    aql = SelectField(_l("AQL"), choices=[])
    level = SelectField(_l("Inspection level"), choices=[(lv, lv) for lv in sampling.LEVELS], default="II")


class StartForm(FlaskForm):
    pass


class KindForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=30)], filters=[clean])
    name_nl = StringField(_l("Name (Dutch)"), validators=[DataRequired(), Length(max=80)], filters=[clean])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=80)], filters=[clean])
    category = SelectField(_l("Category"), choices=_choices(CATEGORIES))


class CellForm(FlaskForm):
    letter = SelectField(_l("Code letter"), choices=[])
    aql = SelectField(_l("AQL"), choices=[])
    cell = StringField(_l("Ac/Re or arrow"), validators=[DataRequired(), Length(max=12)], filters=[clean],
                       description=_l("For example 3/4; or “down” / “up” for an arrow."))
    note = StringField(_l("What you corrected and why"), validators=[DataRequired(), Length(max=500)],
                       filters=[clean])


class LetterForm(FlaskForm):
    lot_min = SelectField(_l("Lot size"), choices=[], coerce=int)
    level = SelectField(_l("Inspection level"), choices=[(lv, lv) for lv in sampling.LEVELS])
    letter = SelectField(_l("Code letter"), choices=[])
    note = StringField(_l("What you corrected and why"), validators=[DataRequired(), Length(max=500)],
                       filters=[clean])


class ResultForm(FlaskForm):
    """The inspection form's fixed fields; the counts are read from the form by name (room, element, kind)."""

    submission_id = StringField(validators=[Optional(), Length(max=64)])
    client_name = StringField(_l("Client's representative"), validators=[Optional(), Length(max=160)],
                              filters=[clean])
    client_confirmed = BooleanField(_l("The client's representative has seen the result and confirms it"))
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)], filters=[clean])
