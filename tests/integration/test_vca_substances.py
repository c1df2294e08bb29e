"""Hazardous substances register: products and sheets, the CMR list and the extra registration, instruction
confirmations, links, exports, access per role, live evidence on the readiness pages and the demo."""
import csv
import datetime as dt
import io

import pytest
from flask import current_app
from sqlalchemy import func, select

from qms.audit.models import AuditEntry
from qms.norms import registry
from qms.organisation.models import Site
from qms.permissions import Role
from qms.suppliers.models import Supplier
from qms.vca.substances import reference, register
from qms.vca.substances.models import (Substitution, VcaCmrRegistration, VcaCmrSubstance, VcaProduct,
                                       VcaProductInstruction)
from qms.vca.substances.pdf import placeholder_sheet

TODAY = dt.date.today()
CMR_CSV = ("CAS-nummer;Naam;Categorie\n872-50-4;N-Methyl-2-pyrrolidon;R\n50-00-0;Formaldehyde;C\n"
           "872-50-5;Wrong check digit;R\n71-43-2;Benzeen;CM\n")


def _evidence(norm="vca", version="2017-6.0"):
    with current_app.test_request_context():
        return [e for e in registry().live_evidence(norm, version, "vca2")]


def _rule(code, words):
    return next(e for e in _evidence() if e.requirement == code and words in e.label)


def _product(client, **overrides):
    data = {"name": "Sanitairreiniger Zuur", "purpose": "Sanitairreiniger", "quantity_band": "medium",
            "signal_word": "danger", "pictograms": ["GHS05", "GHS07"], "hazard_statements": "h314, H290",
            "precaution_statements": "P280, P305+P351+P338", "ppe": ["gloves", "goggles"],
            "do_text": "Draag handschoenen", "dont_text": "Niet mengen met chloor", "first_aid": "Spoelen",
            "disposal": "Restjes verdund weg"}
    data.update(overrides)
    return client.post("/vca/substances/new", data=data)


def _upload(client, product_id, issued_on, **extra):
    data = {"file": (io.BytesIO(placeholder_sheet("VIB", ["test"])), "vib.pdf"), "issued_on": issued_on.isoformat(),
            "language": "nl", "revision": "2.1", **extra}
    return client.post(f"/vca/substances/{product_id}/sheet", data=data, content_type="multipart/form-data")


def _load_cmr(client, text=CMR_CSV):
    page = client.post("/vca/substances/reference/cmr", data={
        "file": (io.BytesIO(text.encode()), "szw.csv"), "source": "SZW-lijst", "version_date": "2026-07-01"},
        content_type="multipart/form-data")
    html = page.get_data(as_text=True)
    token = html.split('name="token" type="hidden" value="')[1].split('"')[0] if 'name="token"' in html else None
    return page, html, token


def test_a_coordinator_adds_a_product_and_its_sheet(client, db, login_as):
    login_as(Role.COORDINATOR)
    supplier = Supplier(name="Van Rijn", active=True)
    site = Site(name="Kantoor Noord", active=True)
    db.session.add_all([supplier, site])
    db.session.commit()
    response = _product(client, supplier_id=str(supplier.id), site_ids=[str(site.id)])
    assert response.status_code == 302
    product = db.session.scalar(select(VcaProduct))
    assert product.hazard_list == ["H314", "H290"] and product.pictogram_list == ["GHS05", "GHS07"]
    assert [s.name for s in product.sites] == ["Kantoor Noord"] and product.supplier_id == supplier.id
    page = client.get(f"/vca/substances/{product.id}").get_data(as_text=True)
    assert "Causes severe skin burns and eye damage" in page and "no sheet" in page
    assert _upload(client, product.id, TODAY - dt.timedelta(days=30)).status_code == 302
    db.session.refresh(product)
    assert product.sds_file_id and product.sds_revision == "2.1" and product.sds_reviewed_on == TODAY
    assert client.get(f"/files/{product.sds_file_id}").status_code == 200
    assert _rule("8.2", "safety data sheet").ok
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.entity_type == "vca_product")) >= 2


