"""Pydantic models of a pricing-and-limits table, and of the resolved `PriceBook`.

A table is one YAML file: one vendor offering (or one shared reference, such as the prices
of self-managed hosting) at one effective date. Every number in it is a `Number`: a value or a
low/high range, a unit from `Unit`, and a key into the table's `sources`, which give the URL,
the date the source states, the date a maintainer verified it and a confidence.

This module is pure: it knows neither files nor YAML (see `pricing.load`), so the engine in
`model/` can depend on these types.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any, Literal, overload

import numpy as np
import numpy.typing as npt
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    HttpUrl,
    PlainValidator,
    Strict,
    Tag,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from pricing.text import CONTROL

__all__ = [
    "CONTROL",
    "FEATURES",
    "SCHEMA_VERSION",
    "SUPPORT_LEVELS",
    "Alternative",
    "ByReference",
    "Category",
    "Coefficient",
    "Concurrency",
    "Confidence",
    "Contract",
    "Design",
    "FixedCost",
    "HistorySpec",
    "Holds",
    "Infrastructure",
    "License",
    "Load",
    "Machine",
    "MachineRun",
    "Measure",
    "Meter",
    "Number",
    "Plan",
    "PlanFeatures",
    "PriceBook",
    "PriceOrTiers",
    "PriceTable",
    "QuantitySpec",
    "Read",
    "Reading",
    "Retention",
    "RunLimit",
    "Scenario",
    "Segments",
    "Service",
    "Source",
    "SupportLevel",
    "Tier",
    "Tiered",
    "Unit",
    "Workers",
]

SCHEMA_VERSION = 2

Confidence = Literal["primary", "secondary", "estimate"]
"""primary: the vendor's own page, docs or code; secondary: a third party quoting the vendor;
estimate: worked out by us or taken from a non-authoritative source (the note says how)."""

Scenario = Literal["low", "expected", "high"]
Distribution = Literal["triangular", "uniform"]
"""How a ranged number is drawn in a Monte Carlo run: triangular on low, expected and high (the
default), or uniform between low and high (when a source gives bounds and no likelier value)."""


class Sampled:
    """A Monte Carlo draw per profile row: the value each ranged number takes in that row.

    `values` maps `id(number)` (a `Number`, or a `Tiered` for its price factor) to an array with one
    value per row; a number it does not hold takes its expected value. Tables are frozen, so the
    identity of a number is stable for as long as its book is alive.
    """

    __slots__ = ("values",)

    def __init__(self, values: Mapping[int, npt.NDArray[np.float64]]):
        self.values = values


Pick = Scenario | Sampled
"""What a number is read under: one end of its range, its expected value, or a draw per row."""


PER_MANY = re.compile(r"^(?P<currency>[A-Z]{3})/(?P<count>\d+(?:\.\d+)?)(?P<multiple>[kM]?) (?P<noun>.+)$")
"""A price quoted per many units: `USD/1M actions`, `USD/1k steps`, `USD/100k task runs`
(`model.units.price_unit_parts` reads it as the price of one)."""


class Unit(StrEnum):
    """The allowed units. A price's unit names its currency and the quantity it is per."""

    USD = "USD"
    USD_PER_MONTH = "USD/month"
    USD_PER_YEAR = "USD/year"
    USD_PER_RUN = "USD/run"
    USD_PER_SECOND = "USD/s"
    USD_PER_ACTION = "USD/action"
    USD_PER_MILLION_ACTIONS = "USD/1M actions"
    USD_PER_MILLION_STEPS = "USD/1M steps"
    USD_PER_100K_STEPS = "USD/100k steps"
    USD_PER_MILLION_EXECUTIONS = "USD/1M executions"
    USD_PER_MILLION_EVENTS = "USD/1M events"
    USD_PER_MILLION_REQUESTS = "USD/1M requests"
    USD_PER_THOUSAND_REQUESTS = "USD/1k requests"
    USD_PER_GB = "USD/GB"
    USD_PER_THOUSAND_TRANSITIONS = "USD/1k transitions"
    USD_PER_MILLION_CHECKPOINTS = "USD/1M checkpoints"
    USD_PER_MILLION_TASK_RUNS = "USD/1M task runs"
    USD_PER_MILLION_CPU_MS = "USD/1M CPU-ms"
    USD_PER_GB_MONTH = "USD/GB-month"
    USD_PER_GBH = "USD/GBh"
    USD_PER_VCPU_HOUR = "USD/vCPU-h"
    USD_PER_GB_RAM_HOUR = "USD/GB-RAM-h"
    USD_PER_VCPU_SECOND = "USD/vCPU-s"
    USD_PER_GB_SECOND = "USD/GB-s"
    USD_PER_CONCURRENT_RUN_MONTH = "USD/concurrent-run-month"
    USD_PER_FTE_YEAR = "USD/FTE-year"
    FRACTION = "fraction"
    MULTIPLIER = "multiplier"
    RUNS = "runs"
    ACTIONS = "actions"
    EVENTS = "events"
    STEPS = "steps"
    EXECUTIONS = "executions"
    REQUESTS = "requests"
    TRANSITIONS = "transitions"
    CHECKPOINTS = "checkpoints"
    TASK_RUNS = "task runs"
    CPU_MS = "CPU-ms"
    GB_MONTH = "GB-month"
    CONCURRENT_RUNS = "concurrent runs"
    BYTES = "bytes"
    KB = "KB"
    MB = "MB"
    GB = "GB"
    GBH = "GBh"
    GBH_PER_GB = "GBh/GB"
    VCPU = "vCPU"
    GB_RAM = "GB-RAM"
    VCPU_SECONDS = "vCPU-s"
    GB_SECONDS = "GB-s"
    PER_SECOND = "per s"
    RUNS_PER_SECOND = "runs/s"
    SECONDS = "s"
    HOURS = "hours"
    DAYS = "days"
    WEEKS = "weeks"
    ENGINEER_WEEKS = "engineer-weeks"
    FTE = "FTE"
    COUNT = "count"


