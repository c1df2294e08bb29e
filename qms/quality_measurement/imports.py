"""The object inventory in and out of a spreadsheet: one row per element of a room (a room without elements has
one row with the element columns empty). A location is found by its name, a room by its location and code; rows
are saved by the inventory's services, so the import keeps the same rules as the pages."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core.imports import (CREATED, UNCHANGED, UPDATED, Column, Importer, RowRejected, boolean, choice, number,
                            rows_per_child, text)
from ..extensions import db
from . import services
from .models import ELEMENTS, FREQUENCIES, ROOM_TYPES, Location, Room
from .services import MeasurementError

_ROOM_FIELDS = ("building", "floor", "name", "room_type", "area", "in_scope")


def _lookups() -> dict[str, Location]:
    return {loc.name.casefold(): loc for loc in db.session.scalars(select(Location))}


def _save(values: dict, locations: dict[str, Location]) -> str:
    location = locations.get(values["location"].casefold())
    if location is None:
        raise RowRejected(_("No location of that name; add the location first."),
                          _("No location named %(name)s; add the location first.", name=values["location"]))
    if values["room_type"] is None:
        raise RowRejected(_("A room needs its room type."))
    existing = db.session.scalar(select(Room).where(Room.location_id == location.id, Room.code == values["code"]))
    in_scope = True if values["in_scope"] is None else values["in_scope"]
    before = None if existing is None else tuple(getattr(existing, k) for k in _ROOM_FIELDS)
    room = services.save_room(location, building=values["building"], floor=values["floor"], code=values["code"],
                              name=values["name"] or None, room_type=values["room_type"], area=values["area"],
                              in_scope=in_scope, room=existing)
    outcome = CREATED if existing is None else (
        UPDATED if before != tuple(getattr(room, k) for k in _ROOM_FIELDS) else UNCHANGED)
    if values["element"] is None:
        return outcome
    if values["frequency"] is None:
        raise RowRejected(_("An element needs its agreed frequency."))
    changed = services.set_element(room, values["element"], values["frequency"])[1]
    return outcome if outcome == CREATED or not changed else UPDATED


def _values(row) -> dict:
    room, element = row
    values = {"location": room.location.name, "building": room.building, "floor": room.floor, "code": room.code,
              "name": room.name or "", "room_type": str(ROOM_TYPES.get(room.room_type, room.room_type)),
              "area": room.area, "in_scope": _("yes") if room.in_scope else _("no")}
    if element is not None:
        values.update(element=element.label, frequency=element.frequency_label)
    return values


def rows(rooms) -> list:
    """One (room, element) pair per element, (room, None) for a room without any."""
    return rows_per_child(rooms, lambda room: room.elements)


INVENTORY = Importer(
    name="quality_inventory",
    title=_l("Object inventory"),
    permission="measurement.manage",
    key=("location", "code", "element"),
    columns=(
        Column("location", _l("Location"), text, required=True, max_length=160),
        Column("building", _l("Building"), text, required=True, max_length=80),
        Column("floor", _l("Floor level"), text, required=True, max_length=40),
        Column("code", _l("Room"), text, required=True, max_length=40),
        Column("name", _l("Room name"), text, max_length=120),
        Column("room_type", _l("Room type"), choice(ROOM_TYPES)),
        Column("area", _l("Floor area (m²)"), number),
        Column("in_scope", _l("In scope"), boolean),
        Column("element", _l("Element"), choice(ELEMENTS)),
        Column("frequency", _l("Frequency"), choice(FREQUENCIES)),
    ),
    save=_save,
    context=_lookups,
    errors=(MeasurementError,),
    values=_values,
    list_endpoint="measurement.index",
    hint=_l("One row per element of a room; a room with several elements has several rows. The location's name "
            "finds the location, the room code finds a room already in the inventory."),
)
