"""Supplier register forms: shape only; the rules live in services."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, Form, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Regexp

from ..forms import Optional
from ..organisation.forms import _digits_only, _sane_year, clean
from .models import schemes


class SupplierForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)], filters=[clean])
    supplies = StringField(_l("What we buy"), validators=[Optional(), Length(max=255)], filters=[clean],
                           description=_l("For example: cleaning agents, machines, temporary staff."))
    kvk_number = StringField(
        _l("KvK number"), filters=[_digits_only], render_kw={"inputmode": "numeric"},
        validators=[Optional(), Regexp(r"^\d{8}$", message=_l("A KvK number has exactly 8 digits."))])
    city = StringField(_l("City"), validators=[Optional(), Length(max=100)], filters=[clean])
    contact = StringField(_l("Contact person"), validators=[Optional(), Length(max=160)], filters=[clean])
    email = EmailField(_l("E-mail"), filters=[clean], validators=[
        Optional(), Length(max=255), Email(message=_l("Enter a valid e-mail address."), check_deliverability=False)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)], filters=[clean],
                        render_kw={"inputmode": "tel"})
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)], filters=[clean])


def scheme_choices() -> list[SelectChoice]:
    return [SelectChoice(code, label) for code, label in schemes().items()]


class CertificateForm(FlaskForm):
    scheme = SelectField(_l("Certificate"), choices=scheme_choices)
    level = StringField(_l("Level or version"), validators=[Optional(), Length(max=60)], filters=[clean],
                        description=_l("As printed on the certificate: the level or the version of the norm."))
    number = StringField(_l("Certificate number"), validators=[Optional(), Length(max=80)], filters=[clean])
    issuer = StringField(_l("Certifying body"), validators=[Optional(), Length(max=160)], filters=[clean])
    valid_until = DateField(_l("Valid until"), validators=[DataRequired(), _sane_year])


class SupplierFilterForm(Form):
    """The register's filters, read from the query string."""

    STATUSES = [SelectChoice("active", _l("In use")), SelectChoice("expiring", _l("Certificate expiring")),
                SelectChoice("inactive", _l("No longer in use")), SelectChoice("all", _l("All"))]

    q = StringField(_l("Name, city or product"), validators=[Optional(), Length(max=100)], filters=[clean])
    status = SelectField(_l("Status"), choices=STATUSES, default="active")
    scheme = SelectField(_l("Certificate"),
                         choices=lambda: [SelectChoice("", _l("Any"))] + scheme_choices())

    def valid_value(self, name: str):
        field = self[name]
        if field.errors or field.data in (None, ""):
            return None
        return field.data


class ConfirmForm(FlaskForm):
    """A button that only needs its CSRF token (remove a certificate)."""
