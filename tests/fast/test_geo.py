import math

import pytest

from tools.geo import FAR_FROM_ADDRESS_M, distance_m, is_far, is_position, map_url


def test_distance_of_known_places():
    # Shanghai People's Square to the Bund (Chen Yi statue): about 1.9 km.
    assert distance_m(31.2304, 121.4737, 31.2397, 121.4906) == pytest.approx(1_900, rel=0.1)
    # One minute of latitude is one nautical mile.
    assert distance_m(0.0, 0.0, 1 / 60, 0.0) == pytest.approx(1_853.2, rel=0.001)
    # The same place, and antipodes.
    assert distance_m(48.8566, 2.3522, 48.8566, 2.3522) == 0.0
    assert distance_m(0.0, 0.0, 0.0, 180.0) == pytest.approx(math.pi * 6_371_008.8)


def test_distance_is_symmetric_across_the_date_line():
    assert distance_m(10.0, 179.9, 10.0, -179.9) == pytest.approx(distance_m(10.0, -179.9, 10.0, 179.9))
    assert distance_m(10.0, 179.9, 10.0, -179.9) < 25_000


@pytest.mark.parametrize(("values", "valid"), [
    ((31.23, 121.47, 12.0), True),
    ((31.23, 121.47, None), True),
    ((-90, 180, 0), True),
    ((90.0001, 0.0, 5.0), False),
    ((0.0, -180.5, 5.0), False),
    ((0.0, 0.0, -1.0), False),
    ((float("nan"), 0.0, 1.0), False),
    ((0.0, float("inf"), 1.0), False),
    (("31.2", 121.4, 1.0), False),
    ((True, 121.4, 1.0), False),
    ((None, None, None), False),
])
def test_positions_from_a_phone_are_checked(values, valid):
    assert is_position(*values) is valid


def test_far_from_the_address_allows_for_the_phones_accuracy():
    assert not is_far(FAR_FROM_ADDRESS_M)
    assert is_far(FAR_FROM_ADDRESS_M + 1)
    assert not is_far(FAR_FROM_ADDRESS_M + 200, accuracy=250)
    assert is_far(2_000, accuracy=None)


def test_map_url_prefers_coordinates_then_the_address():
    assert map_url("1 Main St", 31.2304, 121.4737) == (
        "https://www.openstreetmap.org/?mlat=31.230400&mlon=121.473700#map=18/31.230400/121.473700")
    assert map_url("Room 5, 88 Nanjing Rd\nShanghai 200001") == (
        "https://www.openstreetmap.org/search?query=Room+5%2C+88+Nanjing+Rd+Shanghai+200001")
    assert map_url("  ", 0.0, 0.0) is None
    assert map_url(None) is None
