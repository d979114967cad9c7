"""The multi-year path (`model.strategy`): month-by-month bills, the one-off efforts, and the best month
to migrate, each checked against a plain recomputation (a Python loop over the months, or an ordinary
`estimate()` per month)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.axes import compared
from model.engine import estimate
from model.lines import PEOPLE_TABLE
from model.strategy import GROWTH_RATES, MOST_RUNS, PATH_DRAWS, Path, _moves, _totals, efforts, path, volumes
from model.uncertainty import draw, inputs
from pricing.load import read_pricebook
from pricing.profiles import read_presets
from schema.numbers import Sampled
from schema.profile import WorkloadProfile
from schema.tables import PriceBook, PriceTable
from tests.agents import agent, pinned
from tests.conftest import latest_date

BOOK = read_pricebook(on=latest_date())
PRESETS = read_presets()
OPTIONS = [t.id for t in BOOK.options()]
FEW = settings(max_examples=20, deadline=None)


def with_path(profile: WorkloadProfile, **fields: Any) -> WorkloadProfile:
    return WorkloadProfile.model_validate({**profile.model_dump(), "path": {**profile.path.model_dump(), **fields}})


def with_team(profile: WorkloadProfile, **fields: Any) -> WorkloadProfile:
    return WorkloadProfile.model_validate({**profile.model_dump(), "team": {**profile.team.model_dump(), **fields}})


def weekly_cost(profile: WorkloadProfile, book: PriceBook = BOOK) -> float:
    given_cost = profile.team.engineer_cost_usd_per_year
    people = book.table(PEOPLE_TABLE).assumptions["engineer_cost"].expected
    return (people if given_cost is None else given_cost) / 52


def table_weeks(option: str, key: str, book: PriceBook = BOOK) -> float:
    own = book.table(option).assumptions.get(key)
    return (own if own is not None else book.table(PEOPLE_TABLE).assumptions[key]).expected


def monthly(p: Path) -> dict[str, npt.NDArray[np.float64]]:
    """Each option's bill in each month, from the path's own table."""
    return {str(o): g.sort_values("month").cost_usd.to_numpy() for o, g in p.monthly.groupby("option", sort=False)}


def spend(
    cost: Mapping[str, npt.NDArray[np.float64]],
    setup: Mapping[str, float],
    migration: Mapping[str, float],
    cutover: float,
    start: str,
    then: str | None = None,
    month: int | None = None,
) -> list[float]:
    """What one strategy costs in each month, by a plain loop: the setup in month 1, the starting
    option's bill until the migration month (and through a cut-over of `cutover` months, its last one
    in part), the new option's from that month on, and the migration in that month. NaN where a bill
    that is paid is one the option cannot run."""
    h = len(cost[start])
    out = []
    for t in range(1, h + 1):
        paid = setup[start] if t == 1 else 0.0
        if then is None or month is None:
            shares = [(1.0, cost[start][t - 1])]
        else:
            first = 1.0 if t < month else min(max(cutover - (t - month), 0.0), 1.0)
            shares = [(first, cost[start][t - 1]), (1.0 if t >= month else 0.0, cost[then][t - 1])]
            if t == month:
                paid += migration[then]
        for share, bill in shares:
            if share > 0:
                paid += share * bill
        out.append(paid)
    return out


def loop_total(*args: Any, **kwargs: Any) -> float:
    total = math.fsum(spend(*args, **kwargs))
    return math.inf if math.isnan(total) else total


# --- volumes ---------------------------------------------------------------------------------------


def test_volumes_compound_the_growth_rate():
    profile = with_path(agent(monthly_runs=1000), horizon_months=30, growth_percent_per_month=7.5)
    runs = volumes(profile)
    assert runs.shape == (30,)
    for t in range(30):
        assert runs[t] == pytest.approx(1000 * 1.075**t, rel=1e-12)
    shrinking = volumes(profile, -20.0)
    assert shrinking[0] == 1000 and shrinking[5] == pytest.approx(1000 * 0.8**5, rel=1e-12)
    np.testing.assert_array_equal(volumes(profile, 0.0), np.full(30, 1000.0))


def test_a_forecast_is_followed_and_its_last_figure_held():
    profile = with_path(
        agent(monthly_runs=1000), horizon_months=8, growth_percent_per_month=50, monthly_runs_by_month=[10, 20, 40]
    )
    np.testing.assert_array_equal(volumes(profile), [10, 20, 40, 40, 40, 40, 40, 40])
    longer = with_path(profile, monthly_runs_by_month=list(range(1, 13)))
    np.testing.assert_array_equal(volumes(longer), np.arange(1, 9))
    # a growth rate asked for explicitly grows month 1's volume instead
    np.testing.assert_allclose(volumes(profile, 10.0), 1000 * 1.1 ** np.arange(8), rtol=1e-12)


@given(runs=st.one_of(st.just(0.0), st.floats(1e-3, 1e7)), rate=st.floats(-50, 100), horizon=st.integers(1, 120))
@settings(max_examples=30, deadline=None)
def test_volumes_any_growth(runs, rate, horizon):
    profile = with_path(agent(monthly_runs=runs), horizon_months=horizon, growth_percent_per_month=rate)
    got = volumes(profile)
    assert got.shape == (horizon,) and got[0] == pytest.approx(runs, rel=1e-12)
    # compounding, until the most runs a month a profile can have
    np.testing.assert_allclose(got[1:], np.minimum(got[:-1] * (1 + rate / 100), MOST_RUNS), rtol=1e-9)
    assert got.max() <= MOST_RUNS


def test_each_month_is_priced_at_its_own_volume():
    profile = with_path(PRESETS["coding-agent"], horizon_months=6, monthly_runs_by_month=[100, 5e3, 2e5, 1e4])
    options = compared(profile, BOOK)
    p = path(profile, BOOK, options)
    np.testing.assert_array_equal(p.runs, volumes(profile))
    assert p.by_growth == ()  # with a forecast there is no growth rate to vary
    rows = [profile.model_copy(update={"monthly_runs": float(r)}) for r in p.runs]
    priced = estimate(rows, BOOK, options, ranges=False)
    bills = monthly(p)
    for o in priced.options:
        np.testing.assert_allclose(bills[o.id], o.comparable, rtol=1e-12, equal_nan=True, err_msg=o.id)
        plans = p.monthly[p.monthly.option == o.id].sort_values("month").plan.to_numpy()
        assert list(plans) == list(o.bill.plan), o.id


# --- staying on one option ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(PRESETS))
@pytest.mark.parametrize("horizon", [36, 7])
def test_staying_costs_the_setup_and_the_monthly_bill_over_the_horizon(name, horizon):
    profile = with_path(PRESETS[name], horizon_months=horizon)
    assert profile.path.growth_percent_per_month == 0 and not profile.path.monthly_runs_by_month
    options = compared(profile, BOOK)
    p = path(profile, BOOK, options)
    point = estimate(profile, BOOK, options, ranges=False)
    bills = monthly(p)
    stays = 0
    for o in point.options:
        cost = float(o.comparable[0])
        assert p.setup[o.id] == pytest.approx(table_weeks(o.id, "setup_weeks") * weekly_cost(profile), rel=1e-12)
        assert p.migration[o.id] == pytest.approx(
            table_weeks(o.id, "migration_weeks") * weekly_cost(profile), rel=1e-12
        )
        stay = p.stay(o.id)
        if np.isnan(cost):
            assert stay is None
            assert np.isnan(bills[o.id]).all()
            continue
        np.testing.assert_allclose(bills[o.id], cost, rtol=1e-12)
        assert stay is not None
        assert stay.total == pytest.approx(p.setup[o.id] + horizon * cost, rel=1e-12)
        stays += 1
    assert stays > 0


# --- the best migration month --------------------------------------------------------------------


def _check_strategies(p: Path, options: Sequence[str]) -> None:
    bills = monthly(p)
    h = p.months
    totals = [s.total for s in p.strategies]
    assert totals == sorted(totals)
    assert p.best is None or p.best.total == totals[0]
    found = {s.key: s for s in p.strategies}
    assert len(found) == len(p.strategies)
    for a in options:
        stay = loop_total(bills, p.setup, p.migration, p.cutover_months, a)
        if math.isinf(stay):
            assert a not in found
        else:
            assert found[a].total == pytest.approx(stay, rel=1e-9)
        for b in options:
            if a == b:
                continue
            by_month = [loop_total(bills, p.setup, p.migration, p.cutover_months, a, b, m) for m in range(2, h + 1)]
            s = found.get(f"{a}>{b}")
            if s is None:
                assert all(math.isinf(v) for v in by_month), (a, b)
                continue
            assert s.month is not None and 2 <= s.month <= h
            assert s.total == pytest.approx(by_month[s.month - 2], rel=1e-9), (a, b, s.month)
            assert s.total <= min(by_month) * (1 + 1e-12) + 1e-9, (a, b, s.month, int(np.argmin(by_month)) + 2)


def _growing(name: str, growth: float, cutover: float, horizon: int = 24) -> WorkloadProfile:
    """The preset on this path, its own doubts pinned (the tests that want them give ranges)."""
    grown = with_path(PRESETS[name], horizon_months=horizon, growth_percent_per_month=growth, cutover_months=cutover)
    return pinned(grown)


@pytest.mark.parametrize("name", sorted(PRESETS))
@pytest.mark.parametrize(("growth", "cutover"), [(0.0, 0.0), (15.0, 1.5), (35.0, 0.0), (-10.0, 2.0)])
def test_the_best_migration_month_is_no_worse_than_any_other(name, growth, cutover):
    profile = _growing(name, growth, cutover)
    options = compared(profile, BOOK)
    p = path(profile, BOOK, options, growth_rates=())
    assert p.cutover_months == cutover
    _check_strategies(p, options)


def test_a_migration_happens_when_the_volume_outgrows_the_first_choice():
    """Fast growth from a small volume: some strategy that migrates beats staying on its start, at a
    month the loop agrees is its best (so the test above checks real migrations, not only stays)."""
    found = False
    for name in sorted(PRESETS):
        profile = with_path(PRESETS[name], horizon_months=48, growth_percent_per_month=25.0)
        p = path(profile, BOOK, compared(profile, BOOK), growth_rates=())
        for s in p.strategies:
            stay = p.stay(s.start)
            if s.then is not None and stay is not None and s.total < stay.total:
                assert s.month is not None and 2 <= s.month <= 48
                found = True
    assert found


@given(
    name=st.sampled_from(sorted(PRESETS)),
    growth=st.floats(-30, 60),
    cutover=st.floats(0, 6),
    horizon=st.integers(2, 40),
    runs=st.floats(10, 1e6),
)
@FEW
def test_the_best_migration_month_anywhere(name, growth, cutover, horizon, runs):
    runs = min(runs, 1e9 / (1 + max(growth, 0) / 100) ** (horizon - 1))  # the last month within the field's bound
    profile = with_path(
        PRESETS[name].model_copy(update={"monthly_runs": runs}),
        horizon_months=horizon,
        growth_percent_per_month=growth,
        cutover_months=cutover,
    )
    options = compared(profile, BOOK)
    _check_strategies(path(profile, BOOK, options, growth_rates=()), options)


@given(data=st.data(), o=st.integers(2, 4), h=st.integers(1, 14), cutover=st.sampled_from([0, 0.25, 1, 1.5, 3, 20]))
@settings(max_examples=30, deadline=None)
def test_totals_match_a_loop_on_any_bills(data, o, h, cutover):
    """The vectorised totals, on made-up bills (an option may stop running from some month on: NaN)."""
    money = st.floats(0, 1e4, allow_nan=False)
    cost = np.array([data.draw(st.lists(money, min_size=h, max_size=h)) for _ in range(o)])
    for i in range(o):
        stops = data.draw(st.integers(1, h + 1))
        cost[i, stops - 1 :] = np.nan
    setup = np.array(data.draw(st.lists(money, min_size=o, max_size=o)))
    migration = np.array(data.draw(st.lists(money, min_size=o, max_size=o)))
    stay, moves = _moves(cost[:, None, :], setup[:, None], migration[:, None], cutover)
    move = np.stack(list(moves))
    names = [str(i) for i in range(o)]
    bills = dict(zip(names, cost, strict=True))
    s_map, m_map = dict(zip(names, setup, strict=True)), dict(zip(names, migration, strict=True))
    for i, a in enumerate(names):
        assert stay[i, 0] == pytest.approx(loop_total(bills, s_map, m_map, cutover, a), rel=1e-9)
        for j, b in enumerate(names):
            for m in range(1, h + 1):
                want = math.inf if i == j or m == 1 else loop_total(bills, s_map, m_map, cutover, a, b, m)
                assert move[i, j, 0, m - 1] == pytest.approx(want, rel=1e-9), (a, b, m)
    # the best month of each move is the first with the least total, and that total is the least
    same_stay, month, total = _totals(cost[:, None, :], setup[:, None], migration[:, None], cutover)
    assert np.array_equal(same_stay, stay)
    assert np.array_equal(month, np.argmin(move, axis=3) + 1)
    assert np.array_equal(total, move.min(axis=3))


def test_a_migration_onto_an_option_that_runs_only_later_is_priced():
    """Only months m..h of the new option's bill are paid: a month before it could not run does not
    rule the migration out."""
    cost = np.array([[10.0, 10.0, 10.0, 10.0], [np.nan, 1.0, 1.0, 1.0]])
    stay, moves = _moves(cost[:, None, :], np.zeros((2, 1)), np.zeros((2, 1)), 0.0)
    assert np.isinf(stay[1, 0])
    assert next(moves)[1, 0, 1] == pytest.approx(10.0 + 3.0)


# --- a strategy's cumulative cost and its years ----------------------------------------------------


@pytest.mark.parametrize("name", sorted(PRESETS))
@pytest.mark.parametrize(("horizon", "growth", "cutover"), [(36, 10.0, 1.5), (30, 25.0, 0.0), (5, 0.0, 2.5)])
def test_cumulative_cost_ends_at_the_total_and_the_years_sum_to_it(name, horizon, growth, cutover):
    profile = _growing(name, growth, cutover, horizon)
    p = path(profile, BOOK, compared(profile, BOOK), growth_rates=())
    bills = monthly(p)
    years = p.years()
    assert set(years.strategy) == {s.key for s in p.strategies}
    for s in p.strategies:
        assert s.cumulative is not None and s.cumulative.shape == (horizon,)
        assert s.cumulative[-1] == pytest.approx(s.total, rel=1e-9)
        assert (np.diff(s.cumulative) >= -1e-9).all()
        np.testing.assert_allclose(
            s.cumulative, np.cumsum(spend(bills, p.setup, p.migration, cutover, s.start, s.then, s.month)), rtol=1e-9
        )
        mine = years[years.strategy == s.key].sort_values("year")
        assert list(mine.year) == list(range(1, math.ceil(horizon / 12) + 1))
        assert mine.cost_usd.sum() == pytest.approx(s.total, rel=1e-9)
        assert mine.cost_usd.iloc[0] == pytest.approx(s.cumulative[min(12, horizon) - 1], rel=1e-9)


# --- the best strategy at other growth rates -------------------------------------------------------


@pytest.mark.parametrize("name", ["coding-agent", "deep-research"])
def test_the_best_at_each_growth_rate_is_the_best_of_a_path_grown_at_it(name):
    profile = _growing(name, 5.0, 1.0)
    options = compared(profile, BOOK)
    p = path(profile, BOOK, options)
    assert [g.growth_percent for g in p.by_growth] == list(GROWTH_RATES)
    for point in p.by_growth:
        alone = path(_growing(name, point.growth_percent, 1.0), BOOK, options, growth_rates=()).best
        assert alone is not None
        assert (point.best.key, point.best.month) == (alone.key, alone.month)
        assert point.best.total == pytest.approx(alone.total, rel=1e-9)


def test_a_large_volume_without_growth_has_a_path():
    profile = agent(monthly_runs=2e7)
    assert profile.path.growth_percent_per_month == 0 and profile.path.horizon_months == 36
    alone = path(profile, BOOK, OPTIONS, growth_rates=()).best
    best = path(profile, BOOK, OPTIONS).best
    assert alone is not None and best is not None and best.key == alone.key


# --- the one-off efforts -------------------------------------------------------------------------


def test_team_weeks_replace_the_tables_exactly():
    base = PRESETS["coding-agent"]
    options = OPTIONS[:4]
    first, second = options[0], options[1]
    profile = with_team(
        base, engineer_cost_usd_per_year=130_000.0, setup_weeks={first: 3.5}, migration_weeks={second: 11.0}
    )
    setup, migration = efforts(profile, BOOK, options)
    weekly = 130_000.0 / 52
    assert setup[first] == pytest.approx(3.5 * weekly, rel=1e-12)
    assert migration[second] == pytest.approx(11.0 * weekly, rel=1e-12)
    for o in options:
        if o != first:
            assert setup[o] == pytest.approx(table_weeks(o, "setup_weeks") * weekly, rel=1e-12)
        if o != second:
            assert migration[o] == pytest.approx(table_weeks(o, "migration_weeks") * weekly, rel=1e-12)
    # without an engineer cost of your own, the people reference's
    setup_default, _ = efforts(with_team(base, setup_weeks={first: 3.5}), BOOK, options)
    assert setup_default[first] == pytest.approx(3.5 * weekly_cost(base), rel=1e-12)
    # and the path's totals move by exactly the difference
    before = path(base, BOOK, options, growth_rates=())
    after = path(with_team(base, setup_weeks={first: 3.5}), BOOK, options, growth_rates=())
    old, new = before.stay(first), after.stay(first)
    if old is not None and new is not None:
        assert new.total - old.total == pytest.approx(3.5 * weekly_cost(base) - before.setup[first], rel=1e-9, abs=1e-6)
    assert after.setup[first] == pytest.approx(3.5 * weekly_cost(base), rel=1e-12)


def test_an_engineer_cost_of_zero_makes_the_efforts_free():
    profile = with_team(PRESETS["coding-agent"], engineer_cost_usd_per_year=0.0)
    setup, migration = efforts(profile, BOOK, OPTIONS[:3])
    assert all(float(v) == 0 for v in [*setup.values(), *migration.values()])


def test_efforts_under_a_draw_follow_the_drawn_weeks_and_cost():
    people = BOOK.table(PEOPLE_TABLE)
    weeks, yearly = people.assumptions["setup_weeks"], people.assumptions["engineer_cost"]
    without = [o for o in OPTIONS if "setup_weeks" not in BOOK.table(o).assumptions]
    assert without
    drawn_weeks, drawn_cost = np.array([1.0, 2.0, 5.0]), np.array([150_000.0, 180_000.0, 200_000.0])
    setup, _ = efforts(
        PRESETS["coding-agent"], BOOK, without[:1], Sampled({id(weeks): drawn_weeks, id(yearly): drawn_cost})
    )
    np.testing.assert_allclose(setup[without[0]], drawn_weeks * drawn_cost / 52, rtol=1e-12)


# --- the chance that each strategy is the best -----------------------------------------------------


def _valid_keys(options: Sequence[str]) -> set[str]:
    return {*options, *(f"{a}>{b}" for a in options for b in options if a != b)}


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_chances_are_shares_of_the_draws_and_reproducible(name):
    profile = _growing(name, 10.0, 1.0)
    options = compared(profile, BOOK)
    first = path(profile, BOOK, options, draws=80, seed=3, growth_rates=())
    again = path(profile, BOOK, options, draws=80, seed=3, growth_rates=())
    assert first.draws == 80
    assert first.chances == again.chances
    assert 0 < sum(first.chances.values()) <= 1 + 1e-12
    assert all(0 < v <= 1 for v in first.chances.values())
    assert set(first.chances) <= _valid_keys(options)
    for v in first.chances.values():
        assert (v * 80) == pytest.approx(round(v * 80), abs=1e-9)  # a count of draws
    assert first.stay_spread == again.stay_spread
    for option, (p10, p50, p90) in first.stay_spread.items():
        assert option in options and p10 <= p50 <= p90
    plain = path(profile, BOOK, options, growth_rates=())
    assert plain.chances == {} and plain.stay_spread == {}


@given(
    p=st.sampled_from(sorted(PRESETS)), growth=st.floats(-20, 40), cutover=st.floats(0, 3), seed=st.integers(0, 10_000)
)
@FEW
def test_chances_anywhere(p, growth, cutover, seed):
    profile = _growing(p, growth, cutover, 18)
    profile = WorkloadProfile.model_validate(
        {
            **profile.model_dump(),
            "ranges": {"monthly_runs": {"low": profile.monthly_runs * 0.5, "high": profile.monthly_runs * 2}},
        }
    )
    first = path(profile, BOOK, OPTIONS, draws=40, seed=seed, growth_rates=())
    assert 0 < sum(first.chances.values()) <= 1 + 1e-12
    assert set(first.chances) <= _valid_keys(OPTIONS)
    assert first.chances == path(profile, BOOK, OPTIONS, draws=40, seed=seed, growth_rates=()).chances


def _collapse(node: Any) -> Any:
    if isinstance(node, dict):
        node = {k: _collapse(v) for k, v in node.items()}
        if node.get("low") is not None and node.get("high") is not None:
            if node.get("value") is None:
                node["value"] = (node["low"] + node["high"]) / 2
            for key in ("low", "high", "distribution", "drawn_with", "moves_with"):
                node.pop(key, None)
        if "tiers" in node:
            for key in ("low_factor", "high_factor", "distribution"):
                node.pop(key, None)
        return node
    if isinstance(node, list | tuple):
        return type(node)(_collapse(v) for v in node)
    return node


COLLAPSED = BOOK.model_copy(
    update={"tables": {i: PriceTable.model_validate(_collapse(t.model_dump())) for i, t in BOOK.tables.items()}}
)


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_with_nothing_uncertain_the_best_strategy_wins_every_draw(name):
    profile = _growing(name, 12.0, 1.0)
    options = compared(profile, COLLAPSED)
    assert not inputs(profile, COLLAPSED, options)
    p = path(profile, COLLAPSED, options, draws=20, growth_rates=())
    assert p.best is not None
    assert p.chances == {p.best.key: 1.0}
    for s in p.strategies:
        if s.then is None:  # nothing is uncertain: the spread of staying is the point
            np.testing.assert_allclose(p.stay_spread[s.start], s.total, rtol=1e-9)


@pytest.mark.parametrize("name", ["article-example", "deep-research"])
def test_each_draw_picks_the_best_strategy_of_its_own_path(name):
    """The chances recounted draw by draw: the path of a book holding that draw's numbers as plain values
    (and its drawn volume, grown along the horizon) has that draw's best strategy."""
    draws, seed = 12, 9
    profile = _growing(name, 8.0, 1.0, 18)
    profile = WorkloadProfile.model_validate(
        {
            **profile.model_dump(),
            "ranges": {
                **profile.model_dump()["ranges"],
                "monthly_runs": {"low": profile.monthly_runs * 0.5, "high": profile.monthly_runs * 3},
            },
        }
    )
    options = compared(profile, BOOK)
    found = inputs(profile, BOOK, options)
    columns = {inp: draw(inp, draws, seed) for inp in found}
    where = {id(item): (t.id, p) for t in BOOK.tables.values() for p, item in t.numbers().items()}
    wins: dict[str, int] = {}
    stays: dict[str, list[float]] = {}
    for d in range(draws):
        values = {where[id(inp.item)]: float(c[d]) for inp, c in columns.items() if inp.item is not None}
        fields = {inp.field: float(c[d]) for inp, c in columns.items() if inp.field is not None}
        own = pinned(WorkloadProfile.model_validate({**profile.model_dump(), **fields, "ranges": {}}))
        alone = path(own, _fixed(values), options, growth_rates=())
        best = alone.best
        assert best is not None
        for s in alone.strategies:
            if s.then is None:
                stays.setdefault(s.start, []).append(s.total)
        key = best.start if best.then is None else f"{best.start}>{best.then}"
        wins[key] = wins.get(key, 0) + 1
    drawn = path(profile, BOOK, options, draws=draws, seed=seed, growth_rates=())
    assert len(wins) > 1  # the draws disagree, so the recount tells draws apart
    assert drawn.chances == pytest.approx({k: v / draws for k, v in wins.items()})
    assert set(drawn.stay_spread) == set(stays)
    for option, totals in stays.items():
        np.testing.assert_allclose(
            drawn.stay_spread[option], np.percentile(totals, (10, 50, 90)), rtol=1e-9, err_msg=option
        )


