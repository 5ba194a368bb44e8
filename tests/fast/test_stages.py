import pytest

from tools.stages import StagePick, StageRule, pick_stage, soft_collection_failed

PRE_DUE = StageRule(id=1, sequence=1, days_from=-5)
FRIENDLY = StageRule(id=2, sequence=2, days_from=1)
FORMAL = StageRule(id=3, sequence=3, days_from=31)
INTENSIFIED = StageRule(id=4, sequence=4, days_from=61)
LEGAL = StageRule(id=5, sequence=5, days_from=91, requires_failed_soft_collection=True)

LADDER = (PRE_DUE, FRIENDLY, FORMAL, INTENSIFIED, LEGAL)
LADDER_WITHOUT_PRE_DUE = (FRIENDLY, FORMAL, INTENSIFIED, LEGAL)


@pytest.mark.parametrize(
    ('days', 'expected'),
    [
        (-6, None),
        (-5, PRE_DUE),
        (0, PRE_DUE),
        (1, FRIENDLY),
        (30, FRIENDLY),
        (31, FORMAL),
        (60, FORMAL),
        (61, INTENSIFIED),
        (90, INTENSIFIED),
    ],
)
def test_stage_by_days(days, expected):
    assert pick_stage(days, LADDER, soft_collection_failed=False) == StagePick(expected, None)


def test_before_first_stage_is_nothing():
    assert pick_stage(-6, LADDER, soft_collection_failed=True) == StagePick(None, None)


def test_legal_blocked_until_soft_collection_failed():
    assert pick_stage(91, LADDER, soft_collection_failed=False) == StagePick(INTENSIFIED, LEGAL)


def test_legal_once_soft_collection_failed():
    assert pick_stage(91, LADDER, soft_collection_failed=True) == StagePick(LEGAL, None)


def test_legal_far_overdue_still_blocked():
    assert pick_stage(400, LADDER, soft_collection_failed=False) == StagePick(INTENSIFIED, LEGAL)


def test_requirement_does_not_matter_below_legal():
    assert pick_stage(61, LADDER, soft_collection_failed=True) == StagePick(INTENSIFIED, None)


def test_ladder_without_pre_due_has_nothing_on_due_date():
    assert pick_stage(0, LADDER_WITHOUT_PRE_DUE, soft_collection_failed=False) == StagePick(None, None)


def test_ladder_without_pre_due_first_day_overdue():
    assert pick_stage(1, LADDER_WITHOUT_PRE_DUE, soft_collection_failed=False) == StagePick(FRIENDLY, None)


def test_input_order_is_ignored():
    shuffled = (LEGAL, FRIENDLY, INTENSIFIED, PRE_DUE, FORMAL)
    assert pick_stage(45, shuffled, soft_collection_failed=False) == StagePick(FORMAL, None)
    assert pick_stage(95, shuffled, soft_collection_failed=False) == StagePick(INTENSIFIED, LEGAL)


def test_same_days_from_ordered_by_sequence():
    first = StageRule(id=10, sequence=1, days_from=1)
    second = StageRule(id=11, sequence=2, days_from=1)
    assert pick_stage(5, (second, first), soft_collection_failed=False) == StagePick(second, None)


def test_blocked_walks_back_over_several_requiring_stages():
    court = StageRule(id=6, sequence=6, days_from=181, requires_failed_soft_collection=True)
    ladder = (*LADDER, court)
    assert pick_stage(200, ladder, soft_collection_failed=False) == StagePick(INTENSIFIED, court)


def test_blocked_with_no_allowed_stage_before():
    only_legal = (StageRule(id=5, sequence=1, days_from=1, requires_failed_soft_collection=True),)
    assert pick_stage(10, only_legal, soft_collection_failed=False) == StagePick(None, only_legal[0])


def test_empty_ladder():
    assert pick_stage(50, (), soft_collection_failed=True) == StagePick(None, None)


def test_soft_collection_failed_on_broken_promise():
    assert soft_collection_failed(broken_promises=1, actions_without_payment=0, min_actions=0) is True


def test_soft_collection_not_failed_without_anything():
    assert soft_collection_failed(broken_promises=0, actions_without_payment=0, min_actions=3) is False


def test_soft_collection_failed_at_min_actions():
    assert soft_collection_failed(broken_promises=0, actions_without_payment=3, min_actions=3) is True


def test_soft_collection_not_failed_below_min_actions():
    assert soft_collection_failed(broken_promises=0, actions_without_payment=2, min_actions=3) is False


def test_soft_collection_min_actions_zero_disables_action_count():
    assert soft_collection_failed(broken_promises=0, actions_without_payment=50, min_actions=0) is False
