"""How names are folded and keyed for matching (R18).

Names arrive typed by referrers in a hurry: accents or none, capitals or none, hyphens or spaces
in double-barrelled surnames, "Mc" or "Mac", a phonetic spelling heard on the telephone. Matching
compares folded names (lower case, ASCII, single spaces) and blocks on a phonetic key, so that
"Smyth" finds "Smith" and "Catherine" finds "Katherine" with an index look-up, not a scan.

The phonetic key is a Soundex variant: the first letter is itself normalised (C, K and Q sound
alike at the start of an English name, as do PH and F, or a silent K, W or G before N or R), so a
misheard initial still lands in the same block. It is a blocking key, not a verdict: candidates
found through it are then scored on the spelling itself.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple

# A name as staff type it: letters, with apostrophes and hyphens inside it (O'Brien-Smith).
NAME_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['\u2019-](?=[^\W\d_]))*")
NICKNAMES_CSV = Path(__file__).resolve().parent / "data" / "nicknames.csv"

_NOT_LETTER = re.compile(r"[^a-z ]+")
_SPACES = re.compile(r"\s+")
# Soundex's consonant classes.
_CODES = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}
# Spellings that sound the same at the start of a name: the first is replaced by the second.
_INITIAL_SOUNDS = (
    ("mac", "mc"),
    ("kn", "n"),
    ("gn", "n"),
    ("wr", "r"),
    ("wh", "w"),
    ("ph", "f"),
    ("ps", "s"),
    ("ch", "k"),
    ("ck", "k"),
    ("c", "k"),
    ("q", "k"),
    ("z", "s"),
    ("y", "a"),
)


# Matching folds and keys the same few thousand names over and over: both are cached.
@lru_cache(maxsize=65_536)
def fold(value: str) -> str:
    """'  Zoë  O'Brien-Smith ' -> 'zoe obrien smith': lower case ASCII letters, single spaces."""
    ascii_only = unicodedata.normalize("NFKD", value or "").encode("ascii", "ignore").decode()
    lowered = ascii_only.lower().replace("-", " ")
    return _SPACES.sub(" ", _NOT_LETTER.sub("", lowered)).strip()


def parts(value: str) -> list[str]:
    """The words of a folded name: a double-barrelled surname gives both of its names."""
    return fold(value).split()


@lru_cache(maxsize=65_536)
def phonetic_key(value: str) -> str:
    """A Soundex-like key of one name ('Smyth' and 'Smith' -> 's53'); '' for no letters."""
    word = fold(value).replace(" ", "")
    if not word:
        return ""
    for spelling, sound in _INITIAL_SOUNDS:
        if word.startswith(spelling):
            word = sound + word[len(spelling) :]
            break
    first = word[0]
    if first in "aeiou":
        first = "a"  # vowel-initial names are often misheard (Ellis, Alice)
    code = first
    previous = _CODES.get(word[0], "")
    for letter in word[1:]:
        digit = _CODES.get(letter, "")
        if digit and digit != previous:
            code += digit
        if letter not in "hw":  # Soundex: h and w do not separate two equal codes
            previous = digit
    return code[:5]


def surname_keys(value: str) -> tuple[str, str]:
    """The keys of the first and the last part of a surname (the same for a single surname)."""
    words = parts(value)
    if not words:
        return "", ""
    return phonetic_key(words[0]), phonetic_key(words[-1])


class SearchKeys(NamedTuple):
    """The search columns a row with names stores, so matching and search block with an index."""

    search_first_name: str
    search_last_name: str
    first_name_key: str
    surname_key: str
    surname_last_key: str


@lru_cache(maxsize=65_536)
def search_keys(first_name: str, last_name: str) -> SearchKeys:
    """The folded names and their phonetic keys: the one derivation for every row with names."""
    first = fold(first_name)
    first_words = first.split()
    surname_key, surname_last_key = surname_keys(last_name)
    return SearchKeys(
        search_first_name=first,
        search_last_name=fold(last_name),
        first_name_key=phonetic_key(first_words[0]) if first_words else "",
        surname_key=surname_key,
        surname_last_key=surname_last_key,
    )


@cache
def _nickname_groups() -> dict[str, frozenset[str]]:
    """Each folded name to every name it is a known short or long form of (itself included)."""
    groups: dict[str, set[str]] = {}
    with NICKNAMES_CSV.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            formal = fold(row["name"])
            short_forms = {fold(nick) for nick in row["nicknames"].split(";") if fold(nick)}
            # A name and its short forms are linked both ways; two short forms of one name are
            # not linked to each other through it (Ted is Edward's and Theodore's).
            groups.setdefault(formal, {formal}).update(short_forms)
            for nick in short_forms:
                groups.setdefault(nick, {nick}).add(formal)
    return {name: frozenset(names) for name, names in groups.items()}


@lru_cache(maxsize=16_384)
def nickname_forms(value: str) -> frozenset[str]:
    """Every known formal name or short form of the folded first name `value`, itself included."""
    name = fold(value)
    return _nickname_groups().get(name, frozenset({name}) if name else frozenset())


def is_nickname_of(one: str, other: str) -> bool:
    """True when one of the two first names is a known short form of the other."""
    a, b = fold(one), fold(other)
    return a != b and b in nickname_forms(a)
