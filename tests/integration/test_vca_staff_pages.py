"""What a staff member meets on VCA pages: no link to a register they may not open, and the workplace
inspection's "All in order" shortcut (with and without scripts: the server marks the unanswered checks OK)."""
import datetime as dt
import re

from sqlalchemy import select

from qms.permissions import Role
from qms.vca.models import InspectionState, MeetingState, VcaInspection, VcaInspectionTemplate, VcaToolboxMeeting
from tests import factories

TODAY = dt.date.today()


def _links(html: str) -> set[str]:
    return {href for href in re.findall(r'href="(/[^"#]*)"', html) if not href.startswith(("/static", "/vca/static"))}


def _inspection(db, inspector_id: int, checks: int = 8) -> VcaInspection:
    template = VcaInspectionTemplate(name="Werkplek", items="\n".join(f"Controle {n}" for n in range(1, checks + 1)))
    db.session.add(template)
    db.session.flush()
    row = VcaInspection(template_id=template.id, planned_on=TODAY, inspector_id=inspector_id)
    db.session.add(row)
    db.session.commit()
    return row


def test_staff_see_no_vca_link_that_refuses_them(client, db, login_as):
    staff = login_as(Role.STAFF)
    factories.employee(db, "S1", user=staff)
    meeting = VcaToolboxMeeting(planned_on=TODAY, held_on=TODAY, topic="Ladders", state=MeetingState.HELD)
    db.session.add(meeting)
    db.session.commit()
    row = _inspection(db, staff.id)
    pages = ["/", "/vca/my-toolbox", f"/vca/toolbox/{meeting.id}/sign", f"/vca/inspections/{row.id}/carry-out"]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        for href in _links(response.get_data(as_text=True)):
            if href.endswith(".pdf") or "/logout" in href:
                continue
            assert client.get(href).status_code != 403, f"{page} links to {href}, which refuses a staff member"
    assert "VCA registers" not in client.get(f"/vca/inspections/{row.id}/carry-out").get_data(as_text=True)


def test_all_in_order_marks_unanswered_checks_ok_and_saves_nothing_yet(client, db, login_as):
    staff = login_as(Role.STAFF)
    row = _inspection(db, staff.id)
    page = client.get(f"/vca/inspections/{row.id}/carry-out").get_data(as_text=True)
    assert "All in order" in page and 'class="check-list compact"' in page
    response = client.post(f"/vca/inspections/{row.id}/carry-out",
                           data={"done_on": TODAY.isoformat(), "result-2": "not_ok", "note-2": "Geen afzetting",
                                 "all_ok": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    checked = dict(re.findall(r'name="result-(\d+)" value="(\w+)" checked', html))
    assert checked == {**{str(n): "ok" for n in range(8) if n != 2}, "2": "not_ok"}
    assert "Geen afzetting" in html
    db.session.refresh(row)
    assert row.state is InspectionState.PLANNED
    # Sending the form as it now stands records the inspection; the staff inspector lands on the start page.
    data = {"done_on": TODAY.isoformat(), **{f"result-{n}": v for n, v in ((int(k), v) for k, v in checked.items())},
            "note-2": "Geen afzetting"}
    saved = client.post(f"/vca/inspections/{row.id}/carry-out", data=data)
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/")
    db.session.refresh(row)
    assert row.state is InspectionState.DONE
