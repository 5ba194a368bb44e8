from tools.policies import PolicyChain, PolicyRow

PARENT, BRANCH, SUB_BRANCH = 1, 2, 3

STANDARD = PolicyRow(10, PARENT)
PARENT_CORE = PolicyRow(11, PARENT, "core")
PARENT_OWN = PolicyRow(12, PARENT)          # untyped, after STANDARD in policy order
BRANCH_STANDARD = PolicyRow(20, BRANCH)
BRANCH_CORE = PolicyRow(21, BRANCH, "core")
BRANCH_OWN = PolicyRow(22, BRANCH)
ELSEWHERE = PolicyRow(30, 9)               # a policy of an unrelated company

PARENT_POLICIES = (STANDARD, PARENT_CORE, PARENT_OWN)
ALL_POLICIES = (*PARENT_POLICIES, BRANCH_STANDARD, BRANCH_CORE, BRANCH_OWN, ELSEWHERE)


def chain_of(chain, policies, named=None):
    return PolicyChain.build(chain, policies, named or {PARENT: STANDARD.id})


def test_a_company_uses_its_own_policies():
    chain = chain_of((PARENT,), ALL_POLICIES)
    assert chain.policy_for({}, None) == STANDARD.id
    assert chain.policy_for({}, "core") == PARENT_CORE.id
    assert chain.policy_for({}, "growth") == STANDARD.id
    assert chain.policy_for({PARENT: PARENT_OWN.id}, "core") == PARENT_OWN.id


def test_a_branch_without_policies_follows_its_parent():
    for chain_ids in ((BRANCH, PARENT), (SUB_BRANCH, BRANCH, PARENT)):
        chain = chain_of(chain_ids, PARENT_POLICIES)
        assert chain.policy_for({}, None) == STANDARD.id
        assert chain.policy_for({}, "core") == PARENT_CORE.id
        # the customer's own policy, set in the parent company, applies in the branch
        assert chain.policy_for({PARENT: PARENT_OWN.id}, "core") == PARENT_OWN.id


def test_the_nearest_company_wins():
    chain = chain_of((SUB_BRANCH, BRANCH, PARENT), ALL_POLICIES)
    assert chain.policy_for({}, None) == BRANCH_STANDARD.id
    assert chain.policy_for({}, "core") == BRANCH_CORE.id
    assert chain.policy_for({PARENT: PARENT_OWN.id}, "core") == PARENT_OWN.id, "own beats type at any level"
    assert chain.policy_for({PARENT: PARENT_OWN.id, BRANCH: BRANCH_OWN.id}, None) == BRANCH_OWN.id


def test_an_own_policy_outside_the_chain_is_ignored():
    chain = chain_of((BRANCH, PARENT), ALL_POLICIES)
    assert chain.policy_for({BRANCH: ELSEWHERE.id}, None) == BRANCH_STANDARD.id
    assert chain.policy_for({BRANCH: 999, PARENT: PARENT_OWN.id}, None) == PARENT_OWN.id, "archived or deleted"


def test_the_default():
    # the default a company names comes before its other untyped policies
    assert chain_of((PARENT,), PARENT_POLICIES, {PARENT: PARENT_OWN.id}).default == PARENT_OWN.id
    # without a named one, its first policy for no customer type
    assert chain_of((PARENT,), PARENT_POLICIES, {PARENT: None}).default == STANDARD.id
    # a branch may name one of its parent's policies, not an unrelated company's
    assert chain_of((BRANCH, PARENT), ALL_POLICIES, {BRANCH: STANDARD.id, PARENT: PARENT_OWN.id}).default == (
        STANDARD.id)
    assert chain_of((BRANCH, PARENT), ALL_POLICIES, {BRANCH: ELSEWHERE.id}).default == BRANCH_STANDARD.id
    # only typed policies up the chain: the nearest company's first policy
    assert chain_of((BRANCH, PARENT), (PARENT_CORE, BRANCH_CORE), {}).default == BRANCH_CORE.id
    assert chain_of((BRANCH, PARENT), (), {}).default is None
    assert chain_of((BRANCH, PARENT), (), {}).policy_for({}, "core") is None
