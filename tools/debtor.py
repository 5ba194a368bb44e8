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
