"""Test data in one line: ``factories.employee(db, "E1")``. Each factory adds the row, commits and returns it;
keyword arguments set any other column."""
from __future__ import annotations

import datetime as dt

from qms.organisation.models import Employee, Site


def employee(db, number: str, *, first_name: str = "Sam", last_name: str | None = None, function: str = "Cleaner",
             hired_on: dt.date = dt.date(2020, 1, 1), user=None, **columns) -> Employee:
    """An employee; ``user`` links the login, ``last_name`` defaults to the number."""
    person = Employee(number=number, first_name=first_name, last_name=last_name or number, function=function,
                      hired_on=hired_on, user_id=user.id if user else None, **columns)
    db.session.add(person)
    db.session.commit()
    return person


def site(db, name: str = "Kantoor Centrum", **columns) -> Site:
    """A site where the company works."""
    place = Site(name=name, **columns)
    db.session.add(place)
    db.session.commit()
    return place
