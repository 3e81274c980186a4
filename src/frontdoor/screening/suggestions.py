"""Suggestions from the referral's own words on a child's screening page, and the worker's answers
(R27, R28, R34).

The words read are the reports' free text as the user is shown it (`reports_seen_by`): a
restricted child's names are withheld before anything is suggested, so no phrase shown or kept
can hold them. Each phrase is a `<mark>` in the referral's text with an id the suggestion links
to. Accepting a suggestion ticks it through `save_findings`, the service the hand-ticked ones use,
so it drives the level, RAG and R28 the same way; rejecting records that it was not relevant.
Every answer is an append-only `SuggestionResponse`, kept with all that was suggested at the time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from frontdoor.accounts.permissions import require
from frontdoor.audit import services as audit
from frontdoor.errors import DomainError
from frontdoor.intake.models import Contact, Report, ReportedChild, YesNoUnknown
from frontdoor.intake.selectors import reports_seen_by, require_child_seen
from frontdoor.policy.registry import current_policy
from frontdoor.policy.schema import Policy
from frontdoor.screening.criteria import RECORDED_AS
from frontdoor.screening.findings import save_findings
from frontdoor.screening.models import ChildScreening, SuggestionKind, SuggestionResponse
from frontdoor.screening.selectors import ChildSummary, child_summary
from frontdoor.screening.suggest import suggest
from frontdoor.screening.suggest.criteria import FROM_THE_RECORD
from frontdoor.screening.threshold import catalogue_by_key
from frontdoor.screening.transitions import WORKING_STATES

if TYPE_CHECKING:
    from frontdoor.accounts.models import User

# The free text read, in the order it is read, each under a heading the method knows: the
# child's voice is part of the worry; what is working well is read as strengths.
READ_FIELDS = (
    ("worry", "The worry:\n"),
    ("child_voice", "The worry:\n"),
    ("working_well", "What is working well:\n"),
)


@dataclass(frozen=True)
class Part:
    """A piece of a report's field: plain, or a highlighted phrase with the id links point at."""

    text: str
    mark: str = ""


@dataclass(frozen=True)
class Phrase:
    report_id: int
    field: str
    start: int  # offsets into the field's text as the user is shown it
    end: int
    text: str
    mark: str = ""

    def as_json(self) -> dict:
        return {
            "report": self.report_id,
            "field": self.field,
            "start": self.start,
            "end": self.end,
            "text": self.text,
        }


@dataclass
class Suggested:
    kind: str  # a SuggestionKind
    key: str
    label: str
    score: float
    phrases: list[Phrase]
    level: int | None = None
    subdomain: str = ""
    picked: bool = False  # already among the worker's indicators or concerns
    rejected: bool = False  # the latest answer was "not relevant"
    # Whether one click can record it: every indicator; a criterion met by recording one concern.
    acceptable: bool = True
    # A criterion resting on the child's record: what the screening checks found, not phrases.
    record: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "key": self.key,
            "score": round(self.score, 4),
            **({"level": self.level, "subdomain": self.subdomain} if self.level else {}),
            "evidence": [phrase.as_json() for phrase in self.phrases],
            **({"record": self.record} if self.record else {}),
        }


@dataclass
class ReferralText:
    """One report's free text, in parts, with the suggested phrases marked."""

    report: Report
    parts: dict[str, list[Part]] = field(default_factory=dict)


@dataclass
class ReferralSuggestions:
    texts: list[ReferralText]
    indicators: list[Suggested]
    criteria: list[Suggested]
    method_version: str
    policy_version: str
    catalogue_has_indicators: bool

    def find(self, kind: str, key: str) -> Suggested | None:
        found = self.indicators if kind == SuggestionKind.INDICATOR else self.criteria
        return next((item for item in found if item.key == key), None)

    def shown(self) -> dict:
        """What the page showed, as kept with each answer."""
        return {
            "indicators": [item.as_json() for item in self.indicators],
            "mash_criteria": [item.as_json() for item in self.criteria],
        }


