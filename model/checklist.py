"""The checklist: what a team's answers require, and what they only weigh.

Every rule of `data/criteria.yaml` comes with its source. An answer that requires something an
option lacks (an SDK in your language, a server you may run yourself under an open-source licence)
sets that option aside: it leaves the verdict, the flip point, the Outlook and the report's
comparison, and is shown apart with the rule's reason (`set_aside`). An answer that only weighs
for a vendor (a regulated industry, a platform team) is a leaning: the verdict names it beside the
cheapest option, with what following it would cost, and never silently replaces the cheapest
(`leanings`). A question left unanswered weighs nothing; those whose answers could still set the
named option aside are what could still change the verdict (`open_questions`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from model.findings import Finding
from schema.criteria import Criteria, Rule

__all__ = ["Leaning", "OpenQuestion", "check_answers", "leanings", "open_questions", "set_aside"]


def check_answers(criteria: Criteria, answers: Mapping[str, str]) -> None:
    """Raise ValueError naming the question or the answer that is not one, and what is allowed."""
    questions = {q.id: q for q in criteria.questions}
    for question_id, answer in answers.items():
        if question_id not in questions:
            raise ValueError(f"{question_id}: not a question; the questions: {', '.join(questions)}")
        allowed = [a.id for a in questions[question_id].answers]
        if answer not in allowed:
            raise ValueError(f"{question_id}: {answer!r} is not an answer; allowed: {', '.join(allowed)}")


def _finding(criteria: Criteria, rule: Rule, answer: str) -> Finding:
    question = next(q for q in criteria.questions if q.id == rule.question)
    source = criteria.sources[rule.source]
    return Finding(
        "set_aside",
        {
            "question": question.text,
            "answer": next(a.label for a in question.answers if a.id == answer),
            "rule": rule.id,
            "reason": rule.reason,
            "source_title": source.title,
            "source_url": str(source.url),
        },
    )


def _no_sdk(criteria: Criteria, option: str, language: str) -> Finding | None:
    """Why the option is set aside for a team writing in `language`: its vendor lists no SDK for it (or
    the option has no vendor, so no SDK is listed at all); None where it has one."""
    key = criteria.vendor_of(option)
    vendor = criteria.vendors.get(key) if key is not None else None
    if vendor is not None and language in vendor.sdks:
        return None
    question = next(q for q in criteria.questions if q.id == criteria.sdks.question)
    reason = vendor.sdks_reason if vendor is not None else f"{option} lists no SDK in the checklist's data."
    source = criteria.sources[vendor.sdks_source] if vendor is not None else None
    return Finding(
        "set_aside",
        {
            "question": question.text,
            "answer": next(a.label for a in question.answers if a.id == language),
            "rule": f"{key or option}-sdks",
            "reason": reason,
            "source_title": source.title if source is not None else "",
            "source_url": str(source.url) if source is not None else "",
        },
    )


def set_aside(
    criteria: Criteria, answers: Mapping[str, str], hosting: Mapping[str, str | None]
) -> dict[str, tuple[Finding, ...]]:
    """Option id -> why the answers set it aside (a `set_aside` finding per rule), for the options
    in `hosting` (option id -> `cloud` or `self-hosted`)."""
    check_answers(criteria, answers)
    out: dict[str, list[Finding]] = {}
    language = answers.get(criteria.sdks.question)
    if language is not None and language not in criteria.sdks.any:
        for option in hosting:
            found = _no_sdk(criteria, option, language)
            if found is not None:
                out.setdefault(option, []).append(found)
    for rule in criteria.rules:
        answer = answers.get(rule.question)
        if answer not in rule.answers:
            continue
        assert answer is not None
        for option, hosted in hosting.items():
            vendor = criteria.vendor_of(option)
            excluded = vendor in rule.excludes
            elsewhere = rule.requires_hosting is not None and hosted != rule.requires_hosting
            if excluded or elsewhere:
                out.setdefault(option, []).append(_finding(criteria, rule, answer))
    return {k: tuple(v) for k, v in out.items()}


@dataclass(frozen=True)
class Leaning:
    """An answer that weighs for a vendor without requiring it."""

    vendor: str
    vendor_name: str
    weight: float
    question: str
    answer: str
    reason: str
    source_title: str
    source_url: str


def leanings(criteria: Criteria, answers: Mapping[str, str]) -> tuple[Leaning, ...]:
    """The answered rules that favour a vendor, heaviest first."""
    check_answers(criteria, answers)
    out = []
    for rule in criteria.rules:
        answer = answers.get(rule.question)
        if rule.favours is None or answer not in rule.answers:
            continue
        question = next(q for q in criteria.questions if q.id == rule.question)
        source = criteria.sources[rule.source]
        out.append(
            Leaning(
                vendor=rule.favours,
                vendor_name=criteria.vendors[rule.favours].name,
                weight=rule.weight,
                question=question.text,
                answer=next(a.label for a in question.answers if a.id == answer),
                reason=rule.reason,
                source_title=source.title,
                source_url=str(source.url),
            )
        )
    return tuple(sorted(out, key=lambda x: (-x.weight, x.vendor)))


@dataclass(frozen=True)
class OpenQuestion:
    """A question not answered, and the answers to it that would set options aside."""

    id: str
    text: str
    would: tuple[tuple[str, tuple[str, ...]], ...]
    """(answer label, the option ids it would set aside), for each answer that sets any aside."""

    def sets_aside(self, option: str) -> bool:
        return any(option in ids for _, ids in self.would)


def open_questions(
    criteria: Criteria, answers: Mapping[str, str], hosting: Mapping[str, str | None]
) -> tuple[OpenQuestion, ...]:
    """Every question not answered whose answers could set one of these options aside."""
    before = set(set_aside(criteria, answers, hosting))
    out = []
    for question in criteria.questions:
        if question.id in answers:
            continue
        would = []
        for answer in question.answers:
            hit = set_aside(criteria, {**answers, question.id: answer.id}, hosting)
            new = tuple(sorted(set(hit) - before))
            if new:
                would.append((answer.label, new))
        if would:
            out.append(OpenQuestion(question.id, question.text, tuple(would)))
    return tuple(out)
