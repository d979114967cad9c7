"""The model's tokens beside the orchestrator: priced as `genai-prices` prices them, step by step of a
growing conversation, for many profiles at once; what a profile may say about them; the pin."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from genai_prices import Usage, calc_price

from model.columns import Columns, profiles_frame
from model.engine import estimate
from model.llm_prices import UnknownModel, model_rate, model_refs
from model.result import summarize
from model.tokens import price_tokens
from pricing.load import DATA_DIR, PricingError, read_models, read_pricebook
from schema.inputs import StepKind
from schema.profile import ProfileError, WorkloadProfile, parse_profile

ON = dt.date(2026, 12, 7)
NOON = dt.datetime(2026, 12, 7, 12, tzinfo=dt.UTC)
# Models with cliff tiers (a request past 200k input tokens pays more for all of it), with a cache
# price, and without one.
MODELS = ("anthropic/claude-sonnet-4-5", "openai/gpt-4o", "google/gemini-2.5-pro", "mistral/mistral-large-latest")
SHAPES = [
    # steps, first input, growth, cached, output, cached growth
    (1, 1_000, 0, 0, 100, 0),
    (30, 20_000, 0, 15_000, 800, 0),
    (40, 20_000, 6_000, 15_000, 900, 0),  # crosses 200k at step 31
    (300, 4_000, 700, 2_000, 1_500, 0),  # crosses 200k at step 281
    (300, 4_000, 700, 2_000, 1_500, 650),  # the conversation so far from the cache
    (12, 250_000, 0, 0, 2_000, 0),  # every step past the tier
    (7, 0, 0, 0, 5_000, 0),
]


def _profile(
    ref: str, steps: float, first: float, growth: float, cached: float, output: float, grows: float = 0, **more
) -> WorkloadProfile:
    return WorkloadProfile(
        cached_input_token_growth_per_step=grows,
        monthly_runs=1,
        steps_per_run=steps,
        step_seconds=1,
        model=ref,
        input_tokens_per_step=first,
        input_token_growth_per_step=growth,
        cached_input_tokens_per_step=cached,
        output_tokens_per_step=output,
        **more,
    )


def _theirs(ref: str, steps: int, first: float, growth: float, cached: float, output: float, grows: float) -> float:
    provider, _, model = ref.partition("/")
    total = Decimal(0)
    for n in range(1, steps + 1):
        usage = Usage(
            input_tokens=int(first + (n - 1) * growth),
            cache_read_tokens=int(cached + (n - 1) * grows),
            output_tokens=int(output),
        )
        total += calc_price(usage, model, provider_id=provider, genai_request_timestamp=NOON).total_price
    return float(total)


def test_the_grid_is_priced_as_genai_prices_prices_each_call():
    """Every model and shape, all in one call (one row each): each row equals the sum of
    `calc_price` over the run's calls, step by step."""
    grid = [(ref, *shape) for ref in MODELS if ref in _known() for shape in SHAPES]
    assert len(grid) >= 3 * len(SHAPES), "the grid lost its models"
    frame = Columns(profiles_frame([_profile(*row) for row in grid]))
    steps = np.array([float(row[1]) for row in grid])
    bill = price_tokens(frame, steps, np.ones(len(grid)), ON)
    expected = [_theirs(ref, int(s), a, g, c, o, cg) for ref, s, a, g, c, o, cg in grid]
    np.testing.assert_allclose(bill.cost, expected, rtol=1e-9)
    np.testing.assert_allclose(bill.list_cost, expected, rtol=1e-9)


def _known() -> set[str]:
    known = set()
    for ref in MODELS:
        try:
            known.add(model_rate(ref, ON).ref)
        except UnknownModel:
            continue
    return known


