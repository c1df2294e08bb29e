"""ISO 9001 forms: shape only; the rules live in services. Choices of people and sites are set by the views."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, Form, HiddenField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from ..forms import DecimalField, IntegerField, LookupField, Optional, Usable
from ..organisation.forms import _sane_year, clean, optional_id
from ..training.models import kinds
from .models import CHANNEL_LABELS, Decision, Direction, FeedbackKind, IssueKind, RiskKind
from .scoring import CRITERIA


def _enum_choices(enum_cls):
    return lambda: [SelectChoice(m.value, m.label) for m in enum_cls]


SCALE_CHOICES = [SelectChoice(str(n), str(n)) for n in range(1, 6)]


class ConfirmForm(FlaskForm):
    """A button that needs only its CSRF token."""


# --- context ----------------------------------------------------------------------------------

class ScopeForm(FlaskForm):
    scope = TextAreaField(_l("Scope of the quality management system"), filters=[clean],
                          validators=[DataRequired(), Length(max=4000)],
                          description=_l("Services, sites and clients the system covers."))


class ClimateForm(FlaskForm):
    climate_relevant = RadioField(_l("Is climate change a relevant issue for us?"), validators=[InputRequired()],
                                  choices=[SelectChoice("yes", _l("Yes, relevant")),
                                           SelectChoice("no", _l("No, not relevant"))])
    climate_reasoning = TextAreaField(_l("Reasoning"), filters=[clean], validators=[DataRequired(), Length(max=4000)],
                                      description=_l("For example: clients ask for CO2 reduction; heat waves affect "
                                                     "the work; extreme weather affects window cleaning."))


class ContextReviewForm(FlaskForm):
    reviewed_on = DateField(_l("Reviewed on"), validators=[DataRequired(), _sane_year])
    note = TextAreaField(_l("What changed"), filters=[clean], validators=[Optional(), Length(max=4000)])


class IssueForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=_enum_choices(IssueKind))
    description = StringField(_l("Issue"), filters=[clean], validators=[DataRequired(), Length(max=500)])
    effect = TextAreaField(_l("Effect on the quality system and what we do"), filters=[clean],
                           validators=[Optional(), Length(max=4000)])
    climate_related = BooleanField(_l("Related to climate change"))


class PartyForm(FlaskForm):
    name = StringField(_l("Interested party"), filters=[clean], validators=[DataRequired(), Length(max=200)])
    requirements = TextAreaField(_l("Their relevant requirements"), filters=[clean],
                                 validators=[DataRequired(), Length(max=4000)])
    monitoring = TextAreaField(_l("How we keep track"), filters=[clean], validators=[Optional(), Length(max=2000)])
    climate_related = BooleanField(_l("Includes climate-related requirements"))


class ExclusionForm(FlaskForm):
    requirement = SelectField(_l("Requirement that does not apply"), validate_choice=False)
    justification = TextAreaField(_l("Justification"), filters=[clean], validators=[DataRequired(), Length(max=2000)])


class ProcessForm(FlaskForm):
    name = StringField(_l("Process"), filters=[clean], validators=[DataRequired(), Length(max=160)])
    category = SelectField(_l("Kind of process"), choices=[
        SelectChoice("core", _l("Core process")), SelectChoice("management", _l("Management process")),
        SelectChoice("support", _l("Support process"))])
    owner_id = LookupField(_l("Process owner"), validators=[Optional(), Usable()], lookup="users")
    description = TextAreaField(_l("Description"), filters=[clean], validators=[Optional(), Length(max=4000)])
    inputs_outputs = TextAreaField(_l("Inputs and outputs"), filters=[clean], validators=[Optional(), Length(max=4000)])


# --- risks and objectives -----------------------------------------------------------------------

class RiskForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=_enum_choices(RiskKind))
    title = StringField(_l("Title"), filters=[clean], validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), filters=[clean], validators=[Optional(), Length(max=4000)])
    likelihood = SelectField(_l("Likelihood (1 rare – 5 almost certain)"), choices=SCALE_CHOICES, coerce=int)
    impact = SelectField(_l("Impact (1 negligible – 5 severe)"), choices=SCALE_CHOICES, coerce=int)
    actions = TextAreaField(_l("Actions"), filters=[clean], validators=[Optional(), Length(max=4000)])
    owner_id = LookupField(_l("Owner"), validators=[Optional(), Usable()], lookup="users")
    review_on = DateField(_l("Review effectiveness on"), validators=[Optional(), _sane_year])


class RiskReviewForm(FlaskForm):
    effective = RadioField(_l("Were the actions effective?"), validators=[InputRequired()],
                           choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))])
    effectiveness = TextAreaField(_l("Findings"), filters=[clean], validators=[DataRequired(), Length(max=4000)])
    next_review = DateField(_l("Next review"), validators=[Optional(), _sane_year])


class StateForm(FlaskForm):
    state = StringField(validators=[DataRequired(), Length(max=20)])


class ObjectiveForm(FlaskForm):
    title = StringField(_l("Objective"), filters=[clean], validators=[DataRequired(), Length(max=200)])
    direction = SelectField(_l("Target is"), choices=_enum_choices(Direction))
    target = DecimalField(_l("Target value"), places=2, validators=[InputRequired(), NumberRange(-1e9, 1e9)])
    unit = StringField(_l("Unit"), filters=[clean], validators=[DataRequired(), Length(max=40)],
                       description=_l("For example: %, score, days, complaints per month."))
    owner_id = LookupField(_l("Owner"), validators=[Optional(), Usable()], lookup="users")
    resources = TextAreaField(_l("Resources"), filters=[clean], validators=[Optional(), Length(max=2000)])
    deadline = DateField(_l("Deadline"), validators=[DataRequired(), _sane_year])
    evaluation = TextAreaField(_l("How results are evaluated"), filters=[clean],
                               validators=[DataRequired(), Length(max=2000)],
                               description=_l("Source of the figures, how often measured, who evaluates."))


class MeasurementForm(FlaskForm):
    measured_on = DateField(_l("Date"), validators=[DataRequired(), _sane_year])
    value = DecimalField(_l("Value"), places=2, validators=[InputRequired(), NumberRange(-1e9, 1e9)])
    note = StringField(_l("Note"), filters=[clean], validators=[Optional(), Length(max=500)])


# --- customers --------------------------------------------------------------------------------

class ComplaintForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=_enum_choices(FeedbackKind))
    channel = SelectField(_l("Received by"), choices=lambda: [SelectChoice(k.value, v) for k, v in CHANNEL_LABELS.items()])
    received_on = DateField(_l("Received on"), validators=[DataRequired(), _sane_year])
    client = StringField(_l("Client"), filters=[clean], validators=[DataRequired(), Length(max=200)])
    site_id = LookupField(_l("Site"), validators=[Optional()], lookup="sites",
                          description=_l("Leave empty when the complaint concerns no particular site."))
    contact = StringField(_l("Contact person at the client"), filters=[clean], validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("What the client said"), filters=[clean], validators=[DataRequired(), Length(max=4000)])


class ComplaintManageForm(ComplaintForm):
    deadline = DateField(_l("Handle before"), validators=[Optional(), _sane_year],
                         description=_l("Leave empty for the standard: 10 days for a complaint, 20 for other feedback."))
    owner_id = LookupField(_l("Handled by"), validators=[Optional(), Usable()], lookup="users")


class ComplaintAssignForm(FlaskForm):
    owner_id = LookupField(_l("Handled by"), validators=[Optional(), Usable()], lookup="users")
    deadline = DateField(_l("Handle before"), validators=[DataRequired(), _sane_year])


class ComplaintMoveForm(FlaskForm):
    state = StringField(validators=[DataRequired(), Length(max=20)])
    response = TextAreaField(_l("What was done and answered to the client"), filters=[clean],
                             validators=[Optional(), Length(max=4000)])


class NonconformityForm(FlaskForm):
    severity = SelectField(_l("Severity"), choices=[SelectChoice("minor", _l("Minor")), SelectChoice("major", _l("Major")),
                                                    SelectChoice("observation", _l("Observation"))])
    action = TextAreaField(_l("Corrective action"), filters=[clean], validators=[DataRequired(), Length(max=2000)])
    owner_id = LookupField(_l("Carried out by"), validators=[Optional(), Usable()], lookup="users")
    due_date = DateField(_l("Due date"), validators=[DataRequired(), _sane_year])


class SatisfactionForm(FlaskForm):
    surveyed_on = DateField(_l("Date"), validators=[DataRequired(), _sane_year])
    client = StringField(_l("Client"), filters=[clean], validators=[DataRequired(), Length(max=200)])
    score = DecimalField(_l("Score (1–10)"), places=1, validators=[InputRequired(), NumberRange(1, 10)])
    method = StringField(_l("Method"), filters=[clean], validators=[Optional(), Length(max=120)],
                         description=_l("For example: survey, evaluation meeting, quality inspection with the client."))
    remarks = TextAreaField(_l("Remarks"), filters=[clean], validators=[Optional(), Length(max=2000)])


class ComplaintFilterForm(Form):
    q = StringField(_l("Client, number or text"), filters=[clean], validators=[Optional(), Length(max=100)])
    state = SelectField(_l("Status"), default="open", choices=[
        SelectChoice("open", _l("Not closed")), SelectChoice("received", _l("Received")),
        SelectChoice("in_progress", _l("Being handled")), SelectChoice("answered", _l("Answered")),
        SelectChoice("closed", _l("Closed")), SelectChoice("", _l("All"))])
    kind = SelectField(_l("Kind"), choices=lambda: [SelectChoice("", _l("All"))] + _enum_choices(FeedbackKind)())

    def valid_value(self, name: str):
        field = self[name]
        if field.errors or field.data in (None, ""):
            return None
        return field.data


# --- suppliers ----------------------------------------------------------------------------------

CRITERIA_LABELS = {"quality": _l("Quality of products and services"), "delivery": _l("Delivery on time and complete"),
                   "communication": _l("Communication and handling of complaints"), "price": _l("Price and invoicing"),
                   "sustainability": _l("Sustainability and social responsibility")}


class EvaluationForm(FlaskForm):
    quality = SelectField(CRITERIA_LABELS["quality"], choices=SCALE_CHOICES, coerce=int)
    delivery = SelectField(CRITERIA_LABELS["delivery"], choices=SCALE_CHOICES, coerce=int)
    communication = SelectField(CRITERIA_LABELS["communication"], choices=SCALE_CHOICES, coerce=int)
    price = SelectField(CRITERIA_LABELS["price"], choices=SCALE_CHOICES, coerce=int)
    sustainability = SelectField(CRITERIA_LABELS["sustainability"], choices=SCALE_CHOICES, coerce=int)
    decision = SelectField(_l("Decision"), choices=_enum_choices(Decision))
    next_evaluation = DateField(_l("Next evaluation"), validators=[DataRequired(), _sane_year])
    note = TextAreaField(_l("Conditions or notes"), filters=[clean], validators=[Optional(), Length(max=2000)])

    def scores(self) -> dict[str, int]:
        return {name: self[name].data for name in CRITERIA}


# --- competence -------------------------------------------------------------------------------

class FunctionForm(FlaskForm):
    name = StringField(_l("Function"), filters=[clean], validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(_l("Description"), filters=[clean], validators=[Optional(), Length(max=2000)])


class CompetenceForm(FlaskForm):
    name = StringField(_l("Required competence"), filters=[clean], validators=[DataRequired(), Length(max=160)])
    training_kind = SelectField(_l("Proven by training record"), choices=lambda: [
        SelectChoice("", _l("No: by recorded evidence"))] + [SelectChoice(k.code, k.label) for k in kinds().values()])
    training_title = StringField(_l("Training title contains"), filters=[clean], validators=[Optional(), Length(max=120)],
                                 description=_l("Optional, for other training: e.g. \"glazenwassen\"."))


class AssignFunctionForm(FlaskForm):
    function_id = SelectField(_l("Function"), coerce=optional_id, validate_choice=False,
                              validators=[DataRequired(message=_l("Choose a function."))])


class EvidenceForm(FlaskForm):
    competence_id = SelectField(_l("Required competence"), coerce=optional_id, validate_choice=False,
                                validators=[DataRequired(message=_l("Choose a competence."))])
    obtained_on = DateField(_l("Shown on"), validators=[DataRequired(), _sane_year])
    valid_until = DateField(_l("Valid until"), validators=[Optional(), _sane_year])
    note = StringField(_l("How it was shown"), filters=[clean], validators=[DataRequired(), Length(max=500)])


class PathForm(FlaskForm):
    name = StringField(_l("Learning path"), filters=[clean], validators=[DataRequired(), Length(max=160)])
    description = TextAreaField(_l("Description"), filters=[clean], validators=[Optional(), Length(max=2000)])


class StepForm(FlaskForm):
    title = StringField(_l("Step"), filters=[clean], validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("What the apprentice shows"), filters=[clean], validators=[Optional(), Length(max=2000)])


class AssignPathForm(FlaskForm):
    path_id = SelectField(_l("Learning path"), coerce=optional_id, validate_choice=False,
                          validators=[DataRequired(message=_l("Choose a learning path."))])
    started_on = DateField(_l("Started on"), validators=[DataRequired(), _sane_year])


class SignoffForm(FlaskForm):
    note = StringField(_l("Note (optional)"), filters=[clean], validators=[Optional(), Length(max=500)])
    #: Set by the confirmation step: the master trainer saw what they sign and said yes.
    confirmed = HiddenField()


class MatrixFilterForm(Form):
    q = StringField(_l("Name or number"), filters=[clean], validators=[Optional(), Length(max=100)])
    function = SelectField(_l("Function"), coerce=optional_id, validate_choice=False)

    def valid_value(self, name: str):
        field = self[name]
        if field.errors or field.data in (None, ""):
            return None
        return field.data
