"""The demo company (``qms demo``) and the benchmark seed (``qms seed``), run through the CLI."""
import os
import stat

import pytest
from sqlalchemy import func, select

from qms.audit.models import AuditEntry
from qms.audit.services import verify_chain
from qms.auth.models import User
from qms.demo.company import PEOPLE, demo_email, load_demo
from qms.demo.seed import EMPLOYEES_PER_UNIT, Sizes
from qms.organisation.models import Company, Department, Employee, Site
from qms.permissions import Role

DEMO_PASSWORD = "demo-password-for-tests"
ROLE_EMAILS = {role: demo_email(role) for role in Role}
ROLE_OF_LOGIN = {email.split("@")[0]: role for role, email in ROLE_EMAILS.items()}


@pytest.fixture
def password_file(app, tmp_path):
    path = tmp_path / "instance" / "demo-password.txt"
    app.config["QMS_DEMO_PASSWORD_FILE"] = str(path)
    return path


@pytest.fixture
def cli(app, password_file, monkeypatch):
    monkeypatch.delenv("QMS_DEMO_PASSWORD", raising=False)
    runner = app.test_cli_runner()

    def invoke(*args, env=None):
        return runner.invoke(args=["qms", *args], env=env)

    return invoke


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_loads_the_company_people_and_one_user_per_role(cli, db):
    result = cli("demo", env={"QMS_DEMO_PASSWORD": DEMO_PASSWORD})
    assert result.exit_code == 0, result.output
    company = db.session.scalars(select(Company)).one()
    assert company.name == "Schoonmaakbedrijf De Glans B.V."
    assert company.kvk_number.isdigit() and len(company.kvk_number) == 8
    assert company.certification_targets == "iso9001:2015,vca:vca2,pso:trede3"
    assert set(db.session.scalars(select(Department.name))) == {
        "Kantoorschoonmaak", "Glasbewassing", "Ziekenhuisreiniging", "Bedrijfsbureau"}
    assert 6 <= count(db, Site) <= 8

    users = db.session.scalars(select(User)).all()
    assert sorted(u.email for u in users) == sorted([*ROLE_EMAILS.values(), "leermeester@demo.example"])
    assert "vertrouwenspersoon@demo.example" in ROLE_EMAILS.values()
    for user in users:
        local = user.email.split("@")[0]
        assert [r.role for r in user.roles] == [Role.STAFF if local == "leermeester" else ROLE_OF_LOGIN[local]]
        employee = db.session.scalar(select(Employee).where(Employee.user_id == user.id))
        assert employee is not None
        assert employee.is_master_trainer == (local == "leermeester")

    employees = db.session.scalars(select(Employee)).all()
    assert 23 <= len(employees) <= 27
    masters = [e for e in employees if e.is_master_trainer]
    apprentices = [e for e in employees if e.is_apprentice]
    assert 3 <= len(masters) <= 4
    assert 5 <= len(apprentices) <= 6
    assert any(e.is_supervisor for e in employees)
    for apprentice in apprentices:
        assert apprentice.mentor is not None and apprentice.mentor.is_master_trainer
    assert all(e.department is not None for e in employees)


def test_demo_is_written_to_the_audit_trail_by_the_demo_actor(cli, db):
    assert cli("demo", env={"QMS_DEMO_PASSWORD": DEMO_PASSWORD}).exit_code == 0
    labels = set(db.session.scalars(select(AuditEntry.actor_label)))
    assert labels == {"demo"}
    created = set(db.session.scalars(select(AuditEntry.entity_type).where(AuditEntry.action == "create")))
    assert {"company", "department", "site", "employee", "user", "user_role"} <= created
    assert verify_chain(db.session).ok


def test_demo_prints_the_logins_with_the_environment_password_named_not_echoed(cli):
    result = cli("demo", env={"QMS_DEMO_PASSWORD": DEMO_PASSWORD})
    assert result.exit_code == 0
    for role, email in ROLE_EMAILS.items():
        line = next(line for line in result.output.splitlines() if email in line)
        assert role.value in line and "QMS_DEMO_PASSWORD" in line
    assert DEMO_PASSWORD not in result.output


def test_generated_password_is_kept_owner_only_printed_and_shown_again(cli, password_file):
    result = cli("demo")
    assert result.exit_code == 0, result.output
    password = password_file.read_text().strip()
    assert len(password) >= 16
    assert stat.S_IMODE(os.stat(password_file).st_mode) == 0o600
    assert result.output.count(password) == len([p for p in PEOPLE if p.role])  # one line per login

    again = cli("demo", "--if-empty")
    assert again.exit_code == 0
    assert "not loaded" in again.output
    for email in ROLE_EMAILS.values():
        assert any(email in line and password in line for line in again.output.splitlines())


