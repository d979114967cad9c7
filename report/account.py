"""An account's comparison in words, a terminal table, Markdown and JSON: each option's one bill for
every agent, each agent's share of it, what separate accounts would cost, the model's tokens beside
it, and a split across two options where that is cheaper."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence

from tabulate import tabulate

from model.account_out import AccountEstimateOut, AccountOptionOut
from model.scenarios import AccountScenario
from report.beside_words import adding
from report.text import md, md_rows
from report.words import money, share_text

__all__ = ["account_headline", "account_json", "account_lines", "account_markdown", "account_table", "path_words"]

_WHY = {
    "ruled_out": "an agent's run cannot run there",
    "not_public": "price not public at this volume",
    "set_aside": "set aside by your answers",
}


def _name(out: AccountEstimateOut, option_id: str) -> str:
    return next((o.name for o in out.options if o.id == option_id), option_id)


def _shown(o: AccountOptionOut) -> str:
    return f"{o.name}, {o.design}" if o.design else o.name


def _sure(out: AccountEstimateOut, best: AccountOptionOut, runner: AccountOptionOut | None) -> str:
    """How sure, where the account was drawn: the share of draws in which the named option is the cheapest,
    the runner's where it is sometimes, and the named option's P10–P90."""
    if not out.draws or best.cheapest_share is None:
        return ""
    said = f", and the cheapest in {share_text(best.cheapest_share)} of {out.draws:,} draws"
    if runner is not None and runner.cheapest_share:
        said += f" ({_shown(runner)} in {share_text(runner.cheapest_share)})"
    if best.p10_usd is not None and best.p90_usd is not None:
        said += f", its bill {money(best.p10_usd)} – {money(best.p90_usd)} (P10–P90)"
    return said


def path_words(out: AccountEstimateOut) -> str | None:
    """The account's cheapest path over the months ahead, in a sentence; None where not laid out."""
    p = out.path
    if p is None or not p.strategies:
        return None
    best = p.strategies[0]
    growth = f", growing {p.growth_percent_per_month:g}% a month" if p.growth_percent_per_month else ""
    if best.then is None:
        what = f"staying on {_name(out, best.start)}"
    else:
        what = f"starting on {_name(out, best.start)} and moving to {_name(out, best.then)} in month {best.month}"
    said = (
        f"Over the next {p.horizon_months} months{growth}, the account's cheapest path is {what}: "
        f"{money(best.total_usd)} in all, with one setup and any migration for the team"
    )
    if out.cheapest is not None and (best.then is not None or best.start != out.cheapest):
        said += f"; not simply staying on this month's cheapest, {_name(out, out.cheapest)}"
        stay = next((s for s in p.strategies if s.start == out.cheapest and s.then is None), None)
        if stay is not None:
            said += f" ({money(stay.total_usd)})"
    return said + "."


def account_headline(out: AccountEstimateOut, profile_best: str | None, first_name: str = "this profile") -> list[str]:
    """The account's answer in a line or two, for beside the sidebar profile's headline: which option is
    the cheapest for all the agents, and where that is not the profile's own cheapest, that it is not."""
    others = [a.name for a in out.agents[1:]]
    who = f"{first_name} and {', '.join(others[:-1]) + ' and ' if len(others) > 1 else ''}{others[-1]}"
    best = next((o for o in out.options if o.id == out.cheapest), None)
    if best is None:
        first = f"For the account of {who}: no single option runs them all at a public price"
    else:
        beside = f" ({money(best.whole_usd)} with what runs beside it)" if best.whole_usd > best.monthly_usd else ""
        sure = (
            f", the cheapest in {share_text(best.cheapest_share)} of {out.draws:,} draws"
            if out.draws and best.cheapest_share is not None
            else ""
        )
        first = (
            f"For the account of {who}: {_shown(best)} is the cheapest at {money(best.monthly_usd)} a month{beside}"
            f"{sure}"
        )
    if out.mixed is not None:
        m = out.mixed
        first += f"; split across {_name(out, m.first)} and {_name(out, m.second)}, {money(m.monthly_usd)}"
    p = out.path
    if best is not None and p is not None and p.strategies:
        lead = p.strategies[0]
        if lead.then is not None or lead.start != best.id:
            then = f", then {_name(out, lead.then)} from month {lead.month}" if lead.then else ""
            first += (
                f"; over the next {p.horizon_months} months, though, {_name(out, lead.start)}{then} "
                f"({money(lead.total_usd)} in all)"
            )
    lines = [first + "."]
    if best is not None and profile_best is not None and best.id != profile_best:
        lines.append(
            f"That is not {first_name}'s own cheapest ({_name(out, profile_best)}): the other agents change the "
            "answer; the account's own comparison shows why."
        )
    return lines


