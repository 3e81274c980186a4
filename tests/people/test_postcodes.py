"""R17: does the child live in the council's area? Full postcodes, upper-tier councils."""

from __future__ import annotations

import pytest

from frontdoor.people.postcodes import (
    Where,
    check_postcode,
    childrens_services_authority,
)

SEFTON = "E08000014"
LEWISHAM = "E09000023"


@pytest.mark.parametrize(
    ("postcode", "where", "authority"),
    [
        ("PR8 1AA", Where.IN_AREA, "Sefton"),  # Southport
        ("pr81aa", Where.IN_AREA, "Sefton"),  # as typed, normalised
        ("L10 1NB", Where.IN_AREA, "Sefton"),  # L10 straddles Sefton and Liverpool
        ("L1 0AA", Where.ELSEWHERE, "Liverpool"),
        ("SE10 8AA", Where.ELSEWHERE, "Lewisham"),
    ],
)
def test_r17_sefton_postcodes_are_in_area_and_others_name_their_council(postcode, where, authority):
    check = check_postcode(postcode=postcode, council_code=SEFTON)
    assert check.where == where
    assert check.authority.name == authority
    assert authority in check.message


def test_r17_a_district_postcode_belongs_to_its_county_for_childrens_services():
    # L31 1HN is in West Lancashire, a district: children's services are Lancashire's.
    check = check_postcode(postcode="L31 1HN", council_code=SEFTON)
    assert check.where == Where.ELSEWHERE
    assert check.authority.code == "E10000017"
    assert "Lancashire" in check.message


def test_the_same_postcode_is_in_area_for_the_council_it_belongs_to():
    assert check_postcode(postcode="SE10 8AA", council_code=LEWISHAM).where == Where.IN_AREA


@pytest.mark.parametrize(
    ("postcode", "where", "words"),
    [
        ("", Where.MISSING, "No postcode was given"),
        ("   ", Where.MISSING, "No postcode was given"),
        ("L20", Where.MALFORMED, "is not a UK postcode"),
        ("12345", Where.MALFORMED, "is not a UK postcode"),
        ("L99 9ZZ", Where.NOT_FOUND, "not in the ONS postcode directory"),
        ("QQ1 1QQ", Where.NOT_FOUND, "not in the ONS postcode directory"),
        ("L69 5WX", Where.NOT_FOUND, "a postcode without a place of its own"),
        ("B13 3AH", Where.NOT_FOUND, "ask the referrer or family for the address"),
    ],
)
def test_missing_malformed_and_unknown_postcodes_say_what_to_do(postcode, where, words):
    check = check_postcode(postcode=postcode, council_code=SEFTON)
    assert check.where == where
    assert check.authority is None
    assert words in check.message


def test_a_unitary_authority_is_its_own_childrens_services_authority():
    assert childrens_services_authority(SEFTON).name == "Sefton"
    # A unitary created after the lookup was published still answers for itself.
    assert childrens_services_authority("E06000099").code == "E06000099"
    assert childrens_services_authority("E07999999") is None


def test_every_postcode_in_the_directory_maps_to_an_authority_code_or_to_none():
    # The published data holds NaN where a postcode has no authority: none may reach a check.
    import string

    from frontdoor.people.postcodes import _postcodes_starting

    try:
        for letter in string.ascii_uppercase:
            codes = set(_postcodes_starting(letter).values())
            assert all(isinstance(code, str) for code in codes), letter
        assert "" in set(_postcodes_starting("L").values())
    finally:
        _postcodes_starting.cache_clear()  # each letter is kept once read: free them all


def test_r17_an_outward_codes_postcodes_each_name_their_own_council():
    from frontdoor.people.postcodes import postcodes_in

    found = postcodes_in("l10")
    assert found["L10 1NB"] == SEFTON
    assert all(postcode.startswith("L10 ") for postcode in found)
    # L10 straddles Sefton, Liverpool and Knowsley: each full postcode has its own council.
    assert {SEFTON, "E08000012", "E08000011"} <= set(found.values())
    assert "L1 0AA" not in found and "L100AA" not in found
