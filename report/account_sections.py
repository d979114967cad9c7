"""The report's parts on an account (the profile and the other agents on one bill): the account's
answer under the headline, each option's one bill with each agent's share, and the account in each
scenario."""

from __future__ import annotations

from collections.abc import Sequence

from model.account_out import AccountEstimateOut
from model.analysis import Analysis
from model.scenarios import AccountScenario
from report.section import Section
from report.words import money

__all__ = ["account_details", "account_scenarios_section", "account_section"]


def account_details(analysis: Analysis) -> tuple[str, ...]:
    """The account's answer on the first page, under the profile's."""
    from report.account import account_headline

    assert analysis.account is not None
    best = analysis.verdict.best
    first = analysis.account.agents[0].name
    return tuple(account_headline(analysis.account, best.id if best is not None else None, first))


def account_section(out: AccountEstimateOut) -> Section:
    """The profile and the other agents on its account: each option's one bill and each agent's share."""
    from report.account import account_lines

    names = [a.name for a in out.agents]
    return Section(
        f"The account: {len(names)} agents on one bill",
        paragraphs=(*account_lines(out), f"Shares: {out.share_rule}."),
        header=(
            "Option",
            "Plan",
            "Account",
            *names,
            "As separate accounts",
            "With what runs beside it",
            *([f"P10–P90 of {out.draws:,} draws"] if out.draws else []),
        ),
        rows=tuple(
            (
                o.name + (f", {o.design}" if o.design else ""),
                o.plan if o.applicable else "cannot run every agent",
                money(o.monthly_usd),
                *[money(o.agents_usd[n]) for n in names],
                money(sum(o.alone_usd.values())),
                money(o.whole_usd),
                *([f"{money(o.p10_usd)} – {money(o.p90_usd)}"] if out.draws else []),
            )
            for o in out.options
        ),
    )


def account_scenarios_section(results: Sequence[AccountScenario]) -> Section:
    """Each scenario over the account: its cheapest option for every agent, and each option's bill."""
    from report.account import scenario_account_lines, scenario_account_table

    return Section(
        "The account in each scenario",
        paragraphs=(
            "Each scenario changes this profile; the other agents stay as the account holds them, priced together.",
            *scenario_account_lines(results),
        ),
        header=("Scenario", "Option", "Account", "Cheapest"),
        rows=tuple(tuple(row) for row in scenario_account_table(results)),
    )
