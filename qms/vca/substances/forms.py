"""Forms of the hazardous substances register: shape only; the rules live in services."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, SelectChoice, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange

from qms.forms import IntegerField, LookupListField, Optional
from qms.organisation.forms import _sane_year, clean, optional_id

from . import rules

QUANTITIES = [SelectChoice("small", _l("Less than 10 litres or kg a year")),
              SelectChoice("medium", _l("10 to 100 litres or kg a year")),
              SelectChoice("large", _l("100 to 1,000 litres or kg a year")),
              SelectChoice("bulk", _l("More than 1,000 litres or kg a year"))]
SIGNAL_WORDS = [SelectChoice("none", _l("No signal word")), SelectChoice("warning", _l("Warning")),
                SelectChoice("danger", _l("Danger"))]
LANGUAGES = [SelectChoice("nl", _l("Dutch")), SelectChoice("en", _l("English")), SelectChoice("de", _l("German")),
             SelectChoice("fr", _l("French"))]
SUBSTITUTIONS = [SelectChoice("open", _l("Not checked yet")), SelectChoice("substituted", _l("Substituted")),
                 SelectChoice("not_possible", _l("Not possible (give the reason)")),
                 SelectChoice("planned", _l("Planned (give the date)"))]


class ProductForm(FlaskForm):
    name = StringField(_l("Product name"), validators=[DataRequired(), Length(max=160)], filters=[clean])
    purpose = StringField(_l("Kind of product"), validators=[Optional(), Length(max=160)], filters=[clean],
                          description=_l("For example: sanitairreiniger, vloerstripper."))
    supplier_id = SelectField(_l("Supplier"), coerce=optional_id, validate_choice=False)
    site_ids = LookupListField(_l("Used at"), lookup="sites")
    functions = SelectMultipleField(_l("Used by (functions)"), validate_choice=False)
    quantity_band = SelectField(_l("Quantity used"), choices=QUANTITIES, validators=[DataRequired()])
    signal_word = SelectField(_l("Signal word"), choices=SIGNAL_WORDS, validators=[DataRequired()])
    pictograms = SelectMultipleField(_l("Hazard pictograms"), choices=[SelectChoice(p, p) for p in rules.PICTOGRAMS],
                                     validate_choice=False)
    hazard_statements = StringField(_l("H statements"), validators=[Optional(), Length(max=500)], filters=[clean],
                                    description=_l("Codes from the sheet, separated by commas, e.g. H314, H290."))
    precaution_statements = StringField(_l("P statements"), validators=[Optional(), Length(max=500)], filters=[clean],
                                        description=_l("For example: P280, P305+P351+P338."))
    ppe = SelectMultipleField(_l("PPE needed"), choices=[SelectChoice(k, v) for k, v in rules.PPE.items()],
                              validate_choice=False)
    do_text = TextAreaField(_l("What to do (one point per line)"), validators=[Optional(), Length(max=2000)],
                            filters=[clean])
    dont_text = TextAreaField(_l("What not to do (one point per line)"), validators=[Optional(), Length(max=2000)],
                              filters=[clean])
    first_aid = TextAreaField(_l("First aid"), validators=[Optional(), Length(max=2000)], filters=[clean])
    disposal = TextAreaField(_l("Disposal and spills"), validators=[Optional(), Length(max=2000)], filters=[clean])
    assessment_id = SelectField(_l("RI&E in which the product is assessed"), coerce=optional_id,
                                validate_choice=False)


class SheetForm(FlaskForm):
    file = FileField(_l("Safety data sheet (PDF)"))
    issued_on = DateField(_l("Issue date"), validators=[DataRequired(), _sane_year])
    language = SelectField(_l("Language"), choices=LANGUAGES, validators=[DataRequired()])
    revision = StringField(_l("Revision"), validators=[Optional(), Length(max=20)], filters=[clean])


class AnnounceForm(FlaskForm):
    announced_on = DateField(_l("Newer revision announced on"), validators=[Optional(), _sane_year])


class SubstancesForm(FlaskForm):
    lines = TextAreaField(_l("Substances (one per line: CAS number; name; concentration %)"),
                          validators=[Optional(), Length(max=8000)], filters=[clean],
                          description=_l("Concentration: <1, 1-5, 5-10, 10-25, 25-50 or >50."))


class CmrForm(FlaskForm):
    exposed = TextAreaField(_l("Who is exposed"), validators=[Optional(), Length(max=2000)], filters=[clean])
    exposure = StringField(_l("How long and how often"), validators=[Optional(), Length(max=300)], filters=[clean],
                           description=_l("For example: 20 minutes, twice a week."))
    measures = TextAreaField(_l("Measures"), validators=[Optional(), Length(max=4000)], filters=[clean])
    substitution = SelectField(_l("Substitution check"), choices=SUBSTITUTIONS, validators=[DataRequired()])
    reason = TextAreaField(_l("Why substitution is not possible"), validators=[Optional(), Length(max=2000)],
                           filters=[clean])
    planned_on = DateField(_l("Substitution planned for"), validators=[Optional(), _sane_year])


class LinkForm(FlaskForm):
    incident_id = SelectField(_l("Incident"), coerce=optional_id, validate_choice=False)


class MeetingLinkForm(FlaskForm):
    meeting_id = SelectField(_l("Toolbox meeting"), coerce=optional_id, validate_choice=False)


class SettingsForm(FlaskForm):
    sds_max_age_years = IntegerField(_l("A safety data sheet is outdated after (years)"),
                                     validators=[DataRequired(), NumberRange(1, 10)])


class HazardFileForm(FlaskForm):
    file = FileField(_l("Hazard code file (TOML)"))


class CmrImportForm(FlaskForm):
    file = FileField(_l("CMR list (CSV or XLSX)"))
    source = StringField(_l("Source"), validators=[DataRequired(), Length(max=120)], filters=[clean],
                         default="SZW-lijst kankerverwekkende, mutagene en reprotoxische stoffen")
    version_date = DateField(_l("Publication date of the list"), validators=[Optional(), _sane_year])


class ConfirmCmrForm(FlaskForm):
    token = HiddenField(validators=[DataRequired()])
    source = HiddenField(validators=[DataRequired()])
    version_date = HiddenField()


class ButtonForm(FlaskForm):
    """A state change or confirmation: a button with a CSRF token."""
