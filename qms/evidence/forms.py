"""Forms for evidence, links, certificates and dossiers: shape only, rules live in services."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..forms import Optional
from ..organisation.forms import _sane_year, clean, optional_id


def requirement_choices(registry) -> list[SelectChoice]:
    """Every requirement of every enabled norm version as "norm/version/code" with a readable label."""
    choices = [SelectChoice("", _l("— choose a requirement —"))]
    for norm in registry:
        for cat in norm.versions.values():
            for req in cat.requirements.values():
                if req.kind == "requirement":
                    choices.append(SelectChoice(f"{norm.code}/{cat.code}/{req.code}", f"{cat.title} · {req.code} {req.title}"))
    return choices


class EvidenceForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)], filters=[clean])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=4000)], filters=[clean])
    file = FileField(_l("File (PDF, Office document or photo)"),
                     validators=[FileRequired(message=_l("No file was sent. Please choose a file."))])
    requirement = SelectField(_l("Requirement"), validators=[DataRequired()], validate_choice=False)
    owner = SelectField(_l("Owner"), coerce=optional_id, validate_choice=False,
                        description=_l("Gets the reminders before this evidence expires."))
    valid_from = DateField(_l("Valid from"), validators=[DataRequired(), _sane_year])
    valid_until = DateField(_l("Valid until"), validators=[Optional(), _sane_year],
                            description=_l("Leave empty when the evidence does not expire."))


class EvidenceEditForm(EvidenceForm):
    file = None
    requirement = None


class RevisionForm(FlaskForm):
    """A new file for an existing evidence item (the yearly renewal)."""

    file = FileField(_l("New file (PDF, Office document or photo)"),
                     validators=[FileRequired(message=_l("No file was sent. Please choose a file."))])
    valid_from = DateField(_l("Valid from"), validators=[DataRequired(), _sane_year])
    valid_until = DateField(_l("Valid until"), validators=[Optional(), _sane_year],
                            description=_l("Leave empty when the evidence does not expire."))
    note = StringField(_l("What changed"), validators=[Optional(), Length(max=500)], filters=[clean])


class LinkRequirementForm(FlaskForm):
    requirement = SelectField(_l("Requirement"), validators=[DataRequired()], validate_choice=False)


class LinkEvidenceForm(FlaskForm):
    """Link an existing evidence file to the requirement shown on the page."""

    evidence_id = HiddenField(validators=[DataRequired()])


class RecordLinkForm(FlaskForm):
    record_type = SelectField(_l("Kind of record"), validators=[DataRequired()], validate_choice=False)
    reference = StringField(_l("Number or id"), validators=[DataRequired(), Length(max=80)], filters=[clean],
                            description=_l("For example INC-2026-0003 or PR-012."))


class ReviewForm(FlaskForm):
    status = HiddenField(validators=[DataRequired()])


class ConfirmForm(FlaskForm):
    """A POST button with CSRF protection only."""


class CertificateForm(FlaskForm):
    norm = SelectField(_l("Norm"), validators=[DataRequired()], validate_choice=False)
    level = SelectField(_l("Level"), validate_choice=False)
    version = SelectField(_l("Norm version"), validate_choice=False,
                          description=_l("The version of the norm the certificate was issued against."))
    certifying_body = StringField(_l("Certifying body"), validators=[DataRequired(), Length(max=200)],
                                  filters=[clean])
    number = StringField(_l("Certificate number"), validators=[DataRequired(), Length(max=80)], filters=[clean])
    scope = TextAreaField(_l("Scope"), validators=[Optional(), Length(max=2000)], filters=[clean])
    issued_on = DateField(_l("Issued on"), validators=[DataRequired(), _sane_year])
    expires_on = DateField(_l("Expires on"), validators=[DataRequired(), _sane_year])
    #: Shown only when an enabled norm lets a certificate extend another (its label and help text).
    extends_id = SelectField(_l("Extends"), validate_choice=False)


class DossierForm(FlaskForm):
    level = HiddenField()


class ItemFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)], filters=[clean])
    norm = SelectField(_l("Norm"), validate_choice=False)
    status = SelectField(_l("Status"), validate_choice=False, choices=[
        SelectChoice("", _l("All")), SelectChoice("pending", _l("Awaiting review")),
        SelectChoice("expiring", _l("Expiring within 60 days")), SelectChoice("expired", _l("Expired")),
        SelectChoice("rejected", _l("Rejected"))])
