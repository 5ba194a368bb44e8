from decimal import Decimal

import pytest

from tools.amount_words import chinese_capitals, to_cents


@pytest.mark.parametrize(("amount", "words"), [
    (0, "零元整"),
    (Decimal("0.00"), "零元整"),
    # cheques write the leading 壹 of 壹拾
    (10, "壹拾元整"),
    (Decimal("100001.05"), "壹拾万零壹元零伍分"),
    (Decimal("1000000.00"), "壹佰万元整"),
    (1001, "壹仟零壹元整"),
    (105000, "壹拾万伍仟元整"),
    (Decimal("325.04"), "叁佰贰拾伍元零肆分"),
    (Decimal("6007.14"), "陆仟零柒元壹角肆分"),
    (Decimal("1680.32"), "壹仟陆佰捌拾元叁角贰分"),
    (Decimal("107000.53"), "壹拾万柒仟元伍角叁分"),
    (Decimal("1010.00"), "壹仟零壹拾元整"),
    (Decimal("0.50"), "伍角"),
    (Decimal("1000000000.01"), "壹拾亿元零壹分"),
    (Decimal("-5"), "负伍元整"),
])
def test_chinese_capitals(amount, words):
    assert chinese_capitals(amount) == words


def test_floats_are_read_to_the_cent_half_up():
    assert to_cents(100001.05) == Decimal("100001.05")
    assert to_cents(2.675) == Decimal("2.68")          # the float 2.675 is 2.67499...; its repr is what people typed
    assert chinese_capitals(100001.05) == "壹拾万零壹元零伍分"
    assert chinese_capitals(Decimal("9.999")) == "壹拾元整"


def test_too_large_is_refused():
    with pytest.raises(ValueError):
        chinese_capitals(Decimal("10000000000000000"))
