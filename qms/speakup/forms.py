"""Forms of the speak-up channel: shape only, the rules live in the services. Plain language (B1)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, HiddenField, PasswordField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..forms import Optional
from ..organisation.forms import clean, optional_id
from .workflow import CATEGORY_LABELS, MessageKind


class ReportForm(FlaskForm):
    """An integrity report: what kind, what happened, a secret to come back with; a name only if you want."""

    submission_id = HiddenField(validators=[Length(max=64)])
    category = SelectField(_l("What kind of concern is it?"),
                           choices=[SelectChoice("", _l("Choose…"))]
                           + [SelectChoice(c.value, label) for c, label in CATEGORY_LABELS.items()],
                           validators=[DataRequired(message=_l("Choose what it is about."))])
    subject = StringField(_l("In short: what is it about?"), filters=[clean],
                          validators=[DataRequired(message=_l("Write a few words about what it is about.")),
                                      Length(max=200)])
    description = TextAreaField(_l("Tell what happened, in your own words."), filters=[clean],
                                validators=[DataRequired(message=_l("Tell what happened.")), Length(max=10000)],
                                render_kw={"rows": 7},
                                description=_l("Who, what, where and when, as far as you know. Only the confidential "
                                               "counsellor reads this."))
    photos = MultipleFileField(_l("Photos (optional, at most 3)"),
                               render_kw={"accept": "image/jpeg,image/png,image/webp"},
                               description=_l("We remove the place and time stored in the photo."))
    anonymous = BooleanField(_l("I want to stay anonymous"), default=True)
    reporter_name = StringField(_l("Your name"), validators=[Optional(), Length(max=160)], filters=[clean])
    reporter_contact = StringField(_l("Phone or e-mail (optional)"), validators=[Optional(), Length(max=160)],
                                   filters=[clean])
    secret = PasswordField(_l("Choose a secret (at least 8 characters)"),
                           validators=[DataRequired(message=_l("Choose a secret.")), Length(max=200)],
                           render_kw={"autocomplete": "new-password"},
                           description=_l("With your case code and this secret you read the answers. Write it down: "
                                          "nobody can look it up for you."))


class MailboxLoginForm(FlaskForm):
    code = StringField(_l("Case code"), validators=[DataRequired(message=_l("Enter your case code.")), Length(max=30)],
                       render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})
    secret = PasswordField(_l("Your secret"), validators=[DataRequired(message=_l("Enter your secret.")),
                                                          Length(max=200)],
                           render_kw={"autocomplete": "current-password"})


class ReplyForm(FlaskForm):
    body = TextAreaField(_l("Your message"), filters=[clean], render_kw={"rows": 4},
                         validators=[DataRequired(message=_l("Write a message.")), Length(max=10000)])


class HandlerMessageForm(FlaskForm):
    kind = SelectField(_l("Who is this for?"), default=MessageKind.TO_REPORTER.value,
                       choices=[SelectChoice(MessageKind.TO_REPORTER.value, _l("To the reporter")),
                                SelectChoice(MessageKind.INTERNAL_NOTE.value, _l("Internal note"))],
                       validators=[DataRequired()],
                       description=_l("The reporter reads your messages to the reporter, never an internal note."))
    body = TextAreaField(_l("Message"), filters=[clean], render_kw={"rows": 5},
                         validators=[DataRequired(message=_l("Write a message.")), Length(max=10000)])
    is_feedback = BooleanField(_l("This message is the feedback: what was done with the report"))


class SimpleForm(FlaskForm):
    """A button (close) with its CSRF token."""


class SettingsForm(FlaskForm):
    document_id = SelectField(_l("Document with the reporting procedure"), coerce=optional_id,
                              validate_choice=False,
                              description=_l("A published document from document control. The page shows its "
                                             "current version; a new version shows as soon as it is published."))