class PerMany(str):
    """A price unit read by its pattern rather than listed: a currency per a number of some unit the
    tables count (`USD/1k steps`, `USD/250 runs`), any count with an optional k or M, so a vendor that
    quotes a new multiple needs no code. `value` is the text, as an `Unit`'s."""

    __slots__ = ()

    @property
    def value(self) -> str:
        return str(self)

    @classmethod
    def read(cls, text: str) -> PerMany:
        match = PER_MANY.match(text)
        counted = {u.value for u in Unit} | {u.value.removesuffix("s") for u in Unit}
        if match is None or match["currency"] != "USD" or match["noun"] not in counted or float(match["count"]) <= 0:
            raise ValueError(
                f"{text!r} is not a unit: one of the listed units, or USD per a number of a counted unit "
                "(USD/1k steps, USD/1M actions, USD/250 runs)"
            )
        return cls(text)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_after_validator_function(
            cls.read,
            core_schema.str_schema(),
            serialization=core_schema.plain_serializer_function_ser_schema(str),
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "string", "pattern": PER_MANY.pattern, "description": "USD per a number of a counted unit"}


def _price_unit(text: Any) -> Unit | PerMany:
    """A listed unit, or USD per a number of a counted unit; else a message listing what is allowed."""
    if isinstance(text, (Unit, PerMany)):
        return text
    if not isinstance(text, str):
        raise ValueError(f"a unit is text, such as USD/run (got {type(text).__name__})")
    try:
        return Unit(text)
    except ValueError:
        pass
    try:
        return PerMany.read(text)
    except ValueError:
        listed = ", ".join(u.value for u in Unit)
        raise ValueError(
            f"{text!r} is not a unit; allowed: {listed}; or USD per a number of a counted unit (USD/1k steps)"
        ) from None


PriceUnit = Annotated[
    Unit | PerMany,
    PlainValidator(_price_unit),
    WithJsonSchema(
        {
            "anyOf": [
                {"enum": [u.value for u in Unit]},
                {"type": "string", "pattern": PER_MANY.pattern},
            ],
            "description": "A listed unit, or USD per a number of a counted unit (USD/1k steps)",
        }
    ),
]
"""A price's unit: a listed unit, or USD per a number of a counted one, read by pattern."""


MAX_PLANS = 24
"""Plans in one table: vendors publish two to six; every plan is priced for every profile."""
MAX_ENTRIES = 256
"""Entries in one section of a table (prices, limits, counting numbers, meters, tiers, …): the
bundled tables have at most 36; a table past this is not a vendor's price list."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


KEY_PATTERN = r"^[a-z0-9][a-z0-9_.\-]*$"
"""What a key of a table (a price, a plan, an add-on, a source) may be: the one rule, which the
profile's contract terms read too."""
Key = Annotated[str, Strict(), Field(pattern=KEY_PATTERN)]
Float = Annotated[float, Strict(), Field(allow_inf_nan=False)]
"""A number as YAML writes it: an int or a float, never a quoted string, a boolean, .inf or .nan."""


def _printable(text: str) -> str:
    found = CONTROL.search(text.replace("\n", " ").replace("\t", " "))
    if found is not None:
        raise ValueError(f"control character U+{ord(found.group()):04X} is not allowed in text")
    return text


Text = Annotated[str, Strict(), AfterValidator(_printable)]
Bool = Annotated[bool, Strict()]
Date = Annotated[dt.date, Strict()]


def latest_today() -> dt.date:
    """The latest calendar date anywhere on Earth right now (UTC+14)."""
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=14)).date()


class Reading(StrEnum):
    """What was read, when a number was not read at its source's own address."""

    COPY = "copy"
    """A copy of the page: a crawl, a mirror, an archive that is not a dated permalink."""
    REPOSITORY = "repository"
    """The vendor's repository at a commit: the docs or code the page is built from."""
    PACKAGE = "package"
    """The vendor's code or docs inside a published package (`name@version`)."""
    THIRD_PARTY = "third-party"
    """Someone else quoting or describing the vendor's page."""


class Read(_Strict):
    """What a maintainer read instead of the page at `url`, and the date that copy carries."""

    kind: Reading
    at: Text = Field(min_length=3)
    """Where: a URL (a permalink where there is one) or `package@version`."""
    dated: Date
    """The date up to which what was read shows the page: a crawl's date, the date of the commit read
    (not of the file's last change, which can be older), a release's date, a post's date. Freshness
    is judged on it."""
    on: Date
    """The day it was read."""

    @model_validator(mode="after")
    def _dated_before_read(self) -> Read:
        if self.dated > self.on:
            raise ValueError(f"dated {self.dated} is after the day it was read ({self.on})")
        return self


