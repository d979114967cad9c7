"""The contract every option passes (holidays' common tests, for orchestrators).

Each option's own test module subclasses `VendorContract` and sets `option`; every test here then
runs for that option: its tables load with nothing the engine needs missing, every number is
sourced and every source used, the README and the checklist name it, and its figures behave for
the presets and for random workloads (components add up to the total, a line is quantity x unit
price, nothing is negative but a credit, the range holds the expected figure, cost never falls as
volume or run length grows, one vectorized call equals one call per profile, every limit the
table declares is projected).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.engine import estimate, saving_needed
from model.requirements import table_problems
from model.result import summarize
from pricing.load import list_table_files, read_criteria, read_pricebook, read_table
from schema.numbers import Number
from schema.tables import PriceBook, PriceTable
from tests.strategies import profiles

ROOT = Path(__file__).resolve().parents[2]
CREDIT_LINES = {"usage_credit"}
SHARED = settings(max_examples=40, suppress_health_check=[HealthCheck.differing_executors])
"""Each subclass runs the same property tests on its own option (which is what differs)."""


@functools.cache
def newest_book() -> PriceBook:
    """The book on the newest table's date (read once: the property tests price many examples)."""
    return read_pricebook(on=max(f.effective for f in list_table_files()))


class VendorContract:
    """Subclass with `option = "<vendor>/<offering>"`."""

    option: ClassVar[str]

    @pytest.fixture(scope="class")
    @classmethod
    def tables(cls) -> list[PriceTable]:
        found = [read_table(f.path) for f in list_table_files() if f.table_id == cls.option]
        assert found, f"no table for {cls.option}"
        return found

    @pytest.fixture(scope="class")
    @classmethod
    def book(cls) -> PriceBook:
        return newest_book()

    @pytest.fixture(scope="class")
    @classmethod
    def table(cls, book: PriceBook) -> PriceTable:
        return book.table(cls.option)

    # --- the data ---------------------------------------------------------------------------

    def test_every_version_has_what_the_engine_needs(self, tables):
        for table in tables:
            assert table.kind == "option" and table.hosting in ("cloud", "self-hosted")
            assert table_problems(table) == [], table.effective

    def test_every_number_is_sourced_and_every_source_used(self, tables):
        for table in tables:
            used = set()
            for path, item in table.numbers().items():
                assert item.source in table.sources, path
                used.add(item.source)
                if isinstance(item, Number):
                    used.update(alt.source for alt in item.alternatives)
                assert table.confidence_of(item) in ("primary", "secondary", "estimate")
            if table.license is not None and table.license.source is not None:
                used.add(table.license.source)
            for features in (table.features, *(p.features for p in table.plans)):
                for key, feature in features.items():
                    assert feature.source in table.sources, key
                    used.add(feature.source)
            assert used == set(table.sources), f"unused sources: {set(table.sources) - used}"
            for key, source in table.sources.items():
                assert source.stated <= source.read_on <= dt.date.today(), key
                assert str(source.url).startswith("https://"), key

    def test_prices_are_in_dollars_and_limits_in_a_known_unit(self, tables):
        for table in tables:
            for key, item in table.prices.items():
                assert item.unit.value.startswith("USD"), key
            for plan in table.plans:
                assert plan.fee.unit.value.startswith("USD"), plan.id

    def test_the_readme_and_the_checklist_name_it(self, table):
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        block = re.search(r"<!-- options:start -->(.*?)<!-- options:end -->", readme, re.S)
        assert block and f"`{self.option}`" in block.group(1)
        assert read_criteria().vendor_of(self.option) is not None

    # --- the figures ------------------------------------------------------------------------

    def _check(self, book: PriceBook, profile) -> None:
        result = estimate(profile, book, [self.option])
        option = result.option(self.option)
        total = option.total[0]
        assert np.isfinite(total) and total >= 0
        assert option.low[0] <= total + 1e-9 * max(total, 1) and total <= option.high[0] + 1e-9 * max(total, 1)
        assert sum(line.cost[0] for line in option.bill.lines) == pytest.approx(total, rel=1e-12, abs=1e-9)
        for line in option.bill.lines:
            assert line.cost[0] == pytest.approx(line.quantity[0] * line.unit_price[0], rel=1e-9, abs=1e-9), line.key
            if line.key not in CREDIT_LINES:
                assert line.cost[0] >= 0 and line.quantity[0] >= 0, line.key
        assert all(np.isfinite(v[0]) for v in option.bill.quantities.values())
        for limit in option.limits:
            assert np.isfinite(limit.value[0]) and limit.value[0] >= 0, limit.id

    def test_presets_price_sensibly(self, book, presets):
        for profile in presets.values():
            self._check(book, profile)

    @SHARED
    @given(p=profiles())
    def test_random_workloads_price_sensibly(self, p):
        self._check(newest_book(), p)

    @SHARED
    @given(
        p=profiles(),
        factor=st.floats(1.0, 50.0),
        field=st.sampled_from(["monthly_runs", "steps_per_run", "step_seconds", "human_wait_seconds"]),
    )
    def test_cost_never_falls_as_volume_or_run_length_grows(self, p, factor, field):
        book = newest_book()
        if field != "monthly_runs":
            # A peak given in the profile is held as it is: longer runs at that peak start fewer runs
            # a second (a plan's rate cap can then admit them). Derived, the peak follows the work.
            p = p.model_copy(update={"peak_concurrent_runs": None})
        caps = {"monthly_runs": 1e9, "steps_per_run": 1e5, "step_seconds": 86_400, "human_wait_seconds": 3e7}
        bigger = p.model_copy(update={field: min(getattr(p, field) * factor + 1, caps[field])})
        result = estimate([p, bigger], book, [self.option]).option(self.option)
        small, large = result.total
        plans, designs = result.bill.plan, result.design
        if not result.applicable.all():
            return  # a bill shown for reference where the option cannot run the workload
        if plans[0] == plans[1] and designs[0] == designs[1]:
            assert large >= small - 1e-9 * max(small, 1), (field, small, large)
        elif plans[0] == plans[1]:  # a limit forced a design: it saves less than a design must to be taken unasked
            assert large >= small - saving_needed(book, np.array([small]))[0] - 1e-9 * max(small, 1), (
                field,
                small,
                large,
            )

    def test_zero_runs_leave_only_fixed_costs(self, book, presets):
        idle = presets["coding-agent"].model_copy(update={"monthly_runs": 0})
        option = estimate(idle, book, [self.option]).option(self.option)
        table = book.table(self.option)
        for meter in table.meters:
            line = next(ln for ln in option.bill.lines if ln.key == meter.id)
            assert line.cost[0] == 0, meter.id

    def test_one_call_for_many_profiles_equals_one_call_each(self, book, presets):
        items = list(presets.values())
        together = estimate(items, book, [self.option]).totals()
        one_by_one = pd.concat([estimate(p, book, [self.option]).totals() for p in items], ignore_index=True)
        pd.testing.assert_frame_equal(together, one_by_one)

    def test_every_declared_limit_is_projected(self, book, table, presets):
        out = summarize(estimate(presets["deep-research"], book, [self.option])).options[0]
        assert [x.id for x in out.limits] == [x.id for x in table.run_limits]
        for limit in out.limits:
            assert math.isfinite(limit.value) and limit.limit >= 0  # 0: the option allows none (a wait, say)
            assert limit.provenance is not None and limit.provenance.url.startswith("https://")

    def test_the_json_contract_holds(self, book, presets):
        from model.result import EstimateOut

        out = summarize(estimate(presets["coding-agent"], book, [self.option]))
        again = EstimateOut.model_validate_json(out.model_dump_json())
        assert again == out
        option = out.options[0]
        assert option.hosting == book.table(self.option).hosting
        assert "runs" in option.quantities
