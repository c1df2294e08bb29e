"""Which catalogue question each VCA register provides evidence for, per catalogue version."""

#: register key → requirement code, per version.
REQUIREMENTS = {
    "2017-6.0": {"policy": "1.1", "rie": "2.1", "tra": "2.2", "lmra": "2.3", "training": "3.1", "b_vca": "3.2",
                 "vol_vca": "3.3", "toolbox": "4.1", "inspections": "7.1", "keuring": "9.2", "ppe": "9.3",
                 "incidents": "11.3"},
    "2008-5.1": {"policy": "1.1", "rie": "2.1", "tra": "2.2", "lmra": "2.3", "training": "3.5", "b_vca": "3.1",
                 "vol_vca": "3.2", "toolbox": "4.1", "inspections": "8.1", "keuring": "10.2", "ppe": "10.3",
                 "incidents": "12.3"},
}


def code(version: str, key: str) -> str | None:
    return REQUIREMENTS.get(version, {}).get(key)