def _read(reports: list[Report]) -> tuple[str, list[tuple[int, int, str]]]:
    """The text the method reads, and where each report's field sits in it."""
    pieces: list[str] = []
    where: list[tuple[int, int, str]] = []  # (start in text, report index, field)
    at = 0
    for number, report in enumerate(reports):
        for name, heading in READ_FIELDS:
            value = getattr(report, name) or ""
            if not value.strip():
                continue
            where.append((at + len(heading), number, name))
            pieces += [heading, value, "\n\n"]
            at += len(heading) + len(value) + 2
    return "".join(pieces), where


def _phrases(
    reports: list[Report], where: list[tuple[int, int, str]], start: int, end: int
) -> list[Phrase]:
    """A span of the read text as phrases of the fields it falls in (never a heading)."""
    found = []
    for begins, number, name in where:
        value = getattr(reports[number], name)
        left, right = max(start, begins) - begins, min(end, begins + len(value)) - begins
        if right <= left or not value[left:right].strip():
            continue
        # Trim spaces so the highlight holds words only.
        while value[left].isspace():
            left += 1
        while value[right - 1].isspace():
            right -= 1
        found.append(Phrase(reports[number].pk, name, left, right, value[left:right]))
    return found


def _evidence(reports: list[Report], where: list[tuple[int, int, str]], spans) -> list[Phrase]:
    return [phrase for span in spans for phrase in _phrases(reports, where, span.start, span.end)]


def _marked(texts: list[ReferralText], items: list[Suggested]) -> None:
    """Mark every phrase in its field, overlapping phrases as one mark, and give each phrase
    the id of the mark holding it."""
    spans: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for item in items:
        for phrase in item.phrases:
            spans.setdefault((phrase.report_id, phrase.field), []).append(
                (phrase.start, phrase.end)
            )
    marks: dict[tuple[int, str], list[tuple[int, int, str]]] = {}
    for (report_id, name), found in spans.items():
        merged: list[list[int]] = []
        for start, end in sorted(found):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        marks[(report_id, name)] = [
            (start, end, f"phrase-{report_id}-{name.replace('_', '-')}-{number}")
            for number, (start, end) in enumerate(merged, 1)
        ]
    for item in items:
        item.phrases = [
            Phrase(**{**phrase.__dict__, "mark": mark})
            for phrase in item.phrases
            for start, end, mark in marks[(phrase.report_id, phrase.field)]
            if start <= phrase.start < end
        ]
    for text in texts:
        for name, _ in READ_FIELDS:
            value = getattr(text.report, name) or ""
            parts, at = [], 0
            for start, end, mark in marks.get((text.report.pk, name), []):
                if start > at:
                    parts.append(Part(value[at:start]))
                parts.append(Part(value[start:end], mark))
                at = end
            if at < len(value):
                parts.append(Part(value[at:]))
            text.parts[name] = parts


