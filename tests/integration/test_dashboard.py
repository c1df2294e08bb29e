"""The start page: company, each norm's certification target, recent activity for those who may see it."""
from qms.organisation.models import Company, Department
from qms.permissions import Role
from tests.conftest import PASSWORD


def test_dashboard_shows_company_targets_and_norms(client, db, login_as):
    db.session.add(Company(name="Schoonmaakbedrijf Test B.V.", certification_targets="vca:vca2,pso:trede3,bad"))
    db.session.commit()
    login_as(Role.STAFF)
    html = client.get("/").get_data(as_text=True)
    assert "Schoonmaakbedrijf Test B.V." in html
    assert "VCA**" in html and "Level 3" in html  # target levels, by their catalogue names
    assert "/norms/vca/2017-6.0?level=vca2" in html
    assert "/norms/iso9001/2015" in html


def test_recent_activity_only_for_roles_that_may_read_the_trail(app, client, db, login_as, make_user):
    db.session.add(Department(name="Glasbewassing"))
    db.session.commit()
    login_as(Role.STAFF)
    assert "Recent activity" not in client.get("/").get_data(as_text=True)
    auditor = make_user(Role.AUDITOR)
    other = app.test_client()
    assert other.post("/login", data={"email": auditor.email, "password": PASSWORD}).status_code == 302
    html = other.get("/").get_data(as_text=True)
    assert "Recent activity" in html
    assert "Department 1" in html  # the record type by its name, not its table name


def test_company_targets_parse_and_skip_malformed_parts():
    company = Company(name="X", certification_targets=" vca : vca2 ,pso:trede3,,nonsense,iso9001:")
    assert company.targets == {"vca": "vca2", "pso": "trede3"}
