"""The one verdict in words: the headline's sentence, the same in every view, what it rests on and
what could still change it, and what would flip it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from model.option_out import OptionOut
from model.result import EstimateOut
from model.verdict import Flip, Verdict
from report.beside_words import beside_sentence, beside_warnings
from report.option_words import checked_text, fit_reasons, option_name, option_names
from report.outlook_words import describe_strategy
from report.words import finding_text, money, say, sentence, share_text

__all__ = ["flip_sentence", "verdict_details", "verdict_sentence"]


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


def _horizon_clause(v: Verdict, result: EstimateOut) -> str:
    """ "; over the next 36 months …" when the cheapest path is not staying on the named option."""
    h = v.horizon
    if h is None or not v.differs_over_horizon:
        return ""
    names = option_names(result)
    why = [say(finding_text(f)) for f in h.why]
    because = f": {'; '.join(why)}" if why else ""
    return (
        f"; over the next {h.months} months, though, the cheapest path is to {describe_strategy(h.best, names)} "
        f"({money(h.best.total, cents=False)} with setup and migration, against {money(h.named_total, cents=False)}"
        f"{because})"
    )


def _sure(v: Verdict) -> str:
    return f"the cheapest in {share_text(v.sure)} of {v.draws:,} draws" if v.sure is not None and v.draws else ""


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
        names = option_names(result)
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


def _parts(option: OptionOut) -> str:
    s = option.subtotals
    return (
        f"vendor {money(s['vendor'])} · your infrastructure {money(s['infrastructure'])} · people {money(s['people'])}"
    )


def _either(items: Sequence[str]) -> str:
    """`a`, `a or b`, `a, b or c`."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


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
