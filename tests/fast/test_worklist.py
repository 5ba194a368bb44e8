from datetime import UTC, datetime

from tools.call_windows import window_status, windows_label
from tools.debtor import classify, file_profile, importance, matrix_strategy, needs_management_owner, risk_level
from tools.worklist import Weights, best_script, customer_risk, pick_collector, priority


def test_priority_is_a_weighted_mean():
    weights = Weights()
    assert priority(weights, 1.0, 180, 1.0, 1.0, 3) == 100
    assert priority(weights, 0.0, 0, 0.0, 0.0, 0) == 0
    assert priority(weights, 1.0, 0, 0.0, 0.0, 0) == 30
    assert priority(Weights(amount=0, days=1, stage=0, risk=0, broken=0), 1.0, 90, 1.0, 1.0, 3) == 50
    assert priority(Weights(0, 0, 0, 0, 0), 1.0, 90, 1.0, 1.0, 3) == 0


def test_risk_takes_the_worst():
    assert customer_risk(False, None, None, None) == 0.0
    assert customer_risk(False, "soft", "evasive", "occasional") == 0.6
    assert customer_risk(True, None, None, "core") == 1.0


def test_script_by_customer_type_and_objection():
    scripts = [(1, None, None), (2, "core", None), (3, None, 7), (4, "core", 7)]
    assert best_script(scripts, "core", 7) == 4
    assert best_script(scripts, "general", 7) == 3
    assert best_script(scripts, "core", None) == 2
    assert best_script(scripts, "general", None) == 1
    assert best_script([(2, "core", None)], "general", None) is None


def test_lightest_workload_takes_the_customer():
    assert pick_collector([5, 6, 7], {5: (10, 1e6), 6: (9, 5e6), 7: (9, 2e6)}) == 7
    assert pick_collector([5, 6], {}) == 5
    assert pick_collector([], {}) is None


def test_call_windows_in_the_customer_time_zone():
    # 02:00 UTC = 10:00 in Shanghai: inside the morning window.
    assert window_status(datetime(2026, 3, 2, 2, 0, tzinfo=UTC), "Asia/Shanghai") == (True, None)
    # 04:00 UTC = 12:00 in Shanghai: the afternoon window opens at 14:00.
    assert window_status(datetime(2026, 3, 2, 4, 0), "Asia/Shanghai") == (False, 14.0)
    # 10:00 UTC = 18:00 in Shanghai: nothing left today.
    assert window_status(datetime(2026, 3, 2, 10, 0), "Asia/Shanghai") == (False, None)
    assert windows_label(((9.5, 11.5), (14.0, 16.5))) == "09:30–11:30, 14:00–16:30"


def test_ability_and_willingness():
    assert classify("temporary", "cooperative") == ("soft", "instalments")
    assert classify("able", "cooperative") == ("soft", "standard")
    assert classify("unable", "cooperative") == ("hard", "secure")
    assert classify("able", "evasive") == ("hard", "intensify")
    assert classify("temporary", "bad_faith") == ("hard", "legal")
    assert matrix_strategy(True, True) == "management"
    assert matrix_strategy(False, True) == "strict"


def test_importance_risk_and_management_owner():
    assert importance("core") == "important"
    assert importance(None) == "ordinary"
    assert risk_level("hard", False) == "high"
    assert risk_level("soft", True) == "high"
    assert risk_level(None, False) == "low"
    assert needs_management_owner(False, "important", "low")
    assert needs_management_owner(False, "ordinary", "high")
    assert not needs_management_owner(True, "important", "high")
    assert not needs_management_owner(False, "ordinary", "low")


def test_file_profile_as_the_computes_store_it():
    assert file_profile("core", None, False, False) == ("important", "low", True)
    assert file_profile("general", "hard", False, False) == ("ordinary", "high", True)
    assert file_profile(None, None, True, True) == ("ordinary", "high", False)
    assert file_profile("growth", "soft", False, False) == ("ordinary", "low", False)
