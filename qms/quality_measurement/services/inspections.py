"""Inspection plans and inspections: drawing the sample, recording the counts, judging the lot, the
follow-up nonconformities, and the done inspections every figure is computed from."""
from __future__ import annotations

import datetime as dt
import secrets
from typing import Iterable

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ...core.dates import today
from ...extensions import db
from ...permissions import has_permission
from .. import figures, sampling
from ..models import (CATEGORIES, ELEMENTS, DefectKind, Inspection, InspectionDefect, InspectionPhoto,
                      InspectionPlan, InspectionRoom, Location, Room)
from .common import MAX_COUNT, SOURCE_TYPE, MeasurementError
from .inventory import lot_rooms
from .tables import all_kinds, ensure_default_kinds, plan_for, tables


def add_plan(location: Location, *, contract: str, aql: str, level: str) -> InspectionPlan:
    if not (contract or "").strip():
        raise MeasurementError("contract", _("Name the contract."))
    if aql not in tables().aql_values:
        raise MeasurementError("aql", _("Choose an AQL from the list."))
    if level not in sampling.LEVELS:
        raise MeasurementError("level", _("Choose an inspection level."))
    plan = InspectionPlan(location_id=location.id, contract=contract.strip()[:160], aql=aql, level=level, active=True)
    db.session.add(plan)
    db.session.flush()
    return plan


def may_see_inspection(user, inspection: Inspection) -> bool:
    """Coordinators and auditors see every inspection; an inspector sees the ones they conducted."""
    return has_permission(user, "measurement.view_all") or inspection.inspector_id == user.id


def may_conduct(user, inspection: Inspection) -> bool:
    return inspection.state == "open" and (inspection.inspector_id == user.id
                                           or has_permission(user, "measurement.manage"))


def start_inspection(plan: InspectionPlan, user, *, seed: int | None = None,
                     started: dt.datetime | None = None) -> Inspection:
    """Compute the plan for the rooms in scope now and draw the sample; the seed is kept with the inspection."""
    if not plan.active:
        raise MeasurementError(None, _("This inspection plan is no longer in use."))
    ensure_default_kinds()
    rooms = lot_rooms(plan.location)
    chosen = plan_for(len(rooms), plan.level, plan.aql)
    seed = seed if seed is not None else secrets.randbelow(2 ** 31)
    inspection = Inspection(plan_id=plan.id, location_id=plan.location_id, inspector_id=user.id, seed=seed,
                            aql=plan.aql, level=plan.level, lot_size=chosen.lot_size, code_letter=chosen.code_letter,
                            plan_letter=chosen.plan_letter, sample_size=chosen.sample_size, ac=chosen.ac,
                            re=chosen.re, state="open")
    if started is not None:
        inspection.started_at = started
    db.session.add(inspection)
    db.session.flush()
    for position, room_id in enumerate(sampling.draw(seed, rooms, chosen.sample_size), start=1):
        db.session.add(InspectionRoom(inspection_id=inspection.id, room_id=room_id, position=position))
    db.session.flush()
    return inspection


def inspection_rooms(inspection: Inspection) -> list[InspectionRoom]:
    return list(db.session.scalars(select(InspectionRoom).where(InspectionRoom.inspection_id == inspection.id)
                                   .options(selectinload(InspectionRoom.room).selectinload(Room.elements),
                                            selectinload(InspectionRoom.defects).selectinload(InspectionDefect.kind))
                                   .order_by(InspectionRoom.position)))


def find_submission(submission_id: str | None) -> Inspection | None:
    if not submission_id:
        return None
    return db.session.scalar(select(Inspection).where(Inspection.submission_id == submission_id[:64]))


def record_result(inspection: Inspection, user, *, counts: dict[tuple[int, str, int], int], client_name: str,
                  client_confirmed: bool, notes: str | None, submission_id: str | None,
                  photos: Iterable = (), inspected_on: dt.date | None = None) -> Inspection:
    """Store the counted defects (sampled room id, element, defect kind id → count), judge every category and
    the lot, open a nonconformity when the lot is rejected or defects repeat on the same element."""
    if inspection.state != "open":
        raise MeasurementError(None, _("This inspection was already recorded."))
    rooms = {r.id: r for r in inspection_rooms(inspection)}
    kinds = {k.id: k for k in all_kinds()}
    for (room_id, element, kind_id), count in counts.items():
        sampled = rooms.get(room_id)
        if sampled is None or kind_id not in kinds or element not in {e.element for e in sampled.room.elements}:
            raise MeasurementError(None, _("The form does not match this inspection; open it again."))
        if not 0 <= count <= MAX_COUNT:
            raise MeasurementError(None, _("A count is a whole number from 0 to %(max)s.", max=MAX_COUNT))
    if client_confirmed and not (client_name or "").strip():
        raise MeasurementError("client_name", _("Name the client's representative who confirms the result."))
    from ...uploads import services as uploads

    for file in photos:
        stored = uploads.store(file, allowed={"image"})
        db.session.add(InspectionPhoto(inspection_id=inspection.id, file_id=stored.id))
    by_category: dict[str, int] = {}
    for (room_id, element, kind_id), count in counts.items():
        if count:
            db.session.add(InspectionDefect(inspection_room_id=room_id, element=element, defect_kind_id=kind_id,
                                            count=count))
            category = kinds[kind_id].category
            by_category[category] = by_category.get(category, 0) + count
    lot_ok = figures.lot_result(by_category, CATEGORIES, inspection.ac, inspection.re)[1]
    inspection.state = "done"
    inspection.accepted = lot_ok
    inspection.defects = sum(by_category.values())
    inspection.inspected_on = inspected_on or today()
    inspection.client_name = (client_name or "").strip()[:160] or None
    inspection.client_confirmed = bool(client_confirmed)
    inspection.notes = (notes or "").strip() or None
    inspection.submission_id = (submission_id or "")[:64] or None
    db.session.flush()
    _follow_up(inspection, user, rooms)
    return inspection


