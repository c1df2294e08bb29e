"""PSO demo data for De Glans: employment periods and hours for last peiljaar, target-group statuses for the
BBL apprentices and a few Participatiewet / Wajong colleagues, two purchases, a planned hire, a submitted
measurement of the year before and a draft of last year. The company lands at trede 3."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from .models import (ConversationKind, PsoConversation, PsoEmployment, PsoHours, PsoPlannedHire, PsoPurchase,
                     PsoTargetStatus, SupplierKind)

#: Contract hours per week; everyone else works 32 hours.
HOURS = {"DG001": 40, "DG002": 36, "DG003": 40, "DG004": 32, "DG005": 24, "DG006": 38, "DG010": 38,
         "DG014": 32, "DG015": 32, "DG016": 32, "DG017": 32, "DG018": 24, "DG019": 32, "DG020": 20,
         "DG021": 24, "DG022": 36, "DG023": 32, "DG024": 24, "DG025": 28}
#: (starting position, years before today of the intake, status valid for years after intake or None,
#:  BBL level, conversation held in the peiljaar)
TARGET = {
    "DG014": ("bbl2", None, 3, 2, True),
    "DG015": ("bbl2", None, 3, 2, True),
    "DG016": ("bbl2", None, 3, 2, True),
    "DG017": ("bbl2", None, 3, 2, True),
    "DG018": ("bbl1", None, 2, 1, True),
    "DG019": ("bbl2", None, 3, 2, False),
    "DG022": ("loonkostensubsidie", 4.0, 6, None, True),
    "DG023": ("participatiewet", 3.5, None, None, True),
    "DG024": ("wia_wajong", None, None, None, True),
    "DG020": ("participatiewet", None, None, None, True),
}
SCHOOLS = {1: "ROC Midden Nederland, Entree", 2: "ROC Midden Nederland, Schoonmaak niveau 2"}


def _add_years(day: dt.date, years: float) -> dt.date:
    return day + dt.timedelta(days=round(years * 365.25))


def add_pso_demo(demo) -> None:
    session = demo.session
    year = demo.today.year - 1
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    for number, employee in demo.employees.items():
        per_week = Decimal(HOURS.get(number, 32))
        session.add(PsoEmployment(employee_id=employee.id, start=employee.hired_on, end=employee.left_on,
                                  contract_type="regular", hours_per_week=per_week, norm_week_hours=Decimal(38)))
        start = max(employee.hired_on, first)
        if start <= last:
            weeks = ((last - start).days + 1) / 7
            worked = Decimal(str(round(float(per_week) * min(weeks, 52) * 0.96, 2)))
            session.add(PsoHours(employee_id=employee.id, year=year, hours_worked=worked, source="import"))
    for number, (position, intake_years, valid_years, level, talked) in TARGET.items():
        employee = demo.employees[number]
        intake = demo.years_ago(intake_years) if intake_years else employee.hired_on
        status = PsoTargetStatus(
            employee_id=employee.id, starting_position=position, intake_date=intake,
            status_until=_add_years(intake, valid_years) if valid_years else None,
            education_route="bbl" if level else None, education_level=level,
            school=SCHOOLS.get(level) if level else None,
            suitable_work="Vaste ronde in een vast team; taken afgestemd op werktempo en ervaring.",
            integration="Neemt deel aan het werkoverleg en de toolboxen van de afdeling.",
            support_needed=True, support="Begeleiding door leermeester of werkbegeleider; plan besproken bij intake.",
            job_coach="Jobcoach gemeente Utrecht" if position in ("loonkostensubsidie", "participatiewet") else None)
        session.add(status)
        session.flush()
        when = max(intake, dt.date(year, 10, 15))
        if talked and when <= last:
            session.add(PsoConversation(status_id=status.id, held_on=when, kind=ConversationKind.PERFORMANCE,
                                        summary="Functioneringsgesprek: gaat goed, wil doorgroeien; afspraken "
                                                "over planning en opleiding vastgelegd."))
    _purchases(demo, year)
    start = min(demo.today + dt.timedelta(days=14), dt.date(year + 1, 12, 31))
    session.add(PsoPlannedHire(label="Schoonmaker via gemeente (Participatiewet)", start=start,
                               contract_type="regular", hours_per_week=Decimal(24),
                               starting_position="participatiewet"))
    session.flush()
    _measurements(demo, year)


def _measurements(demo, year: int) -> None:
    """Last year's peiljaar submitted for certification, this one frozen as a draft (chart history)."""
    from qms.permissions import Role

    from . import services

    user = demo.users.get(Role.HR)
    earlier = services.create_measurement(year - 1, user)
    services.submit_measurement(earlier)
    services.create_measurement(year, user)


def _purchases(demo, year: int) -> None:
    from qms.suppliers.models import Supplier

    by_name = {s.name: s.id for s in demo.session.scalars(select(Supplier))}
    for name, kind, number, invoice, turnover, fte in (
        ("Sociaal Werkbedrijf Utrecht-Midden", SupplierKind.SW, None, "24000", "30000000", "900"),
        ("Groenvoorziening De Linde B.V.", SupplierKind.PSO, "PSO-2024-0417", "8500", "2400000", "12"),
    ):
        demo.session.add(PsoPurchase(year=year, supplier_id=by_name.get(name), supplier_name=name, kind=kind,
                                     certificate_number=number, invoice_value=Decimal(invoice),
                                     supplier_turnover=Decimal(turnover), supplier_target_fte=Decimal(fte)))
