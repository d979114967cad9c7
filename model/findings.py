"""What the engine finds about an option and a run, as codes with their numbers.

The engine never writes the sentence: a `Finding` is a code from `CODES` and the values it rests
on (a limit's name and level, the step at which it is passed, a plan's name, a design's name).
The clients turn findings into sentences in one place (`report.words`), with one money format.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Union

__all__ = ["CODES", "Finding", "Value"]

Value = Union[float, int, str, bool, None, "Finding", tuple["Finding", ...]]
"""A value a finding carries: a number in the unit its key names, a name, a flag, or the findings it
rests on (a plan that does not meet the requirements, and what it lacks)."""

CODES: Mapping[str, str] = MappingProxyType(
    {
        "limit_passed": (
            "The run passes a hard limit of the option as designed: limit (id), name, shown (the level as "
            "the vendor states it), level and value (in unit), unit, step (1-based, null when it does not "
            "grow with steps), seconds (into the run), advice (the way around, from the table), none_allowed "
            "(the level is zero)"
        ),
        "limit_lifted": (
            "A design gets the run past a hard limit it would pass as designed: limit, name, shown, step, "
            "seconds, design (the design's name)"
        ),
        "design_cheaper": (
            "The run fits as designed, and a design of the option runs it for less: design (its name), "
            "as_designed_usd (the month's cost as designed)"
        ),
        "limit_warned": "The run passes a limit that only warns (a soft limit or a warning level): as limit_passed",
        "limit_ahead": "A hard limit lies ahead of the run, past its warning level: as limit_passed",
        "no_published_plan": (
            "No published plan takes the workload; only a contract plan does: contract (its name), plan (the "
            "largest published plan), why (that plan's reason)"
        ),
        "no_plan": "No plan takes the workload and the vendor sells none by contract: plan, why",
        "past_published_tier": (
            "A price goes past its last published tier, priced by contract: meter, up_to (the most the "
            "published prices cover), unit, contract"
        ),
        "pinned_plan_refused": "The plan the buyer pinned cannot take the workload: plan, why",
        "requirements_unmet": (
            "No plan that takes the workload meets the buyer's requirements: plans (a plan_short finding per plan)"
        ),
        "plan_short": "A plan lacks what the buyer requires: plan, short (feature_short findings)",
        "feature_short": (
            "A plan's feature falls short of a requirement: feature (seats, log_retention_days, sla_percent, "
            "support, sso, hipaa), have (null: not listed), want"
        ),
        "feature_unpriced": "A required feature costs extra at a price not published: plan, feature, how",
        "plan_takes": "The plan takes the workload: plan",
        "plan_no_cap": "The plan has no concurrency cap: plan",
        "plan_concurrency": (
            "The plan's concurrency cap against the peak: plan, allows, peak (runs holding a slot), holds "
            "(executing or open), fits (true), buys (extra slots needed and sold), short (neither)"
        ),
        "plan_rate_cap": "The plan takes at most so much a second, fewer than the peak needs: plan, most, unit",
        "plan_run_limit": "The run passes the plan's own level of a run limit: plan, name, shown",
        "plan_capped": "The plan takes no usage of some meters beyond what it includes: plan, meters",
        "plan_unsold": "The plan does not sell add-ons the buyer asks for: plan, addons",
        "plan_no_overage": "The plan allows no usage beyond what it includes: plan",
        "plan_contract_only": "The plan is sold by contract only: plan",
        "plan_pinned": "The buyer pinned the plan: plan, cheapest (the cheapest plan's name), cheapest_usd",
        "no_plan_fee": "Billed on usage alone, with no plan fee",
        "licence": "Self-hosted under a licence with no fee: licence, note (what you run)",
        "retention_bound": "The plan keeps closed runs fewer days than the profile asks; priced on them: plan, days",
        "retention_clamped": (
            "retention_days lies outside the option's bounds; priced at the nearest: option, low, high, given"
        ),
        "limit_avoided": (
            "The run passes a history limit that restarting with a fresh history keeps each segment under: "
            "as limit_passed, and restart (the restart's name)"
        ),
        "history_passes": (
            "A run passes a limit of its recorded history that restarting (restart, if the option has one) "
            "cannot fix: as limit_passed"
        ),
        "history_segments": (
            "Restarting with a fresh history keeps each segment under the suggested size: advice (the table's "
            "words, filled in), every (steps per segment), segments"
        ),
        "history_grows": "Each step records a larger input: the history grows quadratically with steps",
        "history_inside": "The run stays well inside the history limits: vendor, name",
        "set_aside": (
            "Your answer to a checklist question requires what the option lacks: question (its text), answer "
            "(its label), rule (id), reason (the rule's words), source_title, source_url"
        ),
        "horizon_setup": (
            "Over the horizon another path costs less because of the weeks to a first workflow in production: "
            "months, weeks (the other path's), weeks_best (the named option's), usd (what the setup saves)"
        ),
        "horizon_bills": (
            "Over the horizon another path's bills come to less than the named option's (the volume grows): "
            "months, growth_percent (a month), usd (what the bills save), month (from which the other is the "
            "cheaper month by month, null if never)"
        ),
        "horizon_migration": (
            "The cheapest path starts on one option and moves to another: start, then, month (the move's), "
            "usd (what it saves against staying on the start)"
        ),
        "peak_raised": (
            "The peak given is below the runs that execute at once on average in the busy window; priced at "
            "that floor: given, floor, window_hours"
        ),
    }
)
"""Every finding code and what its values are."""


@dataclass(frozen=True)
class Finding:
    """A code from `CODES` and the values the sentence for it needs."""

    code: str
    data: Mapping[str, Value] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unknown finding code {self.code!r}; the codes are: {', '.join(CODES)}")
        object.__setattr__(self, "data", MappingProxyType(dict(self.data)))

    def __hash__(self) -> int:
        return hash((self.code, tuple(sorted(self.data.items()))))

    def with_values(self, **more: Value) -> Finding:
        """This finding with more (or other) values."""
        return Finding(self.code, {**self.data, **more})

    def __repr__(self) -> str:
        return f"Finding({self.code!r}, {dict(self.data)!r})"
