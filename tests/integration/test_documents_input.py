"""Bad input never breaks a document page, and the register costs the same number of queries for any size."""
import pytest
from sqlalchemy import event, func, select, text

from qms.documents.demo import seed_documents
from qms.documents.models import Document
from qms.extensions import db as _db
from qms.permissions import Role
from tests.integration.test_documents_workflow import client_for, create, people  # noqa: F401


@pytest.mark.parametrize("query", [
    "?owner=abc&type=zzz&status=zzz&review=zzz&page=-1", "?page=999999999999999999999", "?q=%01%02",
    "?q=" + "x" * 500, "?requirement=a+b+c+d+e", "?q=NEAR%28a+b%29+AND+%22", "?q=%E2%80%94%F0%9F%A7%B9",
    "?type=policy&status=published&review=overdue&owner=1"])
def test_register_survives_odd_filters(app, db, people, query):
    client = client_for(app, people["author"])
    assert client.get("/documents/" + query).status_code == 200
    assert client.get("/documents/export.csv" + query).status_code == 200


def test_odd_form_input_is_refused_next_to_the_field_and_kept(app, db, people):
    author = client_for(app, people["author"])
    r = create(author, number="PR-099", review_interval_months="abc", retention_years="-3",
               target_users=["x"], content="Tekst die ik typte")
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "Tekst die ik typte" in page and 'value="PR-099"' in page
    assert db.session.scalar(select(func.count()).select_from(Document)) == 0
    r = create(author, number="PR-099", requirements="iso9001 2015")
    assert "Write each requirement as" in r.get_data(as_text=True)
    create(author, number="PR-099")
    document = db.session.scalar(select(Document))
    version = document.versions[0]
    base = f"/documents/{document.id}/versions/{version.id}"
    assert author.post(f"{base}/edit", data={"content_markdown": "x", "lock_version": "abc"}).status_code == 409
    assert author.post(f"{base}/publish", data={"effective_date": "9999-12-31"}).status_code == 400
    assert author.get(f"/documents/{document.id}/diff?a=abc&b=-1").status_code == 200
    assert author.post(f"/documents/{document.id}/review", data={"outcome": "confirmed"}).status_code == 302


def _queries(app, client, url) -> int:
    count = 0

    def counter(*args):
        nonlocal count
        count += 1

    _db.session.expire_all()  # the same starting point every time: nothing cached in the session
    event.listen(_db.engine, "before_cursor_execute", counter)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(_db.engine, "before_cursor_execute", counter)
    return count


@pytest.mark.parametrize("url", ["/documents/", "/documents/?q=kenmerk1", "/documents/to-read",
                                 "/documents/coverage"])
def test_register_queries_do_not_grow_with_the_rows(app, db, people, url):
    client = client_for(app, people["author"])
    seed_documents(db.session, 3)
    db.session.commit()
    client.get(url)  # first request of a session warms per-process caches
    few = _queries(app, client, url)
    # move the first batch out of the way of the seed's numbering, then seed many more
    db.session.execute(text("UPDATE document SET number = 'OLD-' || substr(number, 4) WHERE number LIKE 'BN-%'"))
    seed_documents(db.session, 60)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Document)) == 63
    many = _queries(app, client, url)
    assert many == few, f"{url}: {few} queries for 3 documents, {many} for 63"


def test_csv_export_does_not_carry_formulas(app, db, people):
    author = client_for(app, people["author"])
    create(author, number="PR-077", title="=HYPERLINK(\"http://evil\")")
    csv_text = author.get("/documents/export.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in csv_text
