"""Readiness per norm and level: pure functions, no app or database."""
import datetime as dt

from qms.evidence import chart, readiness
from qms.evidence.readiness import FileEvidence, RequirementEvidence

TODAY = dt.date(2026, 11, 22)


def accepted(until=None, since=dt.date(2026, 1, 1)):
    return FileEvidence(since, until, "accepted")


def state(**kwargs):
    return readiness.requirement_state(RequirementEvidence(code="1.1", **kwargs), TODAY).state


def test_nothing_is_missing():
    assert state() == readiness.MISSING


def test_accepted_open_ended_file_covers():
    assert state(files=[accepted()]) == readiness.COVERED


def test_documents_records_and_met_live_rules_cover():
    assert state(documents=1) == readiness.COVERED
    assert state(records=2) == readiness.COVERED
    assert state(live=[True, True]) == readiness.COVERED
    assert state(live=[False]) == readiness.NOT_MET


def test_one_failing_live_rule_means_the_requirement_is_not_met():
    """VCA 7.1 / ISO 9001 6.1.1: a document exists and one of two live rules passes, the other fails."""
    assert state(live=[False, True]) == readiness.NOT_MET
    assert state(documents=1, live=[True, False]) == readiness.NOT_MET
    assert state(records=1, files=[accepted()], live=[False]) == readiness.NOT_MET
    assert state(documents=1, live=[True]) == readiness.COVERED


def test_a_failing_rule_counts_against_readiness_and_the_must_questions():
    reqs = [RequirementEvidence("7.1", "must", documents=1, live=[True, False]),
            RequirementEvidence("4.1", "must", live=[True])]
    result = readiness.readiness(reqs, TODAY)
    assert (result.covered, result.required, result.percent) == (1, 2, 50)
    assert result.must_missing == ["7.1"]
    assert result.codes(readiness.NOT_MET) == ["7.1"]


def test_only_valid_evidence_covers():
    """Expired and not-yet-reviewed files never make a requirement met, whatever else is attached."""
    expired = accepted(until=TODAY - dt.timedelta(days=1))
    pending = FileEvidence(dt.date(2026, 1, 1), None, "pending")
    assert state(files=[expired]) == readiness.EXPIRED
    assert state(files=[pending]) == readiness.PENDING
    assert state(files=[expired, pending]) == readiness.PENDING


def test_expiry_within_sixty_days_is_expiring_and_later_is_covered():
    assert state(files=[accepted(TODAY + dt.timedelta(days=60))]) == readiness.EXPIRING
    assert state(files=[accepted(TODAY + dt.timedelta(days=61))]) == readiness.COVERED
    # The latest of several current files decides.
    assert state(files=[accepted(TODAY + dt.timedelta(days=5)), accepted(TODAY + dt.timedelta(days=400))]) == readiness.COVERED


def test_expired_pending_rejected_and_not_yet_valid():
    assert state(files=[accepted(TODAY - dt.timedelta(days=1))]) == readiness.EXPIRED
    assert state(files=[accepted(TODAY)]) == readiness.EXPIRING  # valid through today
    assert state(files=[FileEvidence(TODAY, None, "pending")]) == readiness.PENDING
    assert state(files=[FileEvidence(TODAY, None, "rejected")]) == readiness.MISSING
    assert state(files=[accepted(since=TODAY + dt.timedelta(days=1))]) == readiness.MISSING


def test_share_for_a_norm_without_levels():
    reqs = [RequirementEvidence("1", files=[accepted()]), RequirementEvidence("2"),
            RequirementEvidence("3", documents=1), RequirementEvidence("4")]
    result = readiness.readiness(reqs, TODAY)
    assert (result.required, result.covered, result.percent) == (4, 2, 50)
    assert result.codes(readiness.MISSING) == ["2", "4"]
    assert result.must_missing == ["2", "4"]
    assert result.light == readiness.RED


