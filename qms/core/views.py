import functools
import pathlib
import tempfile

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import select, text

from ..audit.models import AuditEntry
from ..audit.views import ACTION_LABELS
from ..extensions import db
from ..norms import registry
from ..organisation.models import Company
from ..permissions import has_permission, public, requires
from ..urls import safe_next

bp = Blueprint("core", __name__, template_folder="templates")


@bp.app_template_global()
def export_url(endpoint: str, fmt: str, **values) -> str:
    """The export of the list on this page with the page's filters: its query string without the page number
    and without names url_for reserves (a crafted ``?endpoint=`` or ``_external=`` is dropped, never a 500)."""
    args = {k: v for k, v in request.args.items()
            if k not in ("page", "fmt", "endpoint", "values") and not k.startswith("_")}
    args.update(values)
    return url_for(endpoint, fmt=fmt, **args)


@bp.route("/")
@requires("dashboard.view")
def dashboard():
    from ..navigation import may_open
    from .dates import today
    from .tasks import tasks_for

    reg = registry()
    # "My tasks" first: only the sources this user's roles see are asked.
    tasks = tasks_for(current_user, today())
    # Only the figures this user sees are computed (a staff member's phone asks for none of the norms').
    kpis = [(norm, kpi.label, kpi.compute(),
             url_for(kpi.endpoint, **kpi.endpoint_args) if kpi.endpoint and may_open(kpi.endpoint) else None)
            for norm, kpi in reg.kpis()
            if kpi.permission is None or has_permission(current_user, kpi.permission)]
    company = db.session.scalar(select(Company).order_by(Company.id).limit(1))
    targets = company.targets if company else {}
    recent = []
    if has_permission(current_user, "audit_trail.view"):
        recent = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(8)).all()
    return render_template("core/dashboard.html", norms=list(reg), kpis=kpis, tasks=tasks,
                           company=company, targets=targets, recent=recent, action_labels=ACTION_LABELS)


@bp.route("/language", methods=["POST"])
@public
def set_language():
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated and current_user.locale != lang:
            current_user.locale = lang
            db.session.commit()
    return redirect(safe_next(request.form.get("next")) or url_for("core.dashboard"))


@bp.route("/healthz")
@public
def healthz():
    """Liveness: the process answers."""
    return jsonify(status="ok")


@bp.route("/.well-known/security.txt")
@public
def security_txt():
    """How to report a vulnerability (RFC 9116), from docs/security.txt (or SECURITY_TXT_FILE): the contact is
    SECURITY_CONTACT (default security@ this host), and the file expires 180 days after it was served."""
    import datetime as dt
    import pathlib

    path = pathlib.Path(current_app.config["SECURITY_TXT_FILE"])
    if not path.is_file():
        abort(404)
    base = (current_app.config.get("PUBLIC_URL") or request.host_url).rstrip("/")
    contact = current_app.config.get("SECURITY_CONTACT") or f"mailto:security@{request.host.split(':')[0]}"
    expires = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=180)).strftime("%Y-%m-%dT00:00:00Z")
    text = (path.read_text(encoding="utf-8").replace("{contact}", contact).replace("{expires}", expires)
            .replace("{base}", base))
    response = current_app.response_class(text, mimetype="text/plain")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.route("/readyz")
@public
def readyz():
    """Readiness: database reachable, migrations at head, upload folder writable."""
    checks = {"database": False, "migrations": False, "uploads": False}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = True
        current = db.session.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        checks["migrations"] = set(current) == _migration_heads()
    except Exception:
        db.session.rollback()
    folder = pathlib.Path(current_app.config["UPLOAD_FOLDER"])
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # A probe file of its own, so concurrent probes never delete each other's file.
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".readyz-") as probe:
            probe.write(b"ok")
            probe.flush()
        checks["uploads"] = True
    except OSError:
        pass
    ok = all(checks.values())
    return jsonify(status="ok" if ok else "unavailable", checks=checks), 200 if ok else 503


def _migration_heads() -> set[str]:
    return _heads_in(str(current_app.extensions["migrate"].directory))


@functools.lru_cache(maxsize=8)
def _heads_in(directory: str) -> frozenset[str]:
    """Heads of a migrations folder, read once per process: the scripts cannot change while it runs."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", directory)
    return frozenset(ScriptDirectory.from_config(cfg).get_heads())


from .lookup import bp as lookup_bp  # noqa: E402

bp.register_blueprint(lookup_bp)  # /lookup/<kind>: the search behind the long lists' inputs
