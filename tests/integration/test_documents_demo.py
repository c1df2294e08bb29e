"""The demo documents and the bench seed helper."""
from sqlalchemy import func, select

from qms.demo.company import STEPS, Demo
from qms.documents import services
from qms.documents.demo import add_documents, seed_documents
from qms.documents.models import Document, DocumentType, DocumentVersion, VersionState
from qms.documents.services.register import Filters
from qms.permissions import Role


def _demo(db):
    demo = Demo(session=db.session, password="demo-password-2026", today=__import__("datetime").date(2026, 11, 22))
    for step in STEPS:
        step(demo)
    add_documents(demo)
    db.session.commit()
    return demo


def test_demo_documents(app, db):
    demo = _demo(db)
    documents = db.session.scalars(select(Document)).all()
    assert len(documents) >= 12
    by_number = {d.number: d for d in documents}
    policy = by_number["VGM-001"]
    assert policy.type is DocumentType.POLICY and policy.title == "VGM-beleidsverklaring"
    assert [v.state for v in policy.versions] == [VersionState.SUPERSEDED, VersionState.PUBLISHED]
    states = {v.state for d in documents for v in d.versions}
    assert {VersionState.PUBLISHED, VersionState.IN_REVIEW, VersionState.SUPERSEDED, VersionState.DRAFT,
            VersionState.WITHDRAWN} <= states
    norms = {r.norm for d in documents for r in d.requirements}
    assert norms == {"iso9001", "vca", "pso"}
    assert [d.number for d in services.documents_for_requirement("iso9001", "2015", "7.5")] == ["PR-001", "WI-001"]
    # every published version carries valid signatures over its own hash
    for d in documents:
        current = services.current_version(d)
        if current is not None:
            assert {s.meaning.value for s in current.valid_signatures} == {"reviewed", "approved"}
            assert all(s.sha256 == current.sha256 for s in current.signatures)
    # staff have something to read, and the full-text index knows the demo text
    assert services.to_read(demo.users[Role.STAFF])
    found = db.session.scalars(services.register_query(Filters(q="telescoopsteel"), include_unpublished=True)).all()
    assert [d.number for d in found] == ["WI-002"]


def test_seed_helper_for_the_bench(app, db):
    seed_documents(db.session, 250)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Document)) == 250
    assert db.session.scalar(select(func.count()).select_from(DocumentVersion)) == 250
    found = db.session.scalars(services.register_query(Filters(q="kenmerk170"), include_unpublished=False)).all()
    assert [d.number for d in found] == ["BN-00171"]


def test_review_reading_totals_count_in_the_database_what_coverage_counts_per_document(app, db):
    import datetime as dt

    from qms.documents.review import reading_totals
    from qms.documents.services.reading import coverage

    _demo(db)  # the demo holds confirmations of current and of older major versions
    in_use = db.session.scalars(select(Document).where(Document.status == VersionState.PUBLISHED)).all()
    expected_required = expected_confirmed = 0
    for document in in_use:
        _version, rows = coverage(document)
        expected_required += len(rows)
        expected_confirmed += sum(1 for row in rows if row.confirmed_at is not None)
    assert expected_required > 0 and expected_confirmed > 0
    assert reading_totals(dt.date(2026, 11, 22)) == (expected_required, expected_confirmed)
