"""Amounts in words for letters and agreements.

Chinese capital numerals (大写金额: 壹贰叁…元角分整) come from the kept library cn2an, English words from
Odoo's `res.currency.amount_to_text` (num2words) in the model layer. cn2an follows the People's Bank of
China's rules for cheques and vouchers, which the fast tests pin:

- a whole amount ends with 整 (``10`` → 壹拾元整, ``0`` → 零元整: on cheques the leading 壹 of 壹拾 is written);
- zeros inside the number are read as one 零 (``1001`` → 壹仟零壹元整, ``100,001.05`` → 壹拾万零壹元零伍分);
- a zero at the end of a section (万, 元) is not read (``1,000,000`` → 壹佰万元整, ``105,000`` → 壹拾万伍仟元整);
- a missing 角 before 分 is read 零 (``325.04`` → 叁佰贰拾伍元零肆分); the PBOC allows both 元零叁角 and
  元叁角 after a zero units digit, and cn2an writes the latter (``1,680.32`` → 壹仟陆佰捌拾元叁角贰分).
"""

from decimal import ROUND_HALF_UP, Decimal

# cn2an reads up to 9,999,999,999,999,999.99 (亿亿 is not a unit of money).
MAX_CAPITALS = Decimal("9999999999999999.99")


def to_cents(amount) -> Decimal:
    """The amount as a Decimal rounded half up to the cent (floats are read through their shortest repr)."""
    if isinstance(amount, float):
        amount = repr(amount)
    return Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def chinese_capitals(amount) -> str:
    """Chinese capital numerals of an amount of money: ``100001.05`` → 壹拾万零壹元零伍分.

    Negative amounts are prefixed 负; no currency name is added (人民币 or 美元 is the caller's)."""
    import cn2an

    value = to_cents(amount)
    if abs(value) > MAX_CAPITALS:
        raise ValueError(f"{value} is too large for Chinese capital numerals")
    if value == 0:
        return "零元整"
    return cn2an.an2cn(f"{value:.2f}", "rmb")
