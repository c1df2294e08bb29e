"""Cleaning quality measurement: inventory, plans, an inspection from draw to result, follow-up, tables,
import/export round trip, the client report and access to every route."""
import io
import re

import pytest
from sqlalchemy import func, select

from qms.actions.models import Nonconformity
from qms.audit.models import AuditEntry
from qms.core.exports import xlsx_bytes
from qms.permissions import Role
from qms.quality_measurement import imports, sampling, services
from qms.quality_measurement.models import (DefectKind, Inspection, InspectionDefect, InspectionPlan, Location,
                                            Room, SamplingTableRevision)


def make_location(db, rooms=50, name="Kantoor Centrum", elements=("floor", "desk")):
    location = services.save_location(None, name=name, client="Gemeente Utrecht")
    for n in range(rooms):
        room = services.save_room(location, building="A", floor=str(n // 10), code=f"A{n:03d}", name=None,
                                  room_type="office", area=None)
        for element in elements:
            services.set_element(room, element, "weekly")
    plan = services.add_plan(location, contract="Contract 2026-01", aql="2.5", level="II")
    db.session.commit()
    return location, plan


def count_fields(html):
    return re.findall(r'name="(c-\d+-[a-z_]+-\d+)"', html)


def test_a_coordinator_conducts_an_inspection_that_is_rejected(client, db, login_as):
    user = login_as(Role.COORDINATOR)
    location, plan = make_location(db)
    page = client.get(f"/quality/locations/{location.id}").get_data(as_text=True)
    assert "Code letter D" in page or "Codeletter D" in page or "D:" in page
    response = client.post(f"/quality/plans/{plan.id}/start")
    assert response.status_code == 302
    inspection = db.session.scalar(select(Inspection))
    # lot 50 at level II → D; at AQL 2.5 D holds ↑ → C: 5 rooms, Ac 0 Re 1
    assert (inspection.lot_size, inspection.code_letter, inspection.plan_letter, inspection.sample_size,
            inspection.ac, inspection.re) == (50, "D", "C", 5, 0, 1)
    drawn = [r.room_id for r in services.inspection_rooms(inspection)]
    all_rooms = services.lot_rooms(location)
    assert drawn == sampling.draw(inspection.seed, all_rooms, 5)
    form = client.get(f"/quality/inspections/{inspection.id}").get_data(as_text=True)
    assert "data-offline" in form and 'name="submission_id"' in form
    fields = count_fields(form)
    assert len(fields) == 5 * 2 * 6
    submission = re.search(r'name="submission_id" value="([0-9a-f]+)"', form).group(1)
    dust = db.session.scalar(select(DefectKind).where(DefectKind.code == "dust"))
    field = next(f for f in fields if f.endswith(f"-floor-{dust.id}"))
    data = {"submission_id": submission, field: "2", "client_name": "Mevr. Jansen", "client_confirmed": "y"}
    response = client.post(f"/quality/inspections/{inspection.id}", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    inspection = db.session.get(Inspection, inspection.id)
    assert inspection.state == "done" and inspection.accepted is False and inspection.defects == 2
    assert inspection.client_name == "Mevr. Jansen" and inspection.client_confirmed
    nc = db.session.scalar(select(Nonconformity))
    assert nc.source_type == "quality_inspection" and nc.source_id == str(inspection.id)
    # the same form again (an offline queue replaying it) records nothing more
    again = client.post(f"/quality/inspections/{inspection.id}", data=data)
    assert again.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(InspectionDefect)) == 1
    assert db.session.scalar(select(func.count()).select_from(Nonconformity)) == 1
    result = client.get(f"/quality/inspections/{inspection.id}").get_data(as_text=True)
    assert "Mevr. Jansen" in result and nc.number in result
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.entity_type == "qm_inspection")) >= 2


