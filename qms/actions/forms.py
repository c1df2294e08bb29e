"""Forms of the nonconformity cycle: shape only; the rules live in services."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, Form, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from ..forms import LookupField, Optional, Usable
from ..organisation.forms import clean
from .workflow import ActionKind, NcState, Severity

SEVERITY_LABELS = {
    Severity.MAJOR: _l("Major nonconformity"),
    Severity.MINOR: _l("Minor nonconformity"),
    Severity.OBSERVATION: _l("Observation"),
    Severity.IMPROVEMENT: _l("Opportunity for improvement"),
}
STATE_LABELS = {
    NcState.OPEN: _l("Awaiting actions"),
    NcState.ACTIONS_PLANNED: _l("Actions planned"),
    NcState.AWAITING_CHECK: _l("Awaiting effectiveness check"),
    NcState.CLOSED: _l("Closed"),
}
KIND_LABELS = {
    ActionKind.IMMEDIATE: _l("Immediate action"),
    ActionKind.CORRECTIVE: _l("Corrective action"),
    ActionKind.PREVENTIVE: _l("Preventive action"),
    ActionKind.IMPROVEMENT: _l("Improvement action"),
}


def _sane_year(form, field) -> None:
    from wtforms import ValidationError

    if field.data is not None and not 2000 <= field.data.year <= 2100:
        raise ValidationError(_l("Enter a date between the years 2000 and 2100."))


class NonconformityForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)], filters=[clean])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=10000)], filters=[clean],
                                description=_l("What was found, where and when."))
    severity = SelectField(_l("Severity"), choices=[SelectChoice(k.value, v) for k, v in SEVERITY_LABELS.items()],
                           default=Severity.MINOR.value)
    source_type = SelectField(_l("Found through"))
    requirement = SelectField(_l("Requirement"), validate_choice=True,
                              description=_l("The norm requirement it deviates from, if any."))
    owner_id = LookupField(_l("Owner"), validators=[Optional(), Usable()], lookup="users")


class AnalysisForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)], filters=[clean])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=10000)], filters=[clean])
    severity = SelectField(_l("Severity"), choices=[SelectChoice(k.value, v) for k, v in SEVERITY_LABELS.items()])
    owner_id = LookupField(_l("Owner"), validators=[Optional(), Usable()], lookup="users")
    correction = TextAreaField(_l("Correction"), validators=[Optional(), Length(max=10000)], filters=[clean],
                               description=_l("What was done straight away to limit the effect."))
    root_cause = TextAreaField(_l("Root cause"), validators=[Optional(), Length(max=10000)], filters=[clean],
                               description=_l("Why did it happen? Ask 'why' until you reach a cause you can remove."))


class ActionForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k.value, v) for k, v in KIND_LABELS.items()],
                       default=ActionKind.CORRECTIVE.value)
    description = TextAreaField(_l("Action"), validators=[DataRequired(), Length(max=5000)], filters=[clean])
    owner_id = LookupField(_l("Carried out by"), validators=[InputRequired(), Usable()], lookup="users")
    due_date = DateField(_l("Due date"), validators=[DataRequired(), _sane_year])


class CompleteForm(FlaskForm):
    note = TextAreaField(_l("What was done"), validators=[DataRequired(), Length(max=5000)], filters=[clean])


class CheckForm(FlaskForm):
    effective = RadioField(_l("Result"), choices=[SelectChoice("yes", _l("Effective: the problem does not recur")),
                                                  SelectChoice("no", _l("Not effective: reopen"))],
                           validators=[InputRequired()])
    checked_on = DateField(_l("Checked on"), validators=[DataRequired(), _sane_year])
    note = TextAreaField(_l("How was it checked?"), validators=[DataRequired(), Length(max=5000)], filters=[clean])


class NcFilterForm(Form):
    STATES = [SelectChoice("active", _l("Not closed")), SelectChoice("", _l("All"))] + [
        SelectChoice(k.value, v) for k, v in STATE_LABELS.items()]
    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)], filters=[clean])
    state = SelectField(_l("State"), choices=STATES, default="active")
    severity = SelectField(_l("Severity"), default="", choices=[SelectChoice("", _l("All"))] + [
        SelectChoice(k.value, v) for k, v in SEVERITY_LABELS.items()])
    source = SelectField(_l("Found through"), default="")

    def valid_value(self, name: str):
        field = self[name]
        return None if field.errors or field.data in (None, "") else field.data


class ActionFilterForm(Form):
    STATUSES = [SelectChoice("open", _l("To do")), SelectChoice("overdue", _l("Overdue")),
                SelectChoice("done", _l("Done")), SelectChoice("all", _l("All"))]
    status = SelectField(_l("Status"), choices=STATUSES, default="open")
    kind = SelectField(_l("Kind"), default="", choices=[SelectChoice("", _l("All"))] + [
        SelectChoice(k.value, v) for k, v in KIND_LABELS.items()])
    #: Everyone when blank; a search box over the users (a drop-down of every user is too long at scale).
    owner = LookupField(_l("Carried out by"), validators=[Optional()], lookup="users")

    def valid_value(self, name: str):
        field = self[name]
        return None if field.errors or field.data in (None, "") else field.data
