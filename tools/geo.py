"""Where a field visit took place: the distance from the customer's address, and a map link to get there."""

import math
from urllib.parse import quote_plus

# The mean radius of the Earth (IUGG), in metres.
EARTH_RADIUS_M = 6_371_008.8
# A check-in farther than this from the customer's address is flagged: a phone's position in a city is
# usually good to a few dozen metres, and a building's coordinates point at its middle.
FAR_FROM_ADDRESS_M = 500.0


def is_position(latitude, longitude, accuracy=None) -> bool:
    """Whether the figures a phone sent are a position on Earth (and a non-negative accuracy in metres)."""
    numbers = [latitude, longitude] + ([] if accuracy is None else [accuracy])
    if not all(isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
               for value in numbers):
        return False
    return -90.0 <= latitude <= 90.0 and -180.0 <= longitude <= 180.0 and (accuracy is None or accuracy >= 0.0)


def distance_m(latitude_1, longitude_1, latitude_2, longitude_2) -> float:
    """The great-circle distance between two positions, in metres (haversine formula)."""
    phi_1, phi_2 = math.radians(latitude_1), math.radians(latitude_2)
    d_phi = phi_2 - phi_1
    d_lambda = math.radians(longitude_2 - longitude_1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi_1) * math.cos(phi_2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def is_far(distance, accuracy=0.0) -> bool:
    """Whether a check-in `distance` metres from the address is too far to be at the customer's, once the
    phone's own uncertainty (`accuracy`, metres) is allowed for."""
    return distance - (accuracy or 0.0) > FAR_FROM_ADDRESS_M


def map_url(address, latitude=None, longitude=None) -> str | None:
    """A link that opens the customer's place on OpenStreetMap (in the phone's browser or map app): the stored
    coordinates when there are, else a search for the address."""
    if latitude or longitude:
        return f"https://www.openstreetmap.org/?mlat={latitude:.6f}&mlon={longitude:.6f}#map=18/{latitude:.6f}/{longitude:.6f}"
    if address and address.strip():
        return f"https://www.openstreetmap.org/search?query={quote_plus(' '.join(address.split()))}"
    return None
