"""A plan of a pricing table: its fee, what it includes, its features (seats, days, support) and the
machines a vendor offers. Pure, like every type in `schema`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import Field, Strict

from schema.numbers import MAX_ENTRIES, Bool, Confidence, Float, Key, Number, PriceOrTiers, StrictModel, Text

__all__ = [
    "FEATURES",
    "SUPPORT_LEVELS",
    "AnyFeature",
    "DaysFeature",
    "FlagFeature",
    "Machine",
    "PercentFeature",
    "Plan",
    "PlanFeatures",
    "SeatsFeature",
    "SupportFeature",
    "SupportLevel",
]


class Machine(StrictModel):
    """A machine size: the resources one executing run needs. Its key names it in plain words (its
    vCPU and memory); `aliases` are a vendor's names for it that earlier profiles and links used."""

    vcpu: Number
    memory_gb: Number
    aliases: tuple[Key, ...] = ()
    note: Text | None = None


SupportLevel = Literal["community", "email", "priority", "dedicated"]
"""community: forums and chat only; email: tickets or email; priority: response targets measured in
hours, or a shared chat channel; dedicated: a named engineer or around-the-clock response."""
SUPPORT_LEVELS: tuple[str, ...] = ("community", "email", "priority", "dedicated")


class _Feature(StrictModel):
    source: Key
    confidence: Confidence | None = None
    note: Text | None = None
    addon: Key | None = None
    """An add-on of the table that supplies what the plan lacks (for seats: one seat per unit)."""
    unpriced: Text | None = None
    """The feature costs extra at a price the vendor does not publish: how it is sold. A profile
    that requires it gets a warning that the total leaves it out."""


class SeatsFeature(_Feature):
    value: Annotated[int, Strict(), Field(ge=0, le=10_000_000)] | Literal["unlimited"]


class DaysFeature(_Feature):
    value: Annotated[float, Strict(), Field(ge=0, le=36_500, allow_inf_nan=False)] | Literal["unlimited"]


class PercentFeature(_Feature):
    value: Float = Field(gt=0, le=100)


class FlagFeature(_Feature):
    value: Bool


class SupportFeature(_Feature):
    value: SupportLevel


AnyFeature = SeatsFeature | DaysFeature | PercentFeature | FlagFeature | SupportFeature


class PlanFeatures(StrictModel):
    """What a plan offers beyond capacity, for buyers who need it in production: each feature
    sourced. A feature left out is one the vendor does not list for the plan (a requirement on
    it is then not met)."""

    seats: SeatsFeature | None = Field(default=None, title="Seats")
    log_retention_days: DaysFeature | None = Field(default=None, title="Log retention")
    sso: FlagFeature | None = Field(default=None, title="SSO / SAML")
    sla_percent: PercentFeature | None = Field(default=None, title="Uptime SLA")
    support: SupportFeature | None = Field(default=None, title="Support")
    hipaa: FlagFeature | None = Field(default=None, title="HIPAA (BAA)")

    def items(self) -> list[tuple[str, AnyFeature]]:
        """The features given, in the order of `FEATURES`."""
        return [(key, f) for key in FEATURES if (f := getattr(self, key)) is not None]


FEATURES: tuple[str, ...] = tuple(PlanFeatures.model_fields)
"""The plan features a buyer may require, in display order."""


class Plan(StrictModel):
    """A subscription plan of a cloud offering.

    `fee` is the monthly fee, or its floor when `fee_share` is set (the fee is then the greater of
    the floor and that share of the vendor's usage charges). `credit` is usage the fee includes,
    in dollars; `included` holds allowances by the id a meter names (`included:`), in the unit of
    the meter's quantity (times the meter's `included_scale`). `prices` override the table's prices
    of the same id on this plan. `concurrency` caps the runs that hold a slot at once (see the
    table's `concurrency`).
    """

    id: Key
    name: Text
    self_serve: Bool = True
    fee: Number
    fee_share: Number | None = None
    credit: Number | None = None
    overage: Bool = True
    """False when usage beyond the included allowance or credit is not allowed at all (a free plan)."""
    capped: tuple[Key, ...] = ()
    """Meters (ids) this plan takes no usage of beyond its allowance, while others may go past
    theirs (a plan with no published overage rate for one meter)."""
    concurrency: Number | None = None
    rate_caps: Mapping[Key, Number] = Field(default_factory=dict, max_length=MAX_ENTRIES)
    """Per-run quantity (a name in the table's `quantities`) -> the most of it the plan takes per
    second; a peak above it rules the plan out (an actions-per-second cap, say)."""
    included: Mapping[Key, Number] = Field(default_factory=dict, max_length=MAX_ENTRIES)
    prices: Mapping[Key, PriceOrTiers] = Field(default_factory=dict)
    limits: Mapping[Key, Number] = Field(default_factory=dict)
    features: PlanFeatures = Field(default_factory=PlanFeatures)
    note: Text | None = None
