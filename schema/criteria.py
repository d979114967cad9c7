"""Pydantic models of `data/criteria.yaml`: the checklist's questions and rules, and the share of
draws under which the verdict is too close to call.

Each rule says what an answer requires (it sets options aside: `excludes`, `requires_hosting`) or
which vendor it only weighs for (`favours`, with a weight), why, and where that reasoning comes
from; no rule is written in Python. Cost and fit are not rules here: the verdict is the cheapest
option that can run the workload and meets the answers (`model.verdict`). Pure: no files, no YAML
(see `pricing.load.read_criteria`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schema.numbers import Key, Source, Text

__all__ = ["Answer", "Criteria", "Question", "Rule", "SdkRule", "Vendor"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Vendor(_Strict):
    name: Text
    options: tuple[str, ...] = Field(min_length=1)
    sdks: tuple[Key, ...] = Field(min_length=1)
    """The answers of the `sdks` question (the languages) the vendor has an SDK for. Required: a language
    a vendor does not list sets its options aside, so a vendor that says nothing fits no language."""
    sdks_reason: Text
    """Why, in words, for when a language it lacks sets it aside."""
    sdks_source: Key


class SdkRule(_Strict):
    """Which question asks for the team's language, and which of its answers name no single language (a
    team of several languages is weighed by rules, not set aside)."""

    question: Key
    any: tuple[Key, ...] = ()


class Answer(_Strict):
    id: Key
    label: Text


class Question(_Strict):
    id: Key
    text: Text
    help: Text | None = None
    answers: tuple[Answer, ...] = Field(min_length=2)
    """A question the team has not answered weighs nothing: no answer is assumed for it."""


class Rule(_Strict):
    """When the answer to `question` is one of `answers`, the rule favours `favours` by `weight`;
    with `excludes` it rules that vendor out instead (it lacks something the answer requires), and
    with `requires_hosting` only options hosted that way count for every vendor."""

    id: Key
    question: Key
    answers: tuple[Key, ...] = Field(min_length=1)
    favours: Key | None = None
    excludes: tuple[Key, ...] = ()
    requires_hosting: Literal["cloud", "self-hosted"] | None = None
    weight: float = Field(default=0, ge=0, le=10)
    reason: Text
    source: Key

    @model_validator(mode="after")
    def _does_something(self) -> Rule:
        if self.favours is None and not self.excludes and self.requires_hosting is None:
            raise ValueError("a rule `favours` a vendor (with a weight), `excludes` vendors or `requires_hosting`")
        if self.favours is not None and self.weight <= 0:
            raise ValueError("a rule that `favours` a vendor needs a weight above 0")
        return self


class Criteria(_Strict):
    version: Literal[3]
    sure_share: float = Field(ge=0.5, le=1)
    """The verdict is too close to call when the option it names is the cheapest in fewer draws
    than this share (of the Monte Carlo's draws of every uncertain input)."""
    sources: Mapping[Key, Source]
    vendors: Mapping[Key, Vendor]
    sdks: SdkRule
    questions: tuple[Question, ...]
    rules: tuple[Rule, ...]

    @model_validator(mode="after")
    def _references(self) -> Criteria:
        questions = {q.id: q for q in self.questions}
        problems = []
        for rule in self.rules:
            if rule.question not in questions:
                problems.append(f"rule {rule.id}: unknown question {rule.question!r}")
            else:
                known = {a.id for a in questions[rule.question].answers}
                problems += [
                    f"rule {rule.id}: {a!r} is not an answer of {rule.question}" for a in rule.answers if a not in known
                ]
        for item in self.rules:
            if item.favours is not None and item.favours not in self.vendors:
                problems.append(f"rule {item.id}: favours unknown vendor {item.favours!r}")
            if item.source not in self.sources:
                problems.append(f"rule {item.id}: unknown source {item.source!r}")
        for rule in self.rules:
            problems += [
                f"rule {rule.id}: excludes unknown vendor {v!r}" for v in rule.excludes if v not in self.vendors
            ]
        languages = questions.get(self.sdks.question)
        if languages is None:
            problems.append(f"sdks: unknown question {self.sdks.question!r}")
        else:
            known = {a.id for a in languages.answers}
            problems += [f"sdks.any: {a!r} is not an answer of {languages.id}" for a in self.sdks.any if a not in known]
            for key, vendor in self.vendors.items():
                problems += [
                    f"vendor {key}: sdks {a!r} is not an answer of {languages.id}"
                    for a in vendor.sdks
                    if a not in known
                ]
                if vendor.sdks_source not in self.sources:
                    problems.append(f"vendor {key}: unknown sdks_source {vendor.sdks_source!r}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def vendor_of(self, option_id: str) -> str | None:
        return next((k for k, v in self.vendors.items() if option_id in v.options), None)
