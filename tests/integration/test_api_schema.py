"""Schemathesis against the served OpenAPI document, with a token of each role.

For every operation in /api/v1/openapi.json, generated requests (a few per operation: the whole run stays well
under a minute per database) must give no server error, only documented status codes and content types, and
bodies that match the schema. And no role gets data beyond its rights: an operation whose route permission the
role does not hold never answers 2xx, and personal fields stay empty for roles that may not see them.
"""
import datetime as dt
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

from qms.api import PREFIX, offered_scopes, tokens
from qms.permissions import PERMISSIONS, PUBLIC, Role, roles_for
from tests.integration.api_data import make_company

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
#: Examples per operation and role: enough to reach every parameter, few enough for CI.
EXAMPLES = 3
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])


@pytest.fixture
def api_app(app_factory):
    application = app_factory(API_RATE_LIMIT="100000/minute")
    with application.app_context():
        yield application


def _token_for(user, app) -> str:
    """A real token, made the way the account page makes one: every scope the user is offered."""
    from qms.extensions import db

    offered = {key for key, _ in offered_scopes(user)}
    _row, plain = tokens.create(user, "fuzz", offered, dt.date.today() + dt.timedelta(days=2), offered)
    db.session.commit()
    return plain


def _permission(app, method: str, path: str) -> str | None:
    adapter = app.url_map.bind("localhost")
    endpoint, _ = adapter.match(path.split("?")[0], method=method)
    return getattr(app.view_functions[endpoint], "_qms_permission", None)


def test_the_document_is_openapi_3_1_and_lists_every_api_route(api_app, client):
    spec = client.get(f"{PREFIX}/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    documented = {(method.upper(), path) for path, ops in spec["paths"].items() for method in ops
                  if method != "parameters"}
    served = set()
    for rule in api_app.url_map.iter_rules():
        if rule.rule.startswith(PREFIX + "/") and rule.endpoint != "api_docs.openapi":
            path = rule.rule
            for name in rule.arguments:
                path = path.replace(f"<int:{name}>", "{" + name + "}")
            served |= {(m, path) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert served and served == documented
    assert spec["components"]["securitySchemes"]["token"]["scheme"] == "bearer"


def test_fuzz_every_operation_with_a_token_of_each_role(api_app, db, make_user):
    """Each generated request is sent once with the token of every role (generation is the slow part)."""
    users = {r: make_user(r) for r in Role}
    make_company(db, {r.value: u for r, u in users.items()})
    headers = {r: {"Authorization": f"Bearer {_token_for(u, api_app)}"} for r, u in users.items()}
    schema = schemathesis.openapi.from_wsgi(f"{PREFIX}/openapi.json", api_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25
    beyond: list[str] = []
    answered: dict[Role, int] = dict.fromkeys(Role, 0)

    for operation in operations:
        permission = _permission(api_app, operation.method.upper(), re.sub(r"\{[^}]+\}", "1", operation.path))

        @FUZZ
        @given(case=operation.as_strategy())
        def run(case):
            for role, role_headers in headers.items():
                response = case.call(headers=role_headers)
                case.validate_response(response, checks=CHECKS)
                holds = permission == PUBLIC or role in roles_for(permission)
                if response.status_code < 300:
                    answered[role] += 1
                    if not holds:
                        beyond.append(f"{role.value}: {case.method} {case.formatted_path}: {response.status_code} "
                                      f"without {permission}")
                if response.status_code == 200 and case.path.startswith(f"{PREFIX}/incidents") and \
                        role not in PERMISSIONS["incidents.view_persons"]:
                    body = response.json()
                    rows = body.get("items", [body]) if isinstance(body, dict) else []
                    if any(row.get("persons_text") or row.get("reporter_name") for row in rows):
                        beyond.append(f"{role.value}: {case.method} {case.formatted_path}: names shown")

        run()
    assert not beyond, "\n".join(beyond)
    assert all(answered.values()), f"a role got no successful answer at all: {answered}"
