"""QMS: quality management for ISO 9001, VCA and PSO.

``create_app`` only wires things together: configuration, extensions, core blueprints, the norm registry
and the CLI. Behaviour lives in the packages.
"""
import os
import pathlib

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import norms
from .extensions import babel, csrf, db, login_manager, migrate

MIGRATIONS_DIR = pathlib.Path(__file__).resolve().parent.parent / "migrations"


def create_app(config_name: str | None = None, **overrides) -> Flask:
    from config import CONFIGS, INSTANCE_DIR

    config_name = config_name or os.environ.get("QMS_ENV", "development")
    if config_name not in CONFIGS:
        raise RuntimeError(f"QMS_ENV={config_name!r} is not one of {', '.join(sorted(CONFIGS))}")
    config_class = CONFIGS[config_name]
    if hasattr(config_class, "check"):
        config_class.check()

    app = Flask(__name__, instance_path=str(INSTANCE_DIR), instance_relative_config=False)
    app.config.from_object(config_class)
    app.config.update(overrides)
    pathlib.Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    from . import models  # noqa: F401  (every core table is known before migrations and create_all)
    from .i18n import select_locale, select_timezone, translation_directories

    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", ";".join(translation_directories()))

    db.init_app(app)
    from . import database
    database.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    login_manager.init_app(app)

    from . import jobs
    jobs.init_app(app)

    from . import web
    web.init_app(app)

    from .actions.views import bp as actions_bp
    from .audits.views import bp as audits_bp
    from .reviews.views import bp as reviews_bp
    from .admin.views import bp as admin_bp
    from .audit.views import bp as audit_bp
    from .auth.views import bp as auth_bp
    from .catalogue.views import bp as catalogue_bp
    from .core.views import bp as core_bp
    from .documents.views import bp as documents_bp
    from .incidents.views import bp as incidents_bp
    from .evidence.views import bp as evidence_bp
    from .notifications.views import bp as notifications_bp
    from .organisation.views import bp as organisation_bp
    from .uploads.views import bp as uploads_bp
    from .speakup.views import bp as speakup_bp
    from .suppliers.views import bp as suppliers_bp
    from .training.views import bp as training_bp
    from .quality_measurement.views import bp as measurement_bp

    for blueprint in (core_bp, auth_bp, admin_bp, audit_bp, catalogue_bp, organisation_bp, uploads_bp,
                      notifications_bp, actions_bp, audits_bp, training_bp, suppliers_bp, evidence_bp, incidents_bp,
                      reviews_bp, documents_bp, speakup_bp, measurement_bp):
        app.register_blueprint(blueprint)

    from . import api
    api.init_app(app)

    from .core import imports as bulk_imports
    bulk_imports.init_app(app)
    from . import offline
    offline.init_app(app)
    norms.init_app(app)

    from .cli import qms_cli
    app.cli.add_command(qms_cli)
    return app
