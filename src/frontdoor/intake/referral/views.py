"""The pages of the public online referral form (MARF), /refer/: no sign-in (R1-R6, R10-R16).

A journey of question pages, kept in the referrer's session under one key per journey (its id is
in the URL and is the submission key), each page checked with the part of `intake.submissions`
it collects. Nothing reaches the contact records until "Submit referral", which records the whole
report, its children, adults and documents in one transaction through `intake.services`.
"""

from __future__ import annotations

import functools
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import OperationalError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from pydantic import BaseModel, TypeAdapter, ValidationError

from frontdoor.errors import DomainError
from frontdoor.intake.attachments import (
    MAX_DOCUMENTS,
    PENDING_PREFIX,
    add_attachment,
    check_file,
    clean_name,
)
from frontdoor.intake.models import Channel, ReferrerType
from frontdoor.intake.referral import questions
from frontdoor.intake.referral.pages import PageForm, Question, answer_rows, flatten
from frontdoor.intake.services import Recorded, record_written_referral, referrer_status
from frontdoor.intake.submissions import (
    Adult,
    Child,
    Concern,
    ConsentGiven,
    Referrer,
    Submission,
    error_messages,
)
from frontdoor.policy.registry import current_policy

# Each a field's type as pydantic read it: the stubs allow a field without one.
_LEVEL = TypeAdapter(Submission.model_fields["referrer_level_of_need"].annotation)  # type: ignore[arg-type, maybe-unrecognized-str-typeform]
_REFERRER_TYPE = TypeAdapter(Referrer.model_fields["type"].annotation)  # type: ignore[arg-type, maybe-unrecognized-str-typeform]  # as above


def public(view: Callable) -> Callable:
    """Open to anyone (no sign-in), never cached: the back button asks the server again."""
    return login_not_required(never_cache(view))


# The journey, in the session.


def _key(journey: str) -> str:
    return f"refer:{journey}"


def _load(request: HttpRequest, journey: str) -> dict[str, Any] | None:
    return request.session.get(_key(journey))


def _save(request: HttpRequest, journey: str, state: dict[str, Any]) -> None:
    request.session[_key(journey)] = state  # assigned again, so the session knows it changed


def _url(name: str, journey: str, *args: Any) -> str:
    return reverse(f"refer:{name}", args=[journey, *args])


