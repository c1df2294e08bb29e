"""The HTTP edge: request ids, the permission check, security headers, sessions and error pages."""
import re
import secrets

from flask import Flask, abort, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .audit import services as audit
from .database import (MAX_ID, SAFE_METHODS, SAVE_UNKNOWN, SAVED, commit_state, database_busy, expect_writes,
                       lost_connection)
from .extensions import db, login_manager
from .permissions import AccessRefused, enforce_route_permission, has_permission
from .uploads.services import UploadRejected

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
       "frame-ancestors 'none'")

ERROR_TEXT = {
    400: (_l("Bad request"), _l("The request could not be understood. Please check what you entered.")),
    403: (_l("No access"), _l("You do not have permission to open this page.")),
    404: (_l("Not found"), _l("This page does not exist, or you do not have access to it.")),
    405: (_l("Not allowed"), _l("This action is not possible here.")),
    413: (_l("File too large"), _l("The file or form you sent is larger than allowed.")),
    429: (_l("Too many attempts"), _l("Please wait a while before you try again.")),
    500: (_l("Something went wrong"), _l("An unexpected error occurred. Nothing was saved; please try again.")),
    503: (_l("Something went wrong"), _l("The connection to the database was lost. Nothing was saved; please try "
                                         "again.")),
}
BUSY_TEXT = _l("The database is busy right now. Nothing was saved; please try again in a moment.")
#: A failed page that only reads (GET) changed nothing: a GET never writes.
READ_ERROR_TEXT = _l("An unexpected error occurred. Nothing was changed; please try again.")
#: What a failure page says when the request had committed, or had started to: never "nothing was lost"
#: when that is not known (see qms.database.commit_state).
SAVE_TEXT = {
    SAVE_UNKNOWN: _l("An error occurred while saving, so we cannot tell whether it was saved. Check it before you "
                     "send it again."),
    SAVED: _l("What you sent was saved, but the page could not be shown. Check the result before you send it "
              "again."),
}

SKIP_FIELDS = {"csrf_token", "password", "current_password", "new_password", "confirm_password"}
#: Field names that are never echoed back on the expired-form page, whatever the form calls them.
SECRET_FIELD = re.compile(r"pass|secret|token|(^|_)(pin|otp|totp)(_|$)", re.IGNORECASE)
#: A request id taken from a proxy's X-Request-ID header; anything else is replaced by our own.
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str):
        from .api import is_api_request
        from .auth.models import User

        if is_api_request():
            return None  # a session cookie never authenticates the API: only a token does (no CSRF there)
        try:
            uid, version = (int(part) for part in user_id.split(":", 1))
        except ValueError:
            return None
        from sqlalchemy import select
        from sqlalchemy.orm import joinedload

        # The user with their roles in one query: every request asks (no second query for the roles).
        user = db.session.execute(select(User).options(joinedload(User.roles)).where(User.id == uid)) \
            .unique().scalar_one_or_none() if 0 < uid <= MAX_ID else None
        if user is None or not user.active or user.session_version != version:
            return None
        from .auth import sessions

        if not sessions.check(user):  # the server-side record: open, not idle, not past its lifetime
            return None
        return user

    @app.before_request
    def start_request():
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if REQUEST_ID.fullmatch(given) else secrets.token_hex(8)
        if current_user.is_authenticated:
            audit.set_actor(current_user.id, current_user.email)
            get_locale()  # settled now: a message after the view's commit needs no further database read
        refused = enforce_route_permission()
        if refused is None and _has_nul_byte():
            abort(400)  # no database stores a NUL in text; refuse it for every form at once
        return refused

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "geolocation=(), microphone=(), camera=(self)"
        response.headers["X-Request-ID"] = g.get("request_id", "")
        if app.config["SESSION_COOKIE_SECURE"]:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if current_user.is_authenticated and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
        return response

    from .i18n import template_filters

    app.jinja_env.filters.update(template_filters())

    def openable(endpoint: str) -> bool:
        """``endpoint is openable``: the current user may open that page (see qms.navigation.may_open)."""
        from .navigation import may_open

        return may_open(endpoint)

    app.jinja_env.tests["openable"] = openable

    @app.context_processor
    def template_helpers():
        from .navigation import may_open, menu, menu_groups
        from .norms import registry

        return {"can": lambda name: has_permission(current_user, name), "menu": menu, "menu_groups": menu_groups,
                "may_open": may_open,
                "current_locale": lambda: str(get_locale() or "nl"),
                "entity_type_name": audit.entity_type_name, "enabled_norms": lambda: list(registry())}

    @app.errorhandler(CSRFError)
    def csrf_expired(error):
        """Keep what the user typed: show it again in a fresh form that posts to the same address."""
        db.session.rollback()
        kept = [(k, v) for k, v in request.form.items(multi=True)
                if k not in SKIP_FIELDS and not SECRET_FIELD.search(k)]
        return render_template("errors/csrf.html", kept=kept, action=_same_site_path(),
                               had_files=bool(request.files)), 400

    @app.errorhandler(UploadRejected)
    def upload_rejected(error: UploadRejected):
        """Views show the message next to their file field; this is the fallback for one that does not."""
        db.session.rollback()
        return render_template("errors/error.html", code=400, title=_l("File not accepted"), text=error.message,
                               request_id=g.get("request_id")), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        from .api import is_api_request, json_error

        if is_api_request():  # an unknown API address or method: JSON too (API routes answer their own)
            return json_error(error)
        if error.code in (401, 403) or isinstance(error, AccessRefused):
            _record_refusal(error.code or 403)
        if error.code == 401:
            return login_manager.unauthorized()
        if error.code == 405 and request.method == "GET":
            return redirect(url_for("core.dashboard"))
        return _error_page(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        db.session.rollback()
        app.logger.exception("request %s failed", g.get("request_id"))
        if database_busy(error):
            return _error_page(503, BUSY_TEXT)
        return _error_page(503 if lost_connection(error) else 500)


def _same_site_path() -> str:
    """The current path and query, never starting with "//" (a browser reads that as another host)."""
    return "/" + request.full_path.rstrip("?").lstrip("/\\")


def _has_nul_byte() -> bool:
    values = list(request.args.values())
    if request.method in {"POST", "PUT", "PATCH"} and request.mimetype in {
            "application/x-www-form-urlencoded", "multipart/form-data"}:
        values += [v for _, v in request.form.items(multi=True)]
    return any("\x00" in v for v in values)


def _record_refusal(code: int) -> None:
    try:
        expect_writes()  # the refusal is written even on a GET: the next transaction takes the write lock
        db.session.rollback()
        audit.record(db.session, "access_refused", "route", request.endpoint,
                     new={"path": request.path, "method": request.method, "status": code})
        db.session.commit()
    except Exception:  # the refusal stands even if the trail cannot be written; the failure is logged
        db.session.rollback()
        from flask import current_app

        current_app.logger.exception("could not record refused access")


def _error_page(code: int, text: str | None = None):
    title, default = ERROR_TEXT.get(code, ERROR_TEXT[400 if code < 500 else 500])
    text = text or default
    if code >= 500 and request.method in SAFE_METHODS:
        text = READ_ERROR_TEXT
    elif code >= 500:
        text = SAVE_TEXT.get(commit_state(), text)
    return render_template("errors/error.html", code=code, title=title, text=text,
                           request_id=g.get("request_id")), code

