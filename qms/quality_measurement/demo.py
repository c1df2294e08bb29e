"""Demo cleaning quality measurement: two client locations with their inventory and a year of monthly
inspections (fictional), recorded through the services so results, nonconformities and the trail follow."""
from __future__ import annotations

import datetime as dt
import random

from ..permissions import Role
from . import services

#: (site name, contract, AQL, [(building, floor, room code prefix, room type, count, area, elements, frequency)])
LOCATIONS = [
    ("Kantoorpand Maliesingel", "Schoonmaakcontract Maliesingel 2026", "4.0", [
        ("Hoofdgebouw", "Begane grond", "0.", "entrance", 2, 40, ("floor", "glass", "bins"), "daily"),
        ("Hoofdgebouw", "Begane grond", "0.T", "toilet", 4, 6, ("sanitary", "floor", "walls"), "daily"),
        ("Hoofdgebouw", "1e verdieping", "1.", "office", 18, 22, ("floor", "desk", "bins"), "2_week"),
        ("Hoofdgebouw", "1e verdieping", "1.V", "meeting", 4, 30, ("floor", "desk", "glass"), "2_week"),
        ("Hoofdgebouw", "2e verdieping", "2.", "office", 16, 22, ("floor", "desk", "bins"), "2_week"),
        ("Hoofdgebouw", "2e verdieping", "2.P", "pantry", 2, 12, ("kitchen", "floor", "bins"), "daily"),
        ("Hoofdgebouw", "2e verdieping", "2.T", "toilet", 4, 6, ("sanitary", "floor", "walls"), "daily"),
    ]),
    ("Bedrijvenpark Papendorp", "Raamcontract Papendorp", "6.5", [
        ("Gebouw A", "Begane grond", "A0.", "entrance", 1, 60, ("floor", "glass", "bins"), "daily"),
        ("Gebouw A", "Begane grond", "A0.K", "canteen", 1, 120, ("floor", "desk", "kitchen", "bins"), "daily"),
        ("Gebouw A", "1e verdieping", "A1.", "office", 12, 25, ("floor", "desk", "bins"), "weekly"),
        ("Gebouw A", "1e verdieping", "A1.T", "toilet", 3, 8, ("sanitary", "floor"), "daily"),
        ("Gebouw B", "Begane grond", "B0.", "storage", 3, 40, ("floor",), "monthly"),
        ("Gebouw B", "1e verdieping", "B1.", "office", 10, 25, ("floor", "desk", "bins"), "weekly"),
        ("Gebouw B", "1e verdieping", "B1.G", "corridor", 2, 35, ("floor", "walls"), "weekly"),
    ]),
]


def add_quality_measurement(demo) -> None:
    from flask import current_app, has_request_context

    if not has_request_context():  # nonconformity texts are written in the default language (Dutch)
        from ..audit import services as audit

        actor = audit._actor()
        with current_app.test_request_context():
            audit.set_actor(*actor)
            return add_quality_measurement(demo)
    services.ensure_default_kinds()
    kinds = {k.code: k for k in services.all_kinds()}
    inspector = demo.users.get(Role.COORDINATOR) or next(iter(demo.users.values()))
    rng = random.Random(2859)
    for site_name, contract, aql, groups in LOCATIONS:
        site = demo.sites.get(site_name)
        location = services.save_location(None, name=site_name, client=site.client if site else site_name,
                                          site_id=site.id if site else None)
        for building, floor, prefix, room_type, count, area, elements, frequency in groups:
            for n in range(1, count + 1):
                room = services.save_room(location, building=building, floor=floor, code=f"{prefix}{n:02d}",
                                          name=None, room_type=room_type, area=area)
                for element in elements:
                    services.set_element(room, element, frequency)
        plan = services.add_plan(location, contract=contract, aql=aql, level="II")
        for months_back in range(12, 0, -1):
            day = demo.today - dt.timedelta(days=30 * months_back - rng.randint(0, 6))
            inspection = services.start_inspection(plan, inspector, seed=rng.randrange(2 ** 31),
                                                   started=dt.datetime.combine(day, dt.time(9)))
            counts = {}
            # quality improves over the year; a bad month now and then
            rate = 0.03 if months_back in (9, 4) else 0.003 + months_back * 0.0005
            for sampled in services.inspection_rooms(inspection):
                for element in sampled.room.elements:
                    for code in ("dust", "stains", "litter", "supplies"):
                        if code == "supplies" and element.element not in ("sanitary", "kitchen"):
                            continue
                        if rng.random() < rate:
                            counts[(sampled.id, element.element, kinds[code].id)] = 1
            services.record_result(inspection, inspector, counts=counts, client_name="Facilitair beheerder",
                                   client_confirmed=True, notes=None, submission_id=None, inspected_on=day)
    demo.session.flush()
