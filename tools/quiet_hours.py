"""Quiet hours: when a customer must not be contacted, in their own time zone."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SECONDS_PER_DAY = 24 * 3600


def _hour_to_seconds(hour: float) -> int:
    """Seconds since midnight of an hour given as a float (8.5 = 08:30)."""
    if not 0 <= hour < 24:
        raise ValueError(f'hour must be in [0, 24), got {hour}')
    # Round so that e.g. 8.1 * 3600 = 29159.999... still means 08:06:00.
    return round(hour * 3600)


def _customer_zone(tz_name: str | None) -> ZoneInfo:
    """Zone of the customer, UTC when missing or unknown."""
    if not tz_name:
        return ZoneInfo('UTC')
    try:
        return ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        # A bad tz on a partner must not stop the whole sending run.
        return ZoneInfo('UTC')


# No automatic email or SMS from 22:00 to 08:00 in the customer's time zone, unless a policy says otherwise.
DEFAULT_QUIET_START = 22.0
DEFAULT_QUIET_END = 8.0


def quiet_until(
    now_utc: datetime,
    tz_name: str | None,
    start: float = DEFAULT_QUIET_START,
    end: float = DEFAULT_QUIET_END,
) -> datetime | None:
    """Naive UTC end of the quiet period `now_utc` falls in, or None when not quiet."""
    start_s = _hour_to_seconds(start)
    end_s = _hour_to_seconds(end)
    if start_s == end_s:
        return None
    if now_utc.tzinfo is None:
        now_utc = now_utc.replace(tzinfo=UTC)
    zone = _customer_zone(tz_name)
    local = now_utc.astimezone(zone)
    now_s = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1_000_000

    if start_s > end_s:
        # The period wraps midnight: before midnight it ends tomorrow, after midnight today.
        if now_s >= start_s:
            end_day = local.date() + timedelta(days=1)
        elif now_s < end_s:
            end_day = local.date()
        else:
            return None
    elif start_s <= now_s < end_s:
        end_day = local.date()
    else:
        return None

    end_time = time(end_s // 3600, end_s % 3600 // 60, end_s % 60)
    # Build the local wall time then convert, so zoneinfo applies that day's UTC offset.
    local_end = datetime.combine(end_day, end_time, tzinfo=zone)
    return local_end.astimezone(UTC).replace(tzinfo=None)


def customer_timezone(
    partner_tz: str | None,
    company_tz: str | None,
    country_zones: list[str] | tuple[str, ...] = (),
    same_country_as_company: bool = True,
) -> str:
    """The time zone of a customer's call windows and local time: its own; when it has none, its company's if
    the customer is in the company's country (or names no country); otherwise its country's main zone (the first
    the tz database lists for it); then the company's; UTC as the last resort."""
    if partner_tz:
        return partner_tz
    if company_tz and same_country_as_company:
        return company_tz
    if country_zones:
        return country_zones[0]
    return company_tz or 'UTC'
