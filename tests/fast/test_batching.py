import pytest

from tools.batching import even_batch


@pytest.mark.parametrize(("todo", "workers", "expected"), [
    (2_800, 2, 700),      # a following day at 100k: two rounds of two calls
    (20_000, 2, 1_000),   # a go-live night: full batches
    (19_001, 2, 951),     # ten rounds of two, not nine full ones and a lone last call
    (1_500, 2, 750),
    (700, 2, 500),        # never under the smallest batch
    (3, 2, 500),
    (2_800, 1, 1_000),    # one worker: the batch size
    (0, 2, 1_000),        # nothing counted yet
])
def test_even_batch(todo, workers, expected):
    assert even_batch(todo, 1_000, workers, 500) == expected


@pytest.mark.parametrize("workers", [2, 3, 4])
@pytest.mark.parametrize("todo", [1_001, 2_001, 2_800, 20_000, 123_457])
def test_every_round_is_shared_evenly_and_the_batch_size_kept(todo, workers):
    size = even_batch(todo, 1_000, workers, 250)
    assert 250 <= size <= 1_000
    calls = -(-todo // size)
    assert -(-calls // workers) == -(-todo // (workers * 1_000)), "no more rounds than full batches would take"


@pytest.mark.parametrize("todo", [2_800, 20_000])
def test_a_worker_alone_takes_no_more_calls_than_with_the_smallest_batch(todo):
    calls, left = 0, todo
    while left:
        left -= min(left, even_batch(left, 1_000, 2, 500))
        calls += 1
    assert calls <= -(-todo // 500)
    assert calls >= -(-todo // 1_000)
