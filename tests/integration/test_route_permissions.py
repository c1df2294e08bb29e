"""Every route declares a permission, and the declaration is what the server enforces.

The walk covers every rule in ``app.url_map`` (norm blueprints included), so a new view is checked the
moment it is registered. URL arguments are filled with dummy values; a 404 for an id that does not exist is
an acceptable answer, a 200 to someone without the permission or a 500 to anyone is not.
"""
import ast
import pathlib
import uuid

import pytest
from werkzeug.routing import AnyConverter, FloatConverter, IntegerConverter, UUIDConverter

from qms.api import PREFIX as API_PREFIX
from qms.permissions import AUTHENTICATED, PERMISSIONS, PUBLIC, Role, roles_for

QMS_DIR = pathlib.Path(__file__).resolve().parents[2] / "qms"
#: Norm packages inside qms/: the named ones plus any subpackage that carries a catalogue/ folder.
NORM_PACKAGES = {"iso9001", "vca", "pso"} | {p.parent.name for p in QMS_DIR.glob("*/catalogue") if p.is_dir()}
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
#: Refusals that are fine for a user without the permission: forbidden, or hidden as not found / not allowed.
REFUSED = {403, 404, 405}


def _is_static(endpoint: str) -> bool:
    return endpoint == "static" or endpoint.endswith(".static")


def _dummy(converter) -> object:
    if isinstance(converter, IntegerConverter):
        return 1
    if isinstance(converter, FloatConverter):
        return 1.0
    if isinstance(converter, UUIDConverter):
        return uuid.UUID(int=1)
    if isinstance(converter, AnyConverter):
        return sorted(converter.items)[0] if hasattr(converter, "items") else "x"
    return "x"


def _url(app, rule) -> str:
    """A concrete URL for ``rule`` with dummy values, checked to route back to the same endpoint."""
    converters = getattr(rule, "_converters", {})
    values = {name: _dummy(converters.get(name)) for name in rule.arguments}
    values.update(rule.defaults or {})
    built = rule.build(values, append_unknown=False)
    assert built is not None, f"could not build a URL for {rule.rule}"
    path = built[1]
    endpoint, _ = app.url_map.bind("localhost").match(path, method=sorted(rule.methods & set(METHODS))[0])
    assert endpoint == rule.endpoint, f"{path} routes to {endpoint}, not {rule.endpoint}"
    return path


def _rules(app):
    """(rule, url, declared permission, methods) for every non-static rule."""
    out = []
    for rule in app.url_map.iter_rules():
        if _is_static(rule.endpoint):
            continue
        view = app.view_functions[rule.endpoint]
        methods = sorted(rule.methods & set(METHODS))
        out.append((rule, _url(app, rule), getattr(view, "_qms_permission", None), methods))
    return sorted(out, key=lambda item: (item[0].rule, item[0].endpoint))


def _request(client, method: str, url: str, token: str | None = None):
    """A request as the logged-in user: through the session for pages, with the user's token for the API
    (a session never authenticates the API)."""
    if url.startswith(API_PREFIX + "/"):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return client.open(url, method=method, json={} if method != "GET" else None, headers=headers)
    return client.open(url, method=method, data={} if method != "GET" else None)


def _role_holds(role: Role, permission: str | None) -> bool:
    if permission in (PUBLIC, AUTHENTICATED):
        return True
    if permission is None:
        return False
    return role in roles_for(permission)


def test_the_walk_finds_the_core_routes(app):
    endpoints = {rule.endpoint for rule, *_ in _rules(app)}
    assert {"core.dashboard", "auth.login", "auth.logout", "admin.users", "audit.index"} <= endpoints
    # the speak-up channel: public for the reporter, the counsellor's cases, figures and the procedure setting
    assert {"speakup.report", "speakup.thanks", "speakup.procedure", "speakup.mailbox_login", "speakup.mailbox",
            "speakup.mailbox_reply", "speakup.mailbox_leave", "speakup.cases", "speakup.case", "speakup.message",
            "speakup.close", "speakup.figures", "speakup.settings", "speakup.photo"} <= endpoints


def test_speakup_reports_are_declared_for_the_counsellor_alone(app):
    declared = {rule.endpoint: perm for rule, _, perm, _ in _rules(app) if rule.endpoint.startswith("speakup.")}
    for endpoint in ("speakup.cases", "speakup.case", "speakup.message", "speakup.close", "speakup.photo"):
        assert declared[endpoint] == "speakup.handle" and roles_for("speakup.handle") == {Role.COUNSELLOR}
    for endpoint in ("speakup.report", "speakup.mailbox_login", "speakup.mailbox", "speakup.procedure"):
        assert declared[endpoint] == PUBLIC  # a reporter needs no account


def test_the_walk_finds_the_hazardous_substances_routes(app):
    """The register of hazardous substances (qms/vca/substances) has its own blueprint: it is in the walk, and its
    card routes are open to every role while the register itself is not."""
    found = {rule.endpoint: perm for rule, _, perm, _ in _rules(app) if rule.endpoint.startswith("substances.")}
    assert {"substances.index", "substances.product", "substances.product_new", "substances.sheet_upload",
            "substances.cmr_save", "substances.card", "substances.card_pdf", "substances.card_confirm",
            "substances.cards", "substances.cmr_import", "substances.cmr_confirm", "substances.export_csv",
            "substances.export_xlsx", "substances.reference_page"} <= found.keys()
    assert found["substances.card_confirm"] == "vca.substances.card" and Role.STAFF in roles_for(found["substances.card"])
    assert Role.STAFF not in roles_for(found["substances.index"])
    assert roles_for(found["substances.cmr_import"]) == {Role.ADMIN}