def test_a_tier_crossed_mid_run_prices_the_later_steps_whole_at_the_higher_rate():
    rate = model_rate("anthropic/claude-sonnet-4-5", ON)
    assert rate.input.tiers, "the test needs a model with a tier"
    start = rate.input.tiers[0][0]
    below = _profile(rate.ref, 2, start, 0, 0, 0)
    above = _profile(rate.ref, 2, start + 1, 0, 0, 0)
    cost = estimate([below, above], read_pricebook(on=ON)).tokens.cost
    assert cost[0] == pytest.approx(2 * start * rate.input.base / 1e6)
    assert cost[1] == pytest.approx(2 * (start + 1) * rate.input.tiers[0][1] / 1e6)


def test_a_retried_step_calls_the_model_again_and_runs_and_steps_scale_it():
    book = read_pricebook(on=ON)
    base = _profile("openai/gpt-4o", 10, 5_000, 0, 0, 500).model_copy(update={"monthly_runs": 1000})
    retried = base.model_copy(update={"retry_rate": 0.2})
    tokens = estimate([base, retried], book).tokens
    assert tokens.calls.tolist() == pytest.approx([10_000, 12_000])
    assert tokens.cost[1] == pytest.approx(tokens.cost[0] * 1.2)


def test_the_model_costs_the_same_on_every_option_and_each_option_keeps_its_own_bill():
    book = read_pricebook(on=ON)
    bare = _profile("", 30, 0, 0, 0, 0).model_copy(update={"monthly_runs": 4000})
    with_model = _profile("openai/gpt-4o", 30, 9_000, 300, 4_000, 700).model_copy(update={"monthly_runs": 4000})
    result = estimate([bare, with_model], book)
    assert result.tokens.cost[0] == 0 and result.tokens.cost[1] > 0
    for option in result.options:
        assert option.total[0] == pytest.approx(option.total[1]), option.id
    out = summarize(result, 1)
    assert out.tokens is not None and out.tokens.monthly_usd == pytest.approx(float(result.tokens.cost[1]))
    assert out.tokens.snapshot.startswith("genai-prices@") and out.tokens.snapshot_dated is not None
    assert summarize(result, 0).tokens is None


def test_your_contract_prices_and_discount_replace_the_list_prices():
    rate = model_rate("openai/gpt-4o", ON)
    shape = (10, 10_000, 0, 2_000, 1_000)
    listed = _profile(rate.ref, *shape)
    yours = _profile(rate.ref, *shape, input_price_per_mtok=1.0, output_price_per_mtok=4.0)
    off = _profile(rate.ref, *shape, model_discount_percent=25)
    bill = estimate([listed, yours, off], read_pricebook(on=ON)).tokens
    assert bill.list_cost[0] == bill.list_cost[1] == bill.list_cost[2] == pytest.approx(bill.cost[0])
    expected = (10 * 8_000 * 1.0 + 10 * 2_000 * rate.cached_input.base + 10 * 1_000 * 4.0) / 1e6
    assert bill.cost[1] == pytest.approx(expected)
    assert bill.cost[2] == pytest.approx(0.75 * bill.cost[0])


def test_an_unknown_model_is_refused_with_the_nearest_names():
    with pytest.raises(ProfileError) as caught:
        estimate(_profile("anthropic/claude-sonet-4-5", 1, 10, 0, 0, 1), read_pricebook(on=ON))
    (field, value, message), *_ = caught.value.problems
    assert field == "model" and value == "anthropic/claude-sonet-4-5"
    assert "did you mean" in message and "anthropic/claude-sonnet-4-5" in message
    with pytest.raises(UnknownModel, match=r"no provider 'antropic'.*anthropic"):
        model_rate("antropic/claude-sonnet-4-5", ON)
    with pytest.raises(UnknownModel, match=r"not provider/model.*openai/gpt-4o"):
        model_rate("gpt-4o", ON)


