"""Calendar of chasing actions, expressed in days overdue."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True)
class ActionWindow:
    """Days overdue in which an action runs; day_to None = open-ended, repeat_every 0 = once."""

    day_from: int
    day_to: int | None
    repeat_every: int = 0

    def __post_init__(self) -> None:
        if self.day_to is not None and self.day_to < self.day_from:
            raise ValueError(f'day_to ({self.day_to}) is before day_from ({self.day_from})')
        if self.repeat_every < 0:
            raise ValueError(f'repeat_every must be 0 or more, got {self.repeat_every}')


def action_slot(days: int, window: ActionWindow) -> int | None:
    """Index of the repeat period `days` falls in; None outside the window."""
    if days < window.day_from:
        return None
    if window.day_to is not None and days > window.day_to:
        return None
    if window.repeat_every == 0:
        return 0
    return (days - window.day_from) // window.repeat_every


def slot_due_date(due_date: date, window: ActionWindow, slot: int) -> date:
    """Calendar date on which `slot` starts for an invoice due on `due_date`."""
    return due_date + timedelta(days=window.day_from + slot * window.repeat_every)


def slot_bounds(due_date: date, window: ActionWindow, slot: int) -> tuple[date, date | None]:
    """First and last calendar dates of `slot`; the end is None for an open once-only window."""
    start = slot_due_date(due_date, window, slot)
    window_end = None if window.day_to is None else due_date + timedelta(days=window.day_to)
    if window.repeat_every == 0:
        return start, window_end
    end = start + timedelta(days=window.repeat_every - 1)
    # The last period of a band is usually cut short by the band's own end.
    if window_end is not None and end > window_end:
        end = window_end
    return start, end


def fires_today(
    today: date,
    slot_start: date,
    slot_end: date | None,
    is_working_day: Callable[[date], bool],
) -> bool:
    """Whether the action may run today for this slot.

    True on every working day of the slot: the caller's dedup key keeps it to one run,
    and a run that missed days still catches up later in the slot.
    """
    return is_working_day(today) and slot_start <= today and (slot_end is None or today <= slot_end)


def dedup_key(partner_id: int, company_id: int, action_id: int, anchor: date, slot: int) -> str:
    """Stable key of one action run, e.g. 'p12-c1-a5-2026-01-31-s0'."""
    return f'p{partner_id}-c{company_id}-a{action_id}-{anchor.isoformat()}-s{slot}'


def next_slot_day(days: int, window: ActionWindow) -> int | None:
    """Days overdue at which the window's next period after `days` starts; None when none is left."""
    if days < window.day_from:
        return window.day_from
    if window.repeat_every == 0:
        return None
    start = window.day_from + ((days - window.day_from) // window.repeat_every + 1) * window.repeat_every
    if window.day_to is not None and start > window.day_to:
        return None
    return start


@dataclass(frozen=True)
class CalendarAction:
    """One action of a policy's calendar; letters go out in the order they are given, one after the other."""

    id: int
    window: ActionWindow
    letter: bool = False


@dataclass(frozen=True)
class Episode:
    """What the calendar did for a customer in its current episode: from the first overdue action carried out
    after the customer last had nothing overdue (`started`; None: never chased since)."""

    started: date | None = None
    fired: Mapping[int, date] = field(default_factory=dict)   # action id -> last day carried out this episode
    peak_days: int = 0   # the most days overdue the customer reached this episode


@dataclass(frozen=True)
class DueAction:
    """An action to carry out today; `key_day` and `slot` make its dedup key (see `dedup_key`)."""

    action_id: int
    key_day: date
    slot: int
    overdue: bool   # an action of the overdue calendar (not a pre-due reminder): it starts an episode


def due_actions(
    actions: Sequence[CalendarAction],
    *,
    days: int,
    anchor: date,
    today: date,
    working_day: bool,
    episode: Episode,
    letter_spacing: int = 0,
) -> list[DueAction]:
    """The calendar actions due today for a customer `days` overdue (oldest chased due date `anchor`).

    Other actions fire on the working days of their window (or of each period of a repeating band), once.
    Letters follow their sequence, whatever the customer's age: the next letter after the last one sent this
    episode (the first one for a customer never chased), once its own window has opened and at least
    `letter_spacing` days after the previous letter. Reminders and the formal demand thus always come
    before the lawyer letter.

    The calendar never goes backwards in an episode: when a pause, a payment or a credit brings the customer's
    days down (its oldest chased invoice is younger), a once-only action whose window it had passed already
    (the window ends before the most days reached) or that was carried out already is not done again,
    letters never go back in their sequence, and nothing is done twice the same day when the oldest due date
    moved. Repeating bands (follow-ups) keep the cadence of the customer's current days."""
    if not working_day:
        return []
    episode_day = episode.started or today
    due = []
    letters = [action for action in actions if action.letter]
    for action in actions:
        window = action.window
        if action.letter or episode.fired.get(action.id) == today:
            continue
        slot = action_slot(days, window)
        if slot is None:
            continue
        start, end = slot_bounds(anchor, window, slot)
        if not fires_today(today, start, end, lambda _day: True):
            continue
        overdue = window.day_from > 0
        if overdue and window.repeat_every == 0:
            if action.id in episode.fired or window.day_to is not None and window.day_to < episode.peak_days:
                continue   # done this episode already, or a window the customer had passed
            # once an episode, whatever its oldest due date: keyed by the episode
            due.append(DueAction(action.id, episode_day, 0, overdue=True))
        else:
            due.append(DueAction(action.id, anchor, slot, overdue=overdue))
    letter, last_sent = _next_letter(letters, episode)
    if (letter and days >= letter.window.day_from and episode.fired.get(letter.id) != today
            and (last_sent is None or (today - last_sent).days >= letter_spacing)):
        due.append(DueAction(letter.id, episode_day, 0, overdue=True))
    return due


def next_letter_day(
    actions: Sequence[CalendarAction], *, anchor: date, episode: Episode, letter_spacing: int = 0,
) -> date | None:
    """The first day the next letter of the sequence may go (see `due_actions`): its window open for the oldest
    chased due date `anchor`, and `letter_spacing` days after the previous letter; None when none is left."""
    letter, last_sent = _next_letter([action for action in actions if action.letter], episode)
    if not letter:
        return None
    day = anchor + timedelta(days=letter.window.day_from)
    return day if last_sent is None else max(day, last_sent + timedelta(days=letter_spacing))


def _next_letter(letters: Sequence[CalendarAction], episode: Episode) -> tuple[CalendarAction | None, date | None]:
    """The letter after the last one sent this episode (the first when none was), and the day that one went."""
    sent = [index for index, letter in enumerate(letters) if letter.id in episode.fired]
    following = letters[max(sent) + 1:] if sent else letters
    last_sent = max((episode.fired[letters[index].id] for index in sent), default=None)
    return (following[0] if following else None), last_sent