def referral_suggestions(
    *,
    policy: Policy,
    contact: Contact,
    child: ReportedChild,
    user: User,
    summary: ChildSummary,
    reports: list[Report] | None = None,
) -> ReferralSuggestions:
    """What the referral's words suggest for `child`, read as `user` is shown them, best first,
    each with its phrases marked and whether the worker has already picked or rejected it.
    `summary` is the child's screening as the checks read it: a criterion it meets is shown as
    met whatever met it, and a criterion resting on the record (a re-referral) comes from it
    alone, with the checks' own evidence, never from the words."""
    if reports is None:
        reports = reports_seen_by(user, contact=contact, reports=list(contact.reports.all()))
    text, where = _read(reports)
    found = suggest(policy, text)
    indicators = [
        Suggested(
            kind=SuggestionKind.INDICATOR,
            key=item.key,
            label=item.text,
            score=item.score,
            level=item.level,
            subdomain=item.subdomain,
            phrases=_evidence(reports, where, item.evidence),
        )
        for item in found.indicators
    ]
    met = {item.key: item for item in summary.mash.criteria if item.met}
    criteria = [
        Suggested(
            kind=SuggestionKind.CRITERION,
            key=item.key,
            label=item.label,
            score=1.0,
            phrases=[],
            record=list(item.evidence),
            acceptable=False,
        )
        for key, item in met.items()
        if key in FROM_THE_RECORD
    ] + [
        Suggested(
            kind=SuggestionKind.CRITERION,
            key=item.key,
            label=item.label,
            score=item.score,
            phrases=_evidence(reports, where, item.evidence),
            acceptable=item.key in RECORDED_AS,
        )
        for item in found.mash_criteria
        if item.key not in FROM_THE_RECORD
    ]
    picked = set(summary.screening.indicators) if summary.screening else set()
    latest: dict[tuple[str, str], bool] = {}
    for kind, key, accepted in (
        SuggestionResponse.objects.filter(child=child)
        .order_by("at", "id")
        .values_list("kind", "key", "accepted")
    ):
        latest[(kind, key)] = accepted
    for item in indicators:
        item.picked = item.key in picked
    for item in criteria:
        item.picked = item.key in met
    for item in indicators + criteria:
        item.rejected = latest.get((item.kind, item.key)) is False and not item.picked
    texts = [ReferralText(report) for report in reports]
    _marked(texts, indicators + criteria)
    return ReferralSuggestions(
        texts=texts,
        indicators=indicators,
        criteria=criteria,
        method_version=found.method_version,
        policy_version=found.policy_version,
        catalogue_has_indicators=bool(catalogue_by_key(policy)),
    )


@dataclass(frozen=True)
class WorkerFindings:
    """The screening form as the worker left it when they pressed a suggestion's button: kept,
    so that answering a suggestion never loses what they had changed and not yet saved."""

    indicators: list[str]
    concerns: list[str]
    analysis: str
    urgent_action_needed: str = YesNoUnknown.UNKNOWN
    more_information_needed: bool = False
    manager_discretion: bool | None = None

    @classmethod
    def stored(cls, screening: ChildScreening | None) -> WorkerFindings:
        """What is saved: the form as the page first shows it."""
        if screening is None:
            return cls(indicators=[], concerns=[], analysis="")
        return cls(
            indicators=list(screening.indicators),
            concerns=list(screening.concerns),
            analysis=screening.analysis,
            urgent_action_needed=screening.urgent_action_needed,
            more_information_needed=screening.more_information_needed,
        )

    def differs_from(self, screening: ChildScreening | None) -> bool:
        saved = WorkerFindings.stored(screening)
        discretion = bool(screening and screening.manager_discretion)
        return (
            list(dict.fromkeys(self.indicators)) != saved.indicators
            or set(self.concerns) != set(saved.concerns)
            or self.analysis.strip() != saved.analysis.strip()
            or self.urgent_action_needed != saved.urgent_action_needed
            or self.more_information_needed != saved.more_information_needed
            or (self.manager_discretion is not None and self.manager_discretion != discretion)
        )


@dataclass(frozen=True)
class Answered:
    response: SuggestionResponse | None  # None when the answer was already recorded
    saved: bool  # the screening was saved with it