def test_bad_input_keeps_what_was_typed_and_changes_nothing(client, db, login_as):
    login_as(Role.COORDINATOR)
    page = _product(client, hazard_statements="H314, H999", name="Mijn middel")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Unknown code: H999" in html and 'value="Mijn middel"' in html
    page = _product(client, signal_word="none", hazard_statements="")
    assert "signal word" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(VcaProduct)) == 0
    assert _product(client).status_code == 302
    product = db.session.scalar(select(VcaProduct))
    assert _upload(client, product.id, TODAY + dt.timedelta(days=3)).status_code == 400
    bad = {"file": (io.BytesIO(b"MZ not a pdf"), "vib.pdf"), "issued_on": TODAY.isoformat(), "language": "nl"}
    assert client.post(f"/vca/substances/{product.id}/sheet", data=bad,
                       content_type="multipart/form-data").status_code == 400
    response = client.post(f"/vca/substances/{product.id}/substances", data={"lines": "7647-01-1; zoutzuur; 5-10"})
    assert response.status_code == 400 and "not a valid CAS number" in response.get_data(as_text=True)
    db.session.refresh(product)
    assert product.sds_file_id is None and product.substances == []


def test_sheet_age_and_announced_revision_show_in_the_filters(client, db, login_as):
    login_as(Role.COORDINATOR)
    for name in ("Oud", "Nieuw", "Aangekondigd", "Leeg"):
        assert _product(client, name=name).status_code == 302
    ids = {p.name: p.id for p in db.session.scalars(select(VcaProduct))}
    _upload(client, ids["Oud"], TODAY - dt.timedelta(days=4 * 365))
    _upload(client, ids["Nieuw"], TODAY - dt.timedelta(days=100))
    _upload(client, ids["Aangekondigd"], TODAY - dt.timedelta(days=100))
    old = db.session.get(VcaProduct, ids["Oud"])
    old.sds_reviewed_on = old.sds_issued_on  # uploaded long ago, never checked since
    db.session.commit()
    client.post(f"/vca/substances/{ids['Aangekondigd']}/sheet/newer", data={})

    def names(sheet):
        html = client.get(f"/vca/substances/?sheet={sheet}").get_data(as_text=True)
        return {n for n in ids if f">{n}</a>" in html}

    assert names("outdated") == {"Oud"} and names("newer") == {"Aangekondigd"} and names("missing") == {"Leeg"}
    assert names("attention") == {"Oud", "Aangekondigd", "Leeg"}
    assert not _rule("8.2", "safety data sheet").ok
    assert _rule("8.2", "safety data sheet").value == "1 of 4 sheets current"
    client.post(f"/vca/substances/{ids['Oud']}/sheet/reviewed", data={})  # checked: still the latest
    assert names("outdated") == set()
    client.post("/vca/substances/reference", data={"action": "settings", "sds_max_age_years": "1"})
    assert names("outdated") == set()  # only an administrator changes the period
    client.post("/logout")
    login_as(Role.ADMIN)
    assert client.post("/vca/substances/reference", data={"action": "settings", "sds_max_age_years": "0"}
                       ).status_code == 400
    client.post("/vca/substances/reference", data={"action": "settings", "sds_max_age_years": "3"})


