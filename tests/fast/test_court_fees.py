from decimal import Decimal

import pytest

from tools.court_fees import FeeError, case_fee, enforcement_fee, estimate, payment_order_fee, preservation_fee


def D(value):
    return Decimal(str(value))


# Case fee (Art 13): 50 up to 10k, then cumulative slices. Each boundary worked out by hand:
#   10k: 50                      100k: 50 + 90k*2.5% = 2,300        200k: 2,300 + 100k*2% = 4,300
#   500k: 4,300 + 300k*1.5% = 8,800      1M: 8,800 + 500k*1% = 13,800       2M: 13,800 + 1M*0.9% = 22,800
#   5M: 22,800 + 3M*0.8% = 46,800        10M: 46,800 + 5M*0.7% = 81,800     20M: 81,800 + 10M*0.6% = 141,800
#   30M: 141,800 + 10M*0.5% = 191,800 (the table's x*0.5%+41,800 = 191,800)
@pytest.mark.parametrize("amount, fee", [
    (0, 50), (10_000, 50), ("10000.01", "50.00"), (10_001, "50.03"), (50_000, 1_050), (100_000, 2_300),
    (100_001, "2300.02"), (200_000, 4_300), (300_000, 5_800), (500_000, 8_800), (1_000_000, 13_800),
    (2_000_000, 22_800), (5_000_000, 46_800), (10_000_000, 81_800), (20_000_000, 141_800),
    (30_000_000, 191_800),
])
def test_case_fee_at_every_tier_boundary(amount, fee):
    assert case_fee(D(amount)) == D(fee)


@pytest.mark.parametrize("amount", [10_000, 100_000, 200_000, 500_000, 1_000_000, 2_000_000, 5_000_000,
                                    10_000_000, 20_000_000, 35_000_000])
def test_case_fee_matches_the_tables_total_formula(amount):
    # the table's "total formula" column: x*rate + constant of the slice the amount ends in
    formulas = [(100_000, "0.025", -200), (200_000, "0.02", 300), (500_000, "0.015", 1_300),
                (1_000_000, "0.01", 3_800), (2_000_000, "0.009", 4_800), (5_000_000, "0.008", 6_800),
                (10_000_000, "0.007", 11_800), (20_000_000, "0.006", 21_800), (None, "0.005", 41_800)]
    if amount <= 10_000:
        expected = D(50)
    else:
        upper, rate, constant = next(f for f in formulas if f[0] is None or amount <= f[0])
        expected = D(amount) * D(rate) + constant
    assert case_fee(amount) == expected


def test_simplified_procedure_mediation_and_small_claims_halve_the_case_fee_once():
    assert case_fee(300_000, "simplified") == D(2_900)        # 5,800 / 2
    assert case_fee(300_000, "mediation") == D(2_900)
    assert case_fee(300_000, "small_claims") == D(2_900)
    assert case_fee(10_000, "simplified") == D(25)            # 50 / 2
    assert case_fee(10_001, "simplified") == D("25.02")      # full fee 50.025 -> 50.03, halved 25.015 -> 25.02
    assert case_fee(300_000, "arbitration") == D(5_800)


def test_payment_order_is_a_third_of_the_case_fee():
    assert payment_order_fee(300_000) == D("1933.33")         # 5,800 / 3
    assert case_fee(50_000, "payment_order") == D(350)        # 1,050 / 3
    assert payment_order_fee(1_000_000) == D(4_600)           # 13,800 / 3


# Preservation (Art 14): 30 up to 1,000; +1 % to 100k; +0.5 % above; cap 5,000.
#   1k: 30   100k: 30 + 99k*1% = 1,020   896k: 1,020 + 796k*0.5% = 5,000 (the cap is reached at 896,000)
@pytest.mark.parametrize("amount, fee", [
    (0, 30), (1_000, 30), (1_001, "30.01"), (50_000, 520), (100_000, 1_020), (100_002, "1020.01"),
    (300_000, 2_020), (895_998, "4999.99"), (896_000, 5_000), (896_002, 5_000), (1_000_000, 5_000),
    (5_000_000, 5_000),
])
def test_preservation_fee_at_every_tier_boundary_and_cap(amount, fee):
    assert preservation_fee(amount) == D(fee)


# Enforcement: 50 up to 10k; +1.5 % to 500k; +1 % to 5M; +0.5 % to 10M; +0.1 % above.
#   500k: 50 + 490k*1.5% = 7,400   5M: 7,400 + 4.5M*1% = 52,400   10M: 52,400 + 5M*0.5% = 77,400
#   20M: 77,400 + 10M*0.1% = 87,400
@pytest.mark.parametrize("amount, fee", [
    (0, 50), (10_000, 50), (10_100, "51.50"), (50_000, 650), (300_000, 4_400), (500_000, 7_400),
    (1_000_000, 12_400), (5_000_000, 52_400), (10_000_000, 77_400), (20_000_000, 87_400),
])
def test_enforcement_fee_at_every_tier_boundary(amount, fee):
    assert enforcement_fee(amount) == D(fee)


@pytest.mark.parametrize("amount, case, preservation, enforcement", [
    (50_000, 1_050, 520, 650),
    (300_000, 5_800, 2_020, 4_400),
    (1_000_000, 13_800, 5_000, 12_400),
    (5_000_000, 46_800, 5_000, 52_400),
])
def test_legal_rules_vectors(amount, case, preservation, enforcement):
    fees = estimate(D(amount))
    assert (fees.case, fees.preservation, fees.enforcement) == (D(case), D(preservation), D(enforcement))
    assert fees.total == D(case + preservation + enforcement)


def test_estimate_without_preservation_or_enforcement():
    fees = estimate(300_000, "simplified", preservation=False, enforcement=False)
    assert (fees.case, fees.preservation, fees.enforcement, fees.total) == (D(2_900), 0, 0, D(2_900))


def test_negative_amount_is_refused():
    with pytest.raises(FeeError):
        case_fee(-1)


# === Tax route of a write-off (legal-rules §7) === #
def test_write_off_eligibility_dates():
    from datetime import date

    from tools.write_off import eligibility_date, missing_evidence

    # ≥3 years overdue: due 2023-02-28 + 3 years = 2026-02-28; a 29 February due date ends on 28 February
    assert eligibility_date("overdue_3y", date(2023, 2, 28)) == date(2026, 2, 28)
    assert eligibility_date("overdue_3y", date(2024, 2, 29)) == date(2027, 2, 28)
    assert eligibility_date("small_1y", date(2025, 3, 2)) == date(2026, 3, 2)
    assert eligibility_date("bankruptcy", date(2025, 3, 2), date(2026, 1, 5)) == date(2026, 1, 5)
    assert eligibility_date("overdue_3y", None) is None
    assert missing_evidence("court_termination", ["contract", "judgment"]) == ["termination_ruling"]
    assert missing_evidence("overdue_3y", []) == ["contract", "inability_evidence", "special_report"]
