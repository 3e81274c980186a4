"""What every page Front Door answers with must be, whatever its state: checks the crawl makes on
each page it is given, and that `test_html_checks` shows fail on a bad page.

- one `<h1>`, the page's one heading (WCAG 1.3.1, GOV.UK layout);
- a `<title>` said once: "Error: " at most once, no part of it twice;
- no raw policy key ("mash_enquiry_red") where words belong: the policy's wording is shown;
- no internal dotted key (an audit action such as "contact.state_changed", a permission such as
  "records.search"): the words for it are shown;
- no Python value shown as a value ("True", "False", "None"): Yes, No or words are;
- no space before a full stop ("sent to Police ."), as template whitespace leaves;
- acronyms in capitals: never "mash", "rag" or "nhs" as a word;
- no template text left unrendered ("{{", "{%", "{#"): a typo or a comment over several lines;
- errors in the GOV.UK form only: an error summary at the top whenever a field shows an error,
  the title starting "Error: " exactly then, each summary link to a field on the page (not to
  the page's main content), and none of Django's own messages ("This field is required.") or
  lists (`errorlist`);
- a form sent and shown again with its errors answers 400 Bad Request, on every page
  (`form_errors_answer_400`, given the status);
- every label for a field: no `<label for="">` and no `id=""`, which leave a field unnamed;
- no rule number ("(R25)", "R12, R13"): the domain's numbering is the developers', not the users';
- a count of one says its noun in the singular: "1 agency asked", never "1 agencies asked".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser

from django import forms

from frontdoor.accounts.permissions import ACTIONS
from frontdoor.audit.labels import ACTION_LABELS

UNRENDERED = ("{{", "}}", "{%", "%}", "{#", "#}")
# Text in these is not read as the page's words: scripts, and code shown as code.
NOT_TEXT = {"script", "style", "code", "pre", "template"}
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


@dataclass
class Page:
    """What the checks read from a page: its words, title, headings, ids and error parts."""

    text: list[str] = field(default_factory=list)
    title: str = ""
    h1: int = 0
    ids: set[str] = field(default_factory=set)
    classes: set[str] = field(default_factory=set)
    summary_links: list[str] = field(default_factory=list)
    empty_for: int = 0
    empty_id: int = 0


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.open: list[str] = []
        self.in_summary = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        classes = set(attributes.get("class", "").split())
        self.page.classes |= classes
        if attributes.get("id"):
            self.page.ids.add(attributes["id"])
        elif "id" in attributes:
            self.page.empty_id += 1
        if tag == "label" and "for" in attributes and not attributes["for"].strip():
            self.page.empty_for += 1
        if tag == "h1":
            self.page.h1 += 1
        if "govuk-error-summary" in classes:
            self.in_summary = len(self.open) + 1
        if tag == "a" and self.in_summary and attributes.get("href", "").startswith("#"):
            self.page.summary_links.append(attributes["href"][1:])
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            while self.open and self.open.pop() != tag:
                pass
        if self.in_summary and len(self.open) < self.in_summary:
            self.in_summary = 0

    def handle_data(self, data: str) -> None:
        if "title" in self.open:
            self.page.title += data
        elif not NOT_TEXT & set(self.open):
            self.page.text.append(data)


def read(html: str) -> Page:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.page


def words(page: Page) -> str:
    return " ".join(" ".join(page.text).split())


# The checks: each returns what is wrong, or nothing. -------------------------------------


def one_h1(page: Page) -> list[str]:
    return [] if page.h1 == 1 else [f"has {page.h1} <h1> headings, not one"]


def title_said_once(page: Page) -> list[str]:
    title = " ".join(page.title.split())
    if not title:
        return ["has no <title>"]
    if title.count("Error:") > 1:
        return [f"says Error twice in its title: {title!r}"]
    parts = [part.strip() for part in re.split(" \N{EN DASH} |: ", title) if part.strip()]
    repeated = sorted({part for part in parts if parts.count(part) > 1})
    return [f"repeats {', '.join(repeated)} in its title: {title!r}"] if repeated else []


def no_raw_policy_key(page: Page, keys: frozenset[str]) -> list[str]:
    shown = set(re.findall(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b", words(page) + " " + page.title))
    raw = sorted(shown & keys)
    return [f"shows the policy's raw key {key!r}" for key in raw]


def no_internal_key(page: Page) -> list[str]:
    """An audit action or a permission shown by its key ("contact.state_changed")."""
    shown = set(re.findall(r"(?<![\w@./-])[a-z][a-z_]*\.[a-z][a-z_]*(?![\w@/-]|\.\w)", _all(page)))
    return [f"shows the internal key {key!r}" for key in sorted(shown & internal_keys())]


# "True" or "None" where a value belongs: at the end, or before punctuation or another value,
# not a word of a sentence ("None known", "None of them").
PYTHON_VALUE = re.compile(
    r"(?<![\w-])(True|False|None)(?=$|[\s]*[.,;:)\N{RIGHTWARDS ARROW}<]|\s+[^\sa-z])"
)


def no_python_value(page: Page) -> list[str]:
    shown = sorted(set(PYTHON_VALUE.findall(_all(page))))
    return [f"shows the Python value {value!r} where words belong" for value in shown]


def no_space_before_full_stop(page: Page) -> list[str]:
    # The text as it reads: nodes joined as the browser shows them, so "<b>X</b>." is "X.".
    text = " ".join("".join(page.text).split())
    found = re.findall(r"\S{0,20}[^\s.] \.(?=\s|$)", text)
    return [f"has a space before a full stop: {found[0]!r}"] if found else []


LOWERCASED_ACRONYM = re.compile(r"(?<![\w@./:-])(mash|rag|nhs)(?![\w@/:-]|\.\w)")


def acronyms_in_capitals(page: Page) -> list[str]:
    shown = sorted(set(LOWERCASED_ACRONYM.findall(_all(page))))
    return [f"lowercases the acronym {word.upper()} as {word!r}" for word in shown]


# In brackets or a list ("(R25)", "R12, R13", "R12-R16"): a record's own id ("R123") is not one.
RULE_NUMBER = re.compile(
    r"\(R\d{1,2}(?=[),/\N{EN DASH}-])|\bR\d{1,2}(?=(?:, |-|\N{EN DASH}| and )R\d)"
)


def no_rule_number(page: Page) -> list[str]:
    shown = sorted({number.lstrip("(") for number in RULE_NUMBER.findall(_all(page))})
    return [f"shows the rule number {number!r}: say what the rule asks instead" for number in shown]


# "1 agencies", "1 hours": one of a thing said in the plural. Short words ending in s ("1 is",
# "1 as", "1 has") and verbs are not nouns; a number's other digits ("21 days", "1.5 hours",
# "SEF-1 items") are not a count of one.
ONE_IN_PLURAL = re.compile(r"(?<![\w.,:/-])1 ([a-z]{3,}s)\b")
NOT_PLURAL = frozenset(
    {"has", "was", "its", "this", "does", "goes", "says", "plus", "less", "across"}
)


def counts_agree(page: Page) -> list[str]:
    shown = sorted({noun for noun in ONE_IN_PLURAL.findall(_all(page)) if noun not in NOT_PLURAL})
    return [f"says one in the plural: '1 {noun}'" for noun in shown]


def _all(page: Page) -> str:
    return words(page) + " " + " ".join(page.title.split())


@cache
def internal_keys() -> frozenset[str]:
    """The keys of the audit trail's actions and of the permission matrix's."""
    return frozenset(ACTION_LABELS) | {action.key for action in ACTIONS}


def nothing_unrendered(html: str) -> list[str]:
    marks = [mark for mark in UNRENDERED if mark in html]
    return [f"shows template text that was not rendered ({' '.join(marks)})"] if marks else []


def errors_in_govuk_form(page: Page) -> list[str]:
    problems = []
    text = words(page)
    title = " ".join(page.title.split())
    summary = "govuk-error-summary" in page.classes
    if "errorlist" in page.classes:
        problems.append("lists errors in Django's own form (errorlist), not GOV.UK's")
    for message in django_messages():
        if message in text:
            problems.append(f"says Django's own {message!r}, not a GOV.UK message naming the field")
    if "govuk-error-message" in page.classes and not summary:
        problems.append("shows an error message with no error summary at the top")
    if summary and not title.startswith("Error: "):
        problems.append(f"has an error summary but its title does not start 'Error: ': {title!r}")
    if title.startswith("Error:") and not summary:
        problems.append(f"says Error in its title with no error summary: {title!r}")
    missing = [link for link in page.summary_links if link not in page.ids]
    if missing:
        problems.append(f"links its error summary to no field on the page: {', '.join(missing)}")
    if "main-content" in page.summary_links:
        problems.append("links an error in its summary to the page, not to the field it is about")
    return problems


def form_errors_answer_400(html: str, *, status: int, sent: bool) -> list[str]:
    """A form `sent` (a POST) and shown again with its errors answers 400, not 200: the same on
    every page, as `frontdoor.form_errors` makes it."""
    if sent and status == 200 and "govuk-error-summary" in read(html).classes:
        return ["shows the errors of the form sent but answers 200, not 400"]
    return []


def labels_name_fields(page: Page) -> list[str]:
    problems = []
    if page.empty_for:
        problems.append(f'has {page.empty_for} label(s) with an empty for="": no field named')
    if page.empty_id:
        problems.append(f'has {page.empty_id} element(s) with an empty id=""')
    return problems


@cache
def django_messages() -> tuple[str, ...]:
    """Django's default form error messages, each up to its first placeholder."""
    messages = set()
    for name in dir(forms):
        kind = getattr(forms, name)
        if isinstance(kind, type) and issubclass(kind, forms.Field):
            for klass in kind.__mro__:
                for message in getattr(klass, "default_error_messages", {}).values():
                    start = str(message).split("%(")[0].strip()
                    if len(start) > 12:  # long enough to be the message, not a word of one
                        messages.add(start)
    # Validators' messages, on fields with a length or a range.
    messages |= {"Ensure this value has", "Ensure this value is"}
    return tuple(sorted(messages))


def page_problems(html: str, *, policy_keys: frozenset[str]) -> list[str]:
    """Everything wrong with one HTML page."""
    page = read(html)
    return [
        *one_h1(page),
        *title_said_once(page),
        *no_raw_policy_key(page, policy_keys),
        *no_internal_key(page),
        *no_python_value(page),
        *no_space_before_full_stop(page),
        *acronyms_in_capitals(page),
        *no_rule_number(page),
        *counts_agree(page),
        *nothing_unrendered(html),
        *errors_in_govuk_form(page),
        *labels_name_fields(page),
    ]


def policy_keys(policy) -> frozenset[str]:
    """The snake_case keys of a policy file (its section names and its items' keys), which a
    page must never show in place of the words the policy gives for them."""
    keys: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                keys.add(str(key))
                if key == "key" and isinstance(inner, str):
                    keys.add(inner)
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(policy.model_dump(mode="json"))
    return frozenset(key for key in keys if "_" in key)


def form_problems(html: str) -> list[str]:
    """What is wrong with a page's form and its errors: for a test of one form's page."""
    page = read(html)
    return [*errors_in_govuk_form(page), *labels_name_fields(page)]
