"""Hours worked per month and group in and out of a spreadsheet (the injury frequency's denominator). A row is
one month of one group, found again by year, month and group; it is saved by :func:`services.save_hours`,
the function the hours page uses."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core.imports import CREATED, UNCHANGED, UPDATED, Column, Importer, RowRejected, choice, integer, number
from ..extensions import db
from . import services
from .models import IncidentHours
from .services import IncidentError
from .workflow import PERSON_LABELS, HoursCategory, PersonCategory


def _context() -> dict:
    return {(r.year, r.month, r.category.value): r.hours for r in db.session.scalars(select(IncidentHours))}


def _save(values: dict, known: dict) -> str:
    if not 1 <= values["month"] <= 12:
        raise RowRejected(_("The month is a number from 1 to 12."))
    key = (values["year"], values["month"], values["category"])
    hours = Decimal(values["hours"]).quantize(Decimal("0.1"))
    before = known.get(key)
    if before is not None and Decimal(before) == hours:
        return UNCHANGED
    services.save_hours(values["year"], {(values["month"], HoursCategory(values["category"])): hours})
    known[key] = hours
    return CREATED if before is None else UPDATED


def _values(row: IncidentHours) -> dict:
    return {"year": row.year, "month": row.month, "category": row.category.label, "hours": row.hours}


HOURS = Importer(
    name="hours",
    title=_l("Hours worked"),
    permission="incidents.manage",
    key=("year", "month", "category"),
    columns=(
        Column("year", _l("Year"), integer, required=True),
        Column("month", _l("Month"), integer, required=True),
        Column("category", _l("Group"),
               choice({c.value: PERSON_LABELS[PersonCategory(c.value)] for c in HoursCategory}), required=True),
        Column("hours", _l("Hours"), number, required=True),
    ),
    save=_save,
    context=_context,
    errors=(IncidentError,),
    values=_values,
    list_endpoint="incidents.hours",
    hint=_l("One row per month and group (own staff, temporary workers, subcontractors); a month already "
            "entered is updated."),
)