def _journey_view(view: Callable) -> Callable:
    """Load the journey or go back to the start; a submitted journey shows its confirmation
    (so the back button, a second click or a retry never makes a second referral)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, journey: str, *args: Any, **kwargs: Any) -> HttpResponse:
        state = _load(request, journey)
        if state is None:
            return redirect("refer:start")
        if "done" in state and view.__name__ != "confirmation":
            return redirect("refer:confirmation", journey)
        return view(request, journey, state, *args, **kwargs)

    return public(wrapped)


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    return render(request, f"intake/refer/{template}", context, status=status)


def _changing(request: HttpRequest) -> bool:
    return request.GET.get("change") == "1"


def _after(request: HttpRequest, journey: str, name: str, *args: Any) -> HttpResponse:
    """The next page, or back to "Check your answers" when an answer was being changed."""
    if _changing(request):
        return redirect("refer:check", journey)
    return redirect(_url(name, journey, *args))


def _validate(
    model: type[BaseModel], data: dict[str, Any]
) -> tuple[dict[str, Any] | None, dict[str, str]]:
    try:
        return model.model_validate(data).model_dump(mode="json"), {}
    except ValidationError as error:
        return None, error_messages(error)


# Start.


@public
def start(request: HttpRequest) -> HttpResponse:
    """The start page; starting makes a new journey, whose id is also its submission key."""
    if request.method == "POST":
        journey = secrets.token_urlsafe(18)
        _save(request, journey, {"children": [], "adults": [], "documents": []})
        return redirect("refer:danger", journey)
    return _render(request, "start.html", {})


# Simple question pages: each reads its questions, checks them with its part of the submission,
# and saves the part.


@dataclass(frozen=True)
class Page:
    title: str
    template: str = "question.html"
    caption: str = "Make a referral"


def _question_page(
    request: HttpRequest,
    journey: str,
    state: dict[str, Any],
    *,
    page: Page,
    page_questions: tuple[Question, ...],
    initial: dict[str, Any],
    check: Callable[[dict[str, Any]], tuple[bool, dict[str, str]]],
    next_page: Callable[[], HttpResponse],
    back: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    if request.method == "POST":
        form = PageForm(page_questions, data=request.POST)
        saved, messages = check(form.values())
        if saved:
            return next_page()
        form.add_messages(messages)
    else:
        form = PageForm(page_questions, initial=initial)
    context = {
        "journey": journey,
        "page": page,
        "form": form,
        "fields": form.bound(),
        "back": _url("check", journey) if _changing(request) else back,
        **(extra or {}),
    }
    return _render(request, page.template, context)


def _page_messages(messages: dict[str, str], names: set[str]) -> dict[str, str]:
    """The messages about this page's questions (or about the part as a whole). A path may go
    deeper than the question (`email.function-after[...]` names the branch of a union)."""
    return {
        path: text for path, text in messages.items() if path.split(".")[0] in names or path == ""
    }


def _save_part(
    request: HttpRequest,
    journey: str,
    state: dict[str, Any],
    *,
    part: str,
    model: type[BaseModel],
    page_questions: tuple[Question, ...],
    values: dict[str, Any],
) -> tuple[bool, dict[str, str]]:
    """Check a page's answers with the rest of its part as saved, and save them if they pass.

    A part spread over pages (the concern) is whole only after its last page, so a message about a
    question on another page is left for that page and "Check your answers".
    """
    names = {question.name for question in flatten(page_questions)}
    earlier = {k: v for k, v in state.get(part, {}).items() if k not in names}
    valid, messages = _validate(model, {**earlier, **values})
    page_messages = _page_messages(messages, names)
    if page_messages:
        return False, page_messages
    state[part] = valid if valid is not None else {**earlier, **values}
    _save(request, journey, state)
    return True, {}


@_journey_view
def danger(request: HttpRequest, journey: str, state: dict[str, Any]) -> HttpResponse:
    """Is a child in immediate danger? If so, the referrer must phone first (R3)."""

    def check(values: dict[str, Any]) -> tuple[bool, dict[str, str]]:
        answer = values.get("danger")
        if answer not in {"yes", "no"}:
            return False, {"danger": "Select yes if a child is in immediate danger"}
        state["danger"] = answer
        _save(request, journey, state)
        return True, {}

    def next_page() -> HttpResponse:
        if state["danger"] == "yes":
            return redirect("refer:call_now", journey)
        return _after(request, journey, "who")

    return _question_page(
        request,
        journey,
        state,
        page=Page(title="Is a child in immediate danger?"),
        page_questions=questions.DANGER,
        initial={"danger": state.get("danger")},
        check=check,
        next_page=next_page,
        back=reverse("refer:start"),
    )


@_journey_view
def call_now(request: HttpRequest, journey: str, state: dict[str, Any]) -> HttpResponse:
    """The interruption page: phone now; the written referral follows within 24 hours (R3)."""

    def check(values: dict[str, Any]) -> tuple[bool, dict[str, str]]:
        reference = values.get("phone_reference", "").strip().upper()
        if len(reference) > 40:
            return False, {"phone_reference": "Enter the reference as you were given it"}
        state["phone_reference"] = reference
        _save(request, journey, state)
        return True, {}

    return _question_page(
        request,
        journey,
        state,
        page=Page(title="Call us now", template="call_now.html"),
        page_questions=questions.PHONE_REFERENCE,
        initial={"phone_reference": state.get("phone_reference", "")},
        check=check,
        next_page=lambda: _after(request, journey, "who"),
        back=_url("danger", journey),
        extra={"numbers": current_policy().contact_numbers},
    )


def _referrer_type(state: dict[str, Any]) -> str:
    return state.get("referrer", {}).get("type", "")


@_journey_view
def who(request: HttpRequest, journey: str, state: dict[str, Any]) -> HttpResponse:
    """Who is making the referral (R11)."""
    before = _referrer_type(state)

    def check(values: dict[str, Any]) -> tuple[bool, dict[str, str]]:
        try:
            chosen = _REFERRER_TYPE.validate_python(values.get("type"))
        except ValidationError:
            return False, {"type": "Select who is making the referral"}
        if chosen != before:
            # Details given for another kind of referrer are not carried over (an anonymous
            # referral gives none at all).
            state["referrer"] = {"type": chosen.value}
            _save(request, journey, state)
        return True, {}

    def next_page() -> HttpResponse:
        # A new kind of referrer has new details to give, even when changing an answer.
        if _referrer_type(state) != before or not _changing(request):
            suffix = "?change=1" if _changing(request) else ""
            return redirect(_url("referrer", journey) + suffix)
        return redirect("refer:check", journey)

    return _question_page(
        request,
        journey,
        state,
        page=Page(title="Who is making the referral?"),
        page_questions=questions.WHO,
        initial={"type": before},
        check=check,
        next_page=next_page,
        back=_url("call_now" if state.get("danger") == "yes" else "danger", journey),
    )


@_journey_view
def referrer(request: HttpRequest, journey: str, state: dict[str, Any]) -> HttpResponse:
    """The referrer's details, by who they are; a non-professional's identity is protected (R11)."""
    referrer_type = _referrer_type(state)
    if not referrer_type:
        return redirect("refer:who", journey)
    page_questions = questions.referrer_questions(referrer_type)
    titles: dict[str, str] = {
        ReferrerType.PROFESSIONAL: "Your work details",
        ReferrerType.ANONYMOUS: "About you",
    }
    return _question_page(
        request,
        journey,
        state,
        page=Page(title=titles.get(referrer_type, "Your details"), template="referrer.html"),
        page_questions=page_questions,
        initial=state["referrer"],
        check=lambda values: _save_part(
            request,
            journey,
            state,
            part="referrer",
            model=Referrer,
            page_questions=page_questions,
            values={"type": referrer_type, **values},
        ),
        next_page=lambda: _after(request, journey, "children"),
        back=_url("who", journey),
        extra={"referrer_type": referrer_type},
    )


# Children and adults: a list with "add another" (GOV.UK add-another pattern).


@dataclass(frozen=True)
class People:
    part: str  # the key in the journey and in the submission
    model: type[BaseModel]
    page_questions: tuple[Question, ...]
    one: str
    list_name: str
    item_name: str
    back: str
    next: str


CHILDREN = People(
    part="children",
    model=Child,
    page_questions=questions.CHILD,
    one="child",
    list_name="children",
    item_name="child",
    back="referrer",
    next="adults",
)
ADULTS = People(
    part="adults",
    model=Adult,
    page_questions=questions.ADULT,
    one="adult",
    list_name="adults",
    item_name="adult",
    back="children",
    next="worry",
)


def child_name(child: dict[str, Any]) -> str:
    name = " ".join(part for part in (child.get("first_name"), child.get("last_name")) if part)
    if child.get("unborn"):
        return f"Unborn baby {name}".strip() if name else "Unborn baby"
    return name or "Name not known"


def adult_name(adult: dict[str, Any]) -> str:
    name = " ".join(part for part in (adult.get("first_name"), adult.get("last_name")) if part)
    return name or adult.get("relationship_to_child") or "Name not known"


def _people_list(request: HttpRequest, journey: str, state: dict[str, Any], people: People):
    items = state.get(people.part, [])
    if people.part == "children" and not items and request.method == "GET":
        return redirect("refer:child_add", journey)
    if items:
        label = f"Do you need to add another {people.one}?"
    elif people.part == "children":
        label = "Do you want to add a child?"
    else:
        label = "Do you want to tell us about any adults in the child's life?"
    add_more = (
        Question(
            "add",
            label,
            kind="radios",
            choices=(("yes", "Yes"), ("no", "No")),
            inline=True,
            hint=""
            if items
            else "For example, parents, carers, or anyone else living with the child",
        ),
    )
    form = PageForm(add_more, data=request.POST if request.method == "POST" else None)
    if request.method == "POST":
        answer = form.values().get("add")
        if answer == "yes":
            return redirect(f"refer:{people.item_name}_add", journey)
        if answer == "no":
            if people.part == "children" and not items:
                form.add_messages({"add": "Add at least one child"})
            else:
                state[f"{people.part}_done"] = True
                _save(request, journey, state)
                return _after(request, journey, people.next)
        else:
            form.add_messages({"add": f"Select yes if you need to add another {people.one}"})
    name = child_name if people.part == "children" else adult_name
    context = {
        "journey": journey,
        "people": people,
        "page": Page(
            title=f"{people.list_name.capitalize()} you have told us about"
            if items
            else "Adults in the child's life"
        ),
        "items": [(index, name(item)) for index, item in enumerate(items)],
        "form": form,
        "fields": form.bound(),
        "back": _url(people.back, journey),
    }
    return _render(request, "people.html", context)


def _person(
    request: HttpRequest,
    journey: str,
    state: dict[str, Any],
    people: People,
    index: int | None,
) -> HttpResponse:
    items = state.setdefault(people.part, [])
    if index is not None and index >= len(items):
        return redirect(f"refer:{people.list_name}", journey)

    def check(values: dict[str, Any]) -> tuple[bool, dict[str, str]]:
        if index is not None:
            # An answer the page no longer asks (a child's sex, given in a journey begun before
            # the page stopped asking it) is kept, not lost by changing the others.
            asked = {question.name for question in flatten(people.page_questions)}
            values = {
                **{name: value for name, value in items[index].items() if name not in asked},
                **values,
            }
        valid, messages = _validate(people.model, values)
        if messages:
            return False, messages
        if index is None:
            items.append(valid)
        else:
            items[index] = valid
        _save(request, journey, state)
        return True, {}

    def next_page() -> HttpResponse:
        if _changing(request):
            return redirect("refer:check", journey)
        return redirect(f"refer:{people.list_name}", journey)

    number = (len(items) if index is None else index) + 1
    return _question_page(
        request,
        journey,
        state,
        page=Page(
            title=f"{people.one.capitalize()} {number}",
            template="person.html",
        ),
        page_questions=people.page_questions,
        initial=items[index] if index is not None else {},
        check=check,
        next_page=next_page,
        back=_url(people.list_name, journey) if items else _url(people.back, journey),
        extra={"people": people, "adding": index is None},
    )


def _remove_person(
    request: HttpRequest, journey: str, state: dict[str, Any], people: People, index: int
) -> HttpResponse:
    items = state.get(people.part, [])
    if request.method == "POST" and index < len(items):
        del items[index]
        _save(request, journey, state)
    return redirect(f"refer:{people.list_name}", journey)


@_journey_view
def children(request: HttpRequest, journey: str, state: dict[str, Any]) -> HttpResponse:
    """The children the referral is about: a sibling group, an unborn baby (R4, R5)."""
    return _people_list(request, journey, state, CHILDREN)


@_journey_view
def child_add(request: HttpRequest, journey: str, state: dict[str, Any]) -> HttpResponse:
    return _person(request, journey, state, CHILDREN, None)


@_journey_view
def child_edit(request: HttpRequest, journey: str, state: dict[str, Any], index: int):
    return _person(request, journey, state, CHILDREN, index)


@_journey_view
def child_remove(request: HttpRequest, journey: str, state: dict[str, Any], index: int):
    return _remove_person(request, journey, state, CHILDREN, index)


@_journey_view
def adults(request: HttpRequest, journey: str, state: dict[str, Any]) -> HttpResponse:
    """Household members and significant adults (R4)."""
    return _people_list(request, journey, state, ADULTS)


@_journey_view
def adult_add(request: HttpRequest, journey: str, state: dict[str, Any]) -> HttpResponse:
    return _person(request, journey, state, ADULTS, None)


@_journey_view
def adult_edit(request: HttpRequest, journey: str, state: dict[str, Any], index: int):
    return _person(request, journey, state, ADULTS, index)


@_journey_view
def adult_remove(request: HttpRequest, journey: str, state: dict[str, Any], index: int):
    return _remove_person(request, journey, state, ADULTS, index)


# The concern (R6), over three pages.


def _concern_page(
    request: HttpRequest,
    journey: str,
    state: dict[str, Any],
    *,
    title: str,
    page_questions: tuple[Question, ...],
    next_name: str,
    back_name: str,
) -> HttpResponse:
    return _question_page(
        request,
        journey,
        state,
        page=Page(title=title),
        page_questions=page_questions,
        initial=state.get("concern", {}),
        check=lambda values: _save_part(
            request,
            journey,
            state,
            part="concern",
            model=Concern,
            page_questions=page_questions,
            values=values,
        ),
        next_page=lambda: _after(request, journey, next_name),
        back=_url(back_name, journey),
    )


@_journey_view
def worry(request: HttpRequest, journey: str, state: dict[str, Any]) -> HttpResponse:
    """The worry, what is working well, and the child's voice and daily life (R6)."""
    return _concern_page(
        request,
        journey,
        state,
        title="What you are worried about",
        page_questions=questions.WORRY,
        next_name="safety",
        back_name="adults",
    )


