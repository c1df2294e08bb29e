"""The installable field app: web app manifest, service worker, a fresh security token for queued forms.

Packages name the pages a person needs without a connection with :func:`register_offline_page`; the service
worker keeps the last good copy of those pages (and only those), so the core never names a norm's pages.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask import Flask

EXTENSION = "qms.offline"
#: A registered path: "/" segments of letters, digits, "-", "_", ".", or "*" for one segment of any value.
PATH = re.compile(r"/(?:[A-Za-z0-9._*-]+/?)*")


@dataclass
class OfflinePages:
    """Per app: the paths kept for use without a connection and the package assets they need."""

    #: Paths as registered: exact, "*" for one path segment, a trailing "/" for everything under it.
    paths: list[str] = field(default_factory=list)
    #: (static endpoint, file name) of package scripts and stylesheets those pages load.
    assets: list[tuple[str, str]] = field(default_factory=list)


def pages(app: Flask) -> OfflinePages:
    return app.extensions.setdefault(EXTENSION, OfflinePages())


def register_offline_page(app: Flask, path: str, *, assets: tuple[tuple[str, str], ...] = ()) -> None:
    """Keep ``path`` available offline (the last copy opened online). ``*`` stands for one path segment
    (``/vca/toolbox/*/sign``); a path ending in ``/`` covers everything below it."""
    if not PATH.fullmatch(path) or "**" in path or {".", ".."} & set(path.split("/")):
        raise ValueError(f"not an offline page path: {path!r}")
    registered = pages(app)
    if path not in registered.paths:
        registered.paths.append(path)
    for asset in assets:
        if asset not in registered.assets:
            registered.assets.append(asset)


def path_pattern(path: str) -> str:
    """The registered path as a regular expression over a URL path (the service worker uses the same)."""
    prefix = path.endswith("/")
    body = "[^/]+".join(re.escape(part) for part in path.split("*"))
    return "^" + body + (".*$" if prefix else "$")


def init_app(app: Flask) -> None:
    from .views import bp

    pages(app)
    app.register_blueprint(bp)
