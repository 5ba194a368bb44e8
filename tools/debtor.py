"""Knowing the debtor: ability and willingness to pay, the kind of overdue they make, the strategy it calls for."""

ABILITIES = ("able", "temporary", "unable")
WILLINGNESS = ("cooperative", "evasive", "bad_faith")

# The brief ("Customers differ"): willing but unable -> instalments; unwilling -> intensify or go to law;
# "soft" overdue (temporary tightness) and "hard" overdue (bad faith or insolvency) call for different strategies.
# The codes' wording is translatable and lives with the model (collection_debtor_assessment.DEBTOR_STRATEGIES).
STRATEGIES = ("standard", "instalments", "secure", "intensify", "legal")


def classify(ability: str, willingness: str) -> tuple[str, str]:
    """("soft" or "hard", strategy code) for a debtor's ability and willingness to pay."""
    if ability not in ABILITIES or willingness not in WILLINGNESS:
        raise ValueError(f"unknown assessment {ability!r}/{willingness!r}")
    if willingness == "bad_faith":
        return "hard", "legal"
    if willingness == "evasive":
        return "hard", "intensify"
    if ability == "unable":
        return "hard", "secure"
    if ability == "temporary":
        return "soft", "instalments"
    return "soft", "standard"


# Importance x risk (the brief names three quadrants; the fourth, unimportant and high risk, is our default).
MATRIX = {
    (True, False): "relationship",   # keep the relationship while holding the line
    (True, True): "management",      # management steps in with a dedicated plan
    (False, False): "standard",      # the standard process
    (False, True): "strict",         # fast, strict escalation
}


def matrix_strategy(important: bool, high_risk: bool) -> str:
    return MATRIX[(bool(important), bool(high_risk))]


def importance(customer_type: str | None) -> str:
    """A customer file's importance: core customers are important by default."""
    return "important" if customer_type == "core" else "ordinary"


def risk_level(debtor_class: str | None, blacklisted: bool) -> str:
    """High for hard overdue (bad faith, evasion, insolvency) or a blacklisted customer."""
    return "high" if debtor_class == "hard" or blacklisted else "low"


def needs_management_owner(has_owner: bool, file_importance: str, file_risk: str) -> bool:
    """Key and high-risk customers get a member of management who owns their dedicated plan."""
    return not has_owner and (file_importance == "important" or file_risk == "high")


def file_profile(customer_type: str | None, debtor_class: str | None, blacklisted: bool,
                 has_owner: bool) -> tuple[str, str, bool]:
    """(importance, risk level, needs a management owner) of a customer file, as its computes store them."""
    file_importance = importance(customer_type)
    file_risk = risk_level(debtor_class, blacklisted)
    return file_importance, file_risk, needs_management_owner(has_owner, file_importance, file_risk)