def _element_counts(inspection: Inspection) -> dict[tuple[int, str], int]:
    rows = db.session.execute(
        select(InspectionRoom.room_id, InspectionDefect.element, func.sum(InspectionDefect.count))
        .join(InspectionDefect, InspectionDefect.inspection_room_id == InspectionRoom.id)
        .where(InspectionRoom.inspection_id == inspection.id)
        .group_by(InspectionRoom.room_id, InspectionDefect.element)).all()
    return {(room_id, element): int(total) for room_id, element, total in rows}


def previous_inspection(inspection: Inspection) -> Inspection | None:
    return db.session.scalar(select(Inspection).where(
        Inspection.plan_id == inspection.plan_id, Inspection.state == "done", Inspection.id != inspection.id,
        Inspection.inspected_on <= inspection.inspected_on).order_by(
        Inspection.inspected_on.desc(), Inspection.id.desc()).limit(1))


def _follow_up(inspection: Inspection, user, rooms: dict[int, InspectionRoom]) -> None:
    from ...actions import services as actions

    owner = user if has_permission(user, "actions.manage") else None
    location = inspection.location
    if not inspection.accepted:
        actions.open_nonconformity(
            title=_("Cleaning quality rejected at %(location)s", location=location.name),
            description=_("Inspection of %(day)s (%(contract)s): %(defects)s defects in %(n)s rooms, AQL %(aql)s, "
                          "Ac %(ac)s / Re %(re)s.", day=inspection.inspected_on.isoformat(),
                          contract=inspection.plan.contract, defects=inspection.defects, n=inspection.sample_size,
                          aql=inspection.aql, ac=inspection.ac, re=inspection.re),
            source_type=SOURCE_TYPE, source_id=inspection.id, owner=owner, opened_by=user,
            opened_on=inspection.inspected_on)
        return
    previous = previous_inspection(inspection)
    if previous is None:
        return
    repeated = figures.repeated_defects(_element_counts(inspection), _element_counts(previous))
    if repeated:
        codes = {r.room_id: r.room.code for r in rooms.values()}
        listed = ", ".join(f"{codes.get(room_id, room_id)} · {ELEMENTS.get(element, element)}"
                           for room_id, element in repeated)
        actions.open_nonconformity(
            title=_("Repeated cleaning defects at %(location)s", location=location.name),
            description=_("Defects found again on the same elements as at the previous inspection: %(list)s.",
                          list=listed),
            source_type=SOURCE_TYPE, source_id=inspection.id, owner=owner, opened_by=user,
            opened_on=inspection.inspected_on)


def category_counts(inspection_ids: list[int]) -> dict[int, dict[str, int]]:
    """Defects per category of many inspections, in one query."""
    found: dict[int, dict[str, int]] = {i: {} for i in inspection_ids}
    if not inspection_ids:
        return found
    rows = db.session.execute(
        select(InspectionRoom.inspection_id, DefectKind.category, func.sum(InspectionDefect.count))
        .join(InspectionDefect, InspectionDefect.inspection_room_id == InspectionRoom.id)
        .join(DefectKind, DefectKind.id == InspectionDefect.defect_kind_id)
        .where(InspectionRoom.inspection_id.in_(inspection_ids))
        .group_by(InspectionRoom.inspection_id, DefectKind.category)).all()
    for inspection_id, category, total in rows:
        found[inspection_id][category] = int(total)
    return found


def done_inspections(start: dt.date | None = None, end: dt.date | None = None,
                     location: Location | None = None) -> list[Inspection]:
    stmt = select(Inspection).where(Inspection.state == "done").options(selectinload(Inspection.plan))
    if start is not None:
        stmt = stmt.where(Inspection.inspected_on >= start)
    if end is not None:
        stmt = stmt.where(Inspection.inspected_on <= end)
    if location is not None:
        stmt = stmt.where(Inspection.location_id == location.id)
    return list(db.session.scalars(stmt.order_by(Inspection.inspected_on, Inspection.id)))


def as_done(inspections: list[Inspection]) -> list[figures.Done]:
    counts = category_counts([i.id for i in inspections])
    return [figures.Done(i.inspected_on, bool(i.accepted), i.sample_size, counts[i.id]) for i in inspections]


def period_summary(start: dt.date, end: dt.date, location: Location | None = None) -> figures.Summary:
    """The figure every surface shows for a period (page, PDF, evidence rule, management review)."""
    return figures.summary(as_done(done_inspections(start, end, location)))


def actions_for(inspections: list[Inspection]) -> list:
    from ...actions import services as actions

    found = actions.for_sources(SOURCE_TYPE, [i.id for i in inspections])
    return [nc for i in inspections for nc in found.get(str(i.id), [])]
