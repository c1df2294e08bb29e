"""PSO forms: shape only; the rules live in services. Choices come from the reference data in force."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from ..forms import DecimalField, IntegerField, Optional
from ..organisation.forms import _sane_year, clean, optional_id


class EmploymentForm(FlaskForm):
    start = DateField(_l("Start"), validators=[DataRequired(), _sane_year])
    end = DateField(_l("End"), validators=[Optional(), _sane_year], description=_l("Leave empty while it runs."))
    contract_type = SelectField(_l("Contract type"), validators=[DataRequired()])
    hours_per_week = DecimalField(_l("Contract hours per week"), places=2,
                                  validators=[InputRequired(), NumberRange(0, 80)])
    norm_week_hours = DecimalField(_l("CAO norm week (hours)"), places=2, validators=[Optional(), NumberRange(1, 80)],
                                   description=_l("Leave empty for a 40-hour week."))


class HoursForm(FlaskForm):
    year = IntegerField(_l("Peiljaar"), validators=[InputRequired(), NumberRange(1990, 2200)])
    hours_worked = DecimalField(_l("Hours worked"), places=2, validators=[InputRequired(), NumberRange(0, 8784)])


class StatusForm(FlaskForm):
    starting_position = SelectField(_l("Starting position at intake"), validators=[DataRequired()])
    intake_date = DateField(_l("Intake date"), validators=[DataRequired(), _sane_year])
    status_until = DateField(_l("Status valid until"), validators=[Optional(), _sane_year],
                             description=_l("End of the Wsw indication, wage subsidy or training, where relevant."))
    evidence = FileField(_l("Evidence (decision letter, municipal statement)"),
                         description=_l("PDF, Word or image. Leave empty to keep the current file."))
    education_route = SelectField(_l("Apprenticeship route"), validators=[Optional()], choices=[
        SelectChoice("", "—"), SelectChoice("bbl", "BBL"), SelectChoice("bol", "BOL")])
    education_level = SelectField(_l("Education level"), coerce=optional_id, validators=[Optional()],
                                  choices=[SelectChoice("", "—")] + [SelectChoice(str(n), str(n)) for n in range(1, 5)])
    school = StringField(_l("School"), validators=[Optional(), Length(max=160)], filters=[clean])
    agreement = FileField(_l("Practice agreement"), description=_l("Leave empty to keep the current file."))
    suitable_work = TextAreaField(_l("Suitable work: how tasks and workplace fit"),
                                  validators=[Optional(), Length(max=4000)], filters=[clean])
    integration = TextAreaField(_l("Integration in team and organisation"),
                                validators=[Optional(), Length(max=4000)], filters=[clean])
    support_needed = BooleanField(_l("Extra support is needed"), default=True)
    support = TextAreaField(_l("Support given (plan, records)"), validators=[Optional(), Length(max=4000)],
                            filters=[clean])
    job_coach = StringField(_l("Job coach"), validators=[Optional(), Length(max=160)], filters=[clean])


class ConversationForm(FlaskForm):
    held_on = DateField(_l("Held on"), validators=[DataRequired(), _sane_year])
    kind = SelectField(_l("Kind"), choices=[SelectChoice("performance", _l("Performance conversation")),
                                            SelectChoice("development", _l("Development conversation"))])
    summary = TextAreaField(_l("Conversation record"), validators=[DataRequired(), Length(max=4000)], filters=[clean])
    file = FileField(_l("Signed record (optional)"))


class ImportForm(FlaskForm):
    year = IntegerField(_l("Peiljaar"), validators=[InputRequired(), NumberRange(1990, 2200)])
    file = FileField(_l("Payroll file (CSV or XLSX)"),
                     description=_l("Columns: personeelsnummer, jaar, uren (or number, year, hours)."))


class PurchaseForm(FlaskForm):
    supplier_id = SelectField(_l("Supplier"), coerce=optional_id, validators=[Optional()])
    supplier_name = StringField(_l("Or supplier name"), validators=[Optional(), Length(max=200)], filters=[clean])
    kind = SelectField(_l("Supplier is"), choices=[SelectChoice("pso", _l("PSO-certified")),
                                                          SelectChoice("sw", _l("SW company"))])
    certificate_number = StringField(_l("PSO certificate number"), validators=[Optional(), Length(max=60)],
                                     filters=[clean])
    invoice_value = DecimalField(_l("Invoiced in the peiljaar (EUR)"), places=2,
                                 validators=[InputRequired(), NumberRange(0, 10**12)])
    supplier_turnover = DecimalField(_l("Supplier's turnover (EUR)"), places=2,
                                     validators=[InputRequired(), NumberRange(0, 10**13)])
    supplier_target_fte = DecimalField(_l("Supplier's target-group FTE"), places=2,
                                       validators=[InputRequired(), NumberRange(0, 10**7)])


class HireForm(FlaskForm):
    label = StringField(_l("Description"), validators=[DataRequired(), Length(max=120)], filters=[clean],
                        description=_l("No names: for example \"cleaner via municipality\"."))
    start = DateField(_l("Start"), validators=[DataRequired(), _sane_year])
    contract_type = SelectField(_l("Contract type"), validators=[DataRequired()])
    hours_per_week = DecimalField(_l("Hours per week"), places=2, validators=[InputRequired(), NumberRange(0, 80)])
    starting_position = SelectField(_l("Starting position"), validators=[Optional()])


class MeasureForm(FlaskForm):
    year = IntegerField(_l("Peiljaar"), validators=[InputRequired(), NumberRange(1990, 2200)])


class CorrectForm(FlaskForm):
    reason = TextAreaField(_l("Why is it corrected?"), validators=[DataRequired(), Length(max=2000)],
                           filters=[clean])


class ButtonForm(FlaskForm):
    """A button with a CSRF token (submit, discard, delete)."""


class ReferenceForm(FlaskForm):
    file = FileField(_l("Reference file"),
                     description=_l("A whole version as .toml, or the full norm table as .csv "
                                    "(fte,trede1,trede2,trede3)."))
    version = SelectField(_l("Version of the norm table"), validators=[Optional()])
