"""Forms of the incident log: shape only, the rules live in the services. Labels in plain language (B1)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (BooleanField, DateField, DateTimeLocalField, Form, HiddenField, SelectChoice, SelectField,
                     SelectMultipleField, StringField, TextAreaField, ValidationError, widgets)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from ..forms import DecimalField, IntegerField, LookupField, Optional, Usable
from ..organisation.forms import clean, optional_id
from .workflow import (ARBO_LABELS, ARBO_METHOD_LABELS, METHOD_LABELS, PERSON_LABELS, SEVERITY_LABELS, TYPE_LABELS, HoursCategory,
                       IncidentState, IncidentType, STATE_LABELS)

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(member.value, label) for member, label in labels.items()]


def _sane_year(form, field) -> None:
    if field.data is not None and not 1990 <= field.data.year <= 2200:
        raise ValidationError(_l("Enter a date between the years 1990 and 2200."))


def _one_of_or_empty(labels: dict):
    """A select that may be left out of the form (an older page, a form without the field) or empty."""
    allowed = {member.value for member in labels}

    def check(form, field) -> None:
        if field.data not in (None, "") and field.data not in allowed:
            raise ValidationError(_l("Choose from the list."))
    return check


class CheckboxList(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ReportForm(FlaskForm):
    """The report: what, when, where, who (categories only), what was done. Names only if you want."""

    #: One-time token: a second submission of the same form finds the record the first one made.
    submission_id = HiddenField(validators=[Length(max=64)])
    type = SelectField(_l("What happened?"), choices=[SelectChoice("", _l("Choose…"))] + _choices(TYPE_LABELS),
                       validators=[DataRequired(message=_l("Choose what happened."))])
    occurred_at = DateTimeLocalField(_l("When did it happen?"), format=DATETIME_FORMATS,
                                     validators=[DataRequired(message=_l("Enter the date and time.")), _sane_year])
    site_id = LookupField(_l("Where? (site or client)"), validators=[Optional()], lookup="sites",
                          description=_l("Type part of the name of the site or client; leave it empty when the "
                                         "place is not on the list."))
    location = StringField(_l("Where exactly?"), validators=[Optional(), Length(max=255)], filters=[clean],
                           description=_l("For example: 3rd floor, kitchen, car park."))
    involved = CheckboxList(_l("Who was involved?"), choices=_choices(PERSON_LABELS), validate_choice=False)
    injured_count = IntegerField(_l("How many people were hurt?"), default=0,
                                 validators=[InputRequired(message=_l("Enter a number (0 if nobody).")),
                                             NumberRange(min=0, max=50)],
                                 render_kw={"inputmode": "numeric", "min": 0, "max": 50})
    description = TextAreaField(_l("What happened? Tell it in your own words."),
                                validators=[DataRequired(message=_l("Tell what happened.")), Length(max=5000)],
                                filters=[clean], render_kw={"rows": 5},
                                description=_l("Do not write about illness or injuries: only what happened."))
    immediate_action = TextAreaField(_l("What was done straight away?"), validators=[Optional(), Length(max=2000)],
                                     filters=[clean], render_kw={"rows": 3})
    arbo_reason = SelectField(
        _l("Did someone die, go to hospital or get a lasting injury?"),
        choices=[SelectChoice("", _l("No, or I do not know"))] + _choices(ARBO_LABELS),
        validate_choice=False, validators=[_one_of_or_empty(ARBO_LABELS)],
        description=_l("Then the Arbeidsinspectie must be told at once. The coordinator and the director get a "
                       "message straight away."))
    persons_text = TextAreaField(_l("Names of the people involved (optional)"),
                                 validators=[Optional(), Length(max=1000)], filters=[clean], render_kw={"rows": 2},
                                 description=_l("Only the coordinator and HR can read this."))
    photos = MultipleFileField(_l("Photos (optional, at most 5)"),
                               render_kw={"accept": "image/jpeg,image/png,image/webp", "capture": "environment"})


class PublicReportForm(ReportForm):
    """The same report without an account; the reporter chooses to stay anonymous or not."""

    anonymous = BooleanField(_l("I want to stay anonymous"), default=True)
    reporter_name = StringField(_l("Your name (optional)"), validators=[Optional(), Length(max=160)], filters=[clean])
    reporter_contact = StringField(_l("Phone or e-mail for questions (optional)"),
                                   validators=[Optional(), Length(max=160)], filters=[clean])


class TriageForm(FlaskForm):
    type = SelectField(_l("Type"), choices=_choices(TYPE_LABELS), validators=[DataRequired()])
    severity = SelectField(_l("Severity"), choices=_choices(SEVERITY_LABELS), validators=[DataRequired()])
    site_id = LookupField(_l("Site"), validators=[Optional()], lookup="sites",
                          description=_l("Leave empty when the site is unknown."))
    location = StringField(_l("Where exactly?"), validators=[Optional(), Length(max=255)], filters=[clean])
    department_id = SelectField(_l("Department"), coerce=optional_id, validate_choice=False)
    arbo_reason = SelectField(
        _l("Must be reported to the Nederlandse Arbeidsinspectie?"),
        choices=[SelectChoice("", _l("No"))] + _choices(ARBO_LABELS),
        description=_l("Death, permanent injury or admission to hospital (not only outpatient): report at once."))


class ArboForm(FlaskForm):
    method = SelectField(_l("How was it reported?"), choices=_choices(ARBO_METHOD_LABELS),
                         validators=[DataRequired(message=_l("Choose how it was reported."))])
    reported_by = StringField(_l("Reported by"), validators=[DataRequired(message=_l("Who made the report?")),
                                                             Length(max=160)], filters=[clean])
    notified_at = DateTimeLocalField(_l("Reported to the Arbeidsinspectie on"), format=DATETIME_FORMATS,
                                     validators=[DataRequired(message=_l("Enter the date and time.")), _sane_year])
    reference = StringField(_l("Reference of the report"), validators=[Optional(), Length(max=80)], filters=[clean])


class PersonForm(FlaskForm):
    category = SelectField(_l("Who"), choices=_choices(PERSON_LABELS), validators=[DataRequired()])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=160)], filters=[clean])
    employee_id = LookupField(_l("Employee"), validators=[Optional()], lookup="employees",
                              description=_l("Leave empty for someone who is not an employee, or unknown."))
    lost_days = IntegerField(_l("Working days of absence after the day of the accident"), default=0,
                             validators=[InputRequired(), NumberRange(min=0, max=1000)],
                             render_kw={"inputmode": "numeric"},
                             description=_l("Days only, never the nature of the injury."))
    absence_ongoing = BooleanField(_l("Still absent"))


class InvestigationForm(FlaskForm):
    method = SelectField(_l("Method"), choices=_choices(METHOD_LABELS), validators=[DataRequired()])
    root_causes = TextAreaField(_l("Root causes"), validators=[DataRequired(), Length(max=5000)], filters=[clean],
                                render_kw={"rows": 4})
    contributing_factors = TextAreaField(_l("Contributing factors"), validators=[Optional(), Length(max=5000)],
                                         filters=[clean], render_kw={"rows": 3})
    lessons = TextAreaField(_l("Lessons learned"), validators=[Optional(), Length(max=5000)], filters=[clean],
                            render_kw={"rows": 3})
    lessons_for_toolbox = BooleanField(_l("Discuss these lessons in the next toolbox meeting"))


class ActionForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=[SelectChoice("preventive", _l("Prevent recurrence")),
                                            SelectChoice("corrective", _l("Remove the cause")),
                                            SelectChoice("improvement", _l("Improvement"))])
    description = TextAreaField(_l("Action"), validators=[DataRequired(), Length(max=2000)], filters=[clean],
                                render_kw={"rows": 2})
    owner_id = LookupField(_l("Owner"), validators=[InputRequired(message=_l("Choose who does it.")), Usable()],
                           lookup="users")
    due_date = DateField(_l("Due date"), validators=[DataRequired(), _sane_year])


class ReporterNoteForm(FlaskForm):
    note = TextAreaField(_l("Message for the reporter"), filters=[clean], validators=[Optional(), Length(max=2000)],
                         description=_l("The reporter sees this on their own page under My reports, with the state. "
                                        "Leave it empty to share nothing. Never put names or medical details here."))


class StateForm(FlaskForm):
    """A button that moves the incident to another state."""

    target = HiddenField(validators=[DataRequired()])
    #: Close although an injured person is still absent (the lost days stay editable).
    confirm_absence = BooleanField(_l("Close although someone is still absent (the lost days can still be updated)"))

    def target_state(self) -> IncidentState | None:
        return IncidentState._value2member_map_.get(self.target.data)


class SimpleForm(FlaskForm):
    """A button with a CSRF token (renew a QR code, purge)."""


class RetentionForm(FlaskForm):
    retention_months = IntegerField(_l("Keep personal details for (months)"),
                                    validators=[InputRequired(), NumberRange(min=12, max=600)],
                                    description=_l("After this, names, reporters and photos are removed from "
                                                   "closed incidents. The figures stay."))


class HoursForm(FlaskForm):
    """Hours worked per month and group; fields are named h_<month>_<group>, added per request."""

    year = HiddenField()


def hours_field_name(month: int, category: HoursCategory) -> str:
    return f"h_{month}_{category.value}"


def make_hours_form(year: int, values: dict, formdata=None) -> HoursForm:
    class _Form(HoursForm):
        pass

    for month in range(1, 13):
        for category in HoursCategory:
            setattr(_Form, hours_field_name(month, category),
                    DecimalField(category.label, places=1, validators=[Optional(), NumberRange(min=0, max=10_000_000)],
                                 render_kw={"inputmode": "decimal"}))
    form = _Form(formdata=formdata, data={hours_field_name(m, c): v for (m, c), v in values.items()})
    form.year.data = str(year)
    return form


class LogFilterForm(Form):
    """Filters of the log, read from the query string."""

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)], filters=[clean])
    type = SelectField(_l("Type"), choices=[SelectChoice("", _l("All types"))] + _choices(TYPE_LABELS))
    state = SelectField(_l("State"), choices=[SelectChoice("", _l("All states"))] + _choices(STATE_LABELS))
    site = LookupField(_l("Site"), validators=[Optional()], lookup="sites")
    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(min=1990, max=2200)])

    def valid_value(self, name: str):
        field = self[name]
        if field.errors or field.data in (None, ""):
            return None
        return field.data


def incident_type(value: str) -> IncidentType:
    return IncidentType(value)
