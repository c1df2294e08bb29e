"""Forms of document control: shape only; the rules (numbers, approver ≠ author, transitions) are in services."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (BooleanField, DateField, HiddenField, PasswordField, RadioField, SelectChoice, SelectField,
                     SelectMultipleField, StringField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import IntegerField, LookupField, LookupListField, Optional, Usable, int_choice
from ..norms import registry
from ..organisation.forms import _sane_year, clean, optional_id
from .labels import OUTCOME_LABELS, STATE_LABELS, TYPE_LABELS
from .models import DocumentType, ReviewOutcome, VersionState

#: Longest authored text accepted (characters); a document beyond this belongs in an uploaded file.
MAX_CONTENT = 200_000


class _Example:
    """A requirement key of an enabled norm, worked out when the help text is shown."""

    def __init__(self, norm_only: bool = False):
        self.norm_only = norm_only

    def __str__(self) -> str:
        key = registry().example_key()
        return key.split(" ")[0] if self.norm_only else key


def _no_nul(value):
    """Authored text keeps its tabs and line breaks; only characters a database cannot store go."""
    return value.replace("\x00", "") if isinstance(value, str) else value


def _upper(value):
    value = clean(value)
    return value.upper() if isinstance(value, str) else value


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes: easier to tap on a phone than a multiple select."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("render_kw", {"class": "checks"})
        super().__init__(*args, **kwargs)

    def pre_validate(self, form):
        values = {str(c.value) for c in self.iter_choices()} if self.choices else set()
        if self.data:
            self.data = [d for d in self.data if str(d) in values]


def type_choices():
    return [SelectChoice(t.value, str(TYPE_LABELS[t])) for t in DocumentType]


class DocumentForm(FlaskForm):
    number = StringField(_l("Number"), validators=[DataRequired(), Length(max=20)], filters=[_upper],
                         description=_l("Prefix, dash and digits, e.g. PR-012, WI-034, F-007."))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)], filters=[clean])
    type = SelectField(_l("Type"), choices=type_choices, validators=[DataRequired()])
    owner_id = LookupField(_l("Owner"), validators=[Optional(), Usable()], lookup="users")
    department_id = SelectField(_l("Department"), coerce=optional_id, validators=[Optional()])
    site_id = LookupField(_l("Location"), validators=[Optional(), Usable()], lookup="sites")
    retention_years = IntegerField(_l("Retention period (years)"), validators=[Optional(), NumberRange(0, 100)],
                                   description=_l("How long records made with this document are kept."))
    review_interval_months = IntegerField(_l("Review interval (months)"), default=12,
                                          validators=[InputRequired(), NumberRange(1, 120)])
    requirements = TextAreaField(
        _l("Requirements served"), validators=[Optional(), Length(max=4000)], filters=[clean],
        description=_l("One per line: norm, version and code, e.g. \"%(example)s\".", example=_Example()))
    target_roles = MultiCheckboxField(_l("Must be read by roles"))
    target_users = LookupListField(_l("Must be read by people"), validators=[Usable(drop=True)], lookup="users")
    target_departments = MultiCheckboxField(_l("Must be read by departments"), coerce=int_choice)
    target_sites = LookupListField(_l("Must be read by everyone working at"), validators=[Usable(drop=True)],
                                   lookup="sites")


class NewDocumentForm(DocumentForm):
    content_markdown = TextAreaField(_l("Content (Markdown)"), validators=[Optional(), Length(max=MAX_CONTENT)],
                                     filters=[_no_nul], render_kw={"rows": 12})
    change_summary = StringField(_l("Change summary"), validators=[Optional(), Length(max=500)], filters=[clean])


class DraftForm(FlaskForm):
    content_markdown = TextAreaField(_l("Content (Markdown)"), validators=[Optional(), Length(max=MAX_CONTENT)],
                                     filters=[_no_nul], render_kw={"rows": 18},
                                     description=_l("Headings with #, lists with -, tables with |. HTML is shown as text."))
    file = FileField(_l("Or upload a file"),
                     description=_l("PDF, Word (.docx), Excel (.xlsx), OpenDocument (.odt) or an image. "
                                    "A file replaces the written content."))
    remove_file = BooleanField(_l("Remove the uploaded file and use the written content"))
    change_summary = StringField(_l("Change summary"), validators=[Optional(), Length(max=500)], filters=[clean])
    lock_version = HiddenField(validators=[DataRequired()])


class SubmitForm(FlaskForm):
    reviewers = LookupListField(_l("Reviewers"), validators=[Usable()], lookup="users",
                                description=_l("Each reviewer signs \"reviewed\" before the approver signs."))
    approver_id = LookupField(_l("Approver"), validators=[InputRequired(message=_l("Choose an approver.")), Usable()],
                              lookup="users")


class SignForm(FlaskForm):
    meaning = RadioField(_l("I sign this version as"), validators=[DataRequired()], render_kw={"class": "checks"})
    password = PasswordField(_l("Your password"), validators=[DataRequired()],
                             description=_l("Re-enter your password to sign electronically."),
                             render_kw={"autocomplete": "current-password"})


class RejectForm(FlaskForm):
    comment = TextAreaField(_l("Why is the version rejected?"), validators=[DataRequired(), Length(max=4000)],
                            filters=[clean])


class PublishForm(FlaskForm):
    effective_date = DateField(_l("Effective date"), validators=[DataRequired(), _sane_year])


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Why is the document withdrawn?"), validators=[DataRequired(), Length(max=4000)],
                           filters=[clean])


class NewVersionForm(FlaskForm):
    major_change = BooleanField(_l("Major change: everyone must read it again"))
    change_summary = StringField(_l("What changes?"), validators=[Optional(), Length(max=500)], filters=[clean])


class ReviewForm(FlaskForm):
    outcome = RadioField(_l("Outcome of the review"), validators=[DataRequired()], render_kw={"class": "checks"},
                         choices=lambda: [SelectChoice(o.value, str(OUTCOME_LABELS[o])) for o in ReviewOutcome])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=4000)], filters=[clean])


class ButtonForm(FlaskForm):
    """A button with a CSRF token (confirm reading, send reminders)."""


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=200)], filters=[clean],
                    description=_l("Number, title or words in the text."))
    type = SelectField(_l("Type"), validators=[Optional()],
                       choices=lambda: [SelectChoice("", _l("All types"))] + type_choices())
    status = SelectField(_l("Status"), validators=[Optional()],
                         choices=lambda: [SelectChoice("", _l("All statuses"))] + [SelectChoice(s.value, str(STATE_LABELS[s]))
                                                                   for s in VersionState])
    owner = LookupField(_l("Owner"), validators=[Optional()], lookup="users")
    requirement = StringField(_l("Norm or requirement"), validators=[Optional(), Length(max=80)], filters=[clean],
                              description=_l("e.g. \"%(norm)s\" or \"%(example)s\".", norm=_Example(norm_only=True),
                                             example=_Example()))
    review = SelectField(_l("Review"), validators=[Optional()],
                         choices=lambda: [SelectChoice("", _l("Any")), SelectChoice("due", _l("Due within 30 days")),
                                          SelectChoice("overdue", _l("Overdue"))])
