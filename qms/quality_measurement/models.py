"""Cleaning quality measurement: the object inventory of client locations, inspection plans per contract, the
inspections with their sampled rooms and counted defects, and revisions of the sampling tables."""
from __future__ import annotations

import datetime as dt
import decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..audit.models import Audited
from ..audit.services import name_entity_type
from ..database import utcnow
from ..extensions import db

#: Elements of a room that the work programme cleans (code → label).
ELEMENTS = {
    "floor": _l("Floor"), "desk": _l("Desks and tables"), "sanitary": _l("Sanitary fittings"),
    "glass": _l("Glass and mirrors"), "furniture": _l("Furniture and cupboards"), "walls": _l("Walls and doors"),
    "bins": _l("Waste bins"), "kitchen": _l("Kitchen fittings"),
}
#: Agreed cleaning frequencies of the work programme (code → label).
FREQUENCIES = {
    "daily": _l("Daily"), "3_week": _l("3 times a week"), "2_week": _l("Twice a week"), "weekly": _l("Weekly"),
    "fortnightly": _l("Every two weeks"), "monthly": _l("Monthly"),
}
#: Room types of the inventory (code → label).
ROOM_TYPES = {
    "office": _l("Office"), "meeting": _l("Meeting room"), "toilet": _l("Toilet"), "pantry": _l("Pantry"),
    "corridor": _l("Corridor and stairs"), "entrance": _l("Entrance hall"), "canteen": _l("Canteen"),
    "storage": _l("Storage"),
}
#: Categories defects are judged in: each is held against the plan's Ac / Re on its own.
CATEGORIES = {"cleaning": _l("Cleanliness"), "supplies": _l("Consumables"), "damage": _l("Damage and wear")}
LEVEL_LABELS = {"S-1": "S-1", "S-2": "S-2", "S-3": "S-3", "S-4": "S-4", "I": "I", "II": "II", "III": "III"}


class SamplingTableRevision(Audited, db.Model):
    """A corrected copy of the sampling tables; the newest one is in use (none: the shipped file)."""

    __tablename__ = "qm_table_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The whole tables as JSON, in the shape of data/sampling_tables.json.
    data: Mapped[str] = mapped_column(Text)
    #: What was corrected and why (shown in the list of revisions).
    note: Mapped[str] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    created_by = relationship("User")


class Location(Audited, db.Model):
    """A client's location whose cleaning is measured."""

    __tablename__ = "qm_location"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    client: Mapped[str] = mapped_column(String(160))
    #: The organisation's site record of the same place, if there is one.
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    rooms: Mapped[list["Room"]] = relationship(back_populates="location", order_by="Room.code")