def test_bad_counts_keep_the_input_and_change_nothing(client, db, login_as):
    login_as(Role.STAFF)
    location, plan = make_location(db, rooms=10)
    client.post(f"/quality/plans/{plan.id}/start")
    inspection = db.session.scalar(select(Inspection))
    form = client.get(f"/quality/inspections/{inspection.id}").get_data(as_text=True)
    fields = count_fields(form)
    response = client.post(f"/quality/inspections/{inspection.id}", data={fields[0]: "abc", fields[1]: "1"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'value="1"' in html
    db.session.expire_all()
    assert db.session.get(Inspection, inspection.id).state == "open"
    response = client.post(f"/quality/inspections/{inspection.id}", data={"client_confirmed": "y"})
    assert response.status_code == 400
    assert db.session.get(Inspection, inspection.id).state == "open"


def test_an_accepted_lot_and_repeated_defects(client, db, login_as):
    user = login_as(Role.COORDINATOR)
    location, plan = make_location(db, rooms=3, elements=("floor",))
    plan.aql = "65"
    db.session.commit()
    kinds = {k.code: k for k in (services.ensure_default_kinds() or services.all_kinds())}
    for _ in range(2):
        inspection = services.start_inspection(plan, user, seed=7)
        rooms = services.inspection_rooms(inspection)
        services.record_result(inspection, user, counts={(rooms[0].id, "floor", kinds["dust"].id): 1},
                               client_name="", client_confirmed=False, notes=None, submission_id=None)
        db.session.commit()
        assert inspection.accepted, (inspection.ac, inspection.re)
    titles = [nc.title for nc in db.session.scalars(select(Nonconformity))]
    assert len(titles) == 1 and "Repeated" in titles[0] or "Herhaalde" in titles[0]


def test_staff_see_only_their_own_inspections(client, db, login_as, make_user):
    other = make_user(Role.STAFF)
    location, plan = make_location(db, rooms=10)
    inspection = services.start_inspection(plan, other)
    db.session.commit()
    login_as(Role.STAFF)
    assert client.get(f"/quality/inspections/{inspection.id}").status_code == 404
    assert client.post(f"/quality/inspections/{inspection.id}", data={}).status_code == 404
    assert client.get(f"/quality/locations/{location.id}/report.pdf").status_code == 403
    assert client.post(f"/quality/locations/{location.id}/rooms", data={}).status_code == 403
    assert client.post("/quality/tables/cell", data={}).status_code == 403
    assert client.get(f"/quality/locations/{location.id}").status_code == 200
    assert client.get("/quality/inspections/99999999999").status_code == 404


def test_hr_has_no_access(client, db, login_as):
    location, plan = make_location(db, rooms=3)
    login_as(Role.HR)
    for url in ["/quality/", f"/quality/locations/{location.id}", "/quality/tables", "/quality/defect-kinds"]:
        assert client.get(url).status_code == 403, url


def test_an_administrator_corrects_the_tables(client, db, login_as):
    login_as(Role.ADMIN)
    assert "3 / 4" in client.get("/quality/tables").get_data(as_text=True)
    bad = client.post("/quality/tables/cell", data={"letter": "H", "aql": "2.5", "cell": "4/3", "note": "test"})
    assert bad.status_code == 400 and 'value="4/3"' in bad.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(SamplingTableRevision)) == 0
    ok = client.post("/quality/tables/cell", data={"letter": "H", "aql": "2.5", "cell": "4/5",
                                                    "note": "checked against the printed table"})
    assert ok.status_code == 302
    assert services.plan_for(500, "II", "2.5").ac == 4
    ok = client.post("/quality/tables/letter", data={"lot_min": "26", "level": "II", "letter": "E",
                                                      "note": "correction"})
    assert ok.status_code == 302
    assert sampling.code_letter(services.tables(), 30, "II") == "E"
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.entity_type == "qm_table_revision")) == 2


def test_managing_locations_rooms_plans_and_kinds(client, db, login_as):
    login_as(Role.COORDINATOR)
    assert client.post("/quality/locations", data={"name": "", "client": "X"}).status_code == 400
    assert client.post("/quality/locations", data={"name": "Ziekenhuis", "client": "UMC"}).status_code == 302
    location = db.session.scalar(select(Location))
    room = {"building": "B", "floor": "1", "code": "B101", "room_type": "toilet", "area": "12,5",
            "elements": ["sanitary", "floor"], "frequency": "daily"}
    assert client.post(f"/quality/locations/{location.id}/rooms", data=room).status_code == 302
    assert client.post(f"/quality/locations/{location.id}/rooms", data={**room, "room_type": "x"}).status_code == 400
    assert client.post(f"/quality/locations/{location.id}/plans",
                       data={"contract": "C", "aql": "3.3", "level": "II"}).status_code == 400
    assert client.post(f"/quality/locations/{location.id}/plans",
                       data={"contract": "C", "aql": "4.0", "level": "II"}).status_code == 302
    plan = db.session.scalar(select(InspectionPlan))
    start = client.post(f"/quality/plans/{plan.id}/start")  # one room: no lot to sample
    assert start.status_code == 302 and db.session.scalar(select(func.count()).select_from(Inspection)) == 0
    assert client.post("/quality/defect-kinds", data={"code": "gum", "name_nl": "Kauwgom", "name_en": "Chewing gum",
                                                      "category": "cleaning"}).status_code == 302
    assert client.post("/quality/defect-kinds", data={"code": "gum", "name_nl": "K", "name_en": "C",
                                                      "category": "cleaning"}).status_code == 400
    kind = db.session.scalar(select(DefectKind).where(DefectKind.code == "gum"))
    assert client.post(f"/quality/defect-kinds/{kind.id}/active").status_code == 302
    db.session.expire_all()
    assert not db.session.get(DefectKind, kind.id).active


