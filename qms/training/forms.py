"""Training record form and the list filters: shape only, rules live in services."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, Form, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..forms import Optional
from ..organisation.forms import _sane_year, clean
from .models import kinds


def kind_choices() -> list[SelectChoice]:
    return [SelectChoice(kind.code, kind.label) for kind in kinds().values()]


class TrainingForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=kind_choices, validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)], filters=[clean],
                        description=_l("Leave empty to use the kind as title."))
    number = StringField(_l("Certificate number"), validators=[Optional(), Length(max=60)], filters=[clean],
                         description=_l("For a diploma kept in a central register: its number there."))
    completed_on = DateField(_l("Exam date"), validators=[DataRequired(), _sane_year])
    valid_until = DateField(_l("Valid until"), validators=[Optional(), _sane_year],
                            description=_l("Leave empty for a diploma with a fixed validity: it is counted from the exam date."))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)], filters=[clean])
    file = FileField(_l("Scan of the certificate (PDF or photo)"))


STATUS_CHOICES = [SelectChoice("", _l("All")), SelectChoice("expiring", _l("Expiring within 90 days")),
                  SelectChoice("expired", _l("Expired"))]


class TrainingFilterForm(Form):
    q = StringField(_l("Name or number"), validators=[Optional(), Length(max=100)], filters=[clean])
    kind = SelectField(_l("Kind"), choices=lambda: [SelectChoice("", _l("All"))] + kind_choices(),
                       validators=[Optional()])
    status = SelectField(_l("Status"), choices=STATUS_CHOICES, validators=[Optional()])
