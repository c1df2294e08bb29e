"""Forms for planning and conducting audits: shape only; the rules live in services."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (DateField, Form, RadioField, SelectChoice, SelectField, SelectMultipleField, StringField,
                     TextAreaField, ValidationError)
from wtforms.widgets import CheckboxInput, ListWidget
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from ..forms import IntegerField, LookupField, LookupListField, Optional, Usable
from ..organisation.forms import clean, optional_id
from .rules import AuditState, AuditType, Result

TYPE_LABELS = {
    AuditType.INTERNAL: _l("Internal audit"),
    AuditType.CERTIFYING_BODY: _l("Certifying body audit"),
    AuditType.CUSTOMER: _l("Customer audit"),
    AuditType.SUPPLIER: _l("Supplier audit"),
}
STATE_LABELS = {
    AuditState.PLANNED: _l("Planned"),
    AuditState.PREPARED: _l("Prepared"),
    AuditState.IN_PROGRESS: _l("In progress"),
    AuditState.REPORTED: _l("Report issued"),
    AuditState.CLOSED: _l("Closed"),
}
RESULT_LABELS = {
    Result.CONFORM: _l("Conform"),
    Result.MAJOR: _l("Major nonconformity"),
    Result.MINOR: _l("Minor nonconformity"),
    Result.OBSERVATION: _l("Observation"),
    Result.IMPROVEMENT: _l("Opportunity for improvement"),
    Result.NOT_APPLICABLE: _l("Not applicable"),
}
LINK_LABELS = {"document": _l("Document"), "incident": _l("Incident"), "nonconformity": _l("Nonconformity"),
               "other": _l("Other record")}


def _sane_year(form, field) -> None:
    if field.data is not None and not 2000 <= field.data.year <= 2100:
        raise ValidationError(_l("Enter a date between the years 2000 and 2100."))


def _ids(values):
    return [int(v) for v in values or [] if str(v).isdigit()]


class AuditForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)], filters=[clean],
                        description=_l("For example: Internal audit purchasing and planning."))
    type = SelectField(_l("Type"), choices=[SelectChoice(k.value, v) for k, v in TYPE_LABELS.items()],
                       default=AuditType.INTERNAL.value)
    norms = SelectMultipleField(_l("Norms"), validators=[DataRequired()], widget=ListWidget(prefix_label=False),
                                option_widget=CheckboxInput(), render_kw={"class": "checks"})
    level = SelectField(_l("Certification level"), default="",
                        description=_l("Only for norms with levels."))
    scope_codes = SelectMultipleField(_l("Chapters and requirements"), description=_l(
        "Leave empty to audit every requirement of the chosen norms. A chapter brings all its requirements."))
    process_names = SelectMultipleField(_l("Processes from the process register"),
                                        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
                                        render_kw={"class": "checks"}, validate_choice=False)
    processes = StringField(_l("Processes"), validators=[Optional(), Length(max=255)], filters=[clean],
                            description=_l("Processes that are not in the list, separated by a semicolon."))
    department_id = SelectField(_l("Audited department"), coerce=optional_id)
    site_id = LookupField(_l("Location"), validators=[Optional(), Usable()], lookup="sites",
                          description=_l("Leave empty for no particular location."))
    planned_start = DateField(_l("Planned date"), validators=[DataRequired(), _sane_year])
    planned_end = DateField(_l("Until"), validators=[Optional(), _sane_year])
    lead_auditor_id = SelectField(_l("Lead auditor"), coerce=optional_id, validators=[InputRequired()])
    team_ids = LookupListField(_l("Audit team"), validators=[Usable()], lookup="users")
    auditee_ids = LookupListField(_l("Auditees"), validators=[Usable()], lookup="employees",
                                  description=_l("Search by name or staff number and pick from the "
                                                 "suggestions."))
    scope = TextAreaField(_l("Scope"), validators=[Optional(), Length(max=5000)], filters=[clean])
    criteria = TextAreaField(_l("Criteria"), validators=[Optional(), Length(max=5000)], filters=[clean],
                             description=_l("The norms, procedures and agreements the audit checks against."))
    independence_note = TextAreaField(_l("Justification for auditing one's own department or process"),
                                      validators=[Optional(), Length(max=2000)], filters=[clean],
                                      description=_l("Only needed when an auditor audits their own department "
                                                     "or process."))


class QuestionForm(FlaskForm):
    question = TextAreaField(_l("Own question"), validators=[DataRequired(), Length(max=2000)], filters=[clean])


class ResultForm(FlaskForm):
    result = RadioField(_l("Result"), choices=[SelectChoice(k.value, v) for k, v in RESULT_LABELS.items()],
                        validators=[InputRequired()])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=10000)], filters=[clean])
    justification = TextAreaField(_l("Why not applicable"), validators=[Optional(), Length(max=2000)],
                                  filters=[clean])
    photo = FileField(_l("Photo or file"))


class LinkForm(FlaskForm):
    kind = SelectField(_l("Kind of record"), choices=[SelectChoice(k, v) for k, v in LINK_LABELS.items()])
    reference = StringField(_l("Number of the record"), validators=[Optional(), Length(max=40)], filters=[clean],
                            description=_l("For example PR-012, INC-2026-0007 or NC-2026-0003."))
    label = StringField(_l("What you saw"), validators=[Optional(), Length(max=255)], filters=[clean])


class MoveForm(FlaskForm):
    target = SelectField(choices=[SelectChoice(s.value, s.value) for s in AuditState])
    conclusion = TextAreaField(_l("Conclusion"), validators=[Optional(), Length(max=10000)], filters=[clean])


class ProgrammeFilterForm(Form):
    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(min=2000, max=2100)])
    state = SelectField(_l("State"), default="", choices=[SelectChoice("", _l("All"))] + [
        SelectChoice(k.value, v) for k, v in STATE_LABELS.items()])

    def valid_value(self, name: str):
        field = self[name]
        return None if field.errors or field.data in (None, "") else field.data


class ConfirmForm(FlaskForm):
    """A button that only carries a CSRF token."""