def test_inventory_export_imports_back_unchanged(client, db, login_as, app):
    login_as(Role.COORDINATOR)
    location, _ = make_location(db, rooms=4)
    exported = client.get(f"/quality/locations/{location.id}/export.xlsx")
    assert exported.status_code == 200
    from qms.core.imports import process

    outcome = process(imports.INVENTORY, exported.data, dry_run=True)
    assert outcome.created == 0 and outcome.updated == 0 and outcome.rejected == 0
    header = imports.INVENTORY.header()
    rows = [[location.name, "A", "0", "A999", "", "toilet", 4, "ja", "sanitary", "daily"],
            ["Onbekend", "A", "0", "X1", "", "toilet", 4, "ja", "sanitary", "daily"]]
    outcome = process(imports.INVENTORY, xlsx_bytes(header, rows, "x"), dry_run=False)
    assert outcome.created == 1 and outcome.rejected == 1
    assert db.session.scalar(select(Room).where(Room.code == "A999")).elements[0].frequency == "daily"


def test_client_report_pdf(client, db, login_as):
    user = login_as(Role.COORDINATOR)
    location, plan = make_location(db, rooms=20)
    inspection = services.start_inspection(plan, user)
    services.record_result(inspection, user, counts={}, client_name="Dhr. Bakker", client_confirmed=True,
                           notes=None, submission_id="abc")
    db.session.commit()
    for lang in ("nl", "en"):
        response = client.get(f"/quality/locations/{location.id}/report.pdf?lang={lang}")
        assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert client.get(f"/quality/locations/{location.id}/report.pdf?lang=de").status_code == 404


def test_photos_are_stored_and_served_to_who_may_see_the_inspection(client, db, login_as):
    from PIL import Image

    user = login_as(Role.COORDINATOR)
    location, plan = make_location(db, rooms=5)
    client.post(f"/quality/plans/{plan.id}/start")
    inspection = db.session.scalar(select(Inspection))
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, "PNG")
    response = client.post(f"/quality/inspections/{inspection.id}", content_type="multipart/form-data",
                           data={"submission_id": "s1", "photos": (io.BytesIO(buffer.getvalue()), "vloer.png")})
    assert response.status_code == 302
    db.session.expire_all()
    photo = db.session.get(Inspection, inspection.id).photos[0]
    assert client.get(f"/quality/inspections/{inspection.id}/photos/{photo.id}").status_code == 200
    assert client.get(f"/quality/inspections/{inspection.id}/photos/{photo.id + 1}").status_code == 404


def test_a_text_file_as_photo_is_refused_and_nothing_is_recorded(client, db, login_as):
    login_as(Role.COORDINATOR)
    location, plan = make_location(db, rooms=5)
    client.post(f"/quality/plans/{plan.id}/start")
    inspection = db.session.scalar(select(Inspection))
    response = client.post(f"/quality/inspections/{inspection.id}", content_type="multipart/form-data",
                           data={"client_name": "Jan", "photos": (io.BytesIO(b"not an image"), "x.png")})
    assert response.status_code == 400 and 'value="Jan"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Inspection, inspection.id).state == "open"


def test_the_import_pages_preview_and_import(client, db, login_as):
    login_as(Role.COORDINATOR)
    location, _ = make_location(db, rooms=1)
    data = xlsx_bytes(imports.INVENTORY.header(), [
        [location.name, "A", "0", "N1", "", "office", 10, "ja", "floor", "weekly"],
        [location.name, "A", "0", "N2", "", "kantoortuin", 10, "ja", "floor", "weekly"]], "x")
    response = client.post("/quality/inventory/import", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(data), "inventory.xlsx")})
    assert response.status_code == 302
    preview = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "N2" in preview
    assert db.session.scalar(select(Room).where(Room.code == "N1")) is None  # the preview changes nothing


def test_evidence_and_review_use_the_same_figure(client, db, login_as, app):
    import datetime as dt

    from qms.core.dates import today
    from qms.iso9001.services import figures as iso

    user = login_as(Role.COORDINATOR)
    location, plan = make_location(db, rooms=10)
    inspection = services.start_inspection(plan, user)
    services.record_result(inspection, user, counts={}, client_name="", client_confirmed=False, notes=None,
                           submission_id=None)
    db.session.commit()
    rules = {e.requirement: e for e in iso.evidence("2015") if e.endpoint == "measurement.index"}
    assert rules["8.5.1"].ok and rules["9.1.2"].ok
    section = iso.review_cleaning_quality(today() - dt.timedelta(days=30), today())
    summary = services.period_summary(today() - dt.timedelta(days=30), today())
    assert dict(section.rows)[next(k for k, _ in section.rows if k in ("Inspections", "Inspecties"))] == str(
        summary.inspections) == "1"