@_journey_view
def safety(request: HttpRequest, journey: str, state: dict[str, Any]) -> HttpResponse:
    """Where the child is now, protection, the alleged perpetrator, agencies, parents (R6)."""
    return _concern_page(
        request,
        journey,
        state,
        title="The child's safety",
        page_questions=questions.SAFETY,
        next_name="household",
        back_name="worry",
    )


@_journey_view
def household(request: HttpRequest, journey: str, state: dict[str, Any]) -> HttpResponse:
    """Domestic abuse, mental illness, substance misuse, learning difficulties (R6)."""
    return _concern_page(
        request,
        journey,
        state,
        title="The child's household",
        page_questions=questions.HOUSEHOLD,
        next_name="consent",
        back_name="safety",
    )


@_journey_view
def consent(request: HttpRequest, journey: str, state: dict[str, Any]) -> HttpResponse:
    """Consent of those with parental responsibility, or the R14 reason it was not sought."""
    page_questions = questions.consent_questions(current_policy())
    return _question_page(
        request,
        journey,
        state,
        page=Page(title="Consent to the referral", template="consent.html"),
        page_questions=page_questions,
        initial=state.get("consent", {}),
        check=lambda values: _save_part(
            request,
            journey,
            state,
            part="consent",
            model=ConsentGiven,
            page_questions=page_questions,
            values=values,
        ),
        next_page=lambda: _after(request, journey, "level"),
        back=_url("household", journey),
    )


