import pytest

from tools.compliance import cap_exceeded, is_connected, mentions_amount


@pytest.mark.parametrize("text", [
    "He owes ¥12,000 since March", "told her 5000元", "RMB 3,500", "about 12,000.50 open", "paid 250.00",
    "USD1200", "3 万", "800 euros",
])
def test_amounts_are_found(text):
    assert mentions_amount(text)


@pytest.mark.parametrize("text", [
    "", None, "Call back on 12.03.2026 at 14:30", "Mobile +86 138 0013 8000", "Asked for the new number of Mr Li",
    "Room 1204, building 3",
])
def test_contact_details_are_not_amounts(text):
    assert not mentions_amount(text)


def test_daily_caps_across_channels():
    assert cap_exceeded(5, 2, 6, 3, True) == []
    assert cap_exceeded(6, 2, 6, 3, False) == ["attempts"]
    assert cap_exceeded(4, 3, 6, 3, True) == ["connected"]
    assert cap_exceeded(4, 3, 6, 3, False) == []
    assert cap_exceeded(50, 50, 0, 0, True) == [], "a cap of 0 is no cap"
    assert not is_connected("no_answer") and is_connected("promise")
