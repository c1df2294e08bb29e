"""Helpers shared by the incident views: loading, choices, error display."""
from __future__ import annotations

from functools import partial

from sqlalchemy import select
from wtforms import SelectChoice

from ...core.errors import show_refusal
from ...core.loaders import get_or_404
from ...extensions import db
from ...organisation.models import Department
from ..models import Incident
from ...database import MAX_ID



def load_incident(incident_id: int) -> Incident:
    """The incident or 404 (the route's permission already covers every incident)."""
    return get_or_404(Incident, incident_id)


def department_choices(label=""):
    deps = db.session.scalars(select(Department).where(Department.active.is_(True)).order_by(Department.name))
    return [SelectChoice("", label)] + [SelectChoice(d.id, d.name) for d in deps]



#: A rule's refusal next to its field, or at the top of the form; nothing of the change is kept.
show_error = partial(show_refusal, on_form=True)