def test_a_cmr_product_asks_for_the_extra_registration(client, db, login_as):
    login_as(Role.ADMIN)
    page, html, token = _load_cmr(client)
    assert page.status_code == 200 and "872-50-5 is not a valid CAS number" in html and "Row 4" in html
    assert db.session.scalar(select(func.count()).select_from(VcaCmrSubstance)) == 0  # preview changes nothing
    assert client.post("/vca/substances/reference/cmr/confirm", data={
        "token": token, "source": "SZW-lijst", "version_date": "2026-07-01"}).status_code == 302
    assert {s.cas for s in db.session.scalars(select(VcaCmrSubstance))} == {"872-50-4", "50-00-0", "71-43-2"}
    assert db.session.scalar(select(VcaCmrSubstance).where(VcaCmrSubstance.cas == "71-43-2")).category == "CM"

    assert _product(client, name="Vloerstripper Krachtig").status_code == 302
    assert _product(client, name="Allesreiniger").status_code == 302
    stripper, cleaner = db.session.scalars(select(VcaProduct).order_by(VcaProduct.id)).all()
    client.post(f"/vca/substances/{cleaner.id}/substances", data={"lines": "68585-34-2; Laurylethersulfaat; 1-5"})
    response = client.post(f"/vca/substances/{stripper.id}/substances", data={
        "lines": "872-50-4; NMP; 10-25\n141-43-5; Ethanolamine; 5-10"})
    assert response.status_code == 302
    page = client.get(f"/vca/substances/{stripper.id}").get_data(as_text=True)
    assert "fill in the extra registration" in page and "CMR category R" in page
    assert "extra registration" not in client.get(f"/vca/substances/{cleaner.id}").get_data(as_text=True)
    listed = client.get("/vca/substances/?cmr=1").get_data(as_text=True)
    assert "Vloerstripper Krachtig" in listed and ">Allesreiniger<" not in listed
    assert not _rule("8.3", "CMR").ok and _rule("8.3", "CMR").value == "0 of 1 CMR products"

    # the extra registration: the outcome needs its reason or date
    base = {"exposed": "Vier allround schoonmakers", "exposure": "1 uur, maandelijks", "measures": "Gelaatsscherm"}
    refused = client.post(f"/vca/substances/{stripper.id}/cmr", data={**base, "substitution": "not_possible"})
    assert refused.status_code == 400 and "Say why substitution is not possible" in refused.get_data(as_text=True)
    refused = client.post(f"/vca/substances/{stripper.id}/cmr", data={**base, "substitution": "planned"})
    assert refused.status_code == 400
    refused = client.post(f"/vca/substances/{stripper.id}/cmr", data={"exposed": "x", "substitution": "open"})
    assert refused.status_code == 400 and db.session.scalar(select(VcaCmrRegistration)) is None
    assert client.post(f"/vca/substances/{cleaner.id}/cmr", data={**base, "substitution": "open"}).status_code == 400
    planned = (TODAY + dt.timedelta(days=60)).isoformat()
    assert client.post(f"/vca/substances/{stripper.id}/cmr", data={
        **base, "substitution": "planned", "planned_on": planned}).status_code == 302
    row = db.session.scalar(select(VcaCmrRegistration))
    assert row.substitution is Substitution.PLANNED and row.substitution_planned_on.isoformat() == planned
    assert _rule("8.3", "CMR").ok and _rule("8.3", "CMR").value == "1 of 1 CMR products"
    assert "fill in the extra registration" not in client.get(f"/vca/substances/{stripper.id}").get_data(as_text=True)


def test_a_new_cmr_list_replaces_the_old_and_a_bad_file_changes_nothing(client, db, login_as):
    login_as(Role.ADMIN)
    _page, _html, token = _load_cmr(client)
    client.post("/vca/substances/reference/cmr/confirm", data={"token": token, "source": "SZW", "version_date": ""})
    page, html, token = _load_cmr(client, "Naam;CAS;Categorie\nFormaldehyde;50-00-0;Kankerverwekkend\n")
    assert token is not None
    client.post("/vca/substances/reference/cmr/confirm", data={"token": token, "source": "SZW 2027"})
    assert [(s.cas, s.category, s.source) for s in db.session.scalars(select(VcaCmrSubstance))] == [
        ("50-00-0", "C", "SZW 2027")]
    page, html, token = _load_cmr(client, "just;some;text\n1;2;3\n")
    assert page.status_code == 400 and "No header row found" in html and token is None
    page = client.post("/vca/substances/reference/cmr", data={"file": (io.BytesIO(b"PK\x03\x04junk"), "x.xlsx"),
                                                              "source": "SZW"}, content_type="multipart/form-data")
    assert page.status_code == 400 and "not a CSV or XLSX table" in page.get_data(as_text=True)
    assert client.post("/vca/substances/reference/cmr/confirm", data={"token": "0" * 32, "source": "x"}
                       ).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(VcaCmrSubstance)) == 1


def test_the_cmr_list_loads_from_xlsx(client, db, login_as):
    from openpyxl import Workbook

    login_as(Role.ADMIN)
    book = Workbook()
    book.active.append(["CAS", "Name", "Category"])
    book.active.append(["872-50-4", "NMP", "R"])
    buffer = io.BytesIO()
    book.save(buffer)
    page = client.post("/vca/substances/reference/cmr", data={"file": (io.BytesIO(buffer.getvalue()), "szw.xlsx"),
                                                              "source": "SZW"}, content_type="multipart/form-data")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "1 substances can be loaded" in html


