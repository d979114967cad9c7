"""A sourced number of a pricing table: its units (`Unit`, or a currency per a count of a counted
noun, `PerMany`), its sources (URL, the date the source states, how and when a maintainer read it,
a confidence), a value or a low/high range, and graduated tiers.

Pure: no files, no YAML; the engine and the readers both build on these types.
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

from schema.text import CONTROL

__all__ = [
    "KEY_PATTERN",
    "MAX_ENTRIES",
    "MAX_PLANS",
    "PER_MANY",
    "SCHEMA_VERSION",
    "Alternative",
    "Bool",
    "Confidence",
    "Date",
    "Distribution",
    "Float",
    "Key",
    "Number",
    "PerMany",
    "Pick",
    "PriceOrTiers",
    "PriceUnit",
    "Read",
    "Reading",
    "Sampled",
    "Scenario",
    "Source",
    "StrictModel",
    "Text",
    "Tier",
    "Tiered",
    "Unit",
    "latest_today",
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


class StrictModel(BaseModel):
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


class Read(StrictModel):
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


class Source(StrictModel):
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


class Alternative(StrictModel):
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


class Number(StrictModel):
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


class Tier(StrictModel):
    """One band of a graduated price: `price` applies to quantity up to `up_to` (None: no end)."""

    up_to: Float | None = Field(gt=0)
    price: Float = Field(ge=0)


class Tiered(StrictModel):
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