def _fixed(values: Mapping[tuple[str, tuple[str, ...]], float]) -> PriceBook:
    tables = dict(BOOK.tables)
    for table_id in {t for t, _ in values}:
        dump = BOOK.tables[table_id].model_dump()
        for (t, path_), value in values.items():
            if t != table_id:
                continue
            node: Any = dump
            parts = path_
            if parts[0] == "plans":
                node = next(p for p in dump["plans"] if p["id"] == parts[1])
                parts = parts[2:]
            for part in parts:
                node = node[part]
            if "tiers" in node:
                node["tiers"] = [{**tier, "price": tier["price"] * value} for tier in node["tiers"]]
                for key in ("low_factor", "high_factor", "distribution"):
                    node.pop(key, None)
            else:
                node["value"] = value
                for key in ("low", "high", "distribution", "drawn_with", "moves_with"):
                    node.pop(key, None)
        tables[table_id] = PriceTable.model_validate(dump)
    return BOOK.model_copy(update={"tables": tables})


# --- options in any order ------------------------------------------------------------------------


def test_the_path_does_not_depend_on_the_order_of_the_options():
    options = [OPTIONS[-1], OPTIONS[2], OPTIONS[0]]
    profile = WorkloadProfile.model_validate({**PRESETS["coding-agent"].model_dump(), "options": options})
    assert compared(profile, BOOK) == options
    p = path(profile, BOOK, compared(profile, BOOK), growth_rates=())
    point = estimate(profile, BOOK, options, ranges=False)
    bills = monthly(p)
    for o in point.options:
        np.testing.assert_allclose(bills[o.id], o.comparable[0], rtol=1e-12, equal_nan=True, err_msg=o.id)


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_on_the_presets_staying_on_an_option_costs_within_its_own_p10_p90(name):
    """The issue's case: a 36-month total below its own P10. With the profile's doubts drawn (and
    enough draws for a tenth of them to be a steady figure), each stay lies within its P10-P90."""
    profile = PRESETS[name]
    options = compared(profile, BOOK)
    p = path(profile, BOOK, options, draws=PATH_DRAWS, growth_rates=())
    checked = 0
    for s in p.strategies:
        if s.then is None and s.start in p.stay_spread and np.isfinite(s.total):
            low, _, high = p.stay_spread[s.start]
            assert low <= s.total <= high, (s.start, low, s.total, high)
            checked += 1
    assert checked >= 5


