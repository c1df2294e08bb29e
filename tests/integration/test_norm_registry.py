"""The norm registry: a fourth norm plugs in by a configuration line only; bad packages are refused.

``tests.testnorm`` is a test-only ISO 14001 module with its own catalogue, blueprint, KPI and menu entry.
"""
import importlib
import pathlib
import shutil
import sys
import textwrap
import uuid

import pytest

from qms.extensions import db
from qms.norms import DuplicateNorm, NormRegistry, registry
from qms.permissions import Role
from tests.conftest import PASSWORD

FOUR = ["qms.iso9001", "qms.vca", "qms.pso", "tests.testnorm"]
TESTNORM_DIR = pathlib.Path(importlib.import_module("tests.testnorm").__file__).parent


def _login(app, role: Role = Role.STAFF):
    """A test client of ``app`` logged in as a new user with ``role``."""
    from qms.auth.models import User, UserRole
    from qms.auth.passwords import hash_password

    with app.app_context():
        email = f"{uuid.uuid4().hex[:10]}@test.example"
        user = User(email=email, name="Norm Tester", active=True, password_hash=hash_password(PASSWORD))
        user.roles = [UserRole(role=role)]
        db.session.add(user)
        db.session.commit()
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


@pytest.fixture
def four_norms(app_factory):
    return app_factory(QMS_NORMS=FOUR)


@pytest.fixture
def throwaway_package(tmp_path, monkeypatch):
    """Write a norm package into tmp_path and put it on sys.path: ``make(source, catalogue=True) -> name``."""
    made = []
    monkeypatch.syspath_prepend(str(tmp_path / "pkgs"))

    def make(source: str, catalogue: bool = True) -> str:
        name = f"throwaway_norm_{uuid.uuid4().hex[:8]}"
        package = tmp_path / "pkgs" / name
        package.mkdir(parents=True)
        (package / "__init__.py").write_text(textwrap.dedent(source))
        if catalogue:
            shutil.copytree(TESTNORM_DIR / "catalogue", package / "catalogue")
        made.append(name)
        return name

    yield make
    for name in made:
        sys.modules.pop(name, None)


def test_the_fourth_norm_is_registered_in_configuration_order(four_norms):
    reg = four_norms.extensions["qms_norms"]
    assert [n.code for n in reg] == ["iso9001", "vca", "pso", "iso14001"]
    assert "iso14001" in reg and len(reg) == 4
    assert reg.requirement("iso14001", "2015", "6.1.2").title_nl == "Milieuaspecten"


def test_the_fourth_norms_catalogue_is_browsable(four_norms):
    client = _login(four_norms)
    with four_norms.app_context():
        overview = client.get("/norms/")
        assert overview.status_code == 200
        html = overview.get_data(as_text=True)
        assert "ISO 14001 (test)" in html and 'href="/norms/iso14001/2015"' in html
        page = client.get("/norms/iso14001/2015")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert 'id="req-6_1_2"' in html and "Environmental aspects" in html and "Register of environmental aspects" in html


def test_the_fourth_norms_menu_entry_kpi_and_route_appear(four_norms):
    client = _login(four_norms)
    with four_norms.app_context():
        dashboard = client.get("/").get_data(as_text=True)
        assert '<a href="/testnorm/">ISO 14001</a>' in dashboard
        assert "Environmental aspects" in dashboard and '<p class="kpi">7</p>' in dashboard
        module = client.get("/testnorm/")
        assert module.status_code == 200 and module.get_data(as_text=True) == "ISO 14001 test module"


def test_the_default_app_knows_nothing_of_the_fourth_norm(app, client, login_as):
    login_as(Role.STAFF)
    assert "iso14001" not in app.extensions["qms_norms"]
    assert client.get("/norms/iso14001/2015").status_code == 404
    assert client.get("/testnorm/").status_code == 404
    assert "/testnorm/" not in client.get("/").get_data(as_text=True)


def test_the_same_package_twice_is_refused(app_factory):
    with pytest.raises(DuplicateNorm, match="iso14001"):
        app_factory(QMS_NORMS=["tests.testnorm", "tests.testnorm"])


def test_two_packages_with_the_same_code_are_refused(app_factory, throwaway_package):
    impostor = throwaway_package("""\
        from qms.norms import Norm
        norm = Norm(code="iso14001", title_nl="Nog een", title_en="Another", package=__name__, default_version="2015")
    """)
    with pytest.raises(DuplicateNorm) as caught:
        app_factory(QMS_NORMS=["tests.testnorm", impostor])
    assert "tests.testnorm" in str(caught.value) and impostor in str(caught.value)


def test_a_package_without_norm_is_refused(app_factory, throwaway_package):
    empty = throwaway_package('"""Forgot to define the norm."""\n', catalogue=False)
    with pytest.raises(RuntimeError, match=f"{empty} does not expose a `norm`"):
        app_factory(QMS_NORMS=[empty])
    wrong = throwaway_package('norm = {"code": "iso14001"}\n', catalogue=False)
    with pytest.raises(RuntimeError, match="does not expose a `norm`"):
        app_factory(QMS_NORMS=[wrong])


def test_an_unknown_package_is_refused(app_factory):
    with pytest.raises(ModuleNotFoundError):
        app_factory(QMS_NORMS=["qms.no_such_norm"])


def test_a_third_party_package_plugs_in_the_same_way(app_factory, throwaway_package):
    extra = throwaway_package("""\
        from qms.norms import Norm
        norm = Norm(code="iso45001", title_nl="ISO 45001", title_en="ISO 45001", package=__name__,
                    default_version="2015")
    """)
    app = app_factory(QMS_NORMS=["qms.pso", extra])
    assert [n.code for n in app.extensions["qms_norms"]] == ["pso", "iso45001"]
    client = _login(app)
    with app.app_context():
        assert client.get("/norms/iso45001/2015").status_code == 200


def test_each_app_has_its_own_registry(app_factory):
    small = app_factory(QMS_NORMS=["tests.testnorm"])
    full = app_factory(QMS_NORMS=FOUR)
    small_reg, full_reg = small.extensions["qms_norms"], full.extensions["qms_norms"]
    assert isinstance(small_reg, NormRegistry) and small_reg is not full_reg
    assert [n.code for n in small_reg] == ["iso14001"] and len(full_reg) == 4
    with small.app_context():
        assert registry() is small_reg
    with full.app_context():
        assert registry() is full_reg
    # Only the app that enabled a norm routes to its blueprint.
    assert "testnorm.index" in small.view_functions
    assert "testnorm.index" not in app_factory(QMS_NORMS=["qms.pso"]).view_functions
