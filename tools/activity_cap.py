"""How many new activities each person receives in a day: nobody more than their capacity."""

# New activities a person receives in a day when their team says nothing else.
DEFAULT_DAILY_ACTIVITIES = 60


def within_capacity(assignees, room):
    """Which of these activities (their assignees, most urgent first) fit in what each person can still receive
    today (`room`: {assignee: count}; an assignee not in it has none). Returns one boolean per activity."""
    left = dict(room)
    kept = []
    for assignee in assignees:
        fits = left.get(assignee, 0) > 0
        if fits:
            left[assignee] -= 1
        kept.append(fits)
    return kept
