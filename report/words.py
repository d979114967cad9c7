"""Where the engine's findings become sentences, and where money and every other figure is written.

The engine returns codes with their numbers (`model.findings`); the terminal table, the Markdown,
the reports and the app all write them through `say`, every dollar figure through `money`, every
time into a run through `elapsed`. A test keeps a sentence for every code. The rooms beside this
one write the rest with these: an option (`report.option_words`), the verdict
(`report.verdict_words`), what runs beside the orchestrator (`report.beside_words`), the months
ahead and how sure (`report.outlook_words`) and a profile's terms (`report.profile_words`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from model.findings import Finding
from model.findings_out import FindingOut

__all__ = [
    "FEATURE_NAMES",
    "SAYINGS",
    "elapsed",
    "finding_text",
    "lower",
    "many",
    "money",
    "number",
    "say",
    "sentence",
    "share_text",
]


FEATURE_NAMES = {
    "seats": "seat count",
    "log_retention_days": "log retention",
    "sla_percent": "uptime SLA",
    "support": "support level",
    "sso": "SSO / SAML",
    "hipaa": "HIPAA BAA",
}
"""The plan features a requirement names (`schema.plans.FEATURES`), as a sentence writes them."""


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
        return f"no {FEATURE_NAMES.get(str(feature), str(feature))} listed"
    if feature == "seats":
        return f"{have:,.0f} seats, fewer than the {want:,.0f} you need"
    if feature == "log_retention_days":
        return f"logs kept {have:g} days, fewer than the {want:g} you need"
    if feature == "sla_percent":
        return f"an uptime SLA of {have:g}%, below the {want:g}% you need"
    if feature == "support":
        return f"{have} support, below the {want} support you need"
    return f"no {FEATURE_NAMES.get(str(feature), str(feature))}"


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
        f"{v.get('plan')}: {FEATURE_NAMES.get(str(v.get('feature')), str(v.get('feature')))} costs extra at a price "
        f"the vendor does not publish ({v.get('how')}); the total leaves it out"
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


def many(value: float) -> str:
    """A large count in words a reader takes in at a glance.

    >>> many(950), many(165_000), many(9_363_750_000), many(2.4e6)
    ('950', '165,000', '9.36 billion', '2.4 million')
    """
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if abs(value) >= size:
            return f"{value / size:.3g} {word}"
    return number(value)


def finding_text(finding: Finding) -> FindingOut:
    """An engine finding as the contract carries it, for `say`."""
    from model.findings_out import finding_out

    return finding_out(finding)
