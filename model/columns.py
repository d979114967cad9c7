"""Profiles as columns: `profiles_frame` turns one or many profiles (or a frame of 100,000) into
one row per profile, and `Columns` is the engine's view of them, with each option's overrides and
the plan requirements row by row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from model.billing import repeated
from schema.inputs import STEP_KINDS_BEFORE, OptionOverrides, PlanRequirements, StepKind
from schema.profile import (
    BOUNDS,
    NUMERIC_FIELDS,
    OPTIONAL_FIELDS,
    REQUIRED_FIELDS,
    STEP_KINDS,
    ProfileError,
    WorkloadProfile,
    allowed_words,
    described,
)

__all__ = [
    "FLAG_COLUMNS",
    "TEAM_COLUMNS",
    "TEXT_COLUMNS",
    "Columns",
    "OverrideColumns",
    "RequirementColumns",
    "column",
    "lookup",
    "profiles_frame",
]


@dataclass(frozen=True)
class OverrideColumns:
    """One option's overrides, row by row (NaN, 0 or None where a row gives none)."""

    rows: int
    prices: dict[str, npt.NDArray[np.float64]]
    discount: npt.NDArray[np.float64]
    """A fraction of the vendor's bill."""
    commitment: npt.NDArray[np.float64]
    credit: npt.NDArray[np.float64]
    plan: npt.NDArray[np.object_]
    addons: dict[str, npt.NDArray[np.float64]]
    pinned: bool = False
    """Whether any row pins a plan."""

    @classmethod
    def of(cls, rows: list[OptionOverrides | None]) -> OverrideColumns:
        n = len(rows)
        prices: dict[str, npt.NDArray[np.float64]] = {}
        addons: dict[str, npt.NDArray[np.float64]] = {}
        discount, commitment, credit = np.zeros(n), np.full(n, np.nan), np.full(n, np.nan)
        plan = repeated(n, None)
        for i, o in enumerate(rows):
            if o is None:
                continue
            for key, value in o.prices.items():
                prices.setdefault(key, np.full(n, np.nan))[i] = value
            for key, value in o.addons.items():
                addons.setdefault(key, np.zeros(n))[i] = value
            discount[i] = o.discount_percent / 100.0
            if o.commitment_usd is not None:
                commitment[i] = o.commitment_usd
                credit[i] = o.commitment_usd if o.commitment_credit_usd is None else o.commitment_credit_usd
            plan[i] = o.plan
        return cls(n, prices, discount, commitment, credit, plan, addons, any(o is not None and o.plan for o in rows))

    def take(self, rows: npt.NDArray[np.intp]) -> OverrideColumns:
        """These columns at the given row indices."""
        return OverrideColumns(
            len(rows),
            {k: v[rows] for k, v in self.prices.items()},
            self.discount[rows],
            self.commitment[rows],
            self.credit[rows],
            self.plan[rows],
            {k: v[rows] for k, v in self.addons.items()},
            self.pinned,
        )


_NO_REQUIREMENTS = PlanRequirements()


@dataclass(frozen=True)
class RequirementColumns:
    """The profiles' plan requirements, row by row: NaN (or False) where a row states none;
    `support` is the index of the least level in `SUPPORT_LEVELS`, -1 for none."""

    seats: npt.NDArray[np.float64]
    log_retention_days: npt.NDArray[np.float64]
    sso: npt.NDArray[np.bool_]
    sla_percent: npt.NDArray[np.float64]
    support: npt.NDArray[np.intp]
    hipaa: npt.NDArray[np.bool_]

    @classmethod
    def of(cls, rows: list[PlanRequirements]) -> RequirementColumns:
        from schema.plans import SUPPORT_LEVELS

        def number(key: str) -> npt.NDArray[np.float64]:
            return np.array([np.nan if getattr(r, key) is None else float(getattr(r, key)) for r in rows])

        return cls(
            seats=number("seats"),
            log_retention_days=number("log_retention_days"),
            sso=np.array([r.sso for r in rows], dtype=bool),
            sla_percent=number("sla_percent"),
            support=np.array(
                [-1 if r.support is None else SUPPORT_LEVELS.index(r.support) for r in rows], dtype=np.intp
            ),
            hipaa=np.array([r.hipaa for r in rows], dtype=bool),
        )

    def take(self, rows: npt.NDArray[np.intp]) -> RequirementColumns:
        """These columns at the given row indices."""
        return RequirementColumns(
            self.seats[rows],
            self.log_retention_days[rows],
            self.sso[rows],
            self.sla_percent[rows],
            self.support[rows],
            self.hipaa[rows],
        )


