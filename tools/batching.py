"""How a job's work is cut into the batches its worker slots claim."""

from math import ceil


def even_batch(todo: int, batch_size: int, workers: int, min_size: int) -> int:
    """The size of a call's batch: at most `batch_size`, and as even a share of the `todo` items left as the
    fewest rounds of `workers` parallel calls allow, so that no worker is left alone with a last batch (2,800 items
    in batches of 1,000 on two workers: 700 each, four calls in two rounds, not 1,000, 1,000 and 800 in three).

    Never under `min_size`: each call recomputes its share from what is left, and a worker that runs alone would
    otherwise halve its batch call after call at the end of its day. Nothing known to do (a go-live night's files
    are made by its first call) or one worker: `batch_size`."""
    if todo <= 0 or workers <= 1:
        return batch_size
    rounds = ceil(todo / (workers * batch_size))
    return max(min(min_size, batch_size), ceil(todo / (workers * rounds)))
