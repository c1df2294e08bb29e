"""A small company for the API tests: one record of every register the API exposes, made directly."""
import datetime as dt
import io
from decimal import Decimal

from werkzeug.datastructures import FileStorage

from qms.actions.models import CorrectiveAction, Nonconformity
from qms.evidence.models import Certificate, EvidenceItem, EvidenceRequirement, ReviewStatus
from qms.incidents import services as incidents
from qms.incidents.models import IncidentHours
from qms.incidents.workflow import HoursCategory, IncidentType
from qms.organisation.models import Department, Employee, Site
from qms.suppliers.models import Supplier, SupplierCertificate
from qms.training.models import TrainingRecord
from qms.uploads import services as uploads

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_company(db, users: dict) -> dict:
    """Records for ``users`` (role → user); returns their ids by name."""
    today = dt.date.today()
    site = Site(name="Kantoor Utrecht", client="Gemeente", address="Straat 1")
    dept = Department(name="Schoonmaak")
    db.session.add_all([site, dept])
    db.session.flush()
    staff = users.get("staff")
    employee = Employee(number="E-001", first_name="Anna", last_name="de Vries", function="Schoonmaker",
                        department_id=dept.id, site_id=site.id, hired_on=today - dt.timedelta(days=400),
                        user_id=staff.id if staff is not None else None)
    other = Employee(number="E-002", first_name="Bram", last_name="Jansen", function="Teamleider",
                     department_id=dept.id, site_id=site.id, hired_on=today - dt.timedelta(days=900))
    db.session.add_all([employee, other])
    db.session.flush()
    db.session.add_all([
        TrainingRecord(employee_id=employee.id, kind="b_vca", title="B-VCA", number="CDR-1",
                       completed_on=today - dt.timedelta(days=100), valid_until=today + dt.timedelta(days=3000)),
        TrainingRecord(employee_id=other.id, kind="vol_vca", title="VOL-VCA", number="CDR-2",
                       completed_on=today - dt.timedelta(days=50), valid_until=today + dt.timedelta(days=3000)),
    ])
    supplier = Supplier(name="Schoon BV", city="Utrecht", email="info@schoon.example")
    db.session.add(supplier)
    db.session.flush()
    db.session.add(SupplierCertificate(supplier_id=supplier.id, scheme="vca", level="VCA*",
                                       valid_until=today + dt.timedelta(days=200)))
    owner = users.get("coordinator") or next(iter(users.values()))
    nc = Nonconformity(number="NC-2026-0001", title="Checklist ontbreekt", description="", source_type="audit",
                       opened_on=today - dt.timedelta(days=10), owner_id=owner.id)
    db.session.add(nc)
    db.session.flush()
    db.session.add_all([
        CorrectiveAction(nonconformity_id=nc.id, description="Checklist maken", owner_id=owner.id,
                         due_date=today - dt.timedelta(days=2)),
        CorrectiveAction(nonconformity_id=None, description="Eigen actie", owner_id=(staff or owner).id,
                         due_date=today + dt.timedelta(days=5)),
    ])
    certificate = Certificate(norm="vca", level="VCA*", certifying_body="CI", number="VCA-123",
                              issued_on=today - dt.timedelta(days=700), expires_on=today + dt.timedelta(days=25))
    db.session.add(certificate)
    stored = uploads.store(FileStorage(io.BytesIO(PDF), filename="beleid.pdf"), allowed={"pdf"})
    evidence = EvidenceItem(title="VGM-beleid", file_id=stored.id, valid_from=today - dt.timedelta(days=30),
                            review_status=ReviewStatus.ACCEPTED)
    evidence.requirements = [EvidenceRequirement(norm="vca", version="6.0", code="1.1")]
    db.session.add(evidence)
    db.session.add(IncidentHours(year=today.year, month=1, category=HoursCategory.OWN_STAFF, hours=Decimal("1234.5")))
    incident, _ = incidents.report(incidents.ReportData(
        type=IncidentType.NEAR_MISS, occurred_at=incidents.local_now() - dt.timedelta(hours=2),
        description="Natte vloer zonder bord", site_id=site.id, persons_text="Anna de Vries"),
        reporter=owner, token=None)
    db.session.commit()
    return {"site": site.id, "department": dept.id, "employee": employee.id, "other_employee": other.id,
            "supplier": supplier.id, "nc": nc.id, "certificate": certificate.id, "incident": incident.id,
            "evidence": evidence.id}