@transaction.atomic
def answer(
    *,
    contact: Contact,
    child: ReportedChild,
    by: User,
    kind: str,
    key: str,
    accepted: bool,
    findings: WorkerFindings | None = None,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Answered:
    """Record the worker's answer to a suggestion shown on the page: accepted, it is ticked as a
    hand-ticked one is; rejected, it is recorded as not relevant. `findings` is the screening
    form as the worker left it (the saved screening when not given): it is saved with the answer
    whenever it differs, so nothing they typed is lost. Nothing is recorded when the answer
    already is (the same button pressed twice)."""
    require(by, "contact.screen")
    require_child_seen(by, child=child)
    now = now or timezone.now()
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.state not in WORKING_STATES:
        raise DomainError(f"Contact {contact.reference} is no longer being screened.")
    policy = current_policy()
    summary = child_summary(policy=policy, contact=contact, child=child)
    screening = summary.screening
    shown = referral_suggestions(
        policy=policy, contact=contact, child=child, user=by, summary=summary
    )
    item = shown.find(kind, key)
    if item is None:
        raise DomainError(
            "This is no longer suggested: the referral's words or the guidance have changed "
            "since the page was shown. Nothing was recorded."
        )
    if accepted and not item.acceptable:
        raise DomainError("Record this by ticking the child-protection concern it rests on.")
    if (accepted and item.picked) or (not accepted and item.rejected):
        return Answered(None, saved=False)
    findings = findings or WorkerFindings.stored(screening)
    if accepted and kind == SuggestionKind.INDICATOR:
        findings = replace(findings, indicators=[*findings.indicators, key])
    elif accepted:
        findings = replace(findings, concerns=[*findings.concerns, RECORDED_AS[key].value])
    saved = accepted or findings.differs_from(screening)
    if saved:
        save_findings(
            contact=contact,
            child=child,
            by=by,
            **asdict(findings),
            expected_version=expected_version if screening else None,
            now=now,
        )
    response = SuggestionResponse.objects.create(
        contact=contact,
        child=child,
        kind=kind,
        key=key,
        accepted=accepted,
        score=item.score,
        evidence=[phrase.as_json() for phrase in item.phrases],
        shown=shown.shown(),
        method_version=shown.method_version,
        policy_version=shown.policy_version,
        by=by,
        at=now,
    )
    audit.record(
        actor=by,
        action="screening.suggestion_accepted" if accepted else "screening.suggestion_rejected",
        target=contact,
        changes={
            "child": str(child),
            "kind": kind,
            "key": key,
            "method_version": shown.method_version,
            "policy_version": shown.policy_version,
        },
        at=now,
    )
    return Answered(response, saved=saved)


@dataclass(frozen=True)
class AnsweredSuggestion:
    """One answer as the manager reads it: what was suggested, how it was answered, by whom."""

    kind: str
    key: str
    label: str
    level: int | None
    subdomain: str
    phrases: list[str]
    answer: SuggestionResponse | None  # the latest answer; None when it was not answered


@dataclass(frozen=True)
class SuggestionHistory:
    """The suggestions the worker was last shown for a child, each with its latest answer, and
    every answer in the order given (R25: a decision read with what the worker was shown)."""

    last_shown: list[AnsweredSuggestion]
    answers: list[AnsweredSuggestion]
    method_version: str
    policy_version: str


def suggestion_history(*, policy: Policy, child: ReportedChild) -> SuggestionHistory | None:
    """What was suggested from the referral's words for `child` and how the worker answered,
    read-only; None when no suggestion was answered."""
    rows = list(
        SuggestionResponse.objects.filter(child=child).select_related("by").order_by("at", "id")
    )
    if not rows:
        return None
    catalogue = catalogue_by_key(policy)
    criteria: dict[str, str] = {item.key: item.label for item in policy.mash_criteria}
    latest = {(row.kind, row.key): row for row in rows}

    def read(kind: str, key: str, evidence: list[dict], answer: SuggestionResponse | None):
        indicator = catalogue.get(key) if kind == SuggestionKind.INDICATOR else None
        label = indicator.text if indicator else criteria.get(key, key)
        return AnsweredSuggestion(
            kind=kind,
            key=key,
            label=label,
            level=indicator.level if indicator else None,
            subdomain=indicator.subdomain if indicator else "",
            phrases=[str(phrase.get("text", "")) for phrase in evidence],
            answer=answer,
        )

    last = rows[-1]  # its `shown` is what the page showed when the worker last answered
    last_shown = []
    for kind, name in (
        (SuggestionKind.INDICATOR, "indicators"),
        (SuggestionKind.CRITERION, "mash_criteria"),
    ):
        for item in last.shown.get(name) or []:
            key = str(item.get("key", ""))
            last_shown.append(read(kind, key, item.get("evidence") or [], latest.get((kind, key))))
    return SuggestionHistory(
        last_shown=last_shown,
        answers=[read(row.kind, row.key, row.evidence, row) for row in rows],
        method_version=last.method_version,
        policy_version=last.policy_version,
    )
