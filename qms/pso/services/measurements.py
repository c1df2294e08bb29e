"""Frozen measurements: create, submit, discard, correct, and the guard that keeps their content frozen."""
from __future__ import annotations

import hashlib
import json
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import event, inspect, select

from ...database import utcnow
from ...extensions import db
from ..jsonio import input_to_json
from ..models import MEASUREMENT_TRANSITIONS, MeasurementState, PsoMeasurement
from .calculation import score
from .common import FROZEN_FIELDS, PsoError


def _freeze(year: int, user, norm_week: float | None) -> PsoMeasurement:
    current = score(year, norm_week)
    if current.result is None:
        raise PsoError("year", _("The register for %(year)s cannot be calculated: %(error)s",
                                 year=year, error=str(current.error)))
    inputs = json.dumps(input_to_json(current.register.input), sort_keys=True, ensure_ascii=False)
    results = json.dumps(current.result.to_dict(), sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256((inputs + "\n" + results).encode("utf-8")).hexdigest()
    return PsoMeasurement(year=year, reference_code=current.reference.code, inputs=inputs, results=results,
                          content_sha256=digest, total_pct=Decimal(str(round(current.result.total_pct, 4))),
                          level=current.result.level, created_by_id=getattr(user, "id", None),
                          state=MeasurementState.DRAFT)


def create_measurement(year: int, user, norm_week: float | None = None) -> PsoMeasurement:
    """Freeze the peiljaar as it stands now (inputs, results, reference version)."""
    m = _freeze(year, user, norm_week)
    db.session.add(m)
    db.session.flush()
    return m


def _transition(m: PsoMeasurement, to: MeasurementState) -> None:
    if to not in MEASUREMENT_TRANSITIONS[m.state]:
        raise PsoError("state", _("A measurement that is %(state)s cannot change.", state=state_label(m.state)))
    m.state = to


def current_submission(year: int) -> PsoMeasurement | None:
    """The submitted measurement that stands for the peiljaar: the end of its chain of corrections."""
    submitted = db.session.scalars(select(PsoMeasurement).where(
        PsoMeasurement.year == year, PsoMeasurement.state == MeasurementState.SUBMITTED)).all()
    corrected = {m.corrects_id for m in submitted if m.corrects_id is not None}
    heads = [m for m in submitted if m.id not in corrected]
    return max(heads, key=lambda m: m.id) if heads else None


def _check_submittable(m: PsoMeasurement) -> None:
    """One submission per peiljaar: a later one must be a correction of the submission that stands now."""
    standing = current_submission(m.year)
    if standing is None:
        if m.corrects_id is not None:
            raise PsoError("state", _("This correction belongs to a measurement that is not submitted."))
        return
    if m.corrects_id is None:
        raise PsoError("state", _("A measurement of %(year)s is already submitted (#%(id)s); correct that one "
                                  "instead.", year=m.year, id=standing.id))
    if m.corrects_id != standing.id:
        raise PsoError("state", _("This correction is outdated: measurement #%(id)s now stands for %(year)s; "
                                  "correct that one.", id=standing.id, year=m.year))


def submit_measurement(m: PsoMeasurement) -> PsoMeasurement:
    """Mark as submitted for certification: from now on it never changes."""
    if m.state is MeasurementState.DRAFT:
        _check_submittable(m)
    _transition(m, MeasurementState.SUBMITTED)
    m.submitted_at = utcnow()
    db.session.flush()
    return m


def discard_measurement(m: PsoMeasurement) -> PsoMeasurement:
    _transition(m, MeasurementState.DISCARDED)
    db.session.flush()
    return m


def correct_measurement(m: PsoMeasurement, user, reason: str, norm_week: float | None = None) -> PsoMeasurement:
    """A correction of a submitted measurement: a new draft linked to it; the original stays as it was."""
    if m.state is not MeasurementState.SUBMITTED:
        raise PsoError("reason", _("Only a submitted measurement is corrected; change a draft by measuring again."))
    if not reason.strip():
        raise PsoError("reason", _("Say why the measurement is corrected."))
    standing = current_submission(m.year)
    if standing is not None and standing.id != m.id:
        raise PsoError("reason", _("This correction is outdated: measurement #%(id)s now stands for %(year)s; "
                                   "correct that one.", id=standing.id, year=m.year))
    new = _freeze(m.year, user, norm_week)
    new.corrects_id, new.reason = m.id, reason.strip()
    db.session.add(new)
    db.session.flush()
    return new


@event.listens_for(PsoMeasurement, "before_update")
def guard_frozen(mapper, connection, obj: PsoMeasurement) -> None:
    """Refuse any change to a measurement's frozen content, and any change at all once it is submitted,
    whoever tries it (views, the CLI, a script). Listens on this mapper only: a flush without a measurement
    (an incident, a document) runs no PSO code."""
    state = inspect(obj)
    changed = {a.key for a in state.mapper.column_attrs if state.attrs[a.key].history.has_changes()}
    was = state.attrs["state"].history.deleted
    old_state = was[0] if was else obj.state
    if changed & FROZEN_FIELDS or (changed and old_state is MeasurementState.SUBMITTED):
        raise PsoError("state", _("A frozen measurement cannot change."))


@event.listens_for(PsoMeasurement, "before_delete")
def guard_deleted(mapper, connection, obj: PsoMeasurement) -> None:
    raise PsoError("state", _("A frozen measurement cannot be deleted."))


def state_label(state: MeasurementState) -> str:
    return {MeasurementState.DRAFT: _("draft"), MeasurementState.SUBMITTED: _("submitted"),
            MeasurementState.DISCARDED: _("discarded")}[state]


def measurement_result(m: PsoMeasurement) -> dict:
    return json.loads(m.results)


def measurements(year: int | None = None) -> list[PsoMeasurement]:
    stmt = select(PsoMeasurement).order_by(PsoMeasurement.year.desc(), PsoMeasurement.id.desc())
    if year is not None:
        stmt = stmt.where(PsoMeasurement.year == year)
    return db.session.scalars(stmt).all()


def history() -> list[tuple[int, float]]:
    """Score per peiljaar from the latest non-discarded measurement of each year (for the chart)."""
    rows = db.session.execute(select(PsoMeasurement.year, PsoMeasurement.total_pct, PsoMeasurement.id)
                              .where(PsoMeasurement.state != MeasurementState.DISCARDED)
                              .order_by(PsoMeasurement.year, PsoMeasurement.id)).all()
    latest: dict[int, float] = {}
    for year, pct, _id in rows:
        latest[year] = float(pct)
    return sorted(latest.items())
