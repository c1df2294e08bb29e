"""The inventory: locations, their rooms and the elements cleaned in each room."""
from __future__ import annotations

import decimal

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ...core.loaders import get_row
from ...database import value_taken
from ...extensions import db
from ..models import ELEMENTS, FREQUENCIES, ROOM_TYPES, Location, Room, RoomElement
from .common import MeasurementError


def get_location(location_id: int) -> Location | None:
    return get_row(Location, location_id)


def save_location(location: Location | None, *, name: str, client: str, site_id: int | None = None) -> Location:
    name, client = (name or "").strip(), (client or "").strip()
    if not name:
        raise MeasurementError("name", _("Give the location a name."))
    if not client:
        raise MeasurementError("client", _("Name the client."))
    if value_taken(Location.name, name, other_than=location):
        raise MeasurementError("name", _("A location with this name already exists."))
    if location is None:
        location = Location(active=True)
        db.session.add(location)
    location.name, location.client, location.site_id = name[:160], client[:160], site_id
    db.session.flush()
    return location


def save_room(location: Location, *, building: str, floor: str, code: str, name: str | None, room_type: str,
              area: decimal.Decimal | None, in_scope: bool = True, room: Room | None = None) -> Room:
    code, building, floor = (code or "").strip(), (building or "").strip(), (floor or "").strip()
    if not code:
        raise MeasurementError("code", _("Give the room its number or code."))
    if not building or not floor:
        raise MeasurementError("building", _("Name the building and the floor."))
    if room_type not in ROOM_TYPES:
        raise MeasurementError("room_type", _("Choose a room type from the list."))
    if area is not None and not 0 < area < 100_000:
        raise MeasurementError("area", _("The floor area must be above 0 and below 100,000 m²."))
    same = select(Room).where(Room.location_id == location.id, func.lower(Room.code) == code.lower())
    existing = db.session.scalar(same.limit(1))
    if existing is not None and existing is not room:
        if room is not None:
            raise MeasurementError("code", _("Another room of this location has this code."))
        room = existing
    if room is None:
        room = Room(location_id=location.id)
        db.session.add(room)
    room.building, room.floor, room.code = building[:80], floor[:40], code[:40]
    room.name, room.room_type, room.area, room.in_scope = (name or None), room_type, area, in_scope
    db.session.flush()
    return room


def set_element(room: Room, element: str, frequency: str) -> tuple[RoomElement, bool]:
    """Add an element to a room or change its frequency; True when something changed."""
    if element not in ELEMENTS:
        raise MeasurementError("elements", _("Choose elements from the list."))
    if frequency not in FREQUENCIES:
        raise MeasurementError("frequency", _("Choose a frequency from the list."))
    found = next((e for e in room.elements if e.element == element), None)
    if found is None:
        found = RoomElement(element=element, frequency=frequency)
        room.elements.append(found)
        db.session.flush()
        return found, True
    changed = found.frequency != frequency
    found.frequency = frequency
    db.session.flush()
    return found, changed


def rooms_query(location: Location):
    return (select(Room).where(Room.location_id == location.id).options(selectinload(Room.elements))
            .order_by(Room.building, Room.floor, Room.code))


def lot_rooms(location: Location) -> list[int]:
    """Ids of the rooms in scope: the lot."""
    return list(db.session.scalars(select(Room.id).where(Room.location_id == location.id, Room.in_scope.is_(True))))