@_journey_view
def level(request: HttpRequest, journey: str, state: dict[str, Any]) -> HttpResponse:
    """The referrer's view of the Level of Need, with the council's levels to read (R26)."""
    policy = current_policy()

    def check(values: dict[str, Any]) -> tuple[bool, dict[str, str]]:
        answer = values.get("referrer_level_of_need")
        if answer is None:
            return False, {
                "referrer_level_of_need": "Select the level of need, or that you do not know"
            }
        try:
            chosen = None if answer == questions.LEVEL_NOT_KNOWN else _LEVEL.validate_python(answer)
        except ValidationError as error:
            return False, {"referrer_level_of_need": next(iter(error_messages(error).values()))}
        state["level"] = {"referrer_level_of_need": chosen}
        _save(request, journey, state)
        return True, {}

    chosen = state.get("level")
    initial = {}
    if chosen is not None:
        value = chosen["referrer_level_of_need"]
        initial["referrer_level_of_need"] = questions.LEVEL_NOT_KNOWN if value is None else value
    return _question_page(
        request,
        journey,
        state,
        page=Page(title="Level of need", template="level.html"),
        page_questions=questions.level_questions(policy),
        initial=initial,
        check=check,
        next_page=lambda: _after(request, journey, "documents"),
        back=_url("consent", journey),
        extra={"levels": sorted(policy.level_of_need.levels, key=lambda item: item.level)},
    )


