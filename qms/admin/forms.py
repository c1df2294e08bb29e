"""Forms of the user administration: shape only; the rules live in services.py."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, Form, SearchField, SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, Length
from markupsafe import Markup
from wtforms.widgets import CheckboxInput, html_params

from ..auth.forms import single_line
from ..forms import Optional
from ..permissions import Role


def role_choices() -> list[SelectChoice]:
    return [SelectChoice(role.value, role.label) for role in Role]


class CheckboxList:
    """Widget: the choices as a list of checkboxes (``ul.checks``); one may be ticked or several."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        kwargs["class"] = "checks"
        items = [Markup("<li>{} {}</li>").format(option(required=False), option.label()) for option in field]
        return Markup("<ul {}>{}</ul>").format(Markup(html_params(**kwargs)), Markup("").join(items))


class RolesField(SelectMultipleField):
    """Several roles per person, shown as a list of checkboxes."""

    widget = CheckboxList()
    option_widget = CheckboxInput()


def _name_field() -> StringField:
    return StringField(_l("Name"), validators=[DataRequired(), Length(max=200)], filters=[single_line],
                       render_kw={"autocomplete": "off"})


def _roles_field() -> RolesField:
    return RolesField(_l("Roles"), choices=role_choices,
                      validators=[DataRequired(message=_l("Choose at least one role."))])


class UserForm(FlaskForm):
    """Editing a user: the e-mail address is the login name and stays as it is."""

    name = _name_field()
    roles = _roles_field()


class InviteForm(FlaskForm):
    name = _name_field()
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(), Length(max=255),
                    Email(message=_l("Enter a valid e-mail address."), check_deliverability=False)],
        filters=[single_line], render_kw={"autocomplete": "off", "inputmode": "email"},
    )
    roles = _roles_field()


class ActionForm(FlaskForm):
    """A button that changes state: carries only the CSRF token."""


STATUS_CHOICES = [SelectChoice("all", _l("All")), SelectChoice("active", _l("Active")),
                  SelectChoice("inactive", _l("Deactivated"))]


class UserFilterForm(Form):
    """The list filters, read from the query string (no CSRF: it changes nothing)."""

    q = SearchField(_l("Name or e-mail"), validators=[Optional(), Length(max=200)], filters=[single_line])
    role = SelectField(_l("Role"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=STATUS_CHOICES, default="all", validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [SelectChoice("", _l("All roles")), *role_choices()]

    def clean(self) -> dict:
        """The valid filters; a malformed value is dropped rather than refused."""
        self.validate()
        return {name: (None if self[name].errors else self[name].data) for name in ("q", "role", "status")}


class TwoFactorPolicyForm(FlaskForm):
    """The roles that must use a second factor at every login."""

    roles = RolesField(_l("Roles that must use a second factor"), choices=role_choices)
