"""Where the demo council's families live: real postcodes of the council's own area (R17).

Each council's demo draws its addresses from its own towns, and every postcode is one the ONS
postcode directory places in that council (`people.postcodes`), so screening finds the family in
the area, as it would a real one; many outward codes straddle councils (L10, L31), so each full
postcode is checked. A few families live over the border, at postcodes of a neighbouring council:
screening passes them on. The streets stay made up.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

from frontdoor.people.postcodes import postcodes_in
from frontdoor.returns.codes import ETHNICITIES

# Towns and their outward codes, by the council's ONS code; then a neighbour's over the border.
TOWNS: dict[str, tuple[tuple[str, str], ...]] = {
    "E08000014": (  # Sefton
        ("Bootle", "L20"),
        ("Litherland", "L21"),
        ("Waterloo", "L22"),
        ("Crosby", "L23"),
        ("Netherton", "L30"),
        ("Maghull", "L31"),
        ("Formby", "L37"),
        ("Southport", "PR8"),
        ("Southport", "PR9"),
    ),
    "E09000023": (  # Lewisham
        ("Brockley", "SE4"),
        ("Catford", "SE6"),
        ("Deptford", "SE8"),
        ("Lee", "SE12"),
        ("Lewisham", "SE13"),
        ("New Cross", "SE14"),
        ("Forest Hill", "SE23"),
        ("Sydenham", "SE26"),
    ),
}
OVER_THE_BORDER: dict[str, tuple[tuple[str, str], ...]] = {
    "E08000014": (("Walton", "L4"), ("Skelmersdale", "WN8")),  # Liverpool, Lancashire
    "E09000023": (("Greenwich", "SE10"), ("Peckham", "SE15")),  # Greenwich, Southwark
}
PHONE_PREFIXES = {"E08000014": "0151 496 0", "E09000023": "020 7946 0"}
# Postcodes kept for each town: plenty for variety, few enough to load quickly.
PER_TOWN = 60


@dataclass(frozen=True)
class Place:
    town: str
    postcode: str


@dataclass(frozen=True)
class Area:
    """The council's own places, and a few over the border."""

    home: tuple[tuple[Place, ...], ...]  # by town: each town's postcodes
    away: tuple[tuple[Place, ...], ...]
    phone_prefix: str  # of Ofcom's numbers kept for drama, in the area's dialling code

    def place(self, rng: random.Random, *, away: bool = False) -> Place:
        return rng.choice(rng.choice(self.away if away and self.away else self.home))


def _places(town: str, outward: str, *, inside: bool, council_code: str) -> tuple[Place, ...]:
    postcodes = [
        postcode
        for postcode, authority in postcodes_in(outward).items()
        if authority and (authority == council_code) == inside
    ]
    step = max(1, len(postcodes) // PER_TOWN)
    return tuple(Place(town, postcode) for postcode in postcodes[::step][:PER_TOWN])


@cache
def area_of(council_code: str) -> Area:
    """The demo's places for the council with ONS code `council_code`."""
    towns = TOWNS.get(council_code)
    if towns is None or council_code not in PHONE_PREFIXES:
        raise LookupError(
            f"The demo has no towns or dialling code for the council {council_code}: add them "
            "to demo.areas."
        )
    home = [
        _places(town, outward, inside=True, council_code=council_code) for town, outward in towns
    ]
    away = [
        _places(town, outward, inside=False, council_code=council_code)
        for town, outward in OVER_THE_BORDER.get(council_code, ())
    ]
    return Area(
        home=tuple(p for p in home if p),
        away=tuple(p for p in away if p),
        phone_prefix=PHONE_PREFIXES[council_code],
    )


# How the families' ethnicity is recorded, by the DfE's codes (their labels are what a worker
# types), weighted roughly as each council's children are: Sefton's mostly White British,
# Lewisham's much more mixed. A few parents decline to say (REFU), and for a few it is not yet
# asked (NOBT): the DfE's codes for both.
ETHNICITY_WEIGHTS: dict[str, tuple[tuple[str, int], ...]] = {
    "E08000014": (
        ("WBRI", 86), ("WIRI", 1), ("WOTH", 3), ("MWBC", 1), ("MWAS", 1), ("MOTH", 1),
        ("AOTH", 1), ("BAFR", 1), ("CHNE", 1), ("REFU", 2), ("NOBT", 2),
    ),
    "E09000023": (
        ("WBRI", 34), ("WOTH", 8), ("WIRI", 1), ("MWBC", 7), ("MWBA", 3), ("MOTH", 6),
        ("AIND", 2), ("AOTH", 3), ("BCRB", 11), ("BAFR", 13), ("BOTH", 3), ("CHNE", 1),
        ("OOTH", 3), ("REFU", 2), ("NOBT", 3),
    ),
}  # fmt: skip


def ethnicity_of(rng: random.Random, council_code: str) -> str:
    """A family's ethnicity as a worker records it: the DfE's label for a code."""
    weights = ETHNICITY_WEIGHTS.get(council_code, ETHNICITY_WEIGHTS["E08000014"])
    codes, shares = zip(*weights, strict=True)
    return ETHNICITIES[rng.choices(codes, shares)[0]]
