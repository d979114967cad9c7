"""Pydantic models of `data/criteria.yaml`: the recommendation checklist's questions and rules.

Each rule says which vendor an answer favours, how strongly, why, and where that reasoning comes
from. Rules on the numbers (cost at this volume, history limits) carry their thresholds here too,
so no rule is written in Python. Pure: no files, no YAML (see `pricing.load.read_criteria`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from pricing.schema import Key, Source, Text

__all__ = ["Answer", "Criteria", "NumberRule", "Question", "Rule", "Vendor"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Vendor(_Strict):
    name: Text
    options: tuple[str, ...] = Field(min_length=1)


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


class NumberRule(_Strict):
    """A rule on the computed figures. `kind` names what it reads:

    - `cost`: favours the vendor of the cheapest option when it saves at least `threshold` (a
      fraction of the runner-up's cost); `weight_close` applies when the saving is smaller.
    - `limits`: favours `favours` when this run, as profiled, crosses a hard per-run limit of
      every option of the vendor `checks`; `weight_blocked` when the option's own remedy (its
      segments: Continue-As-New) cannot avoid it. The reason may use {option}, {limit}, {step} and
      {remedy}.
    - `applicable`: rules out every vendor none of whose options can run this workload (a run
      too long, a wait or a child it cannot await); the reason may use {vendor} and {why}.
    """

    id: Key
    kind: Literal["cost", "limits", "applicable"]
    favours: Key | None = None
    checks: Key | None = None
    weight: float = Field(gt=0, le=10)
    weight_close: float = Field(default=0.5, ge=0, le=10)
    weight_blocked: float = Field(default=0, ge=0, le=10)
    threshold: float = Field(default=0.2, ge=0, le=1)
    reason: Text
    source: Key


class Criteria(_Strict):
    version: Literal[2]
    default_vendor: Key
    default_reason: Text
    default_source: Key
    sources: Mapping[Key, Source]
    vendors: Mapping[Key, Vendor]
    questions: tuple[Question, ...]
    rules: tuple[Rule, ...]
    number_rules: tuple[NumberRule, ...]

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
        items: tuple[Rule | NumberRule, ...] = (*self.rules, *self.number_rules)
        for item in items:
            if item.favours is not None and item.favours not in self.vendors:
                problems.append(f"rule {item.id}: favours unknown vendor {item.favours!r}")
            if item.source not in self.sources:
                problems.append(f"rule {item.id}: unknown source {item.source!r}")
        for rule in self.rules:
            problems += [
                f"rule {rule.id}: excludes unknown vendor {v!r}" for v in rule.excludes if v not in self.vendors
            ]
        for number_rule in self.number_rules:
            if number_rule.kind == "limits" and (number_rule.checks is None or number_rule.favours is None):
                problems.append(
                    f"rule {number_rule.id}: a `limits` rule names the vendor it `checks` and the one it `favours`"
                )
            if number_rule.checks is not None and number_rule.checks not in self.vendors:
                problems.append(f"rule {number_rule.id}: checks unknown vendor {number_rule.checks!r}")
        if self.default_vendor not in self.vendors:
            problems.append(f"default_vendor {self.default_vendor!r} is not a vendor")
        if self.default_source not in self.sources:
            problems.append(f"default_source {self.default_source!r} is not a source")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def vendor_of(self, option_id: str) -> str | None:
        return next((k for k, v in self.vendors.items() if option_id in v.options), None)