def test_an_alias_reads_as_the_catalogue_s_own_name():
    assert model_rate("anthropic/claude-sonnet-4.5", ON).ref == "anthropic/claude-sonnet-4-5"
    assert "anthropic/claude-sonnet-4-5" in model_refs()


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        (
            {"input_tokens_per_step": 100, "cached_input_tokens_per_step": 200, "model": "openai/gpt-4o"},
            "cached tokens",
        ),
        ({"input_tokens_per_step": 100}, "give the model"),
        ({"model": "just words"}, "model"),
        ({"model": "openai/gpt-4o", "output_tokens_per_step": -1}, "output_tokens_per_step"),
        ({"model": "openai/gpt-4o", "model_discount_percent": 101}, "model_discount_percent"),
    ],
)
def test_what_a_profile_says_about_tokens_is_checked_field_by_field(fields, said):
    with pytest.raises(ProfileError) as caught:
        parse_profile({"monthly_runs": 10, "steps_per_run": 5, "step_seconds": 1, **fields})
    assert said in str(caught.value)


def test_the_pin_and_the_installed_package_agree_or_the_data_is_refused(tmp_path: Path):
    assert read_models(DATA_DIR).pinned == read_pricebook(on=ON).models.pinned
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    text = (copy / "models.yaml").read_text()
    (copy / "models.yaml").write_text(text.replace("pinned: 0.2.5", "pinned: 0.0.1"))
    with pytest.raises(
        PricingError, match=r"models.yaml.*pinned.*0\.2\.5 is installed but data/models.yaml pins 0\.0\.1"
    ):
        read_models(copy)


def test_the_snapshot_is_due_for_a_re_check_as_a_table_is():
    from pricing.checks import stale_models

    models = read_models(DATA_DIR)
    due = models.recheck_due()
    assert not stale_models(models, "models.yaml", due).stale
    late = stale_models(models, "models.yaml", due + dt.timedelta(days=1))
    assert late.stale and late.overdue_days == 1 and late.last_checked == models.source.read.dated


def test_an_option_whose_retries_re_run_finished_inline_steps_pays_their_calls_again():
    """A retry that runs a run's code again from its start calls the model again for every inline step
    before the retried one: per run, the retry rate times the sum over steps n of the calls of steps
    1 … n-1, priced call by call here with `calc_price` (a growing context that crosses a tier)."""
    from model.tokens import RERUNS, rerun_share

    book = read_pricebook(on=ON)
    rerunning = [t.id for t in book.options() if rerun_share(t) > 0]
    assert rerunning, f"some table states {RERUNS}"
    ref, steps, first, growth, cached, output = "anthropic/claude-sonnet-4-5", 40, 20_000, 6_000, 15_000, 900
    inline = _profile(ref, steps, first, growth, cached, output, step_kind="inline", retry_rate=0.1)
    as_tasks = inline.model_copy(update={"step_kind": StepKind.TASK})
    result = estimate([inline, as_tasks], book)
    calls = [
        _theirs(ref, k, first, growth, cached, output, 0) - _theirs(ref, k - 1, first, growth, cached, output, 0)
        for k in range(1, steps + 1)
    ]
    expected = 0.1 * sum(sum(calls[: n - 1]) for n in range(1, steps + 1))
    for option in rerunning:
        share = rerun_share(book.table(option))
        assert summarize(result, 0).tokens.reruns_usd[option] == pytest.approx(share * expected, rel=1e-9)
        assert option not in summarize(result, 1).tokens.reruns_usd  # steps that are tasks keep their results
    others = [t.id for t in book.options() if rerun_share(t) == 0]
    assert others and not set(others) & set(summarize(result, 0).tokens.reruns_usd)


def test_every_option_states_from_its_docs_whether_a_retry_re_runs_finished_steps():
    """No option is read as keeping its finished steps by default: each table states the share, from a
    source of its own, and a table that leaves it out is refused by the engine's checks."""
    from model.requirements import table_problems
    from model.tokens import RERUNS

    book = read_pricebook(on=ON)
    for table in book.options():
        number = table.counting.get(RERUNS)
        assert number is not None, table.id
        assert number.source in table.sources and 0 <= number.expected <= 1, table.id
    table = book.options()[0]
    cut = table.model_copy(update={"counting": {k: v for k, v in table.counting.items() if k != RERUNS}})
    assert any(RERUNS in why for _, why in table_problems(cut))
