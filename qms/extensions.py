"""Flask extensions, created unbound and initialised in create_app()."""
import click
from flask_babel import Babel
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


class _MigrateOnDemand:
    """``app.extensions["migrate"]`` until something asks for it: then Flask-Migrate (and Alembic, a third of a
    second of a worker's start) is imported and set up as usual. Serving requests never asks."""

    def __init__(self, app, kwargs: dict):
        self.__dict__.update(_app=app, _kwargs=kwargs, _real=None)

    def _target(self):
        if self._real is None:
            from flask_migrate import Migrate

            Migrate(self._app, **self._kwargs)
            self.__dict__["_real"] = self._app.extensions["migrate"]
        return self._real

    def __getattr__(self, name):
        return getattr(self._target(), name)

    def __setattr__(self, name, value):
        setattr(self._target(), name, value)


class _DbCommands(click.Group):
    """``flask db …``: Flask-Migrate's own command group, imported when the command line runs it."""

    @staticmethod
    def _group() -> click.Group:
        from flask_migrate.cli import db as group

        return group

    def make_context(self, info_name, args, parent=None, **extra):
        return self._group().make_context(info_name, args, parent=parent, **extra)

    def list_commands(self, ctx):
        return self._group().list_commands(ctx)

    def get_command(self, ctx, name):
        return self._group().get_command(ctx, name)


class LazyMigrate:
    """Flask-Migrate's ``Migrate`` with the same ``init_app``, imported only when a migration is run."""

    def init_app(self, app, db=None, **kwargs) -> None:
        app.extensions["migrate"] = _MigrateOnDemand(app, dict(kwargs, db=db))
        app.cli.add_command(_DbCommands("db", help="Perform database migrations."))


migrate = LazyMigrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
