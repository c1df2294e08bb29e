"""Equipment and keuringen in and out of a spreadsheet, registered on the app from the norm's setup (the core's
import framework never names a norm). Equipment is found by its asset number, a keuring by the asset number
and the inspection date; both are saved by the register's services (:mod:`.services.registers`)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from qms.core.imports import CREATED, UNCHANGED, UPDATED, Column, Importer, RowRejected, choice, date, integer, text
from qms.extensions import db

from .forms import KEURING_RESULTS
from .models import VcaEquipment, VcaKeuring
from .services import registers
from .services.common import VcaError


def _equipment_by_code() -> dict[str, VcaEquipment]:
    return {e.code.casefold(): e for e in db.session.scalars(select(VcaEquipment).where(VcaEquipment.code.is_not(None)))}


def _save_equipment(values: dict, found: dict[str, VcaEquipment]) -> str:
    item = found.get(values["code"].casefold())
    interval = values["interval_months"] if values["interval_months"] is not None else (
        item.interval_months if item is not None else 12)
    if item is not None and (item.name, item.location or "", item.interval_months, item.next_keuring_on) == (
            values["name"], values["location"], interval, values["next_keuring_on"]):
        return UNCHANGED
    saved = registers.save_equipment(item, name=values["name"], code=values["code"], location=values["location"],
                                     interval_months=interval, next_keuring_on=values["next_keuring_on"])
    found[saved.code.casefold()] = saved
    return UPDATED if item is not None else CREATED


def _equipment_values(item: VcaEquipment) -> dict:
    return {"code": item.code or "", "name": item.name, "location": item.location or "",
            "interval_months": item.interval_months, "next_keuring_on": item.next_keuring_on,
            "last_keuring_on": item.last_keuring_on}


EQUIPMENT = Importer(
    name="vca_equipment",
    title=_l("Equipment and keuringen"),
    permission="vca.manage",
    key="code",
    columns=(
        Column("code", _l("Asset number"), text, required=True, max_length=60),
        Column("name", _l("Name"), text, required=True, max_length=160),
        Column("location", _l("Location"), text, max_length=160),
        Column("interval_months", _l("Keuring every (months)"), integer),
        Column("next_keuring_on", _l("Next keuring due"), date),
        #: Written by the export; a keuring itself is imported in the keuringen file.
        Column("last_keuring_on", _l("Last keuring"), date),
    ),
    save=_save_equipment,
    context=_equipment_by_code,
    errors=(VcaError,),
    values=_equipment_values,
    list_endpoint="vca.equipment",
    hint=_l("One row per item; the asset number finds an item already in the register."),
)


def _keuring_context():
    found = _equipment_by_code()
    done = {(k.equipment_id, k.inspected_on): k for k in db.session.scalars(select(VcaKeuring))}
    return found, done


def _save_keuring(values: dict, context) -> str:
    found, done = context
    item = found.get(values["code"].casefold())
    if item is None:
        raise RowRejected.naming(_("There is no equipment with this asset number; import the equipment first."),
                                 values["code"])
    existing = done.get((item.id, values["inspected_on"]))
    if existing is not None:
        if (existing.result.value, existing.inspected_by or "", existing.note or "") == (
                values["result"], values["inspected_by"], values["note"]):
            return UNCHANGED
        raise RowRejected(_("A keuring of this item on this date is already registered with other results; "
                            "correct it on the item's page."))
    keuring = registers.record_keuring(item, inspected_on=values["inspected_on"], result=values["result"],
                                       inspected_by=values["inspected_by"], note=values["note"])
    done[(item.id, keuring.inspected_on)] = keuring
    return CREATED


def _keuring_values(keuring: VcaKeuring) -> dict:
    item = db.session.get(VcaEquipment, keuring.equipment_id)
    labels = {c.value: c.label for c in KEURING_RESULTS}
    return {"code": item.code or "", "name": item.name, "inspected_on": keuring.inspected_on,
            "result": str(labels[keuring.result.value]), "inspected_by": keuring.inspected_by or "",
            "note": keuring.note or "", "next_due": keuring.next_due}


KEURINGEN = Importer(
    name="vca_keuringen",
    title=_l("Keuringen"),
    permission="vca.manage",
    key=("code", "inspected_on"),
    columns=(
        Column("code", _l("Asset number"), text, required=True, max_length=60),
        Column("name", _l("Name"), text),
        Column("inspected_on", _l("Inspected on"), date, required=True),
        Column("result", _l("Result"), choice({c.value: c.label for c in KEURING_RESULTS}), required=True),
        Column("inspected_by", _l("Inspected by"), text, max_length=160),
        Column("note", _l("Note"), text, max_length=2000),
        Column("next_due", _l("Next keuring due"), date),
    ),
    save=_save_keuring,
    context=_keuring_context,
    errors=(VcaError,),
    values=_keuring_values,
    list_endpoint="vca.equipment",
    hint=_l("One row per keuring; the asset number finds the item, an approved keuring sets the next due date, "
            "a rejected one takes the item out of use."),
)


def init_app(app) -> None:
    from qms.norms import registry

    registry(app).add_importer(EQUIPMENT)
    registry(app).add_importer(KEURINGEN)