def test_demo_users_log_in_with_the_password(cli, client, password_file):
    assert cli("demo").exit_code == 0
    password = password_file.read_text().strip()
    for email in ROLE_EMAILS.values():
        response = client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 302, email
        assert client.get("/").status_code == 200
        client.post("/logout")
    wrong = client.post("/login", data={"email": ROLE_EMAILS[Role.ADMIN], "password": password + "x"})
    assert wrong.status_code == 200


def test_if_empty_does_nothing_when_any_user_exists(cli, db, make_user):
    make_user(Role.ADMIN, email="owner@example.com")
    entries = count(db, AuditEntry)
    result = cli("demo", "--if-empty", env={"QMS_DEMO_PASSWORD": DEMO_PASSWORD})
    assert result.exit_code == 0
    assert "not loaded" in result.output
    assert "No demo logins" in result.output
    assert count(db, User) == 1
    assert count(db, Employee) == 0 and count(db, Company) == 0
    assert count(db, AuditEntry) == entries


def test_demo_without_if_empty_refuses_a_non_empty_database(cli, db, make_user):
    make_user(Role.STAFF)
    result = cli("demo", env={"QMS_DEMO_PASSWORD": DEMO_PASSWORD})
    assert result.exit_code == 1
    assert count(db, Employee) == 0


def test_a_short_environment_password_is_refused(cli, db, password_file):
    result = cli("demo", env={"QMS_DEMO_PASSWORD": "short"})
    assert result.exit_code != 0
    assert "at least" in result.output
    assert count(db, User) == 0 and count(db, Company) == 0
    assert not password_file.exists()


def test_load_demo_is_a_plain_function_that_does_not_commit(db):
    demo = load_demo(db.session, DEMO_PASSWORD)
    assert set(demo.users) == set(Role)
    assert {p.number for p in PEOPLE} <= set(demo.employees)  # norm steps may add people of their own
    db.session.rollback()
    assert count(db, Employee) == 0


def test_seed_scale_one_creates_the_expected_counts_and_a_valid_chain(cli, db):
    result = cli("seed", "--scale", "1")
    assert result.exit_code == 0, result.output
    sizes = Sizes(1)
    assert count(db, Employee) == EMPLOYEES_PER_UNIT == sizes.employees
    assert count(db, User) == sizes.users
    assert count(db, Department) == sizes.departments
    assert count(db, Site) == sizes.sites
    assert count(db, Company) == 1
    roles = {r for u in db.session.scalars(select(User)) for r in u.role_set}
    assert roles == set(Role)
    apprentices = db.session.scalars(select(Employee).where(Employee.is_apprentice)).all()
    assert apprentices and all(a.mentor is not None and a.mentor.is_master_trainer for a in apprentices)
    assert count(db, AuditEntry) >= 300
    first, last = db.session.execute(select(func.min(AuditEntry.at), func.max(AuditEntry.at))).one()
    assert (last - first).days > 365 * 2

    verified = cli("audit-verify")
    assert verified.exit_code == 0, verified.output
    assert f"{count(db, AuditEntry)} entries checked" in verified.output
    # Seeded history is written like real history: role values, not Python enum names.
    role_values = db.session.scalars(select(AuditEntry.new_values).where(AuditEntry.entity_type == "user_role")).all()
    assert role_values and all('"role":"' in v and "Role." not in v for v in role_values)


def test_seed_refuses_a_database_with_data_unless_forced(cli, db):
    assert cli("demo", env={"QMS_DEMO_PASSWORD": DEMO_PASSWORD}).exit_code == 0
    employees = count(db, Employee)
    refused = cli("seed", "--scale", "1")
    assert refused.exit_code == 1
    assert "--force" in refused.output
    assert count(db, Employee) == employees

    forced = cli("seed", "--scale", "1", "--force")
    assert forced.exit_code == 0, forced.output
    assert count(db, Employee) == employees + EMPLOYEES_PER_UNIT
    assert count(db, Company) == 1
    assert cli("audit-verify").exit_code == 0
    assert cli("seed", "--scale", "1", "--force").exit_code == 0  # numbers and names stay unique
    assert cli("audit-verify").exit_code == 0
