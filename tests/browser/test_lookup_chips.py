"""An auditor plans an audit on a phone: the location is searched, the auditees are chips added through the
same search and removed with their button; what is saved is what the chips show."""
import datetime as dt

import pytest
from sqlalchemy import select

from .conftest import choose, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def people_and_places(live_server):
    from qms.extensions import db
    from qms.organisation.models import Employee, Site

    with live_server.app.app_context():
        if db.session.scalar(select(Site.id).where(Site.name == "Chipslocatie Noord")) is None:
            db.session.add(Site(name="Chipslocatie Noord", client="Gemeente Houten", active=True))
            db.session.add_all(Employee(number=f"CH{i}", first_name="Chip", last_name=name, function="Schoonmaker",
                                        hired_on=dt.date(2020, 1, 1))
                               for i, name in enumerate(("Aalbers", "Bosman", "Claassen")))
            db.session.commit()
        db.session.remove()


def test_auditees_are_chips_added_by_search_and_removed_by_their_button(live_server, page, people_and_places):
    from qms.audits.models import Audit
    from qms.extensions import db

    log_in(page, live_server, "auditor")
    page.goto(live_server.url + "/audits/new")
    page.fill("input[name=title]", "Audit met chips")
    page.check("input[name=norms][value=\"iso9001|2015\"]")
    page.fill("input[name=planned_start]", dt.date.today().isoformat())
    choose(page, "#site_id-search", "chipslocatie", "Chipslocatie Noord")
    assert page.locator("#site_id-search").input_value() == "Chipslocatie Noord (Gemeente Houten)"
    for name in ("Aalbers", "Bosman", "Claassen"):
        choose(page, "#auditee_ids-search", name.lower(), name)
    chips = page.locator(".lookup-chip")
    assert chips.count() == 3 and page.locator("#auditee_ids-search").input_value() == ""
    choose(page, "#auditee_ids-search", "bosman", "Bosman")  # a second time: still one chip
    assert chips.count() == 3
    page.locator(".lookup-chip:has-text('Bosman') button").click()
    assert chips.count() == 2
    assert page.locator(".lookup-chip:has-text('Bosman')").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    with page.expect_navigation():
        page.locator("main form.form button[type=submit]").click()
    assert page.locator(".flashes").count() == 1, page.content()[:2000]
    with live_server.app.app_context():
        audit = db.session.scalar(select(Audit).where(Audit.title == "Audit met chips"))
        assert sorted(a.employee.last_name for a in audit.auditees) == ["Aalbers", "Claassen"]
        assert audit.site.name == "Chipslocatie Noord"
        db.session.remove()
    # the plan's edit form shows the two chips again
    page.goto(page.url.rstrip("/") + "/edit")
    assert sorted(page.locator(".lookup-chip span").all_inner_texts()) == [
        "Chip Aalbers (CH0)", "Chip Claassen (CH2)"]
    assert page.console_errors == []