class Columns(Mapping[str, npt.NDArray[Any]]):
    """A profile frame as plain NumPy columns, converted once per `estimate()`.

    The vendor models read dozens of columns per call; going through pandas for each read costs
    more than the arithmetic. `rows` is the number of profiles.
    """

    def __init__(self, frame: pd.DataFrame):
        self._data: dict[str, npt.NDArray[Any]] = {}
        for name in frame.columns:
            if name in NUMERIC_FIELDS or name in FLAG_COLUMNS or name == "engineer_cost_usd_per_year":
                self._data[str(name)] = frame[name].to_numpy(dtype=np.float64)
            elif name in TEXT_COLUMNS:
                self._data[str(name)] = frame[name].to_numpy().astype(str)
            else:
                self._data[str(name)] = frame[name].to_numpy(dtype=object)
        self.rows = len(frame)
        self._categories: dict[str, tuple[npt.NDArray[np.str_], npt.NDArray[np.intp]]] = {}
        self._ops: dict[str, npt.NDArray[np.float64]] | None = None
        self._overrides: dict[str, OverrideColumns | None] | None = None
        self._requirements: tuple[RequirementColumns | None] | None = None
        self._objects: dict[str, tuple[list[Any], npt.NDArray[np.intp]]] = {}

    def repeated(self, rows: int, field: str, values: npt.NDArray[np.float64]) -> Columns:
        """This one-profile view repeated `rows` times with `field` set to `values` (a sweep
        without building a DataFrame: what a root finder evaluates many times)."""
        out = Columns.__new__(Columns)
        out._data = {name: np.repeat(column, rows) for name, column in self._data.items()}
        out._data[field] = np.asarray(values, dtype=np.float64)
        out.rows = rows
        out._categories = {
            name: (unique, np.zeros(rows, dtype=np.intp))
            for name, (unique, _) in ((n, self.categories(n)) for n in TEXT_COLUMNS if n in self._data)
        }
        out._ops = None
        out._overrides = None
        out._requirements = None
        out._objects = {}
        return out

    def with_ops_fte(self, option_id: str, values: npt.NDArray[np.float64]) -> Columns:
        """This view with the operations share of one option set to `values`, row by row (the
        other options keep theirs): what a break-even on that share evaluates."""
        out = Columns.__new__(Columns)
        out._data = dict(self._data)
        given = self._data.get("ops_fte", repeated(self.rows, None))
        column = np.empty(self.rows, dtype=object)
        column[:] = [
            {**(g if isinstance(g, Mapping) else {}), option_id: float(v)} for g, v in zip(given, values, strict=True)
        ]
        out._data["ops_fte"] = column
        out.rows = self.rows
        out._categories = dict(self._categories)
        out._ops = None
        out._overrides = None
        out._requirements = None
        out._objects = {}
        return out

    def replaced(self, columns: Mapping[str, npt.NDArray[Any]]) -> Columns:
        """This view with some columns replaced or added (one value per row each): the run a
        design prices instead of the profile's own (payloads by reference, say)."""
        out = Columns.__new__(Columns)
        out._data = {**self._data, **{name: np.asarray(values) for name, values in columns.items()}}
        out.rows = self.rows
        out._categories = {k: v for k, v in self._categories.items() if k not in columns}
        out._ops = self._ops
        out._overrides = self._overrides
        out._requirements = self._requirements
        out._objects = {k: v for k, v in self._objects.items() if k not in columns}
        return out

    def categories(self, name: str) -> tuple[npt.NDArray[np.str_], npt.NDArray[np.intp]]:
        """(distinct values, index of each row's value) of a text column, computed once."""
        if name not in self._categories:
            unique, inverse = np.unique(self._data[name], return_inverse=True)
            self._categories[name] = (unique, inverse.reshape(-1))
        return self._categories[name]

    def ops_fte(self, option_id: str) -> npt.NDArray[np.float64] | None:
        """The team's operations share for one option, per row (NaN where not given), or None
        when no row gives one. The column of dicts is read once for all options."""
        if self._ops is None:
            distinct, inverse = self._distinct("ops_fte")
            small: dict[str, npt.NDArray[np.float64]] = {}
            for i, given in enumerate(distinct):
                if isinstance(given, Mapping):
                    for key, value in given.items():
                        small.setdefault(key, np.full(len(distinct), np.nan))[i] = value
            self._ops = {key: values[inverse] for key, values in small.items()}
        return self._ops.get(option_id)

    def _distinct(self, name: str) -> tuple[list[Any], npt.NDArray[np.intp]]:
        """(the distinct objects of an object column, by identity; each row's index among them). A
        sweep or a Monte Carlo run repeats one profile's dictionaries thousands of times: each is
        read once."""
        if name not in self._objects:
            column = self._data.get(name, np.empty(0, dtype=object))
            _, first, inverse = np.unique(
                np.fromiter(map(id, column), dtype=np.int64, count=len(column)),
                return_index=True,
                return_inverse=True,
            )
            self._objects[name] = ([column[i] for i in first], inverse.reshape(-1).astype(np.intp))
        return self._objects[name]

    def overrides(self, option_id: str) -> OverrideColumns | None:
        """One option's overrides (`WorkloadProfile.overrides`) as columns, or None when no row
        has any. Read once per option."""
        if self._overrides is None:
            self._overrides = {}
        if option_id not in self._overrides:
            distinct, inverse = self._distinct("overrides")
            given = [g.get(option_id) if isinstance(g, Mapping) else None for g in distinct]
            rows = [g if isinstance(g, OptionOverrides) else None for g in given]
            self._overrides[option_id] = (
                OverrideColumns.of(rows).take(inverse) if any(r is not None for r in rows) else None
            )
        return self._overrides[option_id]

    def requirements(self) -> RequirementColumns | None:
        """The plan requirements as columns, or None when no row states any. Read once."""
        if self._requirements is None:
            distinct, inverse = self._distinct("requirements")
            rows = [g if isinstance(g, PlanRequirements) else _NO_REQUIREMENTS for g in distinct]
            self._requirements = (RequirementColumns.of(rows).take(inverse) if any(r.stated() for r in rows) else None,)
        return self._requirements[0]

    def __getitem__(self, name: str) -> npt.NDArray[Any]:
        return self._data[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


def column(frame: Columns, name: str) -> npt.NDArray[np.float64]:
    """One numeric field, as a float array."""
    return np.asarray(frame[name], dtype=np.float64)


def lookup(frame: Columns, name: str, table: Mapping[str, Any], dtype: Any = np.float64) -> npt.NDArray[Any]:
    """Map a text column through `table`, once per distinct value (fast for 100,000 rows of a
    few distinct machine names). A value may be an array with one entry per row (a Monte Carlo
    draw of a price). Values missing from the table raise KeyError."""
    unique, inverse = frame.categories(name)
    values = [table[str(u)] for u in unique]
    if any(isinstance(v, np.ndarray) and v.ndim > 0 for v in values):
        rows = len(inverse)
        stacked = np.stack([np.broadcast_to(np.asarray(v, dtype=dtype), (rows,)) for v in values])
        return np.asarray(stacked[inverse, np.arange(rows)])
    mapped = np.empty(len(unique), dtype=dtype)
    mapped[:] = values
    return mapped[inverse]


TEXT_COLUMNS = ("machine", "step_kind", "name", "model", "sandbox")
FLAG_COLUMNS = ("step_needs_machine",)
"""Yes-or-no fields, as 0.0 or 1.0 columns."""
TEAM_COLUMNS = ("engineer_cost_usd_per_year", "ops_fte", "overrides", "requirements")


def profiles_frame(profiles: WorkloadProfile | Iterable[WorkloadProfile] | pd.DataFrame) -> pd.DataFrame:
    """Profiles as columns: one row per profile, one float column per numeric field.

    A DataFrame passes through after its columns are checked, so a sweep of 100,000 profiles
    never builds 100,000 objects. Missing columns take the defaults.
    """
    if isinstance(profiles, pd.DataFrame):
        frame = profiles.copy()
        missing = [name for name in REQUIRED_FIELDS if name not in frame.columns]
        if missing:
            raise ProfileError([(name, None, f"required: {described(name)}") for name in missing])
        for name in (*NUMERIC_FIELDS, *TEXT_COLUMNS, *FLAG_COLUMNS):
            if name not in frame.columns:
                default = WorkloadProfile.model_fields[name].default
                frame[name] = default.value if isinstance(default, StepKind) else default
        if "engineer_cost_usd_per_year" not in frame.columns:
            frame["engineer_cost_usd_per_year"] = np.nan
        for name in ("ops_fte", "overrides"):
            if name not in frame.columns:
                frame[name] = pd.Series([{}] * len(frame), index=frame.index, dtype=object)
        if frame["step_kind"].isin(list(STEP_KINDS_BEFORE)).any():
            frame["step_kind"] = frame["step_kind"].replace(STEP_KINDS_BEFORE)
        if "requirements" not in frame.columns:
            frame["requirements"] = pd.Series([_NO_REQUIREMENTS] * len(frame), index=frame.index, dtype=object)
        convert = {name: np.float64 for name in (*NUMERIC_FIELDS, *FLAG_COLUMNS) if frame[name].dtype != np.float64}
        if convert:
            frame = frame.astype(convert)
        _check_frame(frame)
        return frame.reset_index(drop=True)
    items = [profiles] if isinstance(profiles, WorkloadProfile) else list(profiles)
    rows = [
        {
            **{n: np.nan if getattr(p, n) is None else float(getattr(p, n)) for n in NUMERIC_FIELDS},
            "step_needs_machine": float(p.step_needs_machine),
            "machine": p.machine,
            "model": p.model,
            "sandbox": p.sandbox,
            "step_kind": p.step_kind.value,
            "name": p.name,
            "engineer_cost_usd_per_year": (
                np.nan if p.team.engineer_cost_usd_per_year is None else p.team.engineer_cost_usd_per_year
            ),
            "ops_fte": dict(p.team.ops_fte),
            "overrides": dict(p.overrides),
            "requirements": p.requirements,
        }
        for p in items
    ]
    return pd.DataFrame(rows, columns=[*NUMERIC_FIELDS, *FLAG_COLUMNS, *TEXT_COLUMNS, *TEAM_COLUMNS])


def _check_frame(frame: pd.DataFrame) -> None:
    problems = []
    for name in NUMERIC_FIELDS:
        low, high = BOUNDS[name]
        values = frame[name].to_numpy()
        bad = ~np.isfinite(values)
        if name in OPTIONAL_FIELDS:
            bad &= ~np.isnan(values)
        with np.errstate(invalid="ignore"):
            if low is not None:
                bad |= values < low
            if high is not None:
                bad |= values > high
        if bad.any():
            problems.append((name, float(values[bad][0]), allowed_words(name)))
    kinds = set(frame["step_kind"].unique()) - STEP_KINDS
    if kinds:
        problems.append(("step_kind", sorted(kinds)[0], allowed_words("step_kind")))
    if problems:
        raise ProfileError(problems)