def _not_in_future(value: dt.date, info: ValidationInfo, what: str) -> dt.date:
    given = (info.context or {}).get("today")
    # Without a given day, "today" is wherever on Earth it is latest: UTC's date plus one day
    # (UTC+14 is the furthest ahead), so a table verified today in Asia still loads today in
    # the Americas.
    latest = given or latest_today()
    if value > latest:
        raise ValueError(f"{what} date {value} is in the future (today is {latest})")
    return value


class Source(_Strict):
    """Where numbers came from, and how they were checked.

    `stated` is the date the source itself gives (a page's date, a changelog entry, or for an
    undated page the commit or crawl date, said in `title`). Then exactly one of:
    `verified`, the day the number was read at `url` itself; or `read`, what was read instead (a
    copy, the vendor's repository or package, a third party) with that copy's own date.
    """

    url: HttpUrl
    title: Text = Field(min_length=3)
    stated: Date
    verified: Date | None = None
    read: Read | None = None
    confidence: Confidence
    archive_url: HttpUrl | None = None

    @field_validator("verified")
    @classmethod
    def _verified_not_in_future(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        return None if value is None else _not_in_future(value, info, "verified")

    @field_validator("read")
    @classmethod
    def _read_not_in_future(cls, value: Read | None, info: ValidationInfo) -> Read | None:
        if value is not None:
            _not_in_future(value.on, info, "read.on")
        return value

    @model_validator(mode="after")
    def _checked_once(self) -> Source:
        if (self.verified is None) == (self.read is None):
            raise ValueError(
                "give `verified` (the day the number was read at `url`) or `read` (what was read "
                "instead: kind, at, dated, on), not both and not neither"
            )
        if self.verified is not None and self.stated > self.verified:
            raise ValueError(
                f"stated date {self.stated} is after the verified date {self.verified}: "
                "a source cannot be verified before it was written"
            )
        if self.read is not None and self.stated > self.read.dated:
            raise ValueError(
                f"stated date {self.stated} is after the date of what was read ({self.read.dated}): "
                "a copy cannot show a page before it was written"
            )
        return self

    @property
    def checked(self) -> dt.date:
        """The day the number is known to hold: read at `url` that day, or the date of the copy read."""
        if self.verified is not None:
            return self.verified
        assert self.read is not None
        return self.read.dated

    @property
    def read_on(self) -> dt.date:
        """The day a maintainer read it, at the source or elsewhere."""
        if self.verified is not None:
            return self.verified
        assert self.read is not None
        return self.read.on

    @property
    def how_checked(self) -> str:
        """How the number was checked, in a few words."""
        if self.verified is not None:
            return f"read at the source on {self.verified}"
        assert self.read is not None
        kind = {
            Reading.COPY: "a copy of the page",
            Reading.REPOSITORY: "the vendor's repository",
            Reading.PACKAGE: "the vendor's package",
            Reading.THIRD_PARTY: "a third party",
        }[self.read.kind]
        where = "" if self.read.at == str(self.url) else f" ({self.read.at})"  # a permalink cited as the URL itself
        return f"read from {kind}{where} dated {self.read.dated}, on {self.read.on}"


class Alternative(_Strict):
    """A value another source gives for the same number, kept so readers see the conflict."""

    value: Float | None = Field(default=None, ge=0)
    low: Float | None = Field(default=None, ge=0)
    high: Float | None = Field(default=None, ge=0)
    source: Key
    note: Text = Field(min_length=3)


def _check_range(low: float | None, value: float | None, high: float | None) -> None:
    if value is None and (low is None or high is None):
        raise ValueError("give `value`, or both `low` and `high`")
    if (low is None) != (high is None):
        raise ValueError("give both `low` and `high`, or neither")
    if low is not None and high is not None:
        if low > high:
            raise ValueError(f"low {low} is greater than high {high}")
        if value is not None and not low <= value <= high:
            raise ValueError(f"value {value} is outside its range [{low}, {high}]")


class Number(_Strict):
    """One sourced number: `value`, or a `low`–`high` range, or all three.

    With only a range, the expected value is its midpoint. Negative numbers are rejected: no
    price, allowance, limit or count in this domain is below zero.
    """

    value: Float | None = Field(default=None, ge=0)
    low: Float | None = Field(default=None, ge=0)
    high: Float | None = Field(default=None, ge=0)
    unit: PriceUnit
    source: Key
    confidence: Confidence | None = None
    note: Text | None = None
    alternatives: tuple[Alternative, ...] = ()
    distribution: Distribution | None = None
    """How the range is drawn in a Monte Carlo run (default: triangular on low, expected, high)."""
    drawn_with: Text | None = None
    """The path of another ranged number of the table (`plans.pro.fee`) that this one moves with in a
    Monte Carlo run: both take the same quantile of their ranges (a plan's credit that equals its fee)."""
    moves_with: Text | None = None
    """A factor shared across tables (`operations-effort`): in a Monte Carlo run every number that names
    it takes the same quantile of its own range (one doubt behind several estimates)."""

    @model_validator(mode="after")
    def _range(self) -> Number:
        _check_range(self.low, self.value, self.high)
        moved = self.drawn_with is not None or self.moves_with is not None
        if (self.distribution is not None or moved) and self.low is None:
            raise ValueError("`distribution`, `drawn_with` and `moves_with` need a range: give `low` and `high`")
        if self.drawn_with is not None and self.moves_with is not None:
            raise ValueError("give `drawn_with` or `moves_with`, not both")
        for alt in self.alternatives:
            _check_range(alt.low, alt.value, alt.high)
        return self

    @property
    def expected(self) -> float:
        if self.value is not None:
            return self.value
        assert self.low is not None and self.high is not None
        return (self.low + self.high) / 2

    @property
    def ranged(self) -> bool:
        return self.low is not None and self.high is not None and self.low < self.high

    @overload
    def pick(self, scenario: Scenario) -> float: ...
    @overload
    def pick(self, scenario: Pick) -> float | npt.NDArray[np.float64]: ...

    def pick(self, scenario: Pick) -> float | npt.NDArray[np.float64]:
        """The value under a scenario: the range's end, or the value when there is no range; under
        a `Sampled` draw, the drawn value of each row.

        >>> n = Number(value=2.0, low=1.0, high=4.0, unit=Unit.USD, source="s")
        >>> n.pick("low"), n.pick("expected"), n.pick("high")
        (1.0, 2.0, 4.0)
        """
        if isinstance(scenario, Sampled):
            drawn = scenario.values.get(id(self))
            return self.expected if drawn is None else drawn
        if scenario == "low" and self.low is not None:
            return self.low
        if scenario == "high" and self.high is not None:
            return self.high
        return self.expected


class Tier(_Strict):
    """One band of a graduated price: `price` applies to quantity up to `up_to` (None: no end)."""

    up_to: Float | None = Field(gt=0)
    price: Float = Field(ge=0)


class Tiered(_Strict):
    """A graduated (marginal) price: each band's price applies only to the quantity inside it."""

    unit: PriceUnit
    quantity_unit: Unit
    tiers: tuple[Tier, ...] = Field(min_length=1, max_length=MAX_ENTRIES)
    source: Key
    confidence: Confidence | None = None
    note: Text | None = None
    beyond_last: Text | None = None
    """What the vendor says past the last bounded band (e.g. 'contact Sales'); the engine then
    prices the excess at the last band's price and says the figure depends on a negotiation."""
    low_factor: Float | None = Field(default=None, ge=0)
    high_factor: Float | None = Field(default=None, ge=0)
    """Every band's price times these at the low and the high end (a third party's tiers)."""
    distribution: Distribution | None = None
    """How the factor is drawn in a Monte Carlo run (default: triangular on low, 1, high)."""

    @property
    def ranged(self) -> bool:
        return self.low_factor is not None and self.high_factor is not None and self.low_factor < self.high_factor

    @model_validator(mode="after")
    def _factors_bracket_one(self) -> Tiered:
        if (self.low_factor is None) != (self.high_factor is None):
            raise ValueError("give both `low_factor` and `high_factor`, or neither")
        if (
            self.low_factor is not None
            and self.high_factor is not None
            and not (self.low_factor <= 1 <= self.high_factor)
        ):
            raise ValueError("`low_factor` <= 1 <= `high_factor`: the tiers as given are the expected prices")
        return self

    @overload
    def factor(self, scenario: Scenario) -> float: ...
    @overload
    def factor(self, scenario: Pick) -> float | npt.NDArray[np.float64]: ...

    def factor(self, scenario: Pick) -> float | npt.NDArray[np.float64]:
        """The factor on every band's price in a scenario (1 where no range is given)."""
        if isinstance(scenario, Sampled):
            return scenario.values.get(id(self), 1.0)
        picked = {"low": self.low_factor, "high": self.high_factor}.get(scenario)
        return 1.0 if picked is None else picked

    @field_validator("tiers")
    @classmethod
    def _increasing(cls, tiers: tuple[Tier, ...]) -> tuple[Tier, ...]:
        previous = 0.0
        for index, tier in enumerate(tiers):
            if tier.up_to is None:
                if index != len(tiers) - 1:
                    raise ValueError(f"tier {index}: only the last tier may have no `up_to`")
                continue
            if tier.up_to <= previous:
                raise ValueError(
                    f"tier {index}: bound {tier.up_to:g} must be greater than the previous "
                    f"bound {previous:g} (tier bounds must increase)"
                )
            previous = tier.up_to
        return tiers


NUMBER_TAG, TIERED_TAG = "<number>", "<tiered>"
"""Union tags; the angle brackets keep them apart from any key a table may use."""


def _price_kind(value: Any) -> str:
    if isinstance(value, Mapping):
        return TIERED_TAG if "tiers" in value else NUMBER_TAG
    return TIERED_TAG if isinstance(value, Tiered) else NUMBER_TAG


PriceOrTiers = Annotated[
    Annotated[Number, Tag(NUMBER_TAG)] | Annotated[Tiered, Tag(TIERED_TAG)],
    Discriminator(_price_kind),
]


class Machine(_Strict):
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


class _Feature(_Strict):
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


class PlanFeatures(_Strict):
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


class Plan(_Strict):
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


Count = Annotated[float, Strict(), Field(ge=0, allow_inf_nan=False)]
"""A number of things: as `Float`, and never below zero."""
Coefficient = Annotated[
    Count | Key | tuple[Count | Key, ...],
    Field(description="a number, a key of the table's `counting`, or a list of them added together"),
]
"""How many of a unit one count adds: a number, a `counting` key, or a sum of them."""

Category = Literal["vendor", "infrastructure", "people"]
Holds = Literal["executing", "open"]
"""Which runs occupy a slot (or a machine): only those executing a step, or every open run,
waiting or not (no checkpoints)."""


class QuantitySpec(_Strict):
    """A named quantity the table's meters, limits and loads read.

    Either `per_run`, a linear combination of the engine's usage counts (`steps`,
    `step_attempts`, `sleeps`, `children`, … — see README, "Meters") with coefficients from
    `counting`, multiplied by the month's runs; or `derived`, one of the engine's named derived
    quantities (storage GB-hours of a recorded history, …). `granule` rounds each run's quantity up
    to a multiple of a `counting` number (a vendor that bills in 100 ms steps).
    """

    unit: Unit
    per_run: Mapping[Key, Coefficient] | None = None
    derived: Key | None = None
    granule: Key | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _one_source(self) -> QuantitySpec:
        if (self.per_run is None) == (self.derived is None):
            raise ValueError("give either `per_run` (counts and their coefficients) or `derived`, not both")
        return self


class Meter(_Strict):
    """One billed quantity: a line item of the vendor's bill on every plan.

    Cost = max(0, quantity - allowance) priced flat or on graduated tiers. The price is the
    table's `prices[price]` (a plan's own `prices[price]` first); with `price_by: machine` it is
    `prices["<price>.<machine>"]` for the profile's machine size. The allowance is the plan's
    `included[included]` times `counting[included_scale]` (an allowance in GB-months against a
    quantity in GB-hours, say).
    """

    id: Key
    name: Text
    quantity: Key
    price: Key | None = None
    price_not_public: Text | None = None
    """Instead of `price`: what the price depends on, when the vendor publishes none (the line then
    shows its quantity and says "price not public")."""
    price_by: Literal["machine"] | None = None
    included: Key | None = None
    included_scale: Key | None = None
    category: Category = "vendor"
    reports_as: Key | None = None
    """The key of this meter's quantity in the output's `quantities` (default: the quantity's name)."""
    design: Key | None = None
    """The design (an id of the table's `designs`) this meter belongs to: it bills only where a
    profile's run is priced as that design (a machine product the steps move to, say)."""
    note: Text | None = None

    @model_validator(mode="after")
    def _priced(self) -> Meter:
        if (self.price is None) == (self.price_not_public is None):
            raise ValueError("give `price`, or `price_not_public` saying what the price depends on")
        return self


class Concurrency(_Strict):
    """How the plans' concurrency caps apply: which runs hold a slot, and whether slots past a
    plan's cap can be bought (a plan price `extra_price`, per slot per month). A plan without that
    price cannot take a peak above its cap."""

    holds: Holds
    also: tuple[Key, ...] = ()
    """Counts (seconds per run) in which a run keeps its slot though it does not execute: a short wait
    before it is checkpointed, say."""
    extra_price: Key | None = None
    extra_block: Key | None = None
    """A `counting` key: extra slots are sold in blocks of this many."""
    extra_name: Text = "Extra concurrency"
    extra_depends_on: Text | None = None
    """What an extra-concurrency figure hinges on (a price set in a dashboard, say)."""


class Segments(_Strict):
    """A run may restart itself with a fresh history (Continue-As-New, in one vendor's words): past `events`
    events or `size_mb` MB the engine starts a new segment, which begins with `restart_events`
    events and, with `carries_context`, the run's context so far as its input."""

    name: Text
    events: Key
    size_mb: Key
    restart_events: Key
    restart_bytes: Key | None = None
    """The `counting` bytes a new segment starts with (with the history's `bytes`; otherwise
    `restart_events` x `event_bytes`)."""
    carries_context: Bool = True
    advice: Text
    """Shown when a run needs more than one segment; may use {every}, {segments}, {events}, {mb}."""


class Retention(_Strict):
    """How long closed histories are kept: the profile's `retention_days`, clamped to the limits
    `min` and `max` (keys of `limits`). With `per_plan` (a key of a plan's `limits`), a plan that
    keeps them for fewer days is priced at its own bound."""

    min: Key
    max: Key
    per_plan: Key | None = None


class HistorySpec(_Strict):
    """What one run records (an event-sourced history): events per run as a linear combination of
    usage counts, `event_bytes` of fixed fields per event, and the payloads: every step records its
    input and output (`step_payload_kb`, growing by `context_growth_kb` a step), and each count in
    `payloads` records one more. Each child's own history is `child_events` events and a payload."""

    name: Text
    events: Mapping[Key, Coefficient] = Field(min_length=1)
    event_bytes: Key | None = None
    """One `counting` size for every event's own fields; or, measured per kind of event, `bytes`."""
    bytes: Mapping[Key, Coefficient] = Field(default_factory=dict)
    """Bytes each count records besides the payloads, as a linear combination of usage counts
    (what a real server records per run, per step, per retried step, per sleep …)."""
    payloads: Mapping[Key, Coefficient] = Field(default_factory=dict)
    step_payloads: Mapping[Key, Coefficient] = Field(default_factory=lambda: {"steps": 1.0})
    """The share of a step's payload its history records, by the kind of step (a step run inside
    the workflow's own task may record its result alone)."""
    growth: Mapping[Key, Coefficient] = Field(default_factory=lambda: {"steps": 1.0})
    """The steps whose recorded input carries the growing context."""
    child_events: tuple[Key, ...] = ()
    child_bytes: tuple[Key, ...] = ()
    """With `bytes`: the `counting` sizes a child's own history records besides payloads."""
    child_payloads: Coefficient = 1.0
    """Step payloads a child's own history records (its input and result, its step's input and output)."""
    segments: Segments | None = None

    @model_validator(mode="after")
    def _one_size(self) -> HistorySpec:
        if (self.event_bytes is None) == (not self.bytes):
            raise ValueError("give either `event_bytes` (one size per event) or `bytes` (per count), not both")
        return self


Measure = Literal[
    "events",
    "history_bytes",
    "payload_bytes",
    "run_seconds",
    "step_seconds",
    "wait_seconds",
    "concurrent_runs",
    "start_rate",
    "step_cpu_seconds",
    "state_bytes",
    "step_memory_mb",
    "needs_machine",
    "quantity",
]


class RunLimit(_Strict):
    """A limit on one run that the engine projects: the `limits` number `id`, what it bounds
    (`measure`), an optional warning level (another `limits` key) and what to do past it.

    Measures: `events` and `history_bytes` of the recorded history, `payload_bytes` (the largest
    payload of one step), `run_seconds` (start to finish), `wait_seconds` (the longest single sleep
    or wait), `step_seconds` (one attempt of a step), `step_cpu_seconds` (the CPU time of one
    attempt of a step), `state_bytes` (the state a run keeps: `state_kb_per_run`, or every step's
    payload with the growing context), `step_memory_mb` (the memory one step's code needs, when the
    profile says), `needs_machine` (1 where a step needs a full machine or sandbox: a limit of 0 is a
    runtime that cannot host one), `concurrent_runs` (runs holding a slot at the peak, as
    `concurrency.holds` or executing), `start_rate` (runs started per second at the peak), `quantity`
    (a per-run quantity of `quantities`, named in `quantity`).

    A `hard` limit passed means the option, as designed, cannot run the workload: a `design` of the
    table that `lifts` it is priced instead, or the option is ruled out with `advice` as the way
    around. A limit that is not hard (a default a team can raise, a level the vendor advises
    staying under) only warns."""

    id: Key
    name: Text
    measure: Measure
    quantity: Key | None = None
    warning: Key | None = None
    hard: Bool = True
    advice: Text | None = None

    @model_validator(mode="after")
    def _quantity_named(self) -> RunLimit:
        if (self.measure == "quantity") != (self.quantity is not None):
            raise ValueError("`quantity` names the per-run quantity of a `measure: quantity` limit, and only then")
        return self


class ByReference(_Strict):
    """A run that keeps its large payloads in an object store and passes references: each step's
    input and output (and the growing context) are written to the store `store` (a store of the
    `reference/object-storage` table), and what the orchestrator records, stores and passes is a
    reference of `reference_kb` (a `counting` key) per step. `writes_per_step` and
    `reads_per_step` (`counting` keys) are the store's requests per step; the data read back
    leaves the store at its transfer price."""

    store: Key
    reference_kb: Key
    writes_per_step: Key
    reads_per_step: Key


class MachineRun(_Strict):
    """Where a design moves the steps' work onto the vendor's machine product: the orchestrator's own
    runtime then only calls it and waits, at `cpu_share` (a `counting` key) of the step's wall time on
    CPU; the machine runs the work at the profile's own CPU share."""

    cpu_share: Key


class Design(_Strict):
    """The vendor's documented way around a hard limit, priced as a design of its own ("Acme
    Cloud, payloads by reference"). A run that passes one of the limits it `lifts` is priced as
    the first design (in the table's order) under whose run it passes no hard limit.

    `raises` sets a limit to a higher level the vendor allows on request or by configuration (a
    `limits` key per run limit id, at no cost); `by_reference` moves the payloads to an object
    store at the store's prices; a design may instead (or also) bill meters of the table that name it
    (`meters[].design`: the vendor's machine product the steps move to)."""

    id: Key
    name: Text
    """How the design is named after the option's name: "payloads by reference"."""
    lifts: tuple[Key, ...] = Field(min_length=1)
    raises: Mapping[Key, Key] = Field(default_factory=dict)
    by_reference: ByReference | None = None
    machine: MachineRun | None = None
    source: Key
    note: Text | None = None


class Contract(_Strict):
    """A plan above the published ones, sold by contract at a price the vendor does not publish
    ("Enterprise"). A workload no published plan takes is then "price not public" on this option:
    shown, never named cheapest, its total not extrapolated from a smaller plan's rates."""

    name: Text
    source: Key
    note: Text | None = None


class Workers(_Strict):
    """The machines you run the steps on, sized from the runs that hold one (`holds`) at the
    profile's machine size, on the hosting reference table's prices, never below the `assumptions`
    minimums named here."""

    name: Text = "Workers"
    holds: Holds
    min_vcpu: Key = "worker_min_vcpu"
    min_memory_gb: Key = "worker_min_memory_gb"


class Load(_Strict):
    """The load a fixed cost holds up to: the peak rate of a per-run quantity (per second);
    past `up_to` (a key of `assumptions`) the cost depends on sizing."""

    quantity: Key
    up_to: Key
    reports_as: Key
    depends_on: Text


class Service(_Strict):
    """A fixed self-managed service: `vcpu` and `memory_gb` (keys of `assumptions`) for a month,
    holding up to a `load` (past it the line depends on sizing)."""

    id: Key
    name: Text
    vcpu: Key
    memory_gb: Key
    load: Load | None = None


class FixedCost(_Strict):
    """A monthly cost from `assumptions` (a self-hosted cluster, say)."""

    id: Key
    name: Text
    monthly: Key
    category: Category = "infrastructure"
    load: Load | None = None


class Infrastructure(_Strict):
    """What you run yourself."""

    workers: Workers | None = None
    services: tuple[Service, ...] = ()
    fixed: tuple[FixedCost, ...] = ()


class Addon(_Strict):
    """Something a buyer may add to the option (a profile's `overrides.<option>.addons` names it by
    `id`, with 1 to switch it on or how many units).

    `multiplies` lists meters whose quantity it multiplies by the `counting` number `factor` (High
    Availability doubles Actions and storage); `price` prices each unit a month (a price id of the
    table or of a plan); with `raises_concurrency` each unit lifts the plan's concurrency cap by
    one (extra concurrency bought in a dashboard). `plans`: the plans that sell it (empty: all)."""

    id: Key
    name: Text
    multiplies: tuple[Key, ...] = ()
    factor: Key | None = None
    price: Key | None = None
    raises_concurrency: Bool = False
    plans: tuple[Key, ...] = ()
    note: Text | None = None

    @model_validator(mode="after")
    def _does_something(self) -> Addon:
        if bool(self.multiplies) != (self.factor is not None):
            raise ValueError("`multiplies` (meter ids) and `factor` (a `counting` key) go together")
        if not self.multiplies and self.price is None:
            raise ValueError("an add-on `multiplies` meters or has a `price`")
        if self.raises_concurrency and self.price is None:
            raise ValueError("an add-on that `raises_concurrency` has a `price` per slot")
        return self


class License(_Strict):
    name: Text
    note: Text
    """What self-hosting needs, said after "no fee" in the plan reason."""
    source: Key | None = None
    """Where the licence is stated (a key of `sources`)."""


class PriceTable(_Strict):
    """One versioned table: an offering (`kind: option`) or shared reference data."""

    schema_version: Literal[2]
    id: Annotated[str, Field(pattern=r"^[a-z0-9.\-]+/[a-z0-9.\-]+$")]
    kind: Literal["option", "reference", "sandbox"]
    """`option`: an orchestrator offering to compare; `reference`: shared prices the options read
    (hosting, people, object storage); `sandbox`: a service the agent's code runs in beside the
    orchestrator (its `prices.vcpu_second` and `prices.memory_second`, its plans' fees, credits and
    `limits`), priced the same on every option."""
    hosting: Literal["cloud", "self-hosted"] | None = None
    license: License | None = None
    vendor: Text
    name: Text
    summary: Text
    effective: Date
    recheck_months: Annotated[int, Strict()] = Field(ge=1, le=24)
    uses: tuple[str, ...] = ()
    components: tuple[Text, ...] = ()
    """What you run yourself, for a self-hosted option."""
    notes: Text | None = None
    sources: Mapping[Key, Source] = Field(min_length=1, max_length=MAX_ENTRIES)
    plans: tuple[Plan, ...] = Field(default=(), max_length=MAX_PLANS)
    prices: Mapping[Key, PriceOrTiers] = Field(default_factory=dict, max_length=MAX_ENTRIES)
    machines: Mapping[Key, Machine] = Field(default_factory=dict, max_length=MAX_ENTRIES)
    limits: Mapping[Key, Number] = Field(default_factory=dict, max_length=MAX_ENTRIES)
    counting: Mapping[Key, Number] = Field(default_factory=dict, max_length=MAX_ENTRIES)
    assumptions: Mapping[Key, Number] = Field(default_factory=dict, max_length=MAX_ENTRIES)
    quantities: Mapping[Key, QuantitySpec] = Field(default_factory=dict, max_length=MAX_ENTRIES)
    meters: tuple[Meter, ...] = Field(default=(), max_length=MAX_ENTRIES)
    concurrency: Concurrency | None = None
    history: HistorySpec | None = None
    retention: Retention | None = None
    """The bounds of the profile's `retention_days` on this option (closed runs' history or state)."""
    run_limits: tuple[RunLimit, ...] = Field(default=(), max_length=MAX_ENTRIES)
    designs: tuple[Design, ...] = Field(default=(), max_length=MAX_ENTRIES)
    """The vendor's documented ways around a hard run limit, each priced as a design of its own."""
    contract: Contract | None = None
    """A contract-only plan above the published ones (no public price)."""
    infrastructure: Infrastructure = Field(default_factory=Infrastructure)
    people: Key | None = None
    """The `assumptions` key of the share of an engineer operating this option [FTE]."""
    features: PlanFeatures = Field(default_factory=PlanFeatures)
    """A cloud option without plans: what its one offering includes (see `Plan.features`)."""
    addons: tuple[Addon, ...] = Field(default=(), max_length=MAX_ENTRIES)

    @model_validator(mode="after")
    def _option_has_hosting(self) -> PriceTable:
        if self.kind == "option" and self.hosting is None:
            raise ValueError("an option table needs `hosting`: cloud or self-hosted")
        return self

    @model_validator(mode="after")
    def _drawn_with_exists(self) -> PriceTable:
        numbers = {".".join(path): item for path, item in self.numbers().items()}
        for path, item in numbers.items():
            if not isinstance(item, Number) or item.drawn_with is None:
                continue
            other = numbers.get(item.drawn_with)
            if other is None or not other.ranged or other is item:
                raise ValueError(
                    f"{path}: drawn_with {item.drawn_with!r} is not another ranged number of this table "
                    "(a path such as plans.pro.fee)"
                )
        return self

    def cited_sources(self) -> list[Source]:
        """The sources its numbers cite (every source, if none is cited)."""
        cited = {item.source for item in self.numbers().values()}
        return [s for key, s in self.sources.items() if key in cited] or list(self.sources.values())

    def checked(self) -> dt.date:
        """The day its prices are known to hold: the oldest day among the sources its numbers cite on
        which their number was read (at the source, or the date of the copy read instead)."""
        return min(s.checked for s in self.cited_sources())

    def recheck_due(self) -> dt.date:
        """When its sources are due to be read again: `recheck_months` after `checked()`."""
        return months_after(self.checked(), self.recheck_months)

    def numbers(self) -> dict[tuple[str, ...], Number | Tiered]:
        """Every sourced number of the table, keyed by its path (e.g. ('plans', 'pro', 'fee'))."""
        found: dict[tuple[str, ...], Number | Tiered] = {}
        for section in ("prices", "limits", "counting", "assumptions"):
            for key, item in getattr(self, section).items():
                found[(section, key)] = item
        for name, machine in self.machines.items():
            found[("machines", name, "vcpu")] = machine.vcpu
            found[("machines", name, "memory_gb")] = machine.memory_gb
        for plan in self.plans:
            base = ("plans", plan.id)
            found[(*base, "fee")] = plan.fee
            for name in ("fee_share", "credit", "concurrency"):
                item = getattr(plan, name)
                if item is not None:
                    found[(*base, name)] = item
            for key, item in plan.included.items():
                found[(*base, "included", key)] = item
            for key, price in plan.prices.items():
                found[(*base, "prices", key)] = price
            for key, cap in plan.rate_caps.items():
                found[(*base, "rate_caps", key)] = cap
            for key, limit in plan.limits.items():
                found[(*base, "limits", key)] = limit
        return found

    def price(self, key: str, plan: Plan | None = None) -> Number | Tiered:
        """The price `key`, a plan's override first."""
        if plan is not None and key in plan.prices:
            return plan.prices[key]
        try:
            return self.prices[key]
        except KeyError:
            raise KeyError(f"{self.id} {self.effective}: no price {key!r}") from None

    def number(self, section: str, key: str) -> Number:
        """A `Number` from `limits`, `counting` or `assumptions`."""
        try:
            item = getattr(self, section)[key]
        except KeyError:
            raise KeyError(f"{self.id} {self.effective}: no {section}.{key}") from None
        assert isinstance(item, Number)
        return item

    def source_for(self, item: Number | Tiered) -> Source:
        return self.sources[item.source]

    def confidence_of(self, item: Number | Tiered) -> Confidence:
        return item.confidence or self.sources[item.source].confidence


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day where it has fewer).

    >>> months_after(dt.date(2026, 11, 30), 3), months_after(dt.date(2026, 11, 19), 3)
    (datetime.date(2027, 2, 28), datetime.date(2027, 2, 19))
    """
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


class ModelsFile(_Strict):
    """`data/models.yaml`: the pinned `genai-prices` version whose bundled snapshot prices the model's
    tokens (`pricing.tokens`), and where and when that snapshot comes from."""

    version: Literal[1]
    package: Literal["genai-prices"]
    pinned: Text = Field(pattern=r"^\d+(\.\d+)*$")
    recheck_months: int = Field(ge=1, le=24)
    source: Source

    def checked(self) -> dt.date:
        """The day the snapshot is known to hold: the day it was verified, or the date of what was read."""
        if self.source.verified is not None:
            return self.source.verified
        assert self.source.read is not None
        return self.source.read.dated

    def recheck_due(self) -> dt.date:
        return months_after(self.checked(), self.recheck_months)


class PriceBook(BaseModel):
    """The tables in force on `as_of`: for each table id, the newest file not after that date."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    as_of: dt.date
    tables: Mapping[str, PriceTable]
    files: Mapping[str, str] = Field(default_factory=dict)
    """Table id -> the file it was read from, relative to the data directory."""
    later: Mapping[str, tuple[str, dt.date]] = Field(default_factory=dict)
    """Option id -> (its name, the date of its first table), for options with no table in force
    yet: "no prices before" that date."""
    models: ModelsFile | None = None
    """Which snapshot prices the model's tokens (`data/models.yaml`); None in a data directory
    without one (a profile that names a model is then refused)."""

    def table(self, table_id: str) -> PriceTable:
        try:
            return self.tables[table_id]
        except KeyError:
            known = ", ".join(sorted(self.tables)) or "none"
            raise KeyError(f"no pricing table {table_id!r} in force on {self.as_of} (have: {known})") from None

    def options(self) -> list[PriceTable]:
        """The offerings to compare, in a stable order."""
        return [t for _, t in sorted(self.tables.items()) if t.kind == "option"]

    def sandboxes(self) -> list[PriceTable]:
        """The sandbox services a profile may name, in a stable order."""
        return [t for _, t in sorted(self.tables.items()) if t.kind == "sandbox"]