def test_the_walk_covers_the_api(app):
    """The API routes are in the walk (asked with a token), and each declares a token scope besides its
    permission."""
    api = [(rule, perm) for rule, _, perm, _ in _rules(app) if rule.rule.startswith(API_PREFIX + "/")]
    endpoints = {rule.endpoint for rule, _ in api}
    assert {"api_incidents.list_incidents", "api_incidents.report_incident", "api_incidents.change_state",
            "api_documents.confirm_read", "api_organisation.list_employees", "api_pso.get_score_persons",
            "api_docs.openapi"} <= endpoints
    unscoped = [rule.endpoint for rule, perm in api
                if perm != PUBLIC and getattr(app.view_functions[rule.endpoint], "_qms_api_scope", None) is None]
    assert not unscoped, f"API routes without @scope: {unscoped}"


def test_every_route_declares_a_permission(app):
    undeclared = sorted(f"{rule.endpoint} ({rule.rule})" for rule, _, perm, _ in _rules(app) if perm is None)
    assert not undeclared, "routes without @requires/@public:\n  " + "\n  ".join(undeclared)


def test_every_declared_permission_is_known(app):
    from qms.norms import registry

    known = {*PERMISSIONS, *registry(app).permissions, PUBLIC, AUTHENTICATED}
    unknown = sorted(
        f"{rule.endpoint}: {perm!r}" for rule, _, perm, _ in _rules(app)
        if perm is not None and perm not in known
    )
    assert not unknown, "routes declaring an unknown permission:\n  " + "\n  ".join(unknown)


def test_anonymous_visitors_are_sent_to_login_or_refused(app, client):
    problems = []
    for rule, url, perm, methods in _rules(app):
        if perm == PUBLIC:
            continue
        for method in methods:
            response = _request(client, method, url)
            status = response.status_code
            if status == 302:
                location = response.headers.get("Location", "")
                if not location.split("?", 1)[0].endswith("/login"):
                    problems.append(f"{method} {url} ({rule.endpoint}): redirects to {location}, not to /login")
            elif status not in {401} | REFUSED:
                problems.append(f"{method} {url} ({rule.endpoint}): {status}")
    assert not problems, "anonymous requests that were not refused:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_each_role_is_refused_what_it_does_not_hold(app, client, make_user, login_as, api_token, role):
    for other in Role:  # ids 1…n exist, so dummy ids hit real rows for some routes
        make_user(other)
    token = api_token(login_as(role))  # every scope: only the route permission stands between role and route
    problems = []
    for rule, url, perm, methods in _rules(app):
        if _role_holds(role, perm):
            continue
        for method in methods:
            status = _request(client, method, url, token).status_code
            if status not in REFUSED:
                problems.append(f"{method} {url} ({rule.endpoint}, needs {perm}): {status}")
    assert not problems, f"{role.value} was not refused:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_each_role_can_open_what_it_holds_without_errors(app, client, make_user, login_as, api_token, role):
    for other in Role:
        make_user(other)
    token = api_token(login_as(role))
    problems = []
    for rule, url, perm, methods in _rules(app):
        if "GET" not in methods or not _role_holds(role, perm):
            continue
        status = _request(client, "GET", url, token).status_code
        if status >= 500 and status != 503:
            problems.append(f"GET {url} ({rule.endpoint}, {perm}): {status}")
    assert not problems, f"{role.value} holds the permission but got:\n  " + "\n  ".join(problems)


# --- the direction of the arrows: the core never imports a norm ---------------------------------

def _module_name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(QMS_DIR.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported_modules(path: pathlib.Path) -> list[tuple[int, str]]:
    """Absolute names of every module imported by ``path`` (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            found.append((node.lineno, prefix))
            found += [(node.lineno, f"{prefix}.{alias.name}") for alias in node.names]
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)
              and getattr(node.func, "attr", getattr(node.func, "id", None)) in {"import_module", "__import__"}):
            found.append((node.lineno, node.args[0].value))
    return found


def _is_norm(module: str) -> bool:
    parts = module.split(".")
    return len(parts) >= 2 and parts[0] == "qms" and parts[1] in NORM_PACKAGES


def test_the_scan_recognises_a_norm_import(tmp_path):
    assert _is_norm("qms.vca.models") and _is_norm("qms.pso") and not _is_norm("qms.norms")
    assert {"iso9001", "vca", "pso"} <= NORM_PACKAGES


def test_the_core_never_imports_a_norm_package():
    offenders = []
    for path in sorted(QMS_DIR.rglob("*.py")):
        top = path.relative_to(QMS_DIR).parts[0]
        if top in NORM_PACKAGES:
            continue
        for line, name in _imported_modules(path):
            if _is_norm(name):
                offenders.append(f"{path.relative_to(QMS_DIR.parent)}:{line} imports {name}")
    assert not offenders, ("the core must ask the norm registry instead of importing a norm:\n  "
                           + "\n  ".join(offenders))
