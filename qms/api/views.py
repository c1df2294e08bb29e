"""Pages for personal access tokens: a user's own (under the account) and every token (administrator)."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..core.loaders import get_row
from ..database import paginate
from ..extensions import db
from ..permissions import has_permission, require, requires
from . import offered_scopes, tokens
from .forms import TokenForm
from .models import ApiToken

bp = Blueprint("api_tokens", __name__, template_folder="templates")


def load_token(token_id: int) -> ApiToken:
    """The token, if the user may manage it: their own, or any for an administrator (404 otherwise)."""
    token = get_row(ApiToken, token_id)
    require(token is not None and (token.user_id == current_user.id or has_permission(current_user, "users.manage")))
    return token


def _form() -> TokenForm:
    form = TokenForm()
    form.scopes.choices = [(key, f"{area.label} — {_('write') if key.endswith(':write') else _('read')}")
                           for key, area in offered_scopes(current_user)]
    return form


@bp.route("/account/tokens", methods=["GET", "POST"])
@requires("account.manage_own")
def index():
    form = _form()
    created = None
    if form.validate_on_submit():
        try:
            token, plain = tokens.create(current_user, form.name.data, set(form.scopes.data or ()),
                                         form.expires_on.data, {key for key, _area in offered_scopes(current_user)})
        except tokens.TokenError as error:
            db.session.rollback()
            getattr(form, error.field).errors = list(getattr(form, error.field).errors) + [error.message]
        else:
            db.session.commit()
            created = (token, plain)  # shown on this answer only: the token is not stored, so never again
            form = _form()
            form.name.data = ""
    return render_template("api/tokens.html", form=form, created=created, tokens=tokens.tokens_of(current_user))


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@requires("account.manage_own")
def revoke(token_id: int):
    token = load_token(token_id)
    tokens.revoke(token, current_user)
    db.session.commit()
    flash(_("The token “%(name)s” has been revoked.", name=token.name), "success")
    if token.user_id != current_user.id:
        return redirect(url_for("api_tokens.admin_index"))
    return redirect(url_for("api_tokens.index"))


@bp.route("/admin/api-tokens")
@requires("users.manage")
def admin_index():
    from flask import request

    stmt = select(ApiToken).order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
    page = paginate(stmt, request.args.get("page", 1), per_page=50)
    return render_template("api/admin_tokens.html", page=page)
