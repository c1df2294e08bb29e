"""Fuzzing every form of every role, and the query strings of every list page: no answer is a 500.

Each role follows the links it is shown on the demo company (tests/integration/demo_site.py) and every form it
meets is posted to its action with generated values: empty, huge, unicode, negative, ``inf``, ``nan``,
``1e309``, integers beyond a database column, choices that are not offered, impossible dates, fields left
out and fields added. GET forms (the list filters) are fuzzed the same way through the query string.

Bounded for CI: FUZZ_EXAMPLES cases per form (default 4), derandomised so a run is reproducible; set
FUZZ_EXAMPLES higher (and FUZZ_RANDOM=1 for fresh cases) to search harder locally.
"""
from __future__ import annotations

import io
import os
from urllib.parse import urlencode, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qms.permissions import Role

from .demo_site import PageForm, build_demo_app, crawl, dispose, endpoint_of, login

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
DERANDOMIZE = os.environ.get("FUZZ_RANDOM", "") != "1"
#: Forms whose purpose is to end the session or to log in; posting them tells nothing about input handling.
SKIPPED_ENDPOINTS = {"auth.logout", "auth.login", "core.language"}
#: Admin is fuzzed last: its forms deactivate and change other users, which would end the other roles' runs.
ROLE_ORDER = [Role.STAFF, Role.AUDITOR, Role.HR, Role.COORDINATOR, Role.ADMIN]

NASTY = [
    "", " ", "0", "-1", "-0", "1.5", "-999999999999", "2147483647", "2147483648", "-2147483649", "9" * 40,
    "1e309", "-1e309", "inf", "-inf", "Infinity", "nan", "NaN", "sNaN", "1e-400", "0x10", "1_000", "１２３",
    "abc", "not-a-choice", "None", "true", "[]", "{}",
    "2024-02-30", "0000-00-00", "0001-01-01", "9999-12-31", "99999-01-01", "2024-13-01", "1900-01-01T25:61",
    "2026-12-03T10:00", "-2026-01-01",
    "x" * 5000, "ü" * 300, "Ünïcødé ✓ 🧹 \u202e gëlukt", "\u00a0\u2003", "line\r\nbreak", "<script>x</script>",
    "=1+1", "'; DROP TABLE users; --", "%", "_", "\\", "..", "../../etc/passwd",
]
MISSING = object()


def _field_values(form_field) -> st.SearchStrategy:
    choices = [st.sampled_from(NASTY), st.text(max_size=40)]
    if form_field.value:
        choices.append(st.just(form_field.value))
    if form_field.options:
        choices.append(st.sampled_from(form_field.options))
    single = st.one_of(*choices)
    if form_field.kind in ("select-multiple", "checkbox"):
        return st.one_of(st.just(MISSING), single, st.lists(single, max_size=3))
    return st.one_of(st.just(MISSING), single, st.lists(single, min_size=2, max_size=2))


def _payload(data, form: PageForm) -> dict:
    payload: dict = {}
    for form_field in form.fields:
        if form_field.name == "csrf_token":
            payload[form_field.name] = form_field.value
            continue
        if form_field.kind == "file":
            if data.draw(st.booleans()):
                content = data.draw(st.sampled_from([b"", b"not an image", b"%PDF-1.4\n%%EOF\n", b"\x89PNG\r\n"]))
                payload[form_field.name] = (io.BytesIO(content), data.draw(st.sampled_from(
                    ["x.pdf", "x.jpg", "../x.exe", "ü.png", ""])))
            continue
        value = data.draw(_field_values(form_field))
        if value is not MISSING:
            payload.setdefault(form_field.name, [])
            payload[form_field.name] += value if isinstance(value, list) else [value]
    if data.draw(st.booleans()):
        payload[data.draw(st.sampled_from(["extra", "id", "csrf_token_", "role", "is_admin"]))] = \
            data.draw(st.sampled_from(NASTY))
    return payload


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    app = build_demo_app(tmp_path_factory.mktemp("fuzz"))
    app.config["PROPAGATE_EXCEPTIONS"] = False
    clients = {role: login(app, role) for role in Role}
    crawls = {role: crawl(app, clients[role], role, per_endpoint=1) for role in Role}
    yield app, clients, crawls
    dispose(app)


