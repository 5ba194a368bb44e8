from tools.activity_cap import within_capacity


def test_each_person_receives_at_most_their_room_most_urgent_first():
    assert within_capacity(["ann", "bob", "ann", "ann", "bob"], {"ann": 2, "bob": 5}) == [
        True, True, True, False, True]


def test_nobody_without_room_receives_anything():
    assert within_capacity(["ann", "carl"], {"ann": 0}) == [False, False]
    assert within_capacity([], {"ann": 3}) == []
