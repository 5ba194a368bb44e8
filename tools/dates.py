"""What "today" is for a company: the date on its own clock."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone_name(tz_name: str | None) -> str:
    """A usable time zone name: the one given when it is known, else UTC."""
    if not tz_name:
        return 'UTC'
    try:
        ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        # A bad tz on a company must not stop the run: its day is then UTC's.
        return 'UTC'
    return tz_name


def local_today(now_utc: datetime, tz_name: str | None) -> date:
    """The date in a time zone (UTC when missing or unknown) at an instant given in UTC (naive or aware)."""
    if now_utc.tzinfo is None:
        now_utc = now_utc.replace(tzinfo=UTC)
    return now_utc.astimezone(ZoneInfo(zone_name(tz_name))).date()