def test_vca_level_musts_and_supplementary_minimum():
    reqs = [RequirementEvidence("1.1", "must", files=[accepted()]),
            RequirementEvidence("1.2", "must"),
            RequirementEvidence("1.3", "na"),  # out of scope for this level
            RequirementEvidence("4.3", "supplementary", documents=1),
            RequirementEvidence("4.4", "supplementary"),
            RequirementEvidence("6.3", "supplementary", records=1)]
    result = readiness.readiness(reqs, TODAY, min_supplementary=3)
    assert [s.code for s in result.states] == ["1.1", "1.2", "4.3", "4.4", "6.3"]
    assert result.must_total == 2 and result.must_missing == ["1.2"]
    assert (result.supplementary_total, result.supplementary_covered, result.supplementary_needed) == (3, 2, 3)
    assert result.supplementary_short == 1
    assert (result.required, result.covered) == (5, 3)
    assert result.percent == 60


def test_supplementary_beyond_the_minimum_does_not_hide_a_missing_must():
    reqs = [RequirementEvidence("a", "must"), RequirementEvidence("b", "supplementary", documents=1),
            RequirementEvidence("c", "supplementary", documents=1)]
    result = readiness.readiness(reqs, TODAY, min_supplementary=1)
    assert (result.required, result.covered, result.percent) == (2, 1, 50)
    assert result.supplementary_short == 0


def test_minimum_larger_than_the_catalogue_is_capped():
    result = readiness.readiness([RequirementEvidence("a", "supplementary", documents=1)], TODAY, min_supplementary=6)
    assert result.supplementary_needed == 1 and result.percent == 100


def test_traffic_light():
    full = readiness.readiness([RequirementEvidence("a", files=[accepted()])], TODAY)
    assert full.light == readiness.GREEN
    soon = readiness.readiness([RequirementEvidence("a", files=[accepted(TODAY + dt.timedelta(days=10))])], TODAY)
    assert soon.percent == 100 and soon.light == readiness.AMBER
    reqs = [RequirementEvidence(str(i), documents=1) for i in range(8)] + [RequirementEvidence("x"), RequirementEvidence("y")]
    assert readiness.readiness(reqs, TODAY).light == readiness.AMBER  # 80 %
    reqs.append(RequirementEvidence("z"))
    assert readiness.readiness(reqs, TODAY).light == readiness.RED  # 72 %
    assert readiness.readiness([], TODAY).percent == 100


class Snap:
    def __init__(self, on_date, percent):
        self.on_date, self.percent = on_date, percent


def test_chart_series_scales_dates_and_percentages():
    s = chart.series([Snap(dt.date(2026, 1, 11), 100), Snap(dt.date(2026, 1, 1), 0), Snap(dt.date(2026, 1, 6), 50)])
    assert [m[2] for m in s.markers] == [dt.date(2026, 1, 1), dt.date(2026, 1, 6), dt.date(2026, 1, 11)]
    xs, ys = [m[0] for m in s.markers], [m[1] for m in s.markers]
    assert xs == [24, 300, 576] and ys == [176, 100, 24]
    assert s.points == "24.0,176.0 300.0,100.0 576.0,24.0"
    assert chart.series([]).empty
    single = chart.series([Snap(dt.date(2026, 1, 1), 150)])
    assert single.markers[0][3] == 100 and single.markers[0][0] == 300


def test_stand_ins_from_aggregates_give_the_same_state_as_the_files():
    import itertools

    day = dt.timedelta(days=1)
    kinds = [accepted(), accepted(TODAY + 10 * day), accepted(TODAY + 100 * day), accepted(TODAY - day),
             accepted(TODAY), FileEvidence(TODAY + day, None, "accepted"), FileEvidence(TODAY, None, "pending"),
             FileEvidence(TODAY, TODAY - day, "pending"), FileEvidence(TODAY, None, "rejected")]
    for size in range(0, 4):
        for files in itertools.combinations(kinds, size):
            current = [f for f in files if readiness.file_is_current(f, TODAY)]
            stand_ins = readiness.representative_files(
                open_current=sum(1 for f in current if f.valid_until is None),
                latest_current=max((f.valid_until for f in current if f.valid_until), default=None),
                pending=sum(1 for f in files if f.review == "pending" and (f.valid_until is None or f.valid_until >= TODAY)),
                expired=sum(1 for f in files if f.review == "accepted" and f.valid_until and f.valid_until < TODAY),
                today=TODAY)
            assert state(files=stand_ins) == state(files=list(files)), files
