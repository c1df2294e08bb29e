"""Language choice (the user's saved preference, then the session's, then Dutch) and the message catalogues.

Every package may ship its own catalogue in ``<package>/translations/<lang>/LC_MESSAGES/messages.po``
(core strings live in ``qms/translations``); Flask-Babel merges them, so a feature or norm package carries
its own translations and adding a norm stays adding a package.
"""
import pathlib
from flask import current_app, session
from flask_login import current_user


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    user_locale = getattr(current_user, "locale", None) if current_user else None
    if user_locale in languages:
        return user_locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


QMS_DIR = pathlib.Path(__file__).resolve().parent


def translation_directories() -> list[str]:
    """The core catalogue folder first, then every package's own ``translations`` folder."""
    folders = [QMS_DIR / "translations"] + sorted(p for p in QMS_DIR.glob("*/translations") if p.is_dir())
    return [str(folder) for folder in folders]
