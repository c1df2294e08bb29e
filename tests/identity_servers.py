"""Real identity servers for the sign-in tests, started on 127.0.0.1 by the tests themselves:

* an OpenID provider: node and the npm package ``oidc-provider`` (tests/oidc/; ``npm ci`` installs it there
  when node_modules is missing),
* an LDAP directory: Debian's ``slapd`` with a throwaway configuration and database in a temporary folder.

Without node/npm or slapd the tests are skipped, unless QMS_REQUIRE_IDENTITY_SERVERS=1 (set by CI), which
turns that into a failure.
"""
from __future__ import annotations

import json
import os
import pathlib
import shutil
import socket
import subprocess
import tempfile
import time

import pytest

REQUIRE = os.environ.get("QMS_REQUIRE_IDENTITY_SERVERS", "") not in ("", "0")
OIDC_DIR = pathlib.Path(__file__).parent / "oidc"
#: Ports tried for the servers (the first free one is used).
PORTS = range(int(os.environ.get("QMS_TEST_PORT_FIRST", 5180)), int(os.environ.get("QMS_TEST_PORT_LAST", 5189)) + 1)
APP_BASE = "http://localhost"


def unavailable(reason: str):
    if REQUIRE:
        pytest.fail(f"{reason}, and QMS_REQUIRE_IDENTITY_SERVERS is set")
    pytest.skip(reason)


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as sock:  # every port of the block is taken: any free one
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, proc: subprocess.Popen, what: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read() if proc.stdout else ""
            pytest.fail(f"{what} stopped at start: {out[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    proc.kill()
    pytest.fail(f"{what} did not answer on port {port}")


class OpenIdProvider:
    def __init__(self, port: int, config_file: pathlib.Path, proc: subprocess.Popen):
        self.port, self.config_file, self.proc = port, config_file, proc
        self.issuer = f"http://127.0.0.1:{port}"

    def set_account(self, account_id: str, **claims) -> None:
        config = json.loads(self.config_file.read_text())
        config["accounts"][account_id] = claims
        self.config_file.write_text(json.dumps(config))


def _client(client_id: str) -> dict:
    return {"client_id": client_id, "client_secret": f"{client_id}-secret-for-tests",
            "redirect_uris": [f"{APP_BASE}/sso/callback"], "post_logout_redirect_uris": [f"{APP_BASE}/login"],
            "grant_types": ["authorization_code"], "response_types": ["code"]}


@pytest.fixture(scope="session")
def openid_provider(tmp_path_factory):
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node:
        unavailable("node is not installed")
    if not (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
        if not npm:
            unavailable("npm is not installed, and tests/oidc/node_modules is missing")
        done = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=OIDC_DIR, capture_output=True, text=True)
        if done.returncode != 0:
            unavailable(f"npm ci in tests/oidc failed: {done.stderr[-500:]}")
    folder = tmp_path_factory.mktemp("oidc")
    config_file = folder / "config.json"
    config_file.write_text(json.dumps({"clients": [_client("qms"), _client("other"), _client("short")],
                                       "accounts": {}}))
    port = free_port()
    proc = subprocess.Popen([node, str(OIDC_DIR / "provider.mjs"), str(port), str(config_file)], cwd=OIDC_DIR,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    _wait_for_port(port, proc, "the OpenID provider")
    yield OpenIdProvider(port, config_file, proc)
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()


# --- LDAP ------------------------------------------------------------------------------------------------

LDAP_SUFFIX = "dc=example,dc=test"
LDAP_ADMIN = f"cn=admin,{LDAP_SUFFIX}"
LDAP_ADMIN_PASSWORD = "directory-admin-secret"

_SLAPD_CONF = """
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
pidfile {folder}/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
suffix "{suffix}"
rootdn "{admin}"
rootpw {password}
directory {folder}/data
maxsize 10485760
"""


class Directory:
    def __init__(self, url: str, folder: pathlib.Path):
        self.url, self.folder = url, folder

    def modify(self, ldif: str) -> None:
        done = subprocess.run(["ldapmodify", "-x", "-H", self.url, "-D", LDAP_ADMIN, "-w", LDAP_ADMIN_PASSWORD],
                              input=ldif, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr


@pytest.fixture(scope="session")
def ldap_directory():
    slapd = shutil.which("slapd") or ("/usr/sbin/slapd" if os.path.exists("/usr/sbin/slapd") else None)
    if not slapd or not shutil.which("ldapadd"):
        unavailable("slapd or ldap-utils is not installed")
    folder = pathlib.Path(tempfile.mkdtemp(prefix="qms-slapd-"))
    (folder / "data").mkdir()
    conf = folder / "slapd.conf"
    conf.write_text(_SLAPD_CONF.format(folder=folder, suffix=LDAP_SUFFIX, admin=LDAP_ADMIN,
                                       password=LDAP_ADMIN_PASSWORD))
    port = free_port()
    url = f"ldap://127.0.0.1:{port}"
    proc = subprocess.Popen([slapd, "-f", str(conf), "-h", url + "/", "-d", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    _wait_for_port(port, proc, "slapd")
    directory = Directory(url, folder)
    done = subprocess.run(["ldapadd", "-x", "-H", url, "-D", LDAP_ADMIN, "-w", LDAP_ADMIN_PASSWORD],
                          input=_BASE_LDIF, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    yield directory
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
    shutil.rmtree(folder, ignore_errors=True)


_BASE_LDIF = f"""dn: {LDAP_SUFFIX}
objectClass: dcObject
objectClass: organization
o: Example cleaning
dc: example

dn: ou=people,{LDAP_SUFFIX}
objectClass: organizationalUnit
ou: people

dn: ou=groups,{LDAP_SUFFIX}
objectClass: organizationalUnit
ou: groups

dn: uid=anna,ou=people,{LDAP_SUFFIX}
objectClass: inetOrgPerson
uid: anna
cn: Anna de Vries
sn: de Vries
mail: anna@example.test
userPassword: anna-directory-password

dn: uid=bram,ou=people,{LDAP_SUFFIX}
objectClass: inetOrgPerson
uid: bram
cn: Bram Jansen
sn: Jansen
mail: bram@example.test
userPassword: bram-directory-password

dn: cn=qms-coordinators,ou=groups,{LDAP_SUFFIX}
objectClass: groupOfNames
cn: qms-coordinators
member: uid=anna,ou=people,{LDAP_SUFFIX}

dn: cn=qms-hr,ou=groups,{LDAP_SUFFIX}
objectClass: groupOfNames
cn: qms-hr
member: cn=admin,{LDAP_SUFFIX}
"""