# Documents (R10): checked on upload, kept pending until the referral is submitted.


class _PageErrors:
    """The page's errors, for the error summary and base.html's "Error:" title prefix."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors

    @property
    def error_list(self) -> list[tuple[str, str]]:
        return list(self.errors.items())


@_journey_view
def documents(request: HttpRequest, journey: str, state: dict[str, Any]) -> HttpResponse:
    """Attach documents; each is checked from its content before it is kept (R10)."""
    pending = state.setdefault("documents", [])
    errors: dict[str, str] = {}
    if request.method == "POST":
        upload = request.FILES.get("document")
        if upload is not None:
            try:
                if len(pending) >= MAX_DOCUMENTS:
                    raise DomainError(f"You can attach up to {MAX_DOCUMENTS} files")
                checked = check_file(upload)
            except DomainError as error:
                errors["document"] = error.message
            else:
                # Kept under the journey until submitted; a refused file is never stored.
                path = default_storage.save(
                    f"{PENDING_PREFIX}/{journey}/{uuid.uuid4().hex}", ContentFile(upload.read())
                )
                pending.append(
                    {
                        "path": path,
                        "name": clean_name(upload.name or ""),
                        "content_type": checked.content_type,
                        "size": checked.size,
                    }
                )
                _save(request, journey, state)
        elif request.POST.get("action") == "upload":
            errors["document"] = "Select a file"
        if not errors:
            if request.POST.get("action") == "continue":
                return _after(request, journey, "check")
            return redirect("refer:documents", journey)
    context = {
        "journey": journey,
        "page": Page(title="Documents"),
        "form": _PageErrors(errors),
        "error": errors.get("document", ""),
        "pending": pending,
        "max_bytes": _megabytes(),
        "back": _url("check", journey) if _changing(request) else _url("level", journey),
    }
    return _render(request, "documents.html", context)


def _megabytes() -> str:
    return f"{settings.FRONTDOOR_MAX_UPLOAD_BYTES / (1024 * 1024):g}MB"


@_journey_view
def document_remove(request: HttpRequest, journey: str, state: dict[str, Any], index: int):
    pending = state.get("documents", [])
    if request.method == "POST" and index < len(pending):
        default_storage.delete(pending.pop(index)["path"])
        _save(request, journey, state)
    return redirect("refer:documents", journey)


# Check your answers, and submit.


def _submission_data(state: dict[str, Any]) -> dict[str, Any]:
    return {
        "referrer": state.get("referrer", {}),
        "children": state.get("children", []),
        "adults": state.get("adults", []),
        "concern": _concern(state),
        "consent": state.get("consent", {}),
        "referrer_level_of_need": (state.get("level") or {}).get("referrer_level_of_need"),
        "summary": _phone_note(state),
    }


def _concern(state: dict[str, Any]) -> dict[str, Any]:
    """The concern as the pages asked it. Whether a child needs protecting now is the first
    page's answer, asked once (R3, R6). A referral begun when the safety page also asked it, or
    whether the parents agree, sends neither of those answers: the danger page's and the
    consent page's are the one answers (R12)."""
    concern = {
        name: value
        for name, value in state.get("concern", {}).items()
        if name not in {"parents_agree", "immediate_protection_needed"}
    }
    if state.get("danger") in {"yes", "no"}:
        concern["immediate_protection_needed"] = state["danger"]
    return concern


