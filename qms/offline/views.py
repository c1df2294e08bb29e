"""The manifest, the service worker (served from the root so its scope is the whole app), the offline page and
a fresh form token for forms sent from the outbox."""
from __future__ import annotations

import hashlib
import json
import pathlib

from flask import Blueprint, current_app, jsonify, render_template, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from ..permissions import public
from . import pages, path_pattern

bp = Blueprint("offline", __name__, template_folder="templates")

#: The app shell: kept on install, so any page opened offline has its look, its scripts and the counter.
SHELL = ("qms.css", "qms.js", "lookup.js", "offline.js", "favicon.svg")


@bp.route("/manifest.webmanifest")
@public
def manifest():
    icon = url_for("static", filename="favicon.svg")
    body = {
        "name": _("QMS: quality, safety and incidents"),
        "short_name": "QMS",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b5d57",
        "lang": "nl",
        "icons": [{"src": icon, "sizes": "any", "type": "image/svg+xml", "purpose": "any"}],
    }
    response = current_app.response_class(json.dumps(body, ensure_ascii=False), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    return response


def _static_folder(endpoint: str) -> pathlib.Path:
    """The folder behind a static endpoint: the app's own ("static") or a blueprint's ("vca.static")."""
    owner = current_app.blueprints.get(endpoint.rsplit(".", 1)[0]) if "." in endpoint else current_app
    return pathlib.Path(getattr(owner, "static_folder", None) or "")


def _sw_config() -> dict:
    registered = pages(current_app)
    shell = [url_for("static", filename=name) for name in SHELL]
    shell += [url for url in (url_for(endpoint, filename=name) for endpoint, name in registered.assets)
              if url not in shell]
    version = hashlib.sha256()
    for name in SHELL:
        version.update((pathlib.Path(current_app.static_folder) / name).read_bytes())
    for endpoint, name in registered.assets:  # a changed package script is fetched again too
        path = _static_folder(endpoint) / name
        version.update(path.read_bytes() if path.is_file() else name.encode())
    version.update(json.dumps([registered.paths, shell]).encode())
    return {"version": version.hexdigest()[:16], "shell": shell, "offline_page": url_for("offline.offline_page"),
            "pages": [path_pattern(p) for p in registered.paths], "paths": registered.paths}


@bp.route("/sw.js")
@public
def service_worker():
    body = render_template("offline/sw.js", config=_sw_config())
    response = current_app.response_class(body, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache, max-age=0"
    return response


@bp.route("/offline")
@public
def offline_page():
    """Shown by the service worker for a page that is not kept on this device while there is no connection."""
    return render_template("offline/offline.html")


@bp.route("/csrf-token")
@public
def csrf_token():
    """A fresh form token for the outbox: a form kept on the phone may carry one that has expired."""
    response = jsonify(token=generate_csrf())
    response.headers["Cache-Control"] = "no-store"
    return response
