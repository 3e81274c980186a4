"""The Sefton "Level of Need" catalogue must match the guidance it was transcribed from.

The guidance text (a byte-for-byte copy of the PDF text extraction, kept in
tests/policy/data so this test does not depend on anything outside the repository)
is parsed independently here: every "■" bullet of the level tables is attributed
to its level and sub-domain, services bullets are set aside, and the result is
compared with the YAML catalogue in both directions. Nothing is counted by hand:
the expected indicators are whatever the guidance text yields.

Plain pytest, no Django: run with
    .venv/bin/python -m pytest -p no:django -p no:cacheprovider \\
        tests/policy/test_level_of_need_catalogue.py -q
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
GUIDANCE = Path(__file__).resolve().parent / "data" / "sefton-level-of-need-guidance.txt"

BULLET = "■"
# The guidance's typography, spelled as escapes to keep lint quiet about look-alikes.
RSQUO = "\u2019"  # right single quotation mark
NDASH = "\u2013"  # en dash

# The three domains of the level tables, as headed in the guidance.
DOMAIN_HEADINGS = {
    f"Child or Young Person{RSQUO}s Developmental Needs",
    "Family and Environmental Factors",
    "Parents or Carers Capacity",
}

# Sub-domain headings (whitespace-normalised) -> catalogue key. The guidance spells a
# few headings differently from level to level; each variant maps to one key.
SUBDOMAIN_HEADINGS = {
    "Learning/ Education": "learning_education",
    "Health": "health",
    "Social, Emotional, Behavioural, Identity": "social_emotional_behavioural_identity",
    "Family & Social Relationships": "family_social_relationships",
    "Self-Care & Independence": "self_care_independence",
    "Family, History & Functioning": "family_history_functioning",
    "Housing, Employment & Finance": "housing_employment_finance",
    # Level 1 says "Social & Community Resources", levels 2-4 "Social Integration & ...";
    # level 3's heading also carries a stray " ." from the extraction.
    "Social & Community Resources": "social_community_resources",
    "Social Integration & Community Resources": "social_community_resources",
    "Social Integration & Community Resources .": "social_community_resources",
    "Child Exploitation": "child_exploitation",
    "Basic Care, Safety & Protection": "basic_care_safety_protection",
    "Emotional Warmth & Stability": "emotional_warmth_stability",
    # Level 1 has the comma, levels 2-4 do not.
    "Guidance, Boundaries & Stimulation": "guidance_boundaries_stimulation",
    "Guidance Boundaries & Stimulation": "guidance_boundaries_stimulation",
}

# --- Extraction-damage repairs (each one is also made in the catalogue) -------------
#
# 1. Level 1 has a second "Learning/ Education" heading, which the extraction
#    duplicated: it really heads the "Social, Emotional, Behavioural, Identity"
#    bullets ("Demonstrates age appropriate responses ...", "Able to demonstrate
#    empathy", ...). Keyed by (level, heading, nth occurrence of it in that level).
MISLABELLED_HEADINGS = {
    (1, "Learning/ Education", 2): "social_emotional_behavioural_identity",
}
# 2. In level 4 the heading "Family, History & Functioning" was extracted as a "■"
#    bullet. Handled generically: a bullet whose whole text is a sub-domain heading
#    is treated as that heading (see _parse_levels).
# 3. Bullets that lost characters in the extraction (before -> after).
TEXT_FIXES = {
    "ew changes of note in family composition": "Few changes of note in family composition",
}
# 4. Also handled generically: empty "■" bullets are dropped (level 1, Learning/
#    Education has one); a bullet broken over several lines (the continuation starts
#    with a lower-case letter, sometimes after a blank line) is joined into one; runs
#    of whitespace (e.g. "■  Sibling", "behaviour.  Has entered") become one space.
# 5. In the prose fields, "•a child is disabled" (level 4 descriptor) lost its space.
# 6. Not extraction damage but a slip in the guidance itself, shown to referrers as
#    written: "Section 17 of the The Children Act".
PROSE_FIXES = {
    "•a child is disabled": "• a child is disabled",
    "the The Children Act": "the Children Act",
}

# Not extraction damage but a repetition in the guidance itself: the catalogue keeps
# one copy, because an indicator must not be listed twice in a sub-domain.
# (level, sub-domain key, indicator)
KNOWN_GUIDANCE_DUPLICATES = {
    (
        2,
        "basic_care_safety_protection",
        f"Parental stresses starting to affect ability to ensure child{RSQUO}s safety",
    ),
}

# Lead-ins of the services column. Bullets after one of these, up to the next domain
# or sub-domain heading, name services ("Police", "Housing", "CAHMS", ...) and are not
# indicators. Level 1's lead-in is followed by no bullets in the extraction.
SERVICES_LEAD_IN = re.compile(
    # level 2: "As well as universal services, specialist services may be involved such as:"
    r"such as:$"
    # level 3: "Key agencies that may provide support at this level"
    r"|^Key agencies that may"
    # level 1: "Examples of key universal services that can provide support at this level:"
    r"|^Examples of key universal"
)

LEVEL_HEADING = re.compile(rf"^Level ([1-4]) {NDASH} (.+)$")


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class GuidanceLevels:
    # level -> sub-domain key -> indicators in guidance order (duplicates kept)
    indicators: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    # level -> number of services bullets
    services: Counter = field(default_factory=Counter)
    # how every "■" of the section was classified
    tally: Counter = field(default_factory=Counter)
    bullets_in_section: int = 0


def _guidance_lines() -> list[str]:
    return GUIDANCE.read_text(encoding="utf-8").split("\n")


@lru_cache(maxsize=1)
def parse_guidance_levels() -> GuidanceLevels:
    lines = _guidance_lines()
    start = next(i for i, line in enumerate(lines) if "Descriptors of Escalating Need" in line)
    section = lines[start:]
    result = GuidanceLevels(bullets_in_section=sum(line.count(BULLET) for line in section))

    level: int | None = None
    sub: str | None = None
    in_services = False
    heading_seen: Counter = Counter()
    current: list[str] | None = None  # the indicator bullet being collected

    def flush() -> None:
        nonlocal current
        if current is not None:
            text = norm(" ".join(current))
            text = TEXT_FIXES.get(text, text)
            assert level is not None and sub is not None, (
                f"indicator outside a sub-domain: {text!r}"
            )
            result.indicators.setdefault(level, {}).setdefault(sub, []).append(text)
        current = None

    def enter_heading(text: str) -> None:
        nonlocal sub, in_services
        heading_seen[(level, text)] += 1
        sub = MISLABELLED_HEADINGS.get(
            (level, text, heading_seen[(level, text)]), SUBDOMAIN_HEADINGS[text]
        )
        in_services = False

    for raw in section:
        text = norm(raw)
        match = LEVEL_HEADING.match(text)
        if match:
            flush()
            level, sub, in_services = int(match.group(1)), None, False
            continue
        if text.startswith(BULLET):
            flush()
            body = norm(text[1:])
            assert BULLET not in body, raw
            if body in SUBDOMAIN_HEADINGS:  # a heading extracted as a bullet
                result.tally["heading"] += 1
                enter_heading(body)
            elif not body:
                result.tally["empty"] += 1
            elif in_services:
                result.tally["service"] += 1
                result.services[level] += 1
            else:
                result.tally["indicator"] += 1
                current = [body]
            continue
        if not text:
            continue  # blank lines may fall inside a broken bullet
        if text in SUBDOMAIN_HEADINGS:
            flush()
            enter_heading(text)
        elif text in DOMAIN_HEADINGS:
            flush()
            sub, in_services = None, False
        elif SERVICES_LEAD_IN.search(text):
            flush()
            in_services = True
        elif current is not None and text[0].islower():
            current.append(text)  # continuation of a broken indicator bullet
        else:
            flush()  # column text (descriptor, assessment, exit strategy, page footer)
    flush()
    return result


def guidance_pre_birth_bullets() -> list[str]:
    """The "■" bullets of the unborn-child "Risk Factors to Consider" list."""
    lines = _guidance_lines()
    start = next(i for i, line in enumerate(lines) if norm(line) == "Risk Factors to Consider")
    bullets: list[list[str]] = []
    for raw in lines[start + 1 :]:
        text = norm(raw)
        if text.startswith("*"):  # the footnotes follow the list
            break
        if text.startswith(BULLET):
            bullets.append([norm(text[1:])])
        elif text and bullets:
            bullets[-1].append(text)
    return [norm(" ".join(parts)) for parts in bullets if norm(" ".join(parts))]


def normalised_guidance() -> str:
    text = norm(GUIDANCE.read_text(encoding="utf-8"))
    for before, after in PROSE_FIXES.items():
        text = text.replace(before, after)
    return text


def catalogue_path() -> Path:
    return REPO / "policies" / "sefton.yaml"


@lru_cache(maxsize=1)
def catalogue() -> dict:
    data = yaml.safe_load(catalogue_path().read_text(encoding="utf-8"))
    return data["level_of_need"]


def catalogue_levels() -> dict[int, dict]:
    """The levels as the file writes them, each indicator by its text (a line that names a
    child-protection concern is written {text, concerns})."""
    levels = {}
    for lvl in catalogue()["levels"]:
        lines = lvl.get("indicators", {})
        texts = {
            sub: [line["text"] if isinstance(line, dict) else line for line in items]
            for sub, items in lines.items()
        }
        levels[lvl["level"]] = {**lvl, "indicators": texts}
    return levels


def expected_indicators() -> dict[int, dict[str, list[str]]]:
    """Guidance indicators with the known repetitions in the guidance dropped."""
    expected: dict[int, dict[str, list[str]]] = {}
    for level, subs in parse_guidance_levels().indicators.items():
        for sub, items in subs.items():
            kept: list[str] = []
            for item in items:
                if item in kept and (level, sub, item) in KNOWN_GUIDANCE_DUPLICATES:
                    continue
                kept.append(item)
            expected.setdefault(level, {})[sub] = kept
    return expected


# --- the parse itself is sound ---------------------------------------------------


def test_every_bullet_of_the_level_tables_is_accounted_for():
    parsed = parse_guidance_levels()
    assert sum(parsed.tally.values()) == parsed.bullets_in_section
    assert parsed.tally["indicator"] > 0 and parsed.tally["service"] > 0
    assert sorted(parsed.indicators) == [1, 2, 3, 4]


def test_guidance_repetitions_are_exactly_the_known_ones():
    found = set()
    for level, subs in parse_guidance_levels().indicators.items():
        for sub, items in subs.items():
            found |= {(level, sub, item) for item, n in Counter(items).items() if n > 1}
    assert found == KNOWN_GUIDANCE_DUPLICATES


def test_extraction_fixes_still_apply_to_the_guidance_text():
    # If the guidance copy changes, the repairs must be revisited.
    text = GUIDANCE.read_text(encoding="utf-8")
    for before in list(TEXT_FIXES) + list(PROSE_FIXES):
        assert before in text
    level_1 = text[
        text.index(f"Level 1 {NDASH} Universal Needs") : text.index(
            f"Level 2 {NDASH} Additional needs"
        )
    ]
    assert level_1.count("Learning/ Education") == 2
    assert f"{BULLET} Family, History & Functioning" in text


# --- catalogue against guidance --------------------------------------------------


def test_each_level_has_the_guidance_indicators_and_no_others():
    expected = expected_indicators()
    actual = catalogue_levels()
    for level, subs in expected.items():
        want = Counter(item for items in subs.values() for item in items)
        got = Counter(item for items in actual[level]["indicators"].values() for item in items)
        missing = sorted((want - got).elements())
        extra = sorted((got - want).elements())
        assert not missing, (
            f"level {level}: guidance indicators missing from the catalogue: {missing}"
        )
        assert not extra, f"level {level}: catalogue indicators not in the guidance: {extra}"


def test_indicators_are_under_the_guidance_subdomain_in_guidance_order():
    expected = expected_indicators()
    actual = catalogue_levels()
    for level, subs in expected.items():
        cat = actual[level]["indicators"]
        assert set(cat) == set(subs), f"level {level}: sub-domains differ"
        for sub, items in subs.items():
            assert cat[sub] == items, f"level {level} / {sub} differs from the guidance"


def test_services_are_not_indicators_and_match_the_guidance_count():
    parsed = parse_guidance_levels()
    guidance_text = normalised_guidance()
    all_indicators = {
        i
        for lvl in catalogue_levels().values()
        for items in lvl["indicators"].values()
        for i in items
    }
    for level, lvl in catalogue_levels().items():
        services = lvl.get("typical_services", [])
        assert len(services) == parsed.services[level], f"level {level}"
        for service in services:
            assert f"{BULLET} {service}" in guidance_text, service
            assert service not in all_indicators


# --- catalogue structure ---------------------------------------------------------


def test_r26_four_levels_with_their_prose():
    levels = catalogue()["levels"]
    assert [lvl["level"] for lvl in levels] == [1, 2, 3, 4]
    for lvl in levels:
        for key in ("name", "summary", "descriptor", "voice_of_the_child", "assessment_process"):
            assert isinstance(lvl.get(key), str) and lvl[key].strip(), (
                f"level {lvl['level']} lacks {key}"
            )


def test_prose_is_transcribed_from_the_guidance():
    text = normalised_guidance()
    cat = catalogue()
    for lvl in cat["levels"]:
        assert f"Level {lvl['level']} {NDASH} {lvl['name']}" in text
        for key in (
            "overview",
            "summary",
            "descriptor",
            "voice_of_the_child",
            "assessment_process",
            "typical_services_intro",
            "exit_strategy",
            "indicators_intro",
        ):
            for paragraph in lvl.get(key, "").split("\n\n"):
                assert norm(paragraph) in text, f"level {lvl['level']} {key}: {paragraph!r}"
    for paragraph in cat.get("pre_birth_intro", "").split("\n\n"):
        assert norm(paragraph) in text, paragraph
    for note in cat.get("pre_birth_notes", []):
        assert norm(note) in text, note


def test_subdomains_used_are_declared():
    domains = catalogue()["domains"]
    declared = [sub["key"] for dom in domains for sub in dom["subdomains"]]
    assert len(declared) == len(set(declared))
    assert len({dom["key"] for dom in domains}) == len(domains)
    headings = {norm(line) for line in _guidance_lines()}
    for dom in domains:
        assert dom["name"] in DOMAIN_HEADINGS
        for sub in dom["subdomains"]:
            assert sub["name"] in headings, sub["name"]
            assert SUBDOMAIN_HEADINGS[sub["name"]] == sub["key"]
    for lvl in catalogue()["levels"]:
        undeclared = set(lvl["indicators"]) - set(declared)
        assert not undeclared, f"level {lvl['level']}: {undeclared}"
        # indicators are listed in the domains' sub-domain order
        used = [key for key in declared if key in lvl["indicators"]]
        assert list(lvl["indicators"]) == used


def test_no_duplicate_or_unnormalised_indicator_within_a_subdomain():
    for lvl in catalogue_levels().values():
        for sub, items in lvl["indicators"].items():
            dupes = [item for item, n in Counter(items).items() if n > 1]
            assert not dupes, f"level {lvl['level']} / {sub}: {dupes}"
            for item in items:
                assert isinstance(item, str) and item == norm(item) and item


def test_pre_birth_risk_factors_match_the_guidance():
    factors = catalogue()["pre_birth_risk_factors"]
    assert factors
    assert factors == guidance_pre_birth_bullets()


def test_lewisham_levels_are_the_four_of_its_continuum():
    data = yaml.safe_load((REPO / "policies" / "lewisham.yaml").read_text(encoding="utf-8"))
    lon = data["level_of_need"]
    assert [lvl["level"] for lvl in lon["levels"]] == [1, 2, 3, 4]
    for lvl in lon["levels"]:
        assert lvl["name"] and lvl["descriptor"] and lvl["indicators"] == {}
        assert isinstance(lvl["summary"], str)
    assert lon["pre_birth_risk_factors"] == []


def test_r28_an_indicator_names_only_known_concerns_and_at_least_one(tmp_path):
    from frontdoor.policy.loader import PolicyError, load_policy_file

    text = (REPO / "policies" / "sefton.yaml").read_text(encoding="utf-8")
    for bad in ("concerns: [bullying]", "concerns: []"):
        copy = tmp_path / "sefton.yaml"
        copy.write_text(text.replace("concerns: [physical_abuse]", bad, 1), encoding="utf-8")
        with pytest.raises(PolicyError, match="concerns"):
            load_policy_file(copy)


def test_r26_the_level_of_need_words_have_no_repeated_the():
    assert "the The " not in catalogue_path().read_text(encoding="utf-8")