def _phone_note(state: dict[str, Any]) -> str:
    """Tell the MASH this written referral follows a phone call (R3), and its reference."""
    if state.get("danger") != "yes":
        return ""
    reference = state.get("phone_reference", "")
    if reference:
        return (
            "The referrer says they telephoned about immediate danger first, "
            f"and gave the reference {reference}."
        )
    return "The referrer says they telephoned about immediate danger first."


_CONCERN_PAGES = (
    ("worry", questions.WORRY),
    ("safety", questions.SAFETY),
    ("household", questions.HOUSEHOLD),
)


def _where_to_fix(journey: str, path: str) -> str:
    """The page that asks the question a message is about."""
    parts = path.split(".")
    section = parts[0]
    if section == "referrer":
        return _url("who" if parts[-1] == "type" else "referrer", journey)
    if section in {"children", "adults"}:
        if len(parts) > 1 and parts[1].isdigit():
            item = "child" if section == "children" else "adult"
            return _url(f"{item}_edit", journey, int(parts[1])) + "?change=1"
        return _url(section, journey)
    if section == "concern":
        if parts[-1] == "immediate_protection_needed":
            return _url("danger", journey) + "?change=1"
        for name, page_questions in _CONCERN_PAGES:
            if parts[-1] in {q.name for q in page_questions}:
                return _url(name, journey) + "?change=1"
        return _url("worry", journey) + "?change=1"
    if section == "consent":
        return _url("consent", journey) + "?change=1"
    if section == "referrer_level_of_need":
        return _url("level", journey) + "?change=1"
    return _url("who", journey)


