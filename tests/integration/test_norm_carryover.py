"""A catalogue version the norm package has no rules for yet (VCA 2026/6.1, ISO 9001:2026) gets the rules of the
version before it, moved along the cross-reference, so its readiness counts the registers from the first day."""
from flask import current_app

from qms.norms import registry


def _live(norm: str, version: str, level: str) -> dict[str, set[str]]:
    with current_app.test_request_context():
        found: dict[str, set[str]] = {}
        for item in registry().live_evidence(norm, version, level):
            found.setdefault(item.requirement, set()).add(str(item.label))
        return found


def test_vca_2026_carries_every_rule_of_2017_to_its_question(app, db):
    old = _live("vca", "2017-6.0", "vca2")
    new = _live("vca", "2026-6.1", "vca2")
    assert old, "VCA 2017/6.0 has live evidence"
    forward = registry().get("vca").versions["2017-6.0"].crossrefs["2026-6.1"]
    expected: dict[str, set[str]] = {}
    for code, labels in old.items():
        for target in forward.get(code, []):
            expected.setdefault(target, set()).update(labels)
    assert new == expected
    assert "4.1" in new and any("oolbox" in label for label in new["4.1"])  # toolbox meetings
    # the questions new in 6.1 (leadership, safety culture) carry nothing: they need evidence of their own
    assert not {"1.8", "1.9", "4.5"} & set(new)


def test_iso9001_2026_carries_the_risk_rule_to_the_split_clauses(app, db):
    new = _live("iso9001", "2026", "")
    old = _live("iso9001", "2015", "")
    assert old["6.1.1"] <= new["6.1.2"] and old["6.1.1"] <= new["6.1.3"]  # 6.1 split into risks and opportunities
    assert new["4.1"] == old["4.1"]


def test_a_version_with_rules_of_its_own_keeps_them(app, db):
    old = _live("vca", "2008-5.1", "vca2")
    assert "8.1" in old and "7.1" not in old  # 5.1 numbers the workplace inspections 8.1 (6.0: 7.1)


def test_the_vca_overview_shows_the_carried_rules_for_a_company_on_6_1(app, db):
    from qms.vca import figures

    with current_app.test_request_context():
        old = {(e.requirement, str(e.label)) for e in figures.all_live_evidence("2017-6.0", "vca2")}
        new = {(e.requirement, str(e.label)) for e in figures.all_live_evidence("2026-6.1", "vca2")}
    assert old and new == old  # 6.0 → 6.1 keeps the question numbers of every rule the registers give
