"""Every download (CSV, PDF, ZIP, stored files) answers 200 with a non-empty body of its type, for every role
that may use it, on the demo company.

The downloads are found by walking: each role follows the links it is shown (tests/integration/demo_site.py);
a route counts as a download when its URL says so (.csv, .pdf, .zip, /pdf, /file, /files/…) or when it answered
something other than HTML. The walk runs without an application context pushed, as a real server does, so a
body that reads the database after the view returned fails here as it fails in production.
"""
import io
import re

import pytest

from qms.permissions import Role

from .demo_site import (build_demo_app, crawl, dispose, endpoint_of, login, parse_forms, permission_of,
                        role_holds, start_urls)

#: URL rules that produce a download, recognised by their shape.
DOWNLOAD_RULE = re.compile(r"\.(csv|pdf|xlsx|zip)$|<any\((csv|pdf|zip)[^)]*\)[^/]*$|/(pdf|file|poster\.pdf)$|^/files/")
EXPECTED = {"csv": ("text/csv", b""), "pdf": ("application/pdf", b"%PDF"), "zip": ("application/zip", b"PK"),
            "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK")}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    app = build_demo_app(tmp_path_factory.mktemp("downloads"))
    app.config["PROPAGATE_EXCEPTIONS"] = False  # an error while streaming is a 500 here, as in production
    app.config["PUBLIC_URL"] = "https://qms.schoonbedrijf.nl"  # QR posters are never made for a loopback address
    clients = {role: login(app, role) for role in Role}
    _build_a_dossier(app, clients[Role.COORDINATOR])
    scan_page = _make_a_qr_code_and_a_scan(app, clients[Role.COORDINATOR])
    crawls = {role: crawl(app, clients[role], role, per_endpoint=1, start=[*start_urls(app, role), scan_page]) for role in Role}
    yield app, clients, crawls
    dispose(app)


def _build_a_dossier(app, client) -> None:
    """Build the evidence dossier of the first norm through its form (jobs run inside the request in tests)."""
    with app.app_context():
        from qms.norms import registry

        norm = next(iter(registry()))
    response = client.post(f"/evidence/norms/{norm.code}/{norm.default_version}/dossier", data={"level": ""})
    assert response.status_code == 302, response.status_code
    assert client.get(response.headers["Location"]).status_code == 200


def _make_a_qr_code_and_a_scan(app, client) -> str:
    """The demo holds no stored files and no site QR codes: add one of each through their forms; the page
    that links to the stored file."""
    from sqlalchemy import select

    from qms.extensions import db
    from qms.organisation.models import Site
    from qms.training.models import TrainingRecord

    with app.app_context():
        site_id = db.session.scalar(select(Site.id).order_by(Site.id))
        record_id = db.session.scalar(select(TrainingRecord.id).order_by(TrainingRecord.id))
        db.session.remove()
    assert client.post(f"/incidents/sites/{site_id}/renew").status_code == 302
    edit = f"/training/records/{record_id}/edit"
    form = next(f for f in parse_forms(edit, client.get(edit).get_data(as_text=True)) if f.action.endswith(edit))
    data = {f.name: f.value for f in form.fields if f.kind not in ("file", "submit", "checkbox") or f.checked}
    data["file"] = (io.BytesIO(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"), "certificaat.pdf")
    response = client.post(edit, data=data, content_type="multipart/form-data")
    assert response.status_code == 302, re.findall(r"<main.*</main>", response.get_data(as_text=True), re.S)
    return response.headers["Location"]


def _download_rules(app) -> set[str]:
    """Download routes a browser reaches by links; the API's (/api/v1, a token, no links) are proven in
    tests/integration/test_api_tokens.py and the schema fuzz."""
    from qms.api import PREFIX

    return {rule.endpoint for rule in app.url_map.iter_rules()
            if DOWNLOAD_RULE.search(rule.rule) and not rule.rule.startswith(PREFIX + "/")}


def _kind(url: str, mimetype: str) -> str | None:
    path = url.split("?", 1)[0]
    for kind in EXPECTED:
        if path.endswith((f".{kind}", f"/{kind}")):
            return kind
    return next((kind for kind, (mime, _) in EXPECTED.items() if mime == mimetype), None)


def _downloads(app, crawls) -> dict[str, str]:
    """Every download URL any role reached, with its endpoint."""
    rules = _download_rules(app)
    found = {}
    for walk in crawls.values():
        for url, mimetype in walk.content_types.items():
            endpoint = endpoint_of(app, url)
            if endpoint in rules or (mimetype not in ("", "text/html") and walk.statuses[url] == 200):
                found[url] = endpoint
    return found


def test_the_walk_reaches_every_download_route(site):
    app, _, crawls = site
    reached = set(_downloads(app, crawls).values())
    # The rejected rows of a payroll check are linked only from that check's preview, which the demo has
    # none of: tests/integration/test_pso_imports.py downloads it as the roles that may and may not.
    missing = sorted(_download_rules(app) - reached - {"pso.import_rejected"})
    assert not missing, "download routes no role reached by following links:\n  " + "\n  ".join(missing)


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_each_role_downloads_what_it_may(site, role):
    app, clients, crawls = site
    client = clients[role]
    own = set(crawls[role].content_types)
    problems, checked = [], 0
    for url, endpoint in sorted(_downloads(app, crawls).items()):
        if not role_holds(role, permission_of(app, endpoint)):
            continue
        try:
            response = client.get(url)
            body = response.get_data()
        except Exception as error:  # noqa: BLE001 - failed while streaming the body
            problems.append(f"{url}: {error!r}")
            continue
        if url not in own and response.status_code in (403, 404):
            continue  # another role's object that this role may not see
        checked += 1
        kind = _kind(url, response.mimetype)
        if response.status_code != 200:
            problems.append(f"{url}: {response.status_code}")
        elif not body:
            problems.append(f"{url}: empty body")
        elif response.mimetype == "text/html":
            problems.append(f"{url}: answered an HTML page, not a download")
        elif kind is not None and (response.mimetype != EXPECTED[kind][0] or not body.startswith(EXPECTED[kind][1])):
            problems.append(f"{url}: {response.mimetype}, starts {body[:8]!r}, expected {kind}")
    assert checked, f"{role.value} reached no download at all"
    assert not problems, f"downloads that failed for {role.value}:\n  " + "\n  ".join(problems)


def test_csv_downloads_hold_rows_not_only_a_header(site):
    app, clients, _ = site
    coordinator, hr = clients[Role.COORDINATOR], clients[Role.HR]
    incidents = coordinator.get("/incidents/export.csv").get_data(as_text=True)
    assert incidents.startswith("\ufeff") and len(incidents.strip().splitlines()) > 1
    arbowet = hr.get("/incidents/arbowet.csv")
    assert arbowet.status_code == 200 and arbowet.get_data(as_text=True).startswith("\ufeff")