def _check_context(journey: str, state: dict[str, Any], errors: list[tuple[str, str]]):
    policy = current_policy()
    referrer_type = _referrer_type(state)
    concern = state.get("concern", {})
    return {
        "journey": journey,
        "page": Page(title="Check your answers before sending your referral"),
        "form": _PageErrors(dict(errors)),
        "errors": errors,
        "danger_question": questions.DANGER[0].label,
        "danger": dict(questions.DANGER[0].choices).get(state.get("danger", ""), ""),
        "phone_reference": state.get("phone_reference", ""),
        "referrer_type": dict(questions.WHO[0].choices).get(referrer_type, ""),
        "referrer_rows": answer_rows(
            questions.referrer_questions(referrer_type), state.get("referrer", {})
        ),
        "children": [
            (index, child_name(child), answer_rows(questions.CHILD, child))
            for index, child in enumerate(state.get("children", []))
        ],
        "adults": [
            (index, adult_name(adult), answer_rows(questions.ADULT, adult))
            for index, adult in enumerate(state.get("adults", []))
        ],
        "concern_sections": [
            (name, answer_rows(page_questions, concern)) for name, page_questions in _CONCERN_PAGES
        ],
        "consent_rows": answer_rows(questions.consent_questions(policy), state.get("consent", {})),
        "level": _level_in_words(state, policy),
        "documents": state.get("documents", []),
    }


def _level_in_words(state: dict[str, Any], policy) -> str:
    chosen = state.get("level")
    if chosen is None:
        return ""
    value = chosen["referrer_level_of_need"]
    if value is None:
        return "I do not know"
    return dict(questions.level_questions(policy)[0].choices).get(str(value), "")


def _record(*, state: dict[str, Any], submission: Submission, journey: str) -> Recorded:
    """A new contact, or the written follow-up of a telephoned contact (R3) when the referrer
    gives its reference; nothing about that contact is shown to them either way."""
    return record_written_referral(
        submission=submission,
        channel=Channel.ONLINE_FORM,
        # The reference of the call, only when the referrer says they phoned about danger.
        phone_reference=state.get("phone_reference", "") if state.get("danger") == "yes" else "",
        submission_key=f"marf-{journey}",
    )


def _attach_pending(recorded: Recorded, pending: list[dict[str, Any]]) -> None:
    for document in pending:
        try:
            with default_storage.open(document["path"]) as stored:
                add_attachment(report=recorded.report, uploaded_file=File(stored, document["name"]))
        except FileNotFoundError:
            raise DomainError(
                f"The file {document['name']} could not be found: remove it and attach it again."
            ) from None


