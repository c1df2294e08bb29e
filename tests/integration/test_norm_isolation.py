"""Each app knows only the norms in its QMS_NORMS: no page mentions another norm, and nothing one app's norms
registered reaches another app in the same process."""
import re

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from qms.norms import registry
from qms.permissions import Role
from tests.integration.test_norm_registry import _login, throwaway_package  # noqa: F401  (a fixture)

#: How each shipped norm is named on a page (its code, title and level codes).
NAMES = {
    "qms.iso9001": re.compile(r"(?<![A-Za-z0-9])(iso[ _-]?9001)(?![A-Za-z0-9])", re.IGNORECASE),
    "qms.vca": re.compile(r"(?<![A-Za-z0-9])(vca[0-9]*)(?![A-Za-z0-9])", re.IGNORECASE),
    "qms.pso": re.compile(r"(?<![A-Za-z0-9])(pso[0-9]*)(?![A-Za-z0-9])", re.IGNORECASE),
}


#: Downloads are not pages (their texts come from the same functions as the pages they belong to).
DOWNLOADS = (".pdf", ".csv", ".xlsx", ".zip")


def _get_pages(app) -> list[str]:
    """Every GET page without URL arguments (the lists, dashboards and forms of the app)."""
    urls = []
    for rule in app.url_map.iter_rules():
        if ("GET" in rule.methods and not rule.arguments and not rule.endpoint.endswith("static")
                and not rule.rule.endswith(DOWNLOADS)):
            urls.append(rule.rule)
    return sorted(urls)


@pytest.mark.parametrize("package", sorted(NAMES))
def test_with_one_norm_no_page_mentions_the_others(app_factory, package):
    """About 60 pages per norm (a few seconds each norm): the only proof that no shared page or menu still
    names a norm the installation does not have."""
    app = app_factory(QMS_NORMS=[package])
    client = _login(app, Role.ADMIN)
    others = [pattern for other, pattern in NAMES.items() if other != package]
    problems, seen = [], 0
    with app.app_context():
        for url in _get_pages(app):
            response = client.get(url)
            if response.status_code != 200 or not response.mimetype.startswith("text/"):
                continue
            seen += 1
            text = response.get_data(as_text=True)
            for pattern in others:
                found = pattern.search(text)
                if found:
                    start = max(0, found.start() - 60)
                    problems.append(f"{url}: {found.group(0)!r} in …{text[start:found.end() + 40]!r}")
    assert seen > 20, f"only {seen} pages answered"
    assert not problems, f"with only {package} enabled:\n  " + "\n  ".join(problems)


def test_a_norms_registrations_stay_in_its_app(app_factory):
    full = app_factory(QMS_NORMS=["qms.iso9001", "qms.vca", "qms.pso"])
    small = app_factory(QMS_NORMS=["tests.testnorm"])
    big, little = registry(full), registry(small)
    assert {"vca.view", "pso.manage", "iso9001.view"} <= set(big.permissions)
    assert set(little.permissions) == {"iso14001.view"}
    assert big.jobs and not little.jobs  # the payroll import jobs belong to the PSO app only
    assert big.upload_checks and not little.upload_checks
    assert "pso_target_status" in big.restricted_records and not little.restricted_records
    assert {"b_vca", "vol_vca", "vil_vcu"} <= set(big.diploma_kinds) and not little.diploma_kinds
    assert big.cycles["pso"].years == 2 and not big.cycles["pso"].yearly_surveillance
    assert big.cycles["vca"].years == big.cycles["iso9001"].years == 3
    assert set(little.cycles) == {"iso14001"}
    with small.app_context():
        from qms.permissions import has_permission

        class Admin:
            is_authenticated = active = True
            role_set = frozenset(Role)

        with pytest.raises(LookupError):
            has_permission(Admin(), "vca.view")  # another app's permission is unknown here
        from qms.training.models import kinds

        assert set(kinds()) == {"bhv", "first_aid", "other"}


def test_a_norm_route_with_an_unknown_permission_stops_the_app(app_factory, throwaway_package):
    name = throwaway_package("""\
        from flask import Blueprint
        from qms.norms import Norm
        from qms.permissions import requires

        bp = Blueprint("forgetful", __name__, url_prefix="/forgetful")

        @bp.route("/")
        @requires("forgetful.view")
        def index():
            return "never registered its permission"

        norm = Norm(code="iso14001", title_nl="Vergeten", title_en="Forgotten", package=__name__,
                    default_version="2015", blueprint=bp)
    """)
    with pytest.raises(LookupError, match="forgetful.view"):
        app_factory(QMS_NORMS=[name])


def test_flushing_a_core_record_runs_no_pso_code(app):
    """The frozen-measurement guard listens on the PSO measurement mapper, not on every session flush."""
    from qms.pso.models import PsoMeasurement
    from qms.pso.services.measurements import guard_frozen

    assert event.contains(PsoMeasurement, "before_update", guard_frozen)
    assert not event.contains(Session, "before_flush", guard_frozen)
    flush_listeners = [*Session.dispatch.before_flush._clslevel.get(Session, ()),  # noqa: SLF001
                       *Session.dispatch.after_flush._clslevel.get(Session, ())]
    assert any(fn.__module__ == "qms.audit.services" for fn in flush_listeners)  # the audit trail listens
    assert not [fn for fn in flush_listeners if getattr(fn, "__module__", "").startswith("qms.pso")]
