"""Best call windows, in the customer's own time zone."""

from datetime import UTC, datetime

from .quiet_hours import _customer_zone, _hour_to_seconds

# The front-line guide's best windows: 9:30-11:30 and 14:00-16:30.
DEFAULT_WINDOWS = ((9.5, 11.5), (14.0, 16.5))


def hour_label(hour: float) -> str:
    seconds = _hour_to_seconds(hour)
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def windows_label(windows) -> str:
    return ", ".join(f"{hour_label(start)}–{hour_label(end)}" for start, end in windows if end > start)


def local_now(now_utc: datetime, tz_name: str | None) -> datetime:
    """The customer's wall time (aware) of a UTC instant (naive or aware)."""
    if now_utc.tzinfo is None:
        now_utc = now_utc.replace(tzinfo=UTC)
    return now_utc.astimezone(_customer_zone(tz_name))


def window_status(now_utc: datetime, tz_name: str | None, windows=DEFAULT_WINDOWS) -> tuple[bool, float | None]:
    """(whether the customer's local time is inside a call window, the local hour the next window opens today
    or None when none is left today)."""
    local = local_now(now_utc, tz_name)
    seconds = local.hour * 3600 + local.minute * 60 + local.second
    upcoming = []
    for start, end in windows:
        if end <= start:
            continue
        if _hour_to_seconds(start) <= seconds < _hour_to_seconds(end):
            return True, None
        if seconds < _hour_to_seconds(start):
            upcoming.append(start)
    return False, min(upcoming, default=None)