def account_lines(out: AccountEstimateOut) -> list[str]:
    """The verdict for the account and what frames it, a sentence each."""
    count = len(out.agents)
    best = next((o for o in out.options if o.id == out.cheapest), None)
    lines = []
    if best is None:
        lines.append(f"“{out.name}”: no single option can run all {count} agents at a public price.")
    else:
        runner = next((o for o in out.options if o.applicable and o.id != best.id), None)
        against = (
            f", {money(runner.monthly_usd - best.monthly_usd)} less than {_shown(runner)}" if runner is not None else ""
        )
        separate = sum(best.alone_usd.values())
        lines.append(
            f"“{out.name}”: {_shown(best)} ({best.plan}) is the cheapest for the account of {count} agents at "
            f"{money(best.monthly_usd)} a month{against}{_sure(out, best, runner)}; as separate accounts there they "
            f"would cost {money(separate)}. (prices as of {out.pricing_date})"
        )
        shares = "; ".join(f"{name} {money(usd)}" for name, usd in best.agents_usd.items())
        lines.append(f"Each agent's share there: {shares}.")
        beside = [
            (what, usd)
            for what, usd in (("the agents' model tokens", out.tokens_usd), ("their sandboxes", out.sandbox_usd))
            if usd > 0
        ]
        if beside:
            whole = best.whole_usd
            lines.append(
                f"{adding(beside)} a month on every option: with them the account costs {money(whole)} a month on "
                f"{_shown(best)}, the orchestrator {best.monthly_usd / whole:.1%} of it."
            )
    each = [
        f"{a.name} {money((a.tokens.monthly_usd if a.tokens else 0.0) + (a.sandbox.monthly_usd if a.sandbox else 0.0))}"
        for a in out.agents
    ]
    if out.tokens_usd > 0 or out.sandbox_usd > 0:
        lines.append(f"Beside the orchestrator, each agent's own: {'; '.join(each)} a month.")
    said = path_words(out)
    if said is not None:
        lines.append(said)
    if out.mixed is not None:
        m = out.mixed
        saves = f", {money(m.saves_usd)} less than any single option" if m.saves_usd is not None else ""
        lines.append(
            f"Split across two options: {', '.join(m.agents_first)} on {_name(out, m.first)} "
            f"({money(m.first_usd)}) and {', '.join(m.agents_second)} on {_name(out, m.second)} "
            f"({money(m.second_usd)}): {money(m.monthly_usd)} a month{saves}, each with its own plan and operations."
        )
    out_of = [o for o in out.options if not o.applicable]
    for o in out_of:
        who = [a.name for a in out.agents if a.status.get(o.id) in ("ruled_out", "not_public")]
        why = _WHY.get(o.status, o.status)
        if o.status == "set_aside":
            because = "; ".join(dict.fromkeys(r.rstrip(".") for r in o.set_aside_because))
            lines.append(f"{o.name}: {why}" + (f" ({because})" if because else "") + ".")
            continue
        lines.append(f"{o.name}: {why}" + (f" ({', '.join(who)})" if who else "") + ".")
    return lines


def _rows(out: AccountEstimateOut) -> list[list[str]]:
    return [
        [
            _shown(o),
            o.plan if o.applicable else _WHY.get(o.status, o.status),
            money(o.monthly_usd) if o.applicable else f"({money(o.monthly_usd)})",
            *[money(o.agents_usd[a.name]) for a in out.agents],
            money(sum(o.alone_usd.values())),
            money(o.whole_usd),
            *([_spread(o)] if out.draws else []),
        ]
        for o in out.options
    ]


def _spread(o: AccountOptionOut) -> str:
    """The account bill's P10–P90 and the share of draws it is the cheapest in, in a table cell."""
    if o.p10_usd is None or o.p90_usd is None:
        return "—"
    share = f"; cheapest in {share_text(o.cheapest_share)}" if o.cheapest_share else ""
    return f"{money(o.p10_usd)} – {money(o.p90_usd)}{share}"


def _header(out: AccountEstimateOut) -> list[str]:
    spread = [f"P10–P90 of {out.draws:,} draws"] if out.draws else []
    return [
        "option",
        "plan",
        "account",
        *[a.name for a in out.agents],
        "as separate accounts",
        "with what runs beside",
        *spread,
    ]


def account_table(out: AccountEstimateOut) -> str:
    text = [*account_lines(out), ""]
    text.append(tabulate(_rows(out), headers=_header(out), tablefmt="simple", disable_numparse=True))
    text += ["", f"Shares: {out.share_rule}."]
    return "\n".join(text) + "\n"


def account_markdown(out: AccountEstimateOut) -> str:
    text = [f"# {md(out.name)}", "", *[f"- {md(line)}" for line in account_lines(out)], ""]
    text.append(
        tabulate(md_rows(_rows(out)), headers=md_rows([_header(out)])[0], tablefmt="github", disable_numparse=True)
    )
    text += ["", f"Shares: {md(out.share_rule)}."]
    return "\n".join(text) + "\n"


def account_json(out: AccountEstimateOut) -> str:
    return json.dumps(out.model_dump(mode="json"), indent=2) + "\n"


def scenario_account_lines(results: Sequence[AccountScenario]) -> list[str]:
    """Each scenario's account answer in a sentence: its cheapest option for all the agents and the bill."""
    lines = []
    for r in results:
        if r.cheapest is None:
            lines.append(f"{r.name}: no single option runs all {len(r.agents)} agents at a public price.")
            continue
        lines.append(
            f"{r.name}: {r.names[r.cheapest]} is the cheapest for the account at {money(r.totals[r.cheapest])} a month."
        )
    return lines


def scenario_account_rows(results: Sequence[AccountScenario]) -> list[dict[str, object]]:
    """One row per option and scenario: the account's bill (None where it cannot run every agent) and
    whether it is that scenario's cheapest."""
    return [
        {
            "scenario": r.name,
            "option": r.names[option],
            "account_usd": total if math.isfinite(total) else None,
            "cheapest": option == r.cheapest,
        }
        for r in results
        for option, total in r.totals.items()
    ]


def account_cell(usd: object) -> str:
    """An account's bill in a table cell: dollars, or why there is none."""
    return money(float(usd)) if isinstance(usd, float) else "cannot run every agent"


def scenario_account_table(results: Sequence[AccountScenario]) -> list[list[str]]:
    """`scenario_account_rows` as text cells: scenario, option, the account's bill, and "yes" for the
    scenario's cheapest."""
    return [
        [str(r["scenario"]), str(r["option"]), account_cell(r["account_usd"]), "yes" if r["cheapest"] else ""]
        for r in scenario_account_rows(results)
    ]
