"""Pure rules for extending a PSO Aspirant-status (at most twice), without an app or database."""
from qms.pso import aspirant


def test_only_pso_aspirant_is_extendable():
    assert aspirant.is_extendable("pso", "aspirant")
    assert not aspirant.is_extendable("pso", "trede1")
    assert not aspirant.is_extendable("vca", "aspirant")
    assert not aspirant.is_extendable(None, None)


def test_positions_and_descendants_in_a_chain():
    parents = {1: None, 2: 1, 3: 2, 9: None}
    assert aspirant.ancestors(3, parents) == [2, 1]
    assert [aspirant.position(i, parents) for i in (1, 2, 3, 9)] == [0, 1, 2, 0]
    assert [aspirant.descendants(i, parents) for i in (1, 2, 3, 9)] == [2, 1, 0, 0]


def test_a_cycle_does_not_loop():
    parents = {1: 2, 2: 1}
    assert aspirant.ancestors(1, parents) == [2]
    assert aspirant.descendants(1, parents) == 1


def ok(**changes):
    args = dict(norm="pso", level="aspirant", base_norm="pso", base_level="aspirant", base_position=0)
    args.update(changes)
    return aspirant.extension_problem(**args)


def test_first_and_second_extension_allowed_third_refused():
    assert ok(base_position=0) is None
    assert ok(base_position=1) is None
    assert ok(base_position=2) == "too_many"
    # Editing the first extension to hang below extension 1 of another chain would make its own extension third.
    assert ok(base_position=1, extensions_below=1) == "too_many"


def test_refusals_by_reason():
    assert ok(base_level="trede1") == "not_aspirant"
    assert ok(base_norm="vca") == "not_aspirant"
    assert ok(level="trede1") == "level"
    assert ok(base_taken=True) == "taken"
    assert ok(cycle=True) == "cycle"
