"""The one place where the engine's findings become sentences, and where money is written.

The engine returns codes with their numbers (`model.findings`); the terminal table, the Markdown,
the reports and the app all write them through `say`, every dollar figure through `money`, every
time into a run through `elapsed`, and every option's name and fit through `option_name` and
`fit_label`. A test keeps a sentence for every code.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from model.findings import Finding
from model.result import EstimateOut, FindingOut, OptionOut, TableRef, TokenRateOut
from model.verdict import Flip, Verdict
from schema.inputs import OptionOverrides

if TYPE_CHECKING:
    from model.outlook import Outlook
    from model.strategy import Path, Strategy
    from model.uncertainty import Band, Input, MonteCarlo

__all__ = [
    "SAYINGS",
    "checked_text",
    "crossover_sentences",
    "describe_strategy",
    "elapsed",
    "fit_label",
    "fit_reasons",
    "flip_sentence",
    "input_value",
    "lower",
    "mc_sentence",
    "migration_sentences",
    "money",
    "number",
    "option_name",
    "path_sentence",
    "plan_reason",
    "requirements_text",
    "say",
    "sentence",
    "share_text",
    "terms_text",
    "verdict_details",
    "verdict_sentence",
]

_FEATURES = {
    "seats": "seat count",
    "log_retention_days": "log retention",
    "sla_percent": "uptime SLA",
    "support": "support level",
    "sso": "SSO / SAML",
    "hipaa": "HIPAA BAA",
}


def money(value: float | None, cents: bool = True) -> str:
    """Dollars as a reader sees them: cents on a bill, four decimals for a figure under ten cents (a
    run's cost), a dash for nothing.

    >>> money(1234.5), money(0.0149), money(0.32), money(None), money(1234.5, cents=False), money(-50)
    ('$1,234.50', '$0.0149', '$0.32', '—', '$1,234', '-$50.00')
    """
    if value is None or not math.isfinite(value):
        return "—"
    sign = "-" if value < 0 else ""
    value = abs(value)
    if 0 < value < 0.1:
        return f"{sign}${value:.4f}"
    return f"{sign}${value:,.2f}" if cents else f"{sign}${value:,.0f}"


def number(value: float) -> str:
    """A count or a level as a reader says it: whole above 100, three figures below.

    >>> number(51200), number(2.5), number(0.125), number(30)
    ('51,200', '2.5', '0.125', '30')
    """
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def elapsed(seconds: float) -> str:
    """A time into a run, as a reader says it.

    >>> elapsed(0.2), elapsed(45), elapsed(600), elapsed(7740), elapsed(3 * 86400)
    ('under 1 s', '45 s', '10 min', '2.1 hours', '3 days')
    >>> elapsed(400 * 86400), elapsed(36_500 * 86400), elapsed(1e6 * 86400)
    ('400 days', '99.9 years', '2,738 years')
    """
    if seconds < 1:
        return "under 1 s"
    if seconds < 90:
        return f"{seconds:,.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:,.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:,.2g} hours"
    days = seconds / 86400
    if days < 100:
        return f"{days:,.3g} days"
    if days < 730:
        return f"{days:,.0f} days"
    years = days / 365.25
    return f"{years:,.3g} years" if years < 100 else f"{years:,.0f} years"


def _at(v: Mapping[str, Any]) -> str:
    """` at step 129 (about 2.1 hours into the run)`, or nothing when no step passes the level."""
    step = v.get("step")
    if step is None:
        return ""
    return f" at step {step:,.0f}{_into(v)}"


def _into(v: Mapping[str, Any]) -> str:
    """` (about 2.1 hours into the run)`: how long into the run a step comes, or nothing."""
    seconds = v.get("seconds")
    if not seconds:
        return ""
    run = "a run that does not wait for a person" if v.get("without_waits") else "the run"
    return f" (about {elapsed(seconds)} into {run})"


def lower(name: object) -> str:
    """A name in running text: each word in lower case but an acronym (CPU, SSO, BAA).

    >>> lower("CPU time per step"), lower("Event History size"), lower("Steps that need a full machine")
    ('CPU time per step', 'event history size', 'steps that need a full machine')
    """
    return " ".join(w if sum(ch.isupper() for ch in w) > 1 else w.lower() for w in str(name).split(" "))


def _limit(v: Mapping[str, Any]) -> str:
    """`passes the 2 MB payload size limit at step 31 (…)`, or `has waits …, and none is allowed`."""
    name = lower(v.get("name", ""))
    if v.get("none_allowed"):
        return f"has {name}, and none is allowed"
    return f"passes the {v.get('shown')} {name} limit{_at(v)}"


def _advice(v: Mapping[str, Any]) -> str:
    advice = v.get("advice")
    return f": {advice}" if advice else ""


def _feature(v: Mapping[str, Any]) -> str:
    feature, have, want = v.get("feature"), v.get("have"), v.get("want")
    if have is None:
        return f"no {_FEATURES.get(str(feature), str(feature))} listed"
    if feature == "seats":
        return f"{have:,.0f} seats, fewer than the {want:,.0f} you need"
    if feature == "log_retention_days":
        return f"logs kept {have:g} days, fewer than the {want:g} you need"
    if feature == "sla_percent":
        return f"an uptime SLA of {have:g}%, below the {want:g}% you need"
    if feature == "support":
        return f"{have} support, below the {want} support you need"
    return f"no {_FEATURES.get(str(feature), str(feature))}"


def _concurrency(v: Mapping[str, Any]) -> str:
    held = "runs executing" if v.get("holds") == "executing" else "open runs"
    allows = f"{v.get('plan')} allows {v.get('allows', 0):g} concurrent runs"
    peak = v.get("peak")
    shown = "?" if peak is None else f"{peak:,.4g}"
    if v.get("buys"):
        return f"{allows}; the peak of {shown} {held} needs extra concurrency"
    if v.get("short"):
        return f"{allows}, fewer than the peak of {shown} {held}"
    return f"{allows} (peak {shown} {held})"


def _nested(v: Mapping[str, Any], key: str) -> str:
    inner = v.get(key)
    return say(inner) if isinstance(inner, FindingOut) else ""


def _shorts(v: Mapping[str, Any]) -> str:
    short = v.get("short") or []
    return "; ".join(say(s) for s in short if isinstance(s, FindingOut))


SAYINGS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "limit_passed": lambda v: f"the run {_limit(v)}{_advice(v)}",
    "limit_lifted": lambda v: f"as designed the run {_limit(v)}; priced as {v.get('design')}",
    "design_cheaper": lambda v: (
        f"priced as {v.get('design')}, cheaper than as designed ({money(v.get('as_designed_usd'))} a month)"
    ),
    "limit_warned": lambda v: f"the run {_limit(v)} (a limit that only warns){_advice(v)}",
    "limit_ahead": lambda v: (
        f"the run passes the {number(float(v.get('level') or 0))} {v.get('unit')} warning level of the "
        f"{v.get('shown')} {lower(v.get('name', ''))} limit{_at(v)}"
        + (f"; the limit itself comes at step {v['limit_step']:,.0f}" if v.get("limit_step") is not None else "")
    ),
    "limit_avoided": lambda v: f"the run {_limit(v)} without {v.get('restart')}",
    "no_published_plan": lambda v: (
        f"price not public: no published plan takes this workload ({_nested(v, 'why')}); "
        f"only {v.get('contract')}, by contract"
    ),
    "no_plan": lambda v: f"no plan takes this workload ({_nested(v, 'why')})",
    "past_published_tier": lambda v: (
        f"price not public above {number(float(v.get('up_to') or 0))} {v.get('unit')} of {v.get('meter')}: "
        f"{v.get('contract')}; the figure shown covers the published tiers only"
    ),
    "pinned_plan_refused": lambda v: f"your pinned plan {v.get('plan')} cannot take this workload",
    "requirements_unmet": lambda v: (
        "no plan both takes this workload and meets your requirements ("
        + "; ".join(say(p) for p in (v.get("plans") or []) if isinstance(p, FindingOut))
        + ")"
    ),
    "plan_short": lambda v: f"{v.get('plan')} does not meet your requirements: {_shorts(v)}",
    "feature_short": _feature,
    "feature_unpriced": lambda v: (
        f"{v.get('plan')}: {_FEATURES.get(str(v.get('feature')), str(v.get('feature')))} costs extra at a price the "
        f"vendor does not publish ({v.get('how')}); the total leaves it out"
    ),
    "plan_takes": lambda v: f"{v.get('plan')} takes this workload",
    "plan_no_cap": lambda v: f"{v.get('plan')} has no concurrency cap",
    "plan_concurrency": _concurrency,
    "plan_rate_cap": lambda v: (
        f"{v.get('plan')} takes at most {v.get('most', 0):g} {v.get('unit')} per second, fewer than the peak needs"
    ),
    "plan_run_limit": lambda v: f"{v.get('plan')} allows at most {v.get('shown')} of {lower(v.get('name', ''))}",
    "plan_capped": lambda v: f"{v.get('plan')} takes no {v.get('meters')} beyond what it includes",
    "plan_unsold": lambda v: f"{v.get('plan')} does not sell {v.get('addons')}",
    "plan_no_overage": lambda v: f"{v.get('plan')} allows no usage beyond what it includes",
    "plan_contract_only": lambda v: f"{v.get('plan')} is sold by contract only",
    "plan_pinned": lambda v: (
        f"your pinned plan (the cheapest, {v.get('cheapest')}, would bill {money(v.get('cheapest_usd'))})"
        + (f"; it cannot take this workload: {_nested(v, 'refused')}" if v.get("refused") else "")
    ),
    "no_plan_fee": lambda v: "billed on usage alone, with no plan fee",
    "licence": lambda v: f"{v.get('licence')} licence: no fee; {v.get('note')}",
    "retention_bound": lambda v: (
        f"{v.get('plan')} keeps closed runs {v.get('days', 0):g} days, fewer than the profile's retention asks; "
        f"priced on {v.get('days', 0):g}"
    ),
    "retention_clamped": lambda v: (
        f"A retention of {v.get('given', 0):g} days is outside {v.get('option')}'s "
        f"{v.get('low', 0):g} to {v.get('high', 0):g} days; priced at the nearest bound"
    ),
    "history_passes": lambda v: (
        f"Step {v.get('step') or 1:,.0f}"
        + _into(v)
        + f" passes the {v.get('shown')} {lower(v.get('name', ''))} limit"
        + (f", which {v.get('restart')} cannot fix" if v.get("restart") else "")
        + "."
        + (f" {v.get('advice')}" if v.get("advice") else "")
    ),
    "history_segments": lambda v: str(v.get("advice")),
    "history_grows": lambda v: (
        "Each step records a larger input: history grows quadratically with steps. Passing a reference "
        "instead of the whole conversation makes it linear."
    ),
    "history_inside": lambda v: f"This run stays well inside the {v.get('vendor')} {v.get('name')} limits.",
    "set_aside": lambda v: f"set aside by your answer to “{v.get('question')}” ({v.get('answer')}): {v.get('reason')}",
    "horizon_setup": lambda v: f"its setup costs {money(v.get('usd'), cents=False)} less",
    "horizon_bills": lambda v: (
        f"its bills come to {money(v.get('usd'), cents=False)} less over the {v.get('months')} months"
        + (f" (the cheaper month by month from month {v['month']})" if v.get("month") not in (None, 1) else "")
    ),
    "horizon_migration": lambda v: (
        f"moving at month {v.get('month')} saves {money(v.get('usd'), cents=False)} against staying put"
        if v.get("usd") is not None
        else f"it moves at month {v.get('month')}"
    ),
    "peak_raised": lambda v: (
        f"peak_concurrent_runs {v.get('given', 0):,.4g} is below the {v.get('floor', 0):,.4g} runs that execute at "
        f"once on average within the {v.get('window_hours', 0):g} h busy window at this volume; priced at that floor"
    ),
}
"""A sentence for every finding code (`model.findings.CODES`)."""


def sentence(text: str) -> str:
    """`text` as a sentence: a capital first letter and one full stop.

    >>> sentence("the run passes it: Split the step."), sentence("as designed")
    ('The run passes it: Split the step.', 'As designed.')
    """
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def say(finding: FindingOut) -> str:
    """A finding as a sentence (no closing full stop, so it can be joined or followed)."""
    try:
        return SAYINGS[finding.code](finding.data)
    except KeyError:
        return finding.code.replace("_", " ")


def flip_sentence(flip: Flip, result: EstimateOut) -> str:
    """What would flip the verdict, in one sentence."""
    names = {o.id: option_name(o) for o in result.options}
    runner, best = names.get(flip.runner, flip.runner), names.get(flip.best, flip.best)
    if flip.field.startswith("ops_fte."):
        whose = "it" if flip.field == f"ops_fte.{flip.runner}" else best
        side = "under" if flip.below else "over"
        shown = f"{flip.value:,.0f}" if flip.value >= 100 else f"{flip.value:.2g}"
        return (
            f"{runner} would be the cheaper if operating {whose} took {side} {shown} of an engineer "
            f"(estimated: {flip.current:g}; set yours in Team)."
        )
    side = "below" if flip.below else "above"
    return f"{runner} would be the cheaper {side} {flip.value:,.0f} runs a month (this profile: {flip.current:,.0f})."


def option_name(option: OptionOut) -> str:
    """The option's name, with its design's where it is priced as one ("Acme Cloud, payloads by
    reference")."""
    if option.fit.status == "workaround" and option.fit.design_name:
        return f"{option.name}, {option.fit.design_name}"
    return option.name


def fit_label(option: OptionOut) -> str:
    """A few words on whether the option can run the workload, for a table's cell."""
    status = option.fit.status
    if status == "fits":
        return "runs as designed"
    if status == "workaround":
        return f"runs with {option.fit.design_name}"
    if status == "not_public":
        found = next((r for r in option.fit.reasons if r.code == "past_published_tier"), None)
        up_to = found.data.get("up_to") if found is not None else None
        if isinstance(up_to, float | int) and found is not None:
            return f"price not public above {number(float(up_to))} {found.data.get('unit')}"
        return "price not public (contract only)"
    if status == "set_aside":
        return "set aside by your answers"
    return "ruled out"


def fit_reasons(option: OptionOut) -> list[str]:
    """Why the option fits as it does, one sentence each (empty when it fits as designed)."""
    return [say(r) for r in option.fit.reasons]


def plan_reason(option: OptionOut, plans: Sequence[Any] | None = None) -> str:
    """Why this plan, with every plan's bill beside it and a tie named."""
    text = say(option.plan_reason)
    shown = [p for p in (plans if plans is not None else option.plans) if p.monthly_usd is not None]
    chosen = next((p for p in shown if p.chosen), None)
    others = [p for p in shown if not p.chosen]
    if others:
        mine = f"{chosen.name} {money(chosen.monthly_usd)}; " if chosen is not None else ""
        text += (
            f" (the vendor's bill on each plan: {mine}{', '.join(f'{p.name} {money(p.monthly_usd)}' for p in others)})"
        )
        if chosen is not None:
            tied = [p.name for p in others if round(p.monthly_usd or 0.0, 2) == round(chosen.monthly_usd or 0.0, 2)]
            if tied:
                text += f"; as cheap as {' and '.join(tied)}, with more headroom"
    return text


def share_text(share: float) -> str:
    """A share of draws as a reader says it: "under 1%" and "over 99%" rather than a rounded 0% or 100%.

    >>> share_text(0.004), share_text(0.83), share_text(0.999), share_text(1.0)
    ('under 1%', '83%', 'over 99%', '100%')
    """
    if 0 < share < 0.005:
        return "under 1%"
    if 0.995 < share < 1:
        return "over 99%"
    return f"{share:.0%}"


def describe_strategy(strategy: Strategy, names: Mapping[str, str]) -> str:
    """A strategy in words: "stay on A", or "start on A, move to B at month m"."""
    if strategy.then is None:
        return f"stay on {names.get(strategy.start, strategy.start)}"
    return (
        f"start on {names.get(strategy.start, strategy.start)}, move to "
        f"{names.get(strategy.then, strategy.then)} at month {strategy.month}"
    )


def _names(result: EstimateOut) -> dict[str, str]:
    return {o.id: option_name(o) for o in result.options}


def _horizon_clause(v: Verdict, result: EstimateOut) -> str:
    """ "; over the next 36 months …" when the cheapest path is not staying on the named option."""
    h = v.horizon
    if h is None or not v.differs_over_horizon:
        return ""
    names = _names(result)
    why = [say(finding_text(f)) for f in h.why]
    because = f": {'; '.join(why)}" if why else ""
    return (
        f"; over the next {h.months} months, though, the cheapest path is to {describe_strategy(h.best, names)} "
        f"({money(h.best.total, cents=False)} with setup and migration, against {money(h.named_total, cents=False)}"
        f"{because})"
    )


def finding_text(finding: Finding) -> FindingOut:
    """An engine finding as the contract carries it, for `say`."""
    from model.result import finding_out

    return finding_out(finding)


def _sure(v: Verdict) -> str:
    return f"the cheapest in {share_text(v.sure)} of {v.draws:,} draws" if v.sure is not None and v.draws else ""


def verdict_sentence(v: Verdict, result: EstimateOut) -> str:
    """The verdict in one sentence, the same in every view: the option, by how much, how sure, and
    the horizon's winner when it differs (with why)."""
    best, runner = v.best, v.runner
    answers = " that meets your answers" if v.set_aside else ""
    if best is None:
        return f"No option{answers} can run this profile at a public price: see each option's reasons."
    horizon = _horizon_clause(v, result)
    if runner is None:
        return (
            f"{option_name(best)} ({best.plan}) is the only option{answers} that can run this profile, at "
            f"{money(best.monthly_usd)} a month{horizon}."
        )
    if v.too_close:
        if v.sure is not None and v.draws:
            return (
                f"Too close to call on these inputs: {option_name(best)} at {money(best.monthly_usd)} a month is "
                f"{_sure(v)}, {option_name(runner)} at {money(runner.monthly_usd)} in "
                f"{share_text(v.runner_sure or 0.0)}{horizon}."
            )
        return (
            f"Too close to call on these inputs: {option_name(best)} at {money(best.monthly_usd)} a month and "
            f"{option_name(runner)} at {money(runner.monthly_usd)} have overlapping ranges{horizon}."
        )
    share = f" ({v.share:.0%})" if v.share is not None else ""
    sure = f", and {_sure(v)}" if _sure(v) else ""
    return (
        f"{option_name(best)} ({best.plan}) is the cheapest{answers} for this profile at {money(best.monthly_usd)} "
        f"a month, {money(v.gap)}{share} less than {option_name(runner)}{sure}{horizon}."
    )


def checked_text(ref: TableRef, today: dt.date) -> str:
    """When an option's prices hold as of, and whether their re-check is overdue on `today`."""
    if ref.checked is None:
        return ""
    text = f"prices hold as of {ref.checked:%Y-%m-%d}"
    if ref.recheck_due is not None and ref.recheck_due < today:
        text += f" (re-check overdue since {ref.recheck_due:%Y-%m-%d})"
    return text


def _parts(option: OptionOut) -> str:
    s = option.subtotals
    return (
        f"vendor {money(s['vendor'])} · your infrastructure {money(s['infrastructure'])} · people {money(s['people'])}"
    )


def _either(items: Sequence[str]) -> str:
    """`a`, `a or b`, `a, b or c`."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def many(value: float) -> str:
    """A large count in words a reader takes in at a glance.

    >>> many(950), many(165_000), many(9_363_750_000), many(2.4e6)
    ('950', '165,000', '9.36 billion', '2.4 million')
    """
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if abs(value) >= size:
            return f"{value / size:.3g} {word}"
    return number(value)


TOKENS_NOTE = (
    "the same on every option that keeps a finished step's result: every attempt of a step calls the model once"
)


def beside_usd(option: OptionOut, result: EstimateOut) -> float:
    """What runs beside the orchestrator a month on `option`: the model's tokens (and what its retries
    add where they re-run finished inline steps) and the sandboxes; 0 where the profile names neither."""
    t, b = result.tokens, result.sandbox
    tokens = 0.0 if t is None else t.monthly_usd + t.reruns_usd.get(option.id, 0.0)
    return tokens + (0.0 if b is None else b.monthly_usd)


def whole_cost(option: OptionOut, result: EstimateOut) -> float:
    """The whole cost of running the agent on `option`: its bill and what runs beside it."""
    return option.monthly_usd + beside_usd(option, result)


def adding(parts: list[tuple[str, float]], cents: bool = True) -> str:
    """What several things beside the orchestrator add, in words: "The model's tokens add $X" or "The
    model's tokens ($X) and E2B sandboxes ($Y) add $Z".

    >>> adding([("the model's tokens", 5692.5)]), adding([("the model's tokens", 10.0), ("E2B sandboxes", 2.5)])
    ("The model's tokens add $5,692.50", "The model's tokens ($10.00) and E2B sandboxes ($2.50) add $12.50")
    """
    if len(parts) == 1:
        what, usd = parts[0]
        return f"{what[:1].upper()}{what[1:]} add {money(usd, cents)}"
    named = " and ".join(f"{what} ({money(usd, cents)})" for what, usd in parts)
    return f"{named[:1].upper()}{named[1:]} add {money(sum(u for _, u in parts), cents)}"


def _beside_parts(result: EstimateOut) -> list[tuple[str, float]]:
    parts = []
    if result.tokens is not None:
        parts.append(("the model's tokens", result.tokens.monthly_usd))
    if result.sandbox is not None:
        parts.append((result.sandbox.name, result.sandbox.monthly_usd))
    return parts


def beside_sentence(v: Verdict, result: EstimateOut) -> str | None:
    """What runs beside the orchestrator (the model's tokens, the sandboxes), and the orchestrator's share
    of the whole, for the named option (short: the headline's second line); None when the profile names
    neither."""
    parts = _beside_parts(result)
    if not parts:
        return None
    what = adding(parts) + " a month on every option"
    best = v.best
    if best is None:
        return what + "."
    t = result.tokens
    extra = t.reruns_usd.get(best.id, 0.0) if t is not None else 0.0
    if extra > 0:
        what += f", {money(extra)} more on {option_name(best)} (its retries re-run the finished inline steps)"
    whole = whole_cost(best, result)
    share = best.monthly_usd / whole if whole > 0 else 0.0
    return f"{what}; with them, {option_name(best)} is {share:.1%} of the whole ({money(whole)} a month)."


def context_warning(result: EstimateOut) -> str | None:
    """A run whose calls outgrow the model's context window, in words; None when they fit."""
    t = result.tokens
    if t is None or t.context_step is None or t.context_window is None:
        return None
    return (
        f"Step {t.context_step:,} of a run would send {t.provider} {t.name} more than its context window of "
        f"{number(t.context_window)} tokens (the last step's input: {number(t.largest_input_tokens)}): the run "
        "cannot call this model as described; trim or summarise the context, or choose a model with a larger window."
    )


def beside_warnings(result: EstimateOut) -> list[str]:
    """What beside the orchestrator cannot run as described: a context window passed, a sandbox plan's
    limit passed."""
    out = [w for w in (context_warning(result),) if w is not None]
    b = result.sandbox
    if b is not None and b.problem:
        out.append(
            f"No {b.vendor} plan takes these sandboxes ({b.problem}): they cannot run there as described; the "
            f"figure is {b.plan}'s. Shorten the sandboxes' time, give each less, or choose another service."
        )
    return out


def sandbox_lines(result: EstimateOut, today: dt.date | None = None) -> list[str]:
    """The sandboxes' bill as a comparison lists it under the options, with when its prices hold as of
    and whether their re-check is overdue on `today` (the clock's date by default); empty when the
    profile names none."""
    b = result.sandbox
    if b is None:
        return []
    held = checked_text(b.table, today or dt.date.today())
    fee = f"{b.plan} plan, {money(b.fee_usd)} a month" if b.fee_usd else f"{b.plan} plan, no fee"
    credit = f", {money(b.credit_usd)} of usage included" if b.credit_usd else ""
    return [
        f"Sandboxes, {b.name} ({fee}{credit}): {money(b.monthly_usd)} a month ({money(b.per_run_usd)} a run), one "
        f"a run of {b.vcpus:g} vCPU and {b.memory_gb:g} GB for {elapsed(b.seconds_per_run)}: "
        f"{many(b.sandboxes_per_month)} a month, {number(b.peak_sandboxes)} at once at the peak, at "
        f"{_small(b.vcpu_second_usd)} a vCPU-second and {_small(b.memory_gb_second_usd)} a GB-second. The steps that "
        "need a machine run there, so no option hosts one.",
        f"Sandbox {held}; sources: " + ", ".join(b.sources) + ".",
    ]


def _small(usd: float) -> str:
    """A price per second, with every figure it has.

    >>> _small(0.000014), _small(0.0000045)
    ('$0.000014', '$0.0000045')
    """
    return "$" + f"{usd:.10f}".rstrip("0").rstrip(".")


def beside_lines(result: EstimateOut, today: dt.date | None = None) -> list[str]:
    """Everything beside the orchestrator, as a comparison lists it: the model's tokens, then the sandboxes."""
    return tokens_lines(result) + sandbox_lines(result, today)


def _rate_words(label: str, rate: TokenRateOut) -> str:
    listed = money(rate.usd_per_mtok)
    tiers = "".join(f", {money(price)} past {number(start)} input tokens" for start, price in rate.tiers)
    if rate.yours is not None:
        return f"{label} {money(rate.yours)} (yours; list {listed}{tiers})"
    return f"{label} {listed}{tiers}"


def tokens_lines(result: EstimateOut) -> list[str]:
    """The model's bill as a comparison lists it under the options: what it costs, at which prices,
    from where; empty when the profile names no model."""
    t = result.tokens
    if t is None:
        return []
    prices = "; ".join(
        [
            _rate_words("input", t.input),
            _rate_words("cached input", t.cached_input),
            _rate_words("output", t.output),
        ]
    )
    off = f", less your {t.discount_percent:g}% discount" if t.discount_percent else ""
    lines = [
        f"Model tokens, {t.provider} {t.name} ({t.model}): {money(t.monthly_usd)} a month ({money(t.per_run_usd)} a "
        f"run){off}, for {many(t.calls_per_month)} calls, {many(t.input_tokens_per_month)} tokens in "
        f"({many(t.cached_input_tokens_per_month)} of them from the prompt cache) and "
        f"{many(t.output_tokens_per_month)} out; {TOKENS_NOTE}. Per million tokens: {prices}."
    ]
    if t.per_request_usd:
        lines.append(f"Each call also pays {money(t.per_request_usd)}.")
    if t.reruns_usd:
        names = _names(result)
        more = "; ".join(f"{names.get(k, k)} {money(v)}" for k, v in sorted(t.reruns_usd.items(), key=lambda kv: kv[1]))
        lines.append(
            "Where a retry runs a run's code again from its start, the steps written inline before the one retried "
            f"call the model again: a month, {more} more."
        )
    source = tokens_source(result)
    if source is not None:
        lines.append(source)
    return lines


def tokens_source(result: EstimateOut) -> str | None:
    """Where the token prices come from, in words."""
    t = result.tokens
    if t is None:
        return None
    dated = f", as of {t.snapshot_dated}" if t.snapshot_dated is not None else ""
    page = f"; the provider's page: {t.pricing_url}" if t.pricing_url else ""
    return f"Token prices: {t.snapshot.replace('@', ' ')}{dated} ({t.provider}'s list prices{page})."


def verdict_details(v: Verdict, result: EstimateOut, today: dt.date | None = None) -> list[str]:
    """What the verdict rests on and what could still change it, a line each: the two options' bills
    by category and range, why the named one runs as it does, the gap when it is too close to call,
    what your answers set aside, lean to or leave open, and how old the two options' prices are."""
    best, runner = v.best, v.runner
    out: list[str] = []
    beside = beside_sentence(v, result)
    if beside is not None:
        out.append(beside)
    out += beside_warnings(result)
    if best is not None:
        out.append(f"{option_name(best)}: {_parts(best)}; range {money(best.low_usd)} – {money(best.high_usd)}.")
        out += [f"{option_name(best)}: {sentence(text)}" for text in fit_reasons(best)]
        out += [f"{option_name(best)}: warning: {sentence(say(w))}" for w in best.warnings]
    if best is not None and runner is not None:
        out.append(
            f"{option_name(runner)}: {_parts(runner)}; range {money(runner.low_usd)} – {money(runner.high_usd)}."
        )
        if v.too_close:
            out.append(
                f"As estimated, {option_name(best)} costs {money(v.gap)} less; on these inputs either could be the "
                "cheaper."
            )
        if v.parts.get("vendor", 0.0) < 0:
            out.append(
                f"{option_name(runner)}'s vendor bill is {money(-v.parts['vendor'])} lower: the gap is your "
                "infrastructure and people, which are estimates."
            )
    if v.set_aside:
        names = _names(result)
        by_reason: dict[str, list[str]] = {}
        for option, found in v.set_aside.items():
            for f in found:
                by_reason.setdefault(str(f.data.get("reason")), []).append(names.get(option, option))
        out.append(
            "Set aside by your answers: "
            + "; ".join(f"{', '.join(dict.fromkeys(who))} ({why.rstrip('.')})" for why, who in by_reason.items())
            + "."
        )
    if v.leanings:
        heaviest = v.leanings[0]
        reasons = "; ".join(
            dict.fromkeys(f"“{x.question}” {x.answer.lower()}" for x in v.leanings if x.vendor == heaviest.vendor)
        )
        cost = ""
        if v.leaning_option is not None and best is not None:
            more = v.leaning_option.monthly_usd - best.monthly_usd
            cost = (
                f": its cheapest option, {option_name(v.leaning_option)}, costs {money(more)} more a month"
                if more > 0
                else f": its cheapest option, {option_name(v.leaning_option)}, costs no more"
            )
        out.append(f"Your answers lean to {heaviest.vendor_name} ({reasons}){cost}.")
    if v.open_questions and best is not None:
        asked = "; ".join(
            f"“{q.text}” ({_either([label for label, ids in q.would if best.id in ids])} would set it aside)"
            for q in v.open_questions
        )
        out.append(f"What could still change it: {asked}.")
    if today is not None:
        for shown in (best, runner):
            if shown is not None and shown.pricing.recheck_due is not None and shown.pricing.recheck_due < today:
                out.append(f"{option_name(shown)}: {checked_text(shown.pricing, today)}.")
    return out


def mc_sentence(mc: MonteCarlo) -> str:
    """How sure, over the draws: the option cheapest in the most draws and the next."""
    best = mc.leader
    if best is None:
        return f"No option can run this workload in any of {mc.draws:,} draws."
    if not mc.inputs:
        return f"{best.name} is the cheapest: no input of this comparison is uncertain."
    others = sorted(
        (s for s in mc.options if s.id != best.id and s.cheapest_share > 0), key=lambda s: -s.cheapest_share
    )
    said = f"{best.name} is the cheapest in {share_text(best.cheapest_share)} of {mc.draws:,} draws"
    if others:
        said += f" ({others[0].name}: {share_text(others[0].cheapest_share)})"
    return said + f" of {len(mc.inputs)} uncertain inputs, your own numbers' doubts among them."


def path_sentence(p: Path, names: Mapping[str, str]) -> str:
    """The best strategy over the horizon, and what it saves against the next best."""
    best = p.best
    if best is None:
        return f"No strategy can run this workload in every one of the {p.months} months."
    said = (
        f"Over {p.months} months the cheapest path is to {describe_strategy(best, names)}: "
        f"{money(best.total, cents=False)} in all"
    )
    if best.then is not None:
        stay = p.stay(best.start)
        if stay is not None:
            said += (
                f", {money(stay.total - best.total, cents=False)} less than staying on "
                f"{names.get(best.start, best.start)}"
            )
        return said + "."
    runner = next((s for s in p.strategies[1:]), None)
    if runner is not None:
        said += (
            f", {money(runner.total - best.total, cents=False)} less than the next best "
            f"({describe_strategy(runner, names)})"
        )
    moves = [s for s in p.strategies if s.start == best.start and s.then is not None]
    return said + (". No migration from it pays off within the horizon." if moves or runner is None else ".")


def path_tokens(p: Path, result: EstimateOut) -> float | None:
    """The model's tokens over the path's months (`model.outlook.tokens_over_path`)."""
    from model.outlook import tokens_over_path

    t = result.tokens
    return None if t is None or t.per_run_usd is None else tokens_over_path(p, t.per_run_usd)


def path_sandbox(p: Path, result: EstimateOut) -> float | None:
    """The sandboxes over the path's months (`model.outlook.sandbox_over_path`)."""
    from model.outlook import sandbox_over_path

    b = result.sandbox
    if b is None or b.sandboxes_per_month <= 0:
        return None
    return sandbox_over_path(p, b.usage_usd / b.sandboxes_per_month, b.fee_usd, b.credit_usd)


def path_tokens_sentence(p: Path, result: EstimateOut) -> str | None:
    """What runs beside the orchestrator (the model's tokens, the sandboxes) beside the path's total; None
    when the profile names neither."""
    tokens, sandbox = path_tokens(p, result), path_sandbox(p, result)
    if tokens is None and sandbox is None:
        return None
    parts = [(w, u) for w, u in (("the model's tokens", tokens), ("the sandboxes", sandbox)) if u is not None]
    total = sum(u for _, u in parts)
    what = adding(parts, cents=False)
    best = p.best
    whole = (
        f": with them the cheapest path costs {money(best.total + total, cents=False)} in all, the orchestrator "
        f"{best.total / (best.total + total):.1%} of it"
        if best is not None and best.total + total > 0
        else ""
    )
    return f"{what} over the same {p.months} months, growing with the runs and the same on every path{whole}."


def migration_sentences(o: Outlook, names: Mapping[str, str]) -> list[str]:
    """The best month to move each way between the two leading options, or that it never pays within the
    horizon."""
    from model.outlook import migration_month

    lead = o.leading(2)
    if len(lead) < 2:
        return []
    out = []
    for a, b in (lead, lead[::-1]):
        month = migration_month(o.path, a, b)
        when = f"month {month}." if month is not None else f"never within {o.path.months} months."
        out.append(f"Best month to move from {names[a]} to {names[b]}: {when}")
    return out


def crossover_sentences(band: Band, names: Mapping[str, str], what: str) -> list[str]:
    """Where each crossover that changes the cheapest lies over the draws (`what`: the chart's field in words)."""
    return [
        f"{names[c.options[0]]} and {names[c.options[1]]} cross between {number(c.p10)} and {number(c.p90)} "
        f"({what}) in eight draws of ten (median {number(c.p50)}; they cross within the chart in "
        f"{share_text(c.share)} of the draws)."
        for c in band.crossovers
    ]


_PER = {"s": "a second", "h": "an hour", "month": "a month", "year": "a year", "GB-month": "a GB-month"}


def input_value(inp: Input, value: float) -> str:
    """A value of an uncertain input as a reader says it: dollars with what they buy, a share as a
    percentage, a factor as ×, else the number and its unit.

    >>> from model.uncertainty import Input
    >>> input_value(Input("k", "l", "USD/s", 0, 0, 1, "triangular"), 3.375e-05)
    '$0.0000338 a second'
    >>> input_value(Input("k", "l", "USD/1M actions", 0, 0, 1, "triangular"), 25)
    '$25.00 per 1M actions'
    >>> input_value(Input("k", "l", "fraction", 0, 0, 1, "triangular"), 0.125)
    '12.5%'
    >>> input_value(Input("k", "l", "FTE", 0, 0, 1, "triangular"), 0.03)
    '0.03 FTE'
    """
    unit = inp.unit
    if unit == "multiplier":
        return f"×{value:.3g}"
    if unit == "fraction":
        return f"{value * 100:.3g}%"
    if unit.startswith("USD"):
        per = unit.removeprefix("USD").lstrip("/")
        figure = f"${value:.3g}" if 0 < abs(value) < 0.01 else money(value)
        if figure.startswith("$") and "e" in figure:
            figure = f"${value:.7f}".rstrip("0")
        if not per:
            return figure
        words = _PER.get(per)
        return f"{figure} {words}" if words else f"{figure} per {per}"
    shown = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    return f"{shown} {unit}".strip() if unit not in ("", "count") else shown


def terms_text(name: str, terms: OptionOverrides) -> str:
    """A contract's terms for one option, in words.

    >>> from schema.inputs import OptionOverrides
    >>> terms_text("Acme", OptionOverrides(discount_percent=20, commitment_usd=1000, plan="pro", prices={"run": 0.5}))
    "Acme: your price for run 0.5; 20% off the vendor's bill; $1,000.00 a month committed; plan pro pinned"
    """
    said = [f"your price for {k.replace('_', ' ')} {v:g}" for k, v in terms.prices.items()]
    if terms.discount_percent:
        said.append(f"{terms.discount_percent:g}% off the vendor's bill")
    if terms.commitment_usd is not None:
        credit = terms.commitment_credit_usd
        said.append(
            f"{money(terms.commitment_usd)} a month committed"
            + (f" for {money(credit)} of credit" if credit is not None and credit != terms.commitment_usd else "")
        )
    if terms.plan:
        said.append(f"plan {terms.plan} pinned")
    said += [f"add-on {k.replace('_', ' ')} ×{v:g}" for k, v in terms.addons.items()]
    return f"{name}: " + "; ".join(said)


def requirements_text(stated: Mapping[str, Any]) -> str:
    """The plan requirements a profile states, in words.

    >>> requirements_text({"sso": True, "sla_percent": 99.9, "seats": 10})
    'Every plan must offer: SSO / SAML, an uptime SLA of 99.9%, 10 seats'
    """
    said = []
    for key, value in stated.items():
        if key == "sla_percent":
            said.append(f"an uptime SLA of {value:g}%")
        elif key == "seats":
            said.append(f"{value:g} seats")
        elif key == "log_retention_days":
            said.append(f"{value:g} days of log retention")
        elif key == "support":
            said.append(f"{value} support")
        else:
            said.append(_FEATURES.get(key, key.replace("_", " ")))
    return "Every plan must offer: " + ", ".join(said)