def test_the_growth_rate_is_a_doubt_of_the_path():
    """With no range of its own the growth rate is drawn within 2.5 points of its value (the schema's
    default): on a book without ranges, staying on an option has a spread only when the growth is
    doubted, and it reaches from a path grown at 2.5% a month to one grown at 7.5%; a forecast of the
    team's own is not a rate and is not drawn."""
    base = with_path(PRESETS["coding-agent"], growth_percent_per_month=5.0)
    doubted = pinned(base, keep=("growth_percent_per_month",))
    assert doubted.doubts()["growth_percent_per_month"].low == 2.5
    option = ["trigger.dev/cloud"]
    wide = path(doubted, COLLAPSED, option, draws=300, growth_rates=()).stay_spread["trigger.dev/cloud"]
    narrow = path(pinned(base), COLLAPSED, option, draws=300, growth_rates=()).stay_spread["trigger.dev/cloud"]
    assert narrow[0] == pytest.approx(narrow[2], rel=1e-9)
    slow, fast = (
        path(pinned(with_path(base, growth_percent_per_month=g)), COLLAPSED, option, growth_rates=()).best.total
        for g in (2.5, 7.5)
    )
    assert slow < wide[0] < narrow[1] < wide[2] < fast
    forecast = with_path(PRESETS["coding-agent"], monthly_runs_by_month=(3000, 4000, 5000))
    assert "growth_percent_per_month" not in forecast.doubts()
