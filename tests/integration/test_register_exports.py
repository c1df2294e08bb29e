"""Registers in Excel and CSV: the toolbox meetings of a year, the diploma overview, the PSO measurements and
purchases, with the page's filter and the words the page shows (never codes)."""
import csv
import datetime as dt
import io

from openpyxl import load_workbook

from qms.permissions import Role
from qms.vca.models import AttendanceMethod, MeetingState, VcaToolboxAttendance, VcaToolboxMeeting, VcaWorker
from tests import factories

TODAY = dt.date.today()


def _csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def _xlsx(data: bytes) -> list[list]:
    return [[c.value for c in row] for row in load_workbook(io.BytesIO(data)).worksheets[0].iter_rows()]


def test_the_toolbox_export_lists_the_years_meetings_with_their_state_in_words(client, db, login_as):
    login_as(Role.COORDINATOR)
    person = factories.employee(db, "T1", last_name="Jansen")
    year = TODAY.year
    held = VcaToolboxMeeting(planned_on=dt.date(year, 3, 4), held_on=dt.date(year, 3, 4), topic="=Ladders",
                             state=MeetingState.CLOSED)
    planned = VcaToolboxMeeting(planned_on=dt.date(year, 11, 2), topic="Gevaarlijke stoffen")
    other_year = VcaToolboxMeeting(planned_on=dt.date(year - 1, 5, 1), topic="Vorig jaar", state=MeetingState.CLOSED)
    db.session.add_all([held, planned, other_year])
    db.session.flush()
    db.session.add(VcaToolboxAttendance(meeting_id=held.id, employee_id=person.id, method=AttendanceMethod.SIGNED))
    db.session.commit()
    page = client.get(f"/vca/toolbox?year={year}").get_data(as_text=True)
    assert f"/vca/toolbox/export.xlsx?year={year}" in page
    rows = _csv(client.get(f"/vca/toolbox/export.csv?year={year}").data)
    assert rows[0] == ["Date", "Topic", "Presenter", "Status", "Attendees"]
    assert [r[1:] for r in rows[1:]] == [["'=Ladders", "", "Held", "1"], ["Gevaarlijke stoffen", "", "Planned", ""]]
    sheet = _xlsx(client.get(f"/vca/toolbox/export.xlsx?year={year}").data)
    assert sheet[1][0] == dt.datetime(year, 3, 4) and sheet[1][3] == "Held" and len(sheet) == 3


def test_the_diploma_export_follows_the_pages_filter(client, db, login_as):
    login_as(Role.COORDINATOR)
    gap = factories.employee(db, "D1", last_name="Zonder Diploma", hired_on=TODAY - dt.timedelta(days=900))
    fine = factories.employee(db, "D2", last_name="Op Orde", hired_on=TODAY - dt.timedelta(days=900))
    db.session.add_all([VcaWorker(employee_id=gap.id, risky_work_since=TODAY - dt.timedelta(days=800)),
                        VcaWorker(employee_id=fine.id)])
    db.session.commit()
    assert "/vca/diplomas/export.xlsx?show=gaps" in client.get("/vca/diplomas").get_data(as_text=True)
    gaps = _csv(client.get("/vca/diplomas/export.csv?show=gaps").data)
    assert gaps[0] == ["Employee number", "Name", "Function", "Risky work since", "Diploma"]
    assert [r[0] for r in gaps[1:]] == ["D1"] and gaps[1][4] == "No VCA diploma"
    everyone = _xlsx(client.get("/vca/diplomas/export.xlsx?show=all").data)
    assert len(everyone) - 1 >= 1 and "D1" in [r[0] for r in everyone[1:]]


def test_the_pso_measurements_and_purchases_export_aggregates_only(client, db, login_as):
    from decimal import Decimal

    from qms.pso.models import PsoPurchase, SupplierKind

    login_as(Role.HR)
    year = TODAY.year - 1
    db.session.add(PsoPurchase(year=year, supplier_name="=SW Bedrijf Utrecht", kind=SupplierKind.SW,
                               invoice_value=Decimal("50000"), supplier_turnover=Decimal("1000000"),
                               supplier_target_fte=Decimal("40")))
    db.session.commit()
    assert f"/pso/purchases/export.xlsx?year={year}" in client.get(f"/pso/purchases?year={year}").get_data(as_text=True)
    rows = _csv(client.get(f"/pso/purchases/export.csv?year={year}").data)
    assert rows[0][:2] == ["Supplier", "Kind"] and rows[1][0] == "'=SW Bedrijf Utrecht" and rows[1][1] == "SW company"
    sheet = _xlsx(client.get(f"/pso/purchases/export.xlsx?year={year}").data)
    assert float(sheet[1][6]) == 2.0  # 50,000 / 1,000,000 × 40 FTE
    assert "/pso/measurements/export.xlsx" in client.get("/pso/measurements").get_data(as_text=True)
    assert _csv(client.get("/pso/measurements/export.csv").data)[0][0] == "Peiljaar"