def _unique_forms(app, crawls, method: str) -> list[tuple[Role, str, PageForm]]:
    """One form per (role, endpoint of its action, field names), in ROLE_ORDER."""
    found, seen = [], set()
    for role in ROLE_ORDER:
        for form in crawls[role].forms:
            parts = urlsplit(form.action)
            if form.method != method or parts.netloc not in ("", "localhost"):
                continue
            endpoint = endpoint_of(app, parts.path, method)
            if endpoint is None or endpoint in SKIPPED_ENDPOINTS:
                continue
            key = (role, endpoint, tuple(sorted(f.name for f in form.fields)))
            if key not in seen:
                seen.add(key)
                found.append((role, parts.path, form))
    return found


def _send(app, clients, role, method: str, url: str, payload: dict):
    client = clients[role]
    has_file = any(isinstance(v, tuple) for v in payload.values())
    try:
        if method == "GET":
            query = urlencode([(k, v) for k, values in payload.items() for v in values if isinstance(v, str)])
            response = client.get(f"{url}?{query}")
        else:
            response = client.post(url, data=payload, content_type="multipart/form-data" if has_file else None)
        status = response.status_code
        response.get_data()
    except Exception as error:  # noqa: BLE001 - an error while streaming the body
        return 500, repr(error)
    if status == 302 and urlsplit(response.headers.get("Location", "")).path == "/login":
        clients[role] = login(app, role)  # the form ended the session (e.g. "log out everywhere")
    return status, ""


def _fuzz(app, clients, method: str, forms) -> list[str]:
    problems: list[str] = []
    for role, url, form in forms:
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=DERANDOMIZE, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(st.data())
        def case(data):
            payload = _payload(data, form)
            status, error = _send(app, clients, role, method, url, payload)
            if status >= 500:
                shown = {k: (v if not isinstance(v, list) else [x[:60] for x in v if isinstance(x, str)])
                         for k, v in payload.items() if k != "csrf_token"}
                problems.append(f"{role.value} {method} {url}: {status} {error} with {shown}")

        case()
    return problems


def test_the_fuzzer_finds_forms_of_every_kind(site):
    app, _, crawls = site
    posted = {endpoint_of(app, urlsplit(f.action).path, "POST") for _, _, f in _unique_forms(app, crawls, "POST")}
    assert {"incidents.report", "documents.confirm", "admin.invite"} <= posted
    assert len(_unique_forms(app, crawls, "GET")) >= 10


#: Tried on every filter field on its own, the others as the page offered them.
ONE_BY_ONE = (" ", "9" * 40, "inf", "not-a-choice", "-1")


def test_no_list_filter_answers_a_server_error(site):
    app, clients, crawls = site
    forms = _unique_forms(app, crawls, "GET")
    problems = _fuzz(app, clients, "GET", forms)
    for role, url, form in forms:
        offered = {f.name: [f.value] for f in form.fields if f.kind not in ("submit", "file")}
        for name in offered:
            for value in ONE_BY_ONE:
                status, error = _send(app, clients, role, "GET", url, {**offered, name: [value]})
                if status >= 500:
                    problems.append(f"{role.value} GET {url}?{name}={value!r}: {status} {error}")
    # the page number of every paginated list that was reached, too
    pages = sorted({(role, urlsplit(url).path) for role in ROLE_ORDER for urls in crawls[role].urls.values()
                    for url in urls if "page=" in urlsplit(url).query})
    for role, url in pages:
        for value in ("-1", "0", "9" * 30, "1e309", "x"):
            status, error = _send(app, clients, role, "GET", url, {"page": [value]})
            if status >= 500:
                problems.append(f"{role.value} GET {url}?page={value}: {status} {error}")
    assert not problems, f"{len(problems)} server errors:\n  " + "\n  ".join(problems[:60])


def test_no_form_answers_a_server_error(site):
    app, clients, crawls = site
    problems = _fuzz(app, clients, "POST", _unique_forms(app, crawls, "POST"))
    assert not problems, f"{len(problems)} server errors:\n  " + "\n  ".join(problems[:60])
