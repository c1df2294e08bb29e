"""VCA forms: shape only; the rules live in services."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, SelectChoice, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange

from qms.forms import IntegerField, LookupField, Optional, Usable, int_choice
from qms.organisation.forms import _sane_year, clean, optional_id

MODES = [SelectChoice("live", _l("Live")), SelectChoice("digital", _l("Digital"))]
ENGAGEMENTS = [SelectChoice("own", _l("Own staff")), SelectChoice("intern", _l("Intern")),
               SelectChoice("temporary", _l("Temporary worker"))]
ASSESSMENT_KINDS = [SelectChoice("rie", _l("RI&E (company)")), SelectChoice("function_rie", _l("Function RI&E")),
                    SelectChoice("tra", _l("TRA (task risk analysis)"))]
KEURING_RESULTS = [SelectChoice("approved", _l("Approved")), SelectChoice("rejected", _l("Rejected"))]
FINDING_RESULTS = [SelectChoice("ok", _l("OK")), SelectChoice("not_ok", _l("Not OK")),
                   SelectChoice("na", _l("Not applicable"))]


class MeetingForm(FlaskForm):
    planned_on = DateField(_l("Date"), validators=[DataRequired(), _sane_year])
    topic = StringField(_l("Topic"), validators=[DataRequired(), Length(max=200)], filters=[clean])
    mode = SelectField(_l("Form"), choices=MODES, validators=[DataRequired()])
    presenter_id = LookupField(_l("Presenter"), validators=[Optional()], lookup="employees")
    document_id = LookupField(_l("Materials (controlled document)"), validators=[Optional()], lookup="documents")
    lessons = TextAreaField(_l("Lessons from incidents and inspections"), validators=[Optional(), Length(max=4000)],
                            filters=[clean])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)], filters=[clean])


class PlanYearForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[DataRequired(), NumberRange(2000, 2100)])


class ButtonForm(FlaskForm):
    """A state change or confirmation: a button with a CSRF token."""


class CloseForm(FlaskForm):
    lessons = SelectMultipleField(_l("Incident lessons discussed"), coerce=int_choice, validate_choice=False)


class RecordForm(FlaskForm):
    people = SelectMultipleField(_l("Present"), coerce=int_choice, validate_choice=False)


class CatchUpForm(FlaskForm):
    meeting_id = HiddenField(validators=[DataRequired()])
    employee_id = HiddenField(validators=[DataRequired()])


class WorkerForm(FlaskForm):
    risky_work_since = DateField(_l("Risky work since"), validators=[Optional(), _sane_year],
                                 description=_l("Leave empty when the person does no risky work."))
    engagement = SelectField(_l("Engagement"), choices=ENGAGEMENTS, validators=[DataRequired()])


class PpeForm(FlaskForm):
    item = StringField(_l("Item"), validators=[DataRequired(), Length(max=160)], filters=[clean],
                       description=_l("For example: safety shoes, gloves, harness."))
    size = StringField(_l("Size"), validators=[Optional(), Length(max=20)], filters=[clean])
    issued_on = DateField(_l("Issued on"), validators=[DataRequired(), _sane_year])
    replace_on = DateField(_l("Replace on"), validators=[Optional(), _sane_year])


class EquipmentForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=160)], filters=[clean])
    code = StringField(_l("Asset number"), validators=[Optional(), Length(max=60)], filters=[clean])
    location = StringField(_l("Location"), validators=[Optional(), Length(max=160)], filters=[clean])
    interval_months = IntegerField(_l("Keuring every (months)"), default=12,
                                   validators=[DataRequired(), NumberRange(1, 120)])
    next_keuring_on = DateField(_l("Next keuring due"), validators=[Optional(), _sane_year])


class KeuringForm(FlaskForm):
    inspected_on = DateField(_l("Inspected on"), validators=[DataRequired(), _sane_year])
    result = SelectField(_l("Result"), choices=KEURING_RESULTS, validators=[DataRequired()])
    inspected_by = StringField(_l("Inspected by"), validators=[Optional(), Length(max=160)], filters=[clean])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)], filters=[clean])
    file = FileField(_l("Certificate (PDF or photo)"))


class AssessmentForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=ASSESSMENT_KINDS, validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)], filters=[clean])
    subject = StringField(_l("Function or task"), validators=[Optional(), Length(max=200)], filters=[clean])
    assessed_on = DateField(_l("Assessed on"), validators=[DataRequired(), _sane_year])
    assessed_by = StringField(_l("Assessed by"), validators=[Optional(), Length(max=160)], filters=[clean])
    document_id = SelectField(_l("Controlled document"), coerce=optional_id, validate_choice=False)
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=4000)], filters=[clean])
    file = FileField(_l("File"))


class MeasureForm(FlaskForm):
    measure = TextAreaField(_l("Measure"), validators=[DataRequired(), Length(max=2000)], filters=[clean])
    owner_id = LookupField(_l("Owner"), validators=[Optional(), Usable()], lookup="users")
    due_on = DateField(_l("Due date"), validators=[DataRequired(), _sane_year])


class CardForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=160)], filters=[clean])
    task = StringField(_l("Task"), validators=[Optional(), Length(max=200)], filters=[clean])
    questions = TextAreaField(_l("Questions (one per line)"), validators=[DataRequired(), Length(max=6000)],
                              filters=[clean])


class TemplateForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=160)], filters=[clean])
    items = TextAreaField(_l("Checks (one per line)"), validators=[DataRequired(), Length(max=8000)], filters=[clean])


class InspectionPlanForm(FlaskForm):
    template_id = SelectField(_l("Checklist"), coerce=optional_id, validate_choice=False, validators=[DataRequired()])
    site_id = LookupField(_l("Site"), validators=[Optional(), Usable()], lookup="sites",
                          description=_l("Leave empty for an inspection not tied to a site."))
    planned_on = DateField(_l("Planned on"), validators=[DataRequired(), _sane_year])
    inspector_id = LookupField(_l("Inspector"), validators=[Optional(), Usable()], lookup="users")


class InspectionForm(FlaskForm):
    """The checks are rendered from the template; their answers are read as result-N, note-N, photo-N."""

    done_on = DateField(_l("Inspected on"), validators=[DataRequired(), _sane_year])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=4000)], filters=[clean])


class SettingsForm(FlaskForm):
    level = SelectField(_l("VCA level"), validators=[DataRequired()])
    version = SelectField(_l("Checklist version"), validators=[DataRequired()])


class PolicyForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)], filters=[clean])
    document_id = SelectField(_l("Controlled document"), coerce=optional_id, validate_choice=False)
    signed_on = DateField(_l("Signed on"), validators=[Optional(), _sane_year])
    signed_by = StringField(_l("Signed by"), validators=[Optional(), Length(max=160)], filters=[clean],
                            description=_l("Name and function of the director who signed."))
    evaluated_on = DateField(_l("Last evaluated on"), validators=[Optional(), _sane_year])
    file = FileField(_l("Signed statement (PDF or photo)"))
