from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from .passwords import MIN_LENGTH, RECOMMENDED_LENGTH


def single_line(value):
    """Field filter: trim, and drop control characters (a NUL byte cannot be stored in PostgreSQL)."""
    if not isinstance(value, str):
        return value
    return "".join(ch for ch in value if ch >= " " and ch != "\x7f").strip()


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=255)],
                       filters=[single_line], render_kw={"autocomplete": "username", "inputmode": "email"})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)],
                             render_kw={"autocomplete": "current-password"})
    next = HiddenField()


def _new_password_field() -> PasswordField:
    return PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=MIN_LENGTH, max=1024,
                                           message=_l("Use at least %(n)s characters.", n=MIN_LENGTH))],
        description=_l("At least %(n)s characters, %(r)s or more is better; any characters, spaces too. "
                       "A few unrelated words make a strong password.", n=MIN_LENGTH, r=RECOMMENDED_LENGTH),
        render_kw={"autocomplete": "new-password"},
    )


def _confirm_password_field() -> PasswordField:
    return PasswordField(
        _l("Repeat new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class SetPasswordForm(FlaskForm):
    """Choosing a password through an invitation or reset link."""

    new_password = _new_password_field()
    confirm_password = _confirm_password_field()


class PasswordChangeForm(FlaskForm):
    """Changing one's own password: the current one first, then the new one twice."""

    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=1024)],
                                     render_kw={"autocomplete": "current-password"})
    new_password = _new_password_field()
    confirm_password = _confirm_password_field()


class CodeForm(FlaskForm):
    """The second step: a code from the authenticator app or a recovery code, or a passkey's answer."""

    code = StringField(_l("Code"), validators=[Length(max=40)], filters=[single_line],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false"})
    passkey_answer = HiddenField()


class ConfirmForm(CodeForm):
    """Step-up for a user without a second factor: the password again."""

    password = PasswordField(_l("Password"), validators=[Length(max=1024)],
                             render_kw={"autocomplete": "current-password"})


class PasskeyForm(FlaskForm):
    name = StringField(_l("Name of this key"), validators=[DataRequired(), Length(max=80)], filters=[single_line])
    passkey_answer = HiddenField(validators=[DataRequired(), Length(max=20000)])


class BlankForm(FlaskForm):
    """A button that posts nothing but its CSRF token."""