@_journey_view
def check(request: HttpRequest, journey: str, state: dict[str, Any]) -> HttpResponse:
    """Check your answers; "Submit referral" records it once, however often it is sent (R1)."""
    errors: list[tuple[str, str]] = []
    try:
        submission = Submission.model_validate(_submission_data(state))
    except ValidationError as error:
        submission = None
        errors = [(_where_to_fix(journey, path), m) for path, m in error_messages(error).items()]
    if request.method == "POST" and submission is not None:
        try:
            with transaction.atomic():
                recorded = _record(state=state, submission=submission, journey=journey)
                if recorded.created:
                    _attach_pending(recorded, state.get("documents", []))
        except DomainError as error:
            errors = [(_url("check", journey), error.message)]
        except OperationalError:
            # The database failed mid-submission: the transaction rolled back whole, so nothing
            # was recorded. The referrer must not think it was received; their answers are still
            # in the session, shown again below, and sending again makes one referral.
            context = _check_context(journey, state, [(_url("check", journey), NOT_SENT)])
            return _render(request, "check.html", context, status=503)
        else:
            for document in state.get("documents", []):
                default_storage.delete(document["path"])
            # The answers go; the reference and secret stay for this browser session only.
            _save(
                request,
                journey,
                {
                    "done": {
                        "reference": recorded.contact.reference,
                        "secret": recorded.status_secret,
                        "documents": len(state.get("documents", [])),
                    }
                },
            )
            return redirect("refer:confirmation", journey)
    elif request.method == "POST":
        errors = errors or [(_url("who", journey), "Answer every question before you submit")]
    context = _check_context(journey, state, errors)
    return _render(request, "check.html", context)


NOT_SENT = (
    "Your referral has not been sent: there was a problem on our side. Your answers are kept "
    "below. Try sending it again in a few minutes. If a child is in immediate danger, call 999."
)


@_journey_view
def confirmation(request: HttpRequest, journey: str, state: dict[str, Any]) -> HttpResponse:
    """The reference and the status secret, shown for as long as this browser session lasts."""
    if "done" not in state:
        return redirect("refer:check", journey)
    return _render(
        request,
        "confirmation.html",
        {"page": Page(title="Referral sent"), **state["done"]},
    )


# Checking progress: the reference and status code from the confirmation page.

STATUS_QUESTIONS = (
    Question(
        name="reference",
        label="Reference number",
        hint="For example, FD-B2C3-D4F5",
        autocomplete="off",
        width="govuk-input--width-10",
    ),
    Question(
        name="status_code",
        label="Status code",
        hint="The code shown with your reference number when you sent the referral",
        autocomplete="off",
        width="govuk-input--width-20",
    ),
)
# One message for a wrong reference and a wrong code alike, so neither can be guessed alone.
STATUS_NOT_FOUND = (
    "We could not find a referral with that reference and status code. Check both and try again."
)


@public
def status(request: HttpRequest) -> HttpResponse:
    """A referrer checks the stage of their referral, and nothing else about it."""
    page = Page(title="Check the progress of your referral", template="status.html")
    stage = None
    if request.method == "POST":
        form = PageForm(STATUS_QUESTIONS, data=request.POST)
        answers = form.values()
        form.add_messages(
            {
                name: message
                for name, message in (
                    ("reference", "Enter your reference number"),
                    ("status_code", "Enter your status code"),
                )
                if name not in answers
            }
        )
        if not form.errors:
            stage = referrer_status(reference=answers["reference"], secret=answers["status_code"])
            if stage is None:
                form.add_messages({"reference": STATUS_NOT_FOUND})
        if form.errors:
            # The code typed is not shown back: the referrer types it again.
            form.data = request.POST.copy()
            form.data["status_code"] = ""
    else:
        form = PageForm(STATUS_QUESTIONS)
    if stage is not None:
        return _render(request, "status_result.html", {"page": page, "stage": stage})
    return _render(request, page.template, {"page": page, "form": form, "fields": form.bound()})
