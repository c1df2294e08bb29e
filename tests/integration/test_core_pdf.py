"""The core PDF kit in real documents: every text is escaped before ReportLab reads it as markup, so a name
with "<" neither breaks the PDF (a 500) nor loses text."""
import datetime as dt
import shutil
import subprocess
from decimal import Decimal

import pytest

from qms.organisation.models import Employee
from qms.permissions import Role
from qms.pso import services
from qms.pso.services import StatusData

YEAR = 2025


def _text(data: bytes) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout
    return " ".join(out.decode().split())


def _target_group(db, marked: list[tuple[str, str]]):
    """Target-group colleagues named ``marked``, none with a documented suitable job (so the dossier names them
    under the missing criteria), and eight regular colleagues."""
    names = marked + [("Anna", f"Test{n}") for n in range(8)]
    people = []
    for n, (first, last) in enumerate(names):
        person = Employee(number=f"M{n:03}", first_name=first, last_name=last, function="cleaner",
                          hired_on=dt.date(2015, 1, 1))
        db.session.add(person)
        people.append(person)
    db.session.flush()
    for person in people:
        services.add_employment(person, start=dt.date(2015, 1, 1), end=None, contract_type="regular",
                                hours_per_week=Decimal(40), norm_week_hours=None)
    for person in people[:len(marked)]:
        services.save_status(person, StatusData(starting_position="wia_wajong", intake_date=dt.date(2015, 1, 1),
                                                integration="werkoverleg", support="jobcoach"))
    db.session.commit()
    return people


@pytest.mark.parametrize("marked", [
    [("de Vries", "<BV")],  # an unclosed tag: ReportLab refused the paragraph, the dossier answered 500
    [("Jan", "<b>")],  # an unclosed bold tag: refused as well
    [("de Vries", "<BV"), ("Jan", "<b>")],  # together they parse, and "<BV, Jan <b>" was silently lost
])
def test_the_named_pso_dossier_shows_names_with_markup_characters(client, login_as, db, marked):
    _target_group(db, marked)
    login_as(Role.HR)
    response = client.get(f"/pso/dossier.pdf?year={YEAR}&named=1")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith('named.pdf"')
    text = _text(response.data)
    listed = ", ".join(f"{first} {last}" for first, last in marked)
    assert f"Suitable work in: {listed}" in text
