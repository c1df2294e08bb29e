"""An administrator loads the official VCA 2026/6.1 list: preview with the diff, in use, the transition view with
readiness side by side and the gaps turned into actions; refusals leave everything as it was."""
import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from qms.actions.models import CorrectiveAction
from qms.audit.models import AuditEntry
from qms.catalogue.models import CatalogueImport, ImportState
from qms.evidence.models import EvidenceItem, ReviewStatus
from qms.permissions import Role

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def official_list(client, version: str = "2026-6.1") -> bytes:
    """The shipped provisional 6.1 list as exported, edited the way the official SSVV list differs from it:
    one question added, one dropped, one reworded, one marked differently for VCA*, a new minimum for VCA**."""
    response = client.get("/norms/vca/2026-6.1/export.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.data))
    sheet = book["requirements"]
    header = [c.value for c in sheet[1]]
    col = {name: i for i, name in enumerate(header)}
    drop = None
    for row in sheet.iter_rows(min_row=2):
        code = str(row[col["code"]].value)
        if code == "2.2":
            row[col["title_nl"]].value = "Taakrisicoanalyse (TRA) vóór risicovol werk"
            row[col["title_en"]].value = "Task risk analysis (TRA) before high-risk work"
        if code == "1.9":
            row[col["level:vca1"]].value = "must"
        if code == "4.5":
            drop = row[0].row
    sheet.delete_rows(drop)
    sheet.append(["1.10", "1", "requirement", "Veiligheidsgesprekken door leidinggevenden",
                  "Safety conversations led by supervisors", "Gesprekken op de werkplek met verslag.",
                  "Conversations on site with a record.", "supplementary", "must", "must"])
    meta = book["version"]
    for row in meta.iter_rows(min_row=2):
        if row[0].value == "provisional":
            row[1].value = "false"
        if row[0].value == "code":
            row[1].value = version
        if row[0].value == "min_supplementary:vca2":
            row[1].value = "5"
        if row[0].value == "note_nl":
            row[1].value = "Officiële SSVV-vragenlijst VCA 2026/6.1."
        if row[0].value == "note_en":
            row[1].value = "Official SSVV question list VCA 2026/6.1."
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def admin(client, login_as):
    return login_as(Role.ADMIN)


def _upload(client, data: bytes, name="vca-2026-6.1-official.xlsx", version="2026-6.1", **extra):
    form = {"norm": "vca", "version": version, "file": (io.BytesIO(data), name), **extra}
    return client.post("/norms/import", data=form, content_type="multipart/form-data")


def _evidence(client, db, code: str, version: str = "2017-6.0") -> None:
    response = client.post("/evidence/items/new", data={
        "title": f"Bewijs {code}", "requirement": f"vca/{version}/{code}", "valid_from": "2026-01-01", "owner": "",
        "file": (io.BytesIO(PDF), "bewijs.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    item = db.session.scalars(select(EvidenceItem).order_by(EvidenceItem.id.desc())).first()
    item.review_status = ReviewStatus.ACCEPTED
    db.session.commit()


def test_official_list_preview_diff_readiness_and_transition_actions(app, client, db, admin):
    _evidence(client, db, "1.1")
    _evidence(client, db, "2.1")
    page = client.get("/norms/vca/2026-6.1").get_data(as_text=True)
    assert "provisional-banner" in page and "Norms → Import" in page

    response = _upload(client, official_list(client))
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    row = db.session.scalars(select(CatalogueImport)).one()
    assert row.state is ImportState.PREVIEW and row.revision == 1
    # Not in use yet: the catalogue still shows the provisional list.
    assert "1.10" not in client.get("/norms/vca/2026-6.1").get_data(as_text=True)

    preview = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 added, 1 removed, 1 changed, 1 changed markings per level." in preview
    assert "Safety conversations led by supervisors" in preview and "Development of the safety culture" in preview
    assert "vca2: 4 → 5" in preview

    done = client.post(f"/norms/import/{row.id}/activate")
    assert done.status_code == 302 and done.headers["Location"].endswith("/norms/vca/2026-6.1")
    db.session.refresh(row)
    assert row.state is ImportState.ACTIVE and row.activated_at is not None
    page = client.get("/norms/vca/2026-6.1").get_data(as_text=True)
    assert "1.10" in page and "provisional-banner" not in page and "Imported list (import 1)" in page
    cat = app.extensions["qms_norms"].get("vca").versions["2026-6.1"]
    assert cat.source == "import" and not cat.provisional and cat.min_supplementary["vca2"] == 5
    assert "4.5" not in cat.requirements and cat.crossrefs["2017-6.0"]["1.1"] == ["1.1"]
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.entity_type == "catalogue_import",
                                                      AuditEntry.action == "update")) is not None

    url = "/norms/vca/transition/2017-6.0/2026-6.1?level=vca2"
    view = client.get(url).get_data(as_text=True)
    assert 'data-version="2017-6.0"' in view and 'data-version="2026-6.1"' in view  # readiness side by side
    assert 'data-code="2.1" data-kind="carried">' in view  # evidence carries over through the cross-reference
    assert 'data-code="1.10" data-kind="new" class="gap"' in view
    # Marked as changed in the cross-reference the import inherited: its evidence is to be checked again.
    assert 'data-code="1.1" data-kind="changed" class="gap"' in view
    owner = admin
    due = dt.date.today() + dt.timedelta(days=40)
    response = client.post("/norms/vca/transition/2017-6.0/2026-6.1/actions?level=vca2",
                           data={"owner_id": str(owner.id), "due_date": due.isoformat(), "codes": ["1.10", "1.8"]})
    assert response.status_code == 302
    actions = db.session.scalars(select(CorrectiveAction).order_by(CorrectiveAction.id)).all()
    assert [(a.source_id, a.owner_id, a.due_date) for a in actions] == [
        ("vca:2026-6.1:1.8", owner.id, due), ("vca:2026-6.1:1.10", owner.id, due)]
    assert "1.10" in actions[1].description
    again = client.get(url).get_data(as_text=True)
    assert again.count('badge badge-info">planned') == 2
    # Asking again for the same gaps plans nothing twice.
    assert client.post("/norms/vca/transition/2017-6.0/2026-6.1/actions?level=vca2",
                       data={"owner_id": str(owner.id), "due_date": due.isoformat(),
                             "codes": ["1.10"]}).status_code == 422
    assert len(db.session.scalars(select(CorrectiveAction)).all()) == 2
    # The certification calendar names the transition deadline.
    calendar = client.get("/evidence/certificates").get_data(as_text=True)
    assert 'id="transition-deadlines"' in calendar and "Move from VCA 2017/6.0 to VCA 2026/6.1" in calendar


def test_row_errors_are_listed_and_nothing_is_stored(client, db, admin):
    bad = ("code,parent,kind,title_nl,title_en,hint_nl,hint_en,level:vca1,level:vca2,level:petro\n"
           "1,,chapter,Beleid,Policy,,,,,\n1.1,1,requirement,Verklaring,Statement,,,must,always,must\n"
           "1.2,7,requirement,X,X,,,must,must,must\n").encode()
    response = _upload(client, bad, name="list.csv")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The marking “always” for level vca2 is not must, supplementary or na." in html
    assert "The parent 7 is not an earlier row." in html and 'value="2026-6.1"' in html
    assert db.session.scalars(select(CatalogueImport)).all() == []
    assert _upload(client, b"", name="empty.csv").status_code == 422


def test_a_version_used_by_a_frozen_audit_is_never_changed_in_place(app, client, db, admin):
    from qms.audits.models import Audit, AuditNorm
    from qms.audits.rules import AuditState

    audit = Audit(number="AU-2026-09", title="VCA", planned_start=dt.date(2026, 9, 1), lead_auditor_id=admin.id,
                  state=AuditState.CLOSED)
    audit.norms = [AuditNorm(norm="vca", version="2026-6.1")]
    db.session.add(audit)
    db.session.commit()
    response = _upload(client, official_list(client))
    row = db.session.scalars(select(CatalogueImport)).one()
    assert "1 frozen audit(s)" in client.get(response.headers["Location"]).get_data(as_text=True)
    refused = client.post(f"/norms/import/{row.id}/activate", follow_redirects=True)
    assert "never changed in place" in refused.get_data(as_text=True)
    db.session.refresh(row)
    assert row.state is ImportState.PREVIEW
    assert app.extensions["qms_norms"].get("vca").versions["2026-6.1"].provisional
    # Under a new version code it goes ahead.
    wrong = _upload(client, official_list(client), version="2026-6.1b")
    assert wrong.status_code == 422 and "names version 2026-6.1, not the version being imported" in wrong.get_data(
        as_text=True)
    response = _upload(client, official_list(client, "2026-6.1b"), version="2026-6.1b", replaces="2017-6.0")
    assert response.status_code == 302
    new = db.session.scalars(select(CatalogueImport).where(CatalogueImport.version == "2026-6.1b")).one()
    assert client.post(f"/norms/import/{new.id}/activate").status_code == 302
    assert "2026-6.1b" in app.extensions["qms_norms"].get("vca").versions


def test_corrected_import_replaces_the_previous_one(app, client, db, admin):
    data = official_list(client)
    for _ in range(2):
        _upload(client, data)
        row = db.session.scalars(select(CatalogueImport).order_by(CatalogueImport.id.desc())).first()
        assert client.post(f"/norms/import/{row.id}/activate").status_code == 302
    states = [(r.revision, r.state) for r in db.session.scalars(select(CatalogueImport).order_by(CatalogueImport.id))]
    assert states == [(1, ImportState.REPLACED), (2, ImportState.ACTIVE)]
    assert app.extensions["qms_norms"].get("vca").versions["2026-6.1"].revision == 2
    listing = client.get("/norms/import").get_data(as_text=True)
    assert "Replaced" in listing and "In use" in listing


def test_only_administrators_import(client, login_as):
    login_as(Role.COORDINATOR)
    assert client.get("/norms/import").status_code == 403
    assert client.get("/norms/vca/2017-6.0/export.csv").status_code == 200
    assert client.get("/norms/vca/2017-6.0/export.pdf").status_code == 404


def test_cli_import_and_export(app, tmp_path, client, admin):
    runner = app.test_cli_runner()
    data = official_list(client)
    path = tmp_path / "vca.xlsx"
    path.write_bytes(data)
    result = runner.invoke(args=["qms", "catalogue", "import", str(path), "--norm", "vca", "--version", "2026-6.1",
                                 "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "added 1: 1.10" in result.output and "dry run" in result.output
    result = runner.invoke(args=["qms", "catalogue", "import", str(path), "--norm", "vca", "--version", "2026-6.1"])
    assert result.exit_code == 0 and "is in use (import 1)" in result.output
    out = tmp_path / "back.csv"
    result = runner.invoke(args=["qms", "catalogue", "export", "--norm", "vca", "--version", "2026-6.1",
                                 "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0 and "1.10,1,requirement" in out.read_text(encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("code,parent\n1,\n", encoding="utf-8")
    result = runner.invoke(args=["qms", "catalogue", "import", str(bad), "--norm", "vca", "--version", "x1"])
    assert result.exit_code == 1 and "row 1" in result.output


def test_every_shipped_move_has_a_transition_page_with_its_notice(client, login_as):
    login_as(Role.COORDINATOR)
    listing = client.get("/norms/transitions").get_data(as_text=True)
    for norm, old, new in (("vca", "2017-6.0", "2026-6.1"), ("iso9001", "2015", "2026"), ("pso", "1.9", "2.1")):
        assert f"/norms/{norm}/transition/{old}/{new}" in listing
        page = client.get(f"/norms/{norm}/transition/{old}/{new}")
        assert page.status_code == 200, (norm, old, new)
        assert "provisional-banner" in page.get_data(as_text=True)
    iso = client.get("/norms/iso9001/transition/2015/2026").get_data(as_text=True)
    assert 'data-code="6.1.3" data-kind="changed"' in iso and 'data-code="5.1.1" data-kind="changed"' in iso
    assert 'id="deadline">' in iso and "2029" in iso
    assert client.get("/norms/iso9001/transition/2015/2015").status_code == 404
    assert client.get("/norms/iso9001/transition/2015/1999").status_code == 404
    # Readiness of a provisional version says so too; staff may not plan transition actions.
    assert "provisional-banner" in client.get("/evidence/norms/vca/2026-6.1").get_data(as_text=True)


@pytest.mark.parametrize("role, status", [(Role.AUDITOR, 422), (Role.HR, 403), (Role.STAFF, 403)])
def test_transition_actions_need_the_action_permission(client, login_as, role, status):
    login_as(role)
    assert client.post("/norms/vca/transition/2017-6.0/2026-6.1/actions", data={}).status_code == status


def test_a_certificate_names_its_norm_version(client, db, login_as):
    from qms.evidence.models import Certificate

    login_as(Role.COORDINATOR)
    form = {"norm": "vca", "level": "vca2", "version": "2026-6.1", "certifying_body": "CI", "number": "VCA-1",
            "issued_on": "2026-08-01", "expires_on": "2029-07-31", "extends_id": ""}
    assert client.post("/evidence/certificates/new", data=form).status_code == 302
    cert = db.session.scalars(select(Certificate)).one()
    assert cert.version == "2026-6.1"
    assert "VCA 2026/6.1</span>" in client.get("/evidence/certificates").get_data(as_text=True)
    wrong = client.post("/evidence/certificates/new", data={**form, "number": "VCA-2", "version": "2015"})
    assert wrong.status_code != 302 and "This version does not exist for the chosen norm." in wrong.get_data(
        as_text=True)


def test_a_previewed_import_is_discarded_and_an_active_one_is_not(app, client, db, admin):
    shipped = app.extensions["qms_norms"].get("vca").versions["2026-6.1"].revision
    data = official_list(client)
    _upload(client, data)
    preview = db.session.scalars(select(CatalogueImport).order_by(CatalogueImport.id.desc())).first()
    preview_id = preview.id
    response = client.post(f"/norms/import/{preview_id}/discard")
    assert response.status_code == 302 and response.headers["Location"].endswith("/norms/import")
    assert "The import was discarded." in client.get("/norms/import").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(CatalogueImport, preview_id).state is ImportState.DISCARDED
    assert app.extensions["qms_norms"].get("vca").versions["2026-6.1"].revision == shipped
    moved = db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "catalogue_import",
                                                        AuditEntry.entity_id == str(preview_id),
                                                        AuditEntry.action == "update")).all()
    assert moved and "discarded" in moved[-1].new_values
    # a version in use is not discarded: the refusal is shown on its preview
    _upload(client, data)
    active = db.session.scalars(select(CatalogueImport).order_by(CatalogueImport.id.desc())).first()
    client.post(f"/norms/import/{active.id}/activate")
    refused = client.post(f"/norms/import/{active.id}/discard")
    assert refused.status_code == 302 and refused.headers["Location"].endswith(f"/norms/import/{active.id}")
    db.session.expire_all()
    assert db.session.get(CatalogueImport, active.id).state is ImportState.ACTIVE


def test_only_administrators_discard_an_import(app, client, db, admin, login_as):
    _upload(client, official_list(client))
    preview = db.session.scalars(select(CatalogueImport).order_by(CatalogueImport.id.desc())).first()
    client.post("/logout")
    login_as(Role.COORDINATOR)
    assert client.post(f"/norms/import/{preview.id}/discard").status_code == 403
    db.session.expire_all()
    assert db.session.get(CatalogueImport, preview.id).state is ImportState.PREVIEW