class Room(Audited, db.Model):
    """A room of the inventory, in a building and on a floor, with the elements the work programme cleans."""

    __tablename__ = "qm_room"
    __table_args__ = (UniqueConstraint("location_id", "code", name="uq_qm_room_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("qm_location.id"), index=True)
    building: Mapped[str] = mapped_column(String(80))
    floor: Mapped[str] = mapped_column(String(40))
    #: The room's number or code on the floor plan; unique per location.
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str | None] = mapped_column(String(120))
    #: A code of ROOM_TYPES.
    room_type: Mapped[str] = mapped_column(String(20))
    #: Floor area in m².
    area: Mapped[decimal.Decimal | None] = mapped_column(Numeric(9, 2))
    #: Rooms out of scope are not part of the lot.
    in_scope: Mapped[bool] = mapped_column(Boolean, default=True)

    location: Mapped[Location] = relationship(back_populates="rooms")
    elements: Mapped[list["RoomElement"]] = relationship(back_populates="room", order_by="RoomElement.id",
                                                         cascade="all, delete-orphan")

    @property
    def type_label(self) -> str:
        return str(ROOM_TYPES.get(self.room_type, self.room_type))


class RoomElement(Audited, db.Model):
    """One element of a room (floor, desk, glass …) with the frequency agreed in the work programme."""

    __tablename__ = "qm_room_element"
    __table_args__ = (UniqueConstraint("room_id", "element", name="uq_qm_room_element"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("qm_room.id", ondelete="CASCADE"), index=True)
    #: A code of ELEMENTS.
    element: Mapped[str] = mapped_column(String(20))
    #: A code of FREQUENCIES.
    frequency: Mapped[str] = mapped_column(String(20))

    room: Mapped[Room] = relationship(back_populates="elements")

    @property
    def label(self) -> str:
        return str(ELEMENTS.get(self.element, self.element))

    @property
    def frequency_label(self) -> str:
        return str(FREQUENCIES.get(self.frequency, self.frequency))


class DefectKind(Audited, db.Model):
    """A kind of defect an inspector counts (dust, stains, litter, missing supplies …), in a category."""

    __tablename__ = "qm_defect_kind"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name_nl: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    #: A code of CATEGORIES.
    category: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_nl


class InspectionPlan(Audited, db.Model):
    """Per contract at a location: the agreed AQL and inspection level."""

    __tablename__ = "qm_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("qm_location.id"), index=True)
    #: The contract's name or number.
    contract: Mapped[str] = mapped_column(String(160))
    #: One of the tables' AQL values, as written there ("2.5", "4.0").
    aql: Mapped[str] = mapped_column(String(10))
    #: One of sampling.LEVELS.
    level: Mapped[str] = mapped_column(String(4))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    location: Mapped[Location] = relationship()


class Inspection(Audited, db.Model):
    """One measurement of a lot: the plan as computed at the start, the seed of the draw and the result."""

    __tablename__ = "qm_inspection"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("qm_plan.id"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("qm_location.id"), index=True)
    inspector_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    #: Seed of random.Random that drew the rooms: the draw can be repeated from it and the lot.
    seed: Mapped[int] = mapped_column(Integer)
    aql: Mapped[str] = mapped_column(String(10))
    level: Mapped[str] = mapped_column(String(4))
    lot_size: Mapped[int] = mapped_column(Integer)
    code_letter: Mapped[str] = mapped_column(String(2))
    #: The row the plan came from after following the table's arrows.
    plan_letter: Mapped[str] = mapped_column(String(2))
    sample_size: Mapped[int] = mapped_column(Integer)
    ac: Mapped[int] = mapped_column(Integer)
    re: Mapped[int] = mapped_column(Integer)
    #: "open" while it is being conducted, "done" once the result is recorded.
    state: Mapped[str] = mapped_column(String(10), default="open")
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    inspected_on: Mapped[dt.date | None] = mapped_column(index=True)
    accepted: Mapped[bool | None] = mapped_column(Boolean)
    defects: Mapped[int] = mapped_column(Integer, default=0)
    #: The client's representative who co-signed, and whether they confirmed the result.
    client_name: Mapped[str | None] = mapped_column(String(160))
    client_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)
    #: The form's submission id: a form sent twice (a queue replaying it) is recorded once.
    submission_id: Mapped[str | None] = mapped_column(String(64), unique=True)

    plan: Mapped[InspectionPlan] = relationship()
    location: Mapped[Location] = relationship()
    inspector = relationship("User")
    rooms: Mapped[list["InspectionRoom"]] = relationship(back_populates="inspection",
                                                         order_by="InspectionRoom.position")
    photos: Mapped[list["InspectionPhoto"]] = relationship(order_by="InspectionPhoto.id")


class InspectionRoom(Audited, db.Model):
    """A room drawn into an inspection's sample, in draw order."""

    __tablename__ = "qm_inspection_room"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("qm_inspection.id"), index=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("qm_room.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)

    inspection: Mapped[Inspection] = relationship(back_populates="rooms")
    room: Mapped[Room] = relationship()
    defects: Mapped[list["InspectionDefect"]] = relationship(order_by="InspectionDefect.id")


class InspectionDefect(Audited, db.Model):
    """How many defects of one kind were found on one element of a sampled room (only counts above zero)."""

    __tablename__ = "qm_inspection_defect"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_room_id: Mapped[int] = mapped_column(ForeignKey("qm_inspection_room.id"), index=True)
    element: Mapped[str] = mapped_column(String(20))
    defect_kind_id: Mapped[int] = mapped_column(ForeignKey("qm_defect_kind.id"))
    count: Mapped[int] = mapped_column(Integer)

    kind: Mapped[DefectKind] = relationship()


class InspectionPhoto(Audited, db.Model):
    __tablename__ = "qm_inspection_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("qm_inspection.id"), index=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id"))

    file = relationship("StoredFile")


for _type, _label in {
    "qm_table_revision": _l("Sampling table revision"), "qm_location": _l("Measured location"),
    "qm_room": _l("Room"), "qm_room_element": _l("Room element"), "qm_defect_kind": _l("Defect kind"),
    "qm_plan": _l("Inspection plan"), "qm_inspection": _l("Quality inspection"),
    "qm_inspection_room": _l("Sampled room"), "qm_inspection_defect": _l("Counted defect"),
    "qm_inspection_photo": _l("Inspection photo"),
}.items():
    name_entity_type(_type, _label)
