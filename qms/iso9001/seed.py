"""Benchmark-size ISO 9001 data (``make bench``): bulk inserts, no audit entries, seeded once per database."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import insert, select

from ..extensions import db
from ..organisation.models import Employee
from ..suppliers.models import Supplier, SupplierCertificate
from .models import (Competence, Complaint, EmployeeFunction, JobFunction, Measurement, Objective, Risk,
                     SupplierEvaluation)

SUPPLIERS, COMPLAINTS, RISKS, FUNCTIONS = 500, 5_000, 300, 12
MARKER = "BENCH-SUPPLIER-0000"


def seed(today: dt.date) -> None:
    if db.session.scalar(select(Supplier.id).where(Supplier.name == MARKER)) is not None:
        return
    db.session.execute(insert(Supplier), [{"name": MARKER if n == 0 else f"Bench leverancier {n:04d}", "active": True,
                                           "city": "Utrecht", "supplies": "Middelen"} for n in range(SUPPLIERS)])
    ids = list(db.session.scalars(select(Supplier.id).order_by(Supplier.id)))
    db.session.execute(insert(SupplierCertificate), [
        {"supplier_id": i, "scheme": "vca" if i % 2 else "iso9001", "valid_until": today + dt.timedelta(days=i % 400 - 30)}
        for i in ids])
    db.session.execute(insert(SupplierEvaluation), [
        {"supplier_id": i, "evaluated_on": today - dt.timedelta(days=y * 365 + i % 300), "quality": 3 + i % 3,
         "delivery": 3, "communication": 4, "price": 3, "sustainability": 2 + i % 4, "score": 55 + i % 40,
         "decision": "approved", "next_evaluation": today + dt.timedelta(days=i % 365 - 60 + y * 365)}
        for i in ids for y in range(2)])
    db.session.execute(insert(Complaint), [
        {"number": f"KL-B-{n:06d}", "kind": "complaint", "channel": "email", "client": f"Klant {n % 80}",
         "received_on": today - dt.timedelta(days=n % 700), "description": "Niet goed schoongemaakt",
         "deadline": today - dt.timedelta(days=n % 700 - 10), "state": "closed" if n % 5 else "received",
         "answered_on": today - dt.timedelta(days=n % 700 - 3) if n % 5 else None} for n in range(COMPLAINTS)])
    db.session.execute(insert(Risk), [
        {"kind": "risk" if n % 4 else "opportunity", "title": f"Risico {n}", "likelihood": 1 + n % 5,
         "impact": 1 + (n // 5) % 5, "state": "open", "review_on": today + dt.timedelta(days=n % 200 - 20)}
        for n in range(RISKS)])
    db.session.execute(insert(Objective), [
        {"title": f"Doelstelling {n}", "target": Decimal(90), "unit": "%", "direction": "at_least", "state": "active",
         "deadline": today + dt.timedelta(days=200), "evaluation": "Maandelijks"} for n in range(20)])
    objective_ids = list(db.session.scalars(select(Objective.id)))
    db.session.execute(insert(Measurement), [
        {"objective_id": o, "measured_on": today - dt.timedelta(days=30 * m), "value": Decimal(85 + (o + m) % 10)}
        for o in objective_ids for m in range(24)])
    db.session.execute(insert(JobFunction), [{"name": f"Functie {n:02d}", "active": True} for n in range(FUNCTIONS)])
    function_ids = list(db.session.scalars(select(JobFunction.id).order_by(JobFunction.id)))
    kinds = ["b_vca", "bhv", None]
    db.session.execute(insert(Competence), [{"function_id": f, "name": f"Competentie {k}", "training_kind": kind}
                                            for f in function_ids for k, kind in enumerate(kinds)])
    employee_ids = list(db.session.scalars(select(Employee.id)))
    db.session.execute(insert(EmployeeFunction), [
        {"employee_id": e, "function_id": function_ids[(e + k) % len(function_ids)]}
        for e in employee_ids for k in range(2)])
    db.session.commit()


def bench_iso_args(app) -> dict:
    from ..organisation.services import today

    with app.test_request_context():
        seed(today())
    return {}