def test_hazard_codes_are_loaded_by_an_administrator(client, db, login_as):
    login_as(Role.COORDINATOR)
    assert client.post("/vca/substances/reference", data={"action": "shipped"}).status_code == 403
    assert client.get("/vca/substances/reference/cmr").status_code == 403
    client.post("/logout")
    login_as(Role.ADMIN)
    assert client.post("/vca/substances/reference", data={"action": "shipped"}).status_code == 302
    edited = reference.HAZARD_FILE.read_text(encoding="utf-8").replace(
        'en = "Causes severe skin burns and eye damage"', 'en = "Burns skin and eyes badly"')
    response = client.post("/vca/substances/reference", data={
        "action": "hazard", "hazard-file": (io.BytesIO(edited.encode()), "codes.toml")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    assert "Burns skin and eyes badly" in client.get("/vca/substances/reference").get_data(as_text=True)
    response = client.post("/vca/substances/reference", data={
        "action": "hazard", "hazard-file": (io.BytesIO(b'[[code]]\ncode = "Q1"\nkind = "x"\n'), "codes.toml")},
        content_type="multipart/form-data")
    assert response.status_code == 400 and "nothing was changed" in response.get_data(as_text=True)


def test_staff_open_the_card_and_confirm_once(client, db, login_as, make_user):
    login_as(Role.COORDINATOR)
    _product(client)
    product = db.session.scalar(select(VcaProduct))
    _upload(client, product.id, TODAY - dt.timedelta(days=10))
    client.post("/logout")
    staff = login_as(Role.STAFF)
    assert client.get(f"/vca/substances/{product.id}").status_code == 403
    assert client.get("/vca/substances/").status_code == 403
    card = client.get(f"/vca/substances/{product.id}/card").get_data(as_text=True)
    assert "Sanitairreiniger Zuur" in card and "I was instructed on this product" in card and "Danger" in card
    pdf = client.get(f"/vca/substances/{product.id}/card.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.count(b"/Type /Page\n") <= 1
    assert pdf.data.count(b"/Type /Page") - pdf.data.count(b"/Type /Pages") == 1
    for _ in range(2):  # a double tap
        assert client.post(f"/vca/substances/{product.id}/card/confirm", data={}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(VcaProductInstruction)) == 1
    assert "You confirmed on" in client.get(f"/vca/substances/{product.id}/card").get_data(as_text=True)
    assert "instructed" in client.get("/vca/substances/cards").get_data(as_text=True)
    assert "/vca/substances/cards" in client.get("/").get_data(as_text=True)  # in the staff menu
    assert client.get(f"/files/{product.sds_file_id}").status_code == 200  # the sheet is at hand for the worker
    assert client.post(f"/vca/substances/{product.id}/edit", data={"name": "x"}).status_code == 403
    assert client.post(f"/vca/substances/{product.id}/substances", data={"lines": ""}).status_code == 403
    from qms.vca.substances import services

    assert services.confirm_instruction(product, staff).id == db.session.scalar(select(VcaProductInstruction.id))


def test_the_auditor_reads_but_does_not_change(client, db, login_as):
    login_as(Role.COORDINATOR)
    _product(client)
    product = db.session.scalar(select(VcaProduct))
    client.post("/logout")
    login_as(Role.AUDITOR)
    page = client.get(f"/vca/substances/{product.id}").get_data(as_text=True)
    assert "Sanitairreiniger Zuur" in page and "Upload sheet" not in page
    assert client.get("/vca/substances/export.csv").status_code == 200
    assert client.post(f"/vca/substances/{product.id}/active", data={}).status_code == 403
    assert client.get("/vca/substances/new").status_code == 403


def test_exports_neutralise_formulas(client, db, login_as):
    login_as(Role.COORDINATOR)
    _product(client, name="=HYPERLINK(\"http://x\")", purpose="+SUM(A1)")
    _product(client, name="Glasreiniger", pictograms=[], signal_word="none", hazard_statements="",
             precaution_statements="")
    rows = list(csv.reader(io.StringIO(client.get("/vca/substances/export.csv").get_data(as_text=True).lstrip("\ufeff")),
                           delimiter=";"))
    assert rows[0][0] == "Product" and len(rows) == 3
    assert rows[1][0] == "'=HYPERLINK(\"http://x\")" and rows[1][1] == "'+SUM(A1)"
    filtered = client.get("/vca/substances/export.csv?pictogram=GHS05").get_data(as_text=True)
    assert "Glasreiniger" not in filtered
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(client.get("/vca/substances/export.xlsx").data))
    values = [[c.value for c in row] for row in book.active.iter_rows()]
    assert values[1][0] == "'=HYPERLINK(\"http://x\")" and len(values) == 3


def test_links_to_incidents_toolbox_meetings_and_the_rie(client, db, login_as):
    from qms.incidents.models import Incident
    from qms.vca.models import AssessmentKind, VcaRiskAssessment, VcaToolboxMeeting

    login_as(Role.COORDINATOR)
    rie = VcaRiskAssessment(kind=AssessmentKind.RIE, title="RI&E 2026", assessed_on=TODAY)
    meeting = VcaToolboxMeeting(planned_on=TODAY, topic="Veilig werken met schoonmaakmiddelen")
    db.session.add_all([rie, meeting])
    db.session.commit()
    when = (dt.datetime.now() - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    assert client.post("/incidents/report", data={
        "type": "near_miss", "occurred_at": when, "site_id": "", "location": "Spoelruimte", "involved": ["own_staff"],
        "injured_count": "0", "description": "Chloor en zuur bijna gemengd.", "immediate_action": "Gescheiden.",
        "persons_text": "", "submission_id": "tok-1"}).status_code == 302
    incident = db.session.scalar(select(Incident))
    assert _product(client, assessment_id=str(rie.id)).status_code == 302
    product = db.session.scalar(select(VcaProduct))
    assert client.post(f"/vca/substances/{product.id}/meetings", data={"meeting_id": str(meeting.id)}).status_code == 302
    assert client.post(f"/vca/substances/{product.id}/incidents",
                       data={"incident_id": str(incident.id)}).status_code == 302
    assert client.post(f"/vca/substances/{product.id}/incidents", data={"incident_id": "999"}).status_code == 400
    page = client.get(f"/vca/substances/{product.id}").get_data(as_text=True)
    assert "RI&amp;E 2026" in page and "Veilig werken met schoonmaakmiddelen" in page
    assert incident.number in page
    from qms.vca.substances.models import VcaProductToolbox

    link = db.session.scalar(select(VcaProductToolbox))
    client.post(f"/vca/substances/{product.id}/links/{link.id}/delete?kind=meeting", data={})
    assert db.session.scalar(select(VcaProductToolbox)) is None


def test_readiness_shows_the_substance_rules(client, db, login_as):
    pytest.importorskip("qms.evidence.services")
    from qms.organisation.models import Company

    db.session.add(Company(name="X", certification_targets="iso9001:2015,vca:vca2"))
    db.session.commit()
    login_as(Role.COORDINATOR)
    _product(client)
    page = client.get("/evidence/norms/vca/2017-6.0").get_data(as_text=True)
    assert "Register of hazardous substances with a current safety data sheet per product" in page
    assert "CMR products registered (exposure, measures) with a substitution check" in page
    requirement = client.get("/evidence/norms/vca/2017-6.0/req/8.2").get_data(as_text=True)
    assert "0 of 1 sheets current" in requirement
    assert "Register of hazardous substances" in client.get("/vca/").get_data(as_text=True)
    old = {e.requirement for e in _evidence("vca", "2008-5.1") if "CMR" in e.label or "hazardous" in e.label}
    assert old == {"9.2", "9.3"}
    from qms.vca.figures import review_section

    with current_app.test_request_context():
        rows = dict(review_section(TODAY - dt.timedelta(days=365), TODAY).rows)
    assert rows["Safety data sheets current"] == "0 of 1 sheets current"
    iso = [e for e in _evidence("iso9001", "2015") if e.requirement == "7.5.3.2"]
    assert any("Safety data sheets of the cleaning products" in e.label for e in iso)
    assert "Safety data sheets of the cleaning products" in client.get(
        "/evidence/norms/iso9001/2015").get_data(as_text=True)


def test_the_demo_has_products_with_sheets_and_cards(app, db, client, login_as):
    from qms.demo import load_demo

    with app.test_request_context():
        load_demo(db.session, "demo-password-long-enough", today=TODAY)
        db.session.commit()
    products = db.session.scalars(select(VcaProduct)).all()
    assert len(products) >= 25 and sum(1 for p in products if p.sds_file_id) >= 24
    kinds = " ".join(p.purpose.lower() for p in products)
    for word in ("allesreiniger", "sanitairreiniger", "chloor", "ontkalker", "glasreiniger", "vloerstripper",
                 "desinfect", "rvs"):
        assert word in kinds, word
    from qms.vca.substances import services

    with app.test_request_context():
        cmr = services.cmr_product_ids()
        assert len(cmr) == 2
        figures = register.figures()
    assert figures.cmr_registered == 1 and figures.confirmations >= 1
    login_as(Role.COORDINATOR)
    for product in products[:6]:
        pdf = client.get(f"/vca/substances/{product.id}/card.pdf").data
        assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1
    page = client.get("/vca/substances/?sheet=attention").get_data(as_text=True)
    assert "Chloorbleek 4%" in page and "Tapijtreiniger Sprayextractie" in page


def test_coordinators_are_reminded_of_sheets_to_replace_once(client, db, login_as):
    from qms.notifications import services as notifications
    from qms.notifications.models import Notification

    coordinator = login_as(Role.COORDINATOR)
    _product(client, name="Zonder blad")
    _product(client, name="Oud blad")
    _product(client, name="Goed blad")
    ids = {p.name: p.id for p in db.session.scalars(select(VcaProduct))}
    _upload(client, ids["Oud blad"], TODAY - dt.timedelta(days=4 * 365))
    _upload(client, ids["Goed blad"], TODAY - dt.timedelta(days=20))
    old = db.session.get(VcaProduct, ids["Oud blad"])
    old.sds_reviewed_on = old.sds_issued_on
    db.session.commit()
    assert notifications.run_reminders(TODAY) >= 2
    db.session.commit()
    subjects = sorted(n.subject for n in db.session.scalars(select(Notification).where(
        Notification.user_id == coordinator.id)) if "safety data sheet" in n.subject)
    assert subjects == ["The safety data sheet of Oud blad is to be replaced or checked",
                        "The safety data sheet of Zonder blad is missing"]
    assert notifications.run_reminders(TODAY) == 0  # once per key


def test_editing_a_product_changes_its_card_and_is_in_the_trail(client, db, login_as):
    from qms.audit.models import AuditEntry

    login_as(Role.COORDINATOR)
    assert _product(client).status_code == 302
    product = db.session.scalar(select(VcaProduct))
    assert 'value="Sanitairreiniger Zuur"' in client.get(f"/vca/substances/{product.id}/edit").get_data(as_text=True)
    data = {"name": "Sanitairreiniger Zuur Extra", "purpose": "Sanitairreiniger", "quantity_band": "medium",
            "signal_word": "danger", "pictograms": ["GHS05"], "hazard_statements": "H314",
            "precaution_statements": "P280", "ppe": ["gloves", "goggles"], "do_text": "Draag handschoenen",
            "dont_text": "Niet mengen met chloor", "first_aid": "Spoelen", "disposal": "Restjes verdund weg"}
    response = client.post(f"/vca/substances/{product.id}/edit", data=data, follow_redirects=True)
    assert "Sanitairreiniger Zuur Extra was saved." in response.get_data(as_text=True)
    db.session.refresh(product)
    assert (product.name, product.hazard_list, product.pictogram_list) == ("Sanitairreiniger Zuur Extra", ["H314"],
                                                                           ["GHS05"])
    changed = db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == product.__tablename__,
                                                          AuditEntry.action == "update")).all()
    assert changed and any("Sanitairreiniger Zuur Extra" in (e.new_values or "") for e in changed)
    bad = client.post(f"/vca/substances/{product.id}/edit", data={**data, "name": "Onbekend",
                                                                  "hazard_statements": "H999"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "Unknown code: H999" in html and 'value="Onbekend"' in html
    db.session.refresh(product)
    assert product.name == "Sanitairreiniger Zuur Extra" and product.hazard_list == ["H314"]
