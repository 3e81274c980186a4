"""Reading a referral's words: sentences and clauses with their offsets, words reduced to stems,
and the parts that say a worry is absent or in the past.

Nothing here knows a council's catalogue: the same reading serves the referral and each
indicator line, so both meet as the same stems and concepts (`lexicon`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"[a-z0-9]+(?:[-'\u2019][a-z0-9]+)*%?|&")

# Words too common to tell one indicator from another.
_STOPWORDS = """
    a an the and or of to in on at for by with from as is are was were be been being has have
    had do does did this that these those it its their there they them he she him her his hers we
    our you your i me my who whom which what when where while than then so such any all each
    into onto about over after before up down out off again very can could would should may might
    will shall also just only own same other some eg e g re etc s t report reports reported
    reporting says said say told tells tell asked no not never another"""
STOPWORDS = frozenset(_STOPWORDS.split())

# Endings taken off, longest first, so "bruising", "bruised" and "bruises" meet as "brui".
_SUFFIXES = (
    "ational",
    "ations",
    "ation",
    "ments",
    "ment",
    "ness",
    "ings",
    "ing",
    "edly",
    "ies",
    "ied",
    "ers",
    "ed",
    "es",
    "er",
    "ly",
    "s",
)


# Words whose stem would meet another's: "missing" (gone) is not "missed" (an appointment).
_KEPT_WHOLE = {
    "missing": "missing",
    # caring, cared and carers are not a car
    "care": "care",
    "cares": "care",
    "cared": "care",
    "caring": "care",
    "carer": "carer",
    "carers": "carer",
    "presentation": "presentation",
    "presentations": "presentation",
    # "well presented" is how a child looks, not a child present at an incident
    "presented": "presented",
}


def stem(word: str) -> str:
    word = word.replace("\u2019", "'").removesuffix("'s")
    if word in _KEPT_WHOLE:
        return _KEPT_WHOLE[word]
    if len(word) <= 3 or word[-1].isdigit() or word.endswith("%"):
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word[-1] == "e":
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "ls":
        word = word[:-1]
    return word


@dataclass(frozen=True)
class Token:
    stem: str
    start: int
    end: int


def tokens(text: str, offset: int = 0) -> list[Token]:
    """Every word of `text` (stop-words too: phrases need them), lower-cased and stemmed."""
    return [
        Token(stem(match.group()), offset + match.start(), offset + match.end())
        for match in _WORD.finditer(text.casefold())
    ]


@dataclass(frozen=True)
class Span:
    start: int
    end: int


# Sentence ends: a stop, question or exclamation mark, or a semicolon, then a space or the end.
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n\s*\n")
# Clause breaks inside a sentence.
_CLAUSE_BREAK = re.compile(
    r",\s+|:\s+|\s+(?:but|however|although|though|whereas|while|because)\s+|\s+and\s+(?=[a-z]+\s)",
    re.IGNORECASE,
)


def sentences(text: str) -> list[Span]:
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        spans.append(Span(start, match.start()))
        start = match.end()
    spans.append(Span(start, len(text)))
    return [_trim(text, span) for span in spans if text[span.start : span.end].strip()]


def clauses(text: str, sentence: Span) -> list[Span]:
    spans = []
    start = sentence.start
    for match in _CLAUSE_BREAK.finditer(text, sentence.start, sentence.end):
        spans.append(Span(start, match.start()))
        start = match.end()
    spans.append(Span(start, sentence.end))
    return [_trim(text, span) for span in spans if text[span.start : span.end].strip()]


def _trim(text: str, span: Span) -> Span:
    start, end = span.start, span.end
    while start < end and text[start] in " \t\n\"'“”":
        start += 1
    while end > start and text[end - 1] in " \t\n.;,:\"'“”":
        end -= 1
    return Span(start, end)


# A worry said to be absent: "no concerns about", "no marks were seen", "has not gone missing",
# "none since". The negation runs from the cue to the end of its clause.
_NEGATED = re.compile(
    r"\b(?:no|not\s+(?:\w+\s+){0,4}?any|nor|without|never)\s+(?:\w+\s+){0,3}?"
    r"(?:concerns?|worr(?:y|ies)|evidence|signs?|indications?|suggestion|history|reports?|"
    r"marks?|injur(?:y|ies)|bruis\w*|violence|assaults?|offences?|incidents?|issues?|problems?|"
    r"disclosures?|allegations?|safeguarding)\b"
    # "no known domestic abuse", "no drug or alcohol use": only close after the cue, as "no food
    # and drugs on the table" is a worry.
    r"|\b(?:no|not\s+any|without)\s+(?:known\s+|current\s+|other\s+|evidence\s+of\s+)?"
    r"(?:domestic\s+abuse|abuse|drugs?|alcohol|substances?|substance\s+misuse)\b"
    # "is not violent", "has never hit the children": harm said not to happen.
    r"|(?:\bnot|\bnever|n't)\s+(?:(?:been|seen|found|noticed|said|disclosed|alleged|that|any|"
    r"anyone|anybody|has|have|had|he|she|they)\s+){0,4}(?:violent|aggressive|abusive|hit|hurt|"
    r"harmed|smacked|assaulted|threatened|injur(?:y|ies|ed)|marks?|bruis\w*)\b"
    r"|\b(?:not|never)\s+(?:been\s+|gone\s+|reported\s+)*missing\b"
    # "it is not dirty", "he does not seem hungry": a state said not to hold.
    r"|\b(?:is|are|was|were|looks?|looked|seems?|seemed|appears?|appeared|does|did)\s+not\s+"
    r"(?:(?:seem|look|appear|at\s+all|very)\s+)?(?:dirty|hungry|unkempt|smelly|thin|underweight|"
    r"drunk|intoxicated|frightened|scared|afraid|unsafe|neglected)\b"
    r"|\bnone\s+since\b|\bnothing\s+to\s+suggest\b|\bruled\s+out\b|\bdenies\s+any\b"
    r"|\bnot\s+(?:a\s+)?(?:concern|worry|worried)\b",
    re.IGNORECASE,
)

# A past worry said to have ended: the whole sentence speaks of history, not of now.
_RESOLVED = re.compile(
    r"\b(?:none|no(?:\s+\w+){0,3}?)\s+since\b|\bnot\s+since\b|\bno\s+longer\b|\bhas\s+ended\b"
    r"|\bhave\s+ended\b|\b(?:has|have)\s+had\s+no\s+contact\b|\bwas\s+resolved\b"
    r"|\bhas\s+(?:been\s+)?resolved\b|\bno\s+further\s+"
    r"(?:incidents?|concerns?|reports?|offences?)\b",
    re.IGNORECASE,
)
_PAST = re.compile(
    r"\b(?:in|during|since)\s+(?:19|20)\d\d\b|\b\w+\s+years?\s+ago\b|\bhistoric(?:al|ally)?\b"
    r"|\bin\s+the\s+past\b|\bpreviously\b|\bas\s+a\s+(?:baby|toddler|young\s+child)\b",
    re.IGNORECASE,
)


# A clause this short after a negated one is an item of its list.
_LIST_ITEM_WORDS = 3


def negated_spans(text: str) -> list[Span]:
    """Where the referral says a worry is absent, or was there once and has ended."""
    found = []
    parts = sentences(text)
    for position, sentence in enumerate(parts):
        words = text[sentence.start : sentence.end]
        # "In 2021 there was a MARAC; he has had no contact since": the past may be said in the
        # part before the semicolon.
        joined = position > 0 and text[parts[position - 1].end : sentence.start].strip().startswith(
            ";"
        )
        past_before = joined and _PAST.search(
            text[parts[position - 1].start : parts[position - 1].end]
        )
        if _RESOLVED.search(words) and (
            _PAST.search(words) or "since" in words.casefold() or past_before
        ):
            found.append(sentence)
            # "In 2019 there was an incident; none since": the history is the part before.
            if position:
                before = parts[position - 1]
                joined = text[before.end : sentence.start].strip().startswith(";")
                if joined or _PAST.search(text[before.start : before.end]):
                    found.append(before)
            continue
        parts_of = clauses(text, sentence)
        for position_in, clause in enumerate(parts_of):
            for match in _NEGATED.finditer(text, clause.start, clause.end):
                # "No concerns about domestic abuse, drugs or alcohol": the list goes on
                # through the short clauses after it.
                end = clause.end
                for following in parts_of[position_in + 1 :]:
                    if len(text[following.start : following.end].split()) > _LIST_ITEM_WORDS:
                        break
                    end = following.end
                found.append(Span(match.start(), end))
    return found


# A referral's own headings: what is working well is said as a strength, not a worry.
_HEADING = re.compile(
    r"^\s*(?P<name>what\s+is\s+working\s+well|what's\s+working\s+well|strengths|"
    r"protective\s+factors|positives|the\s+worry|worries|what\s+are\s+we\s+worried\s+about|"
    r"concerns|previous\s+involvement|history|what\s+needs\s+to\s+happen|"
    r"reason\s+for\s+referral)\s*[:\-]",
    re.IGNORECASE | re.MULTILINE,
)
_STRENGTH_HEADINGS = ("working well", "strengths", "protective", "positives")


def strength_spans(text: str) -> list[Span]:
    """The parts of a referral under a heading such as "What is working well:", up to the next
    heading."""
    headings = list(_HEADING.finditer(text))
    found = []
    for position, heading in enumerate(headings):
        name = heading.group("name").casefold()
        if any(words in name for words in _STRENGTH_HEADINGS):
            end = headings[position + 1].start() if position + 1 < len(headings) else len(text)
            found.append(Span(heading.start(), end))
    return found
