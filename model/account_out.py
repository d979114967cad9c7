"""An account's estimate as plain models: the JSON contract of `tco compare --profile ACCOUNT`
(version 5), beside `model.result`'s for one profile."""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal

from pydantic import BaseModel, ConfigDict

from model.account import AccountEstimate
from model.fit import design_names
from model.outlook import path_out_of
from model.outlook_out import PathOut
from model.plan_choice import plan_name
from model.provenance_out import TableRef
from model.sandbox_out import SandboxOut, sandbox_out
from model.strategy import Path
from model.tokens_out import TokensOut, tokens_out
from model.uncertainty import MonteCarlo
from schema.profile import WorkloadProfile

__all__ = ["SHARE_RULE", "AccountEstimateOut", "account_out"]

SHARE_RULE = (
    "each line of an option's account bill is split across the agents: a metered line by each agent's own "
    "quantity of that meter; every other line (plan fee, credits, add-ons, platform, workers, operations) in "
    "proportion to what each agent alone would pay for that line, or, where no agent alone would, to what each "
    "alone would pay in all"
)


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LineShareOut(_Out):
    key: str
    name: str
    account_usd: float
    agents_usd: dict[str, float]
    """Agent name -> its share of the line; the shares add up to `account_usd`."""


class AccountOptionOut(_Out):
    id: str
    name: str
    plan: str
    monthly_usd: float
    """The account's bill: every agent on this option, priced once."""
    low_usd: float
    high_usd: float
    status: Literal["fits", "workaround", "not_public", "ruled_out", "set_aside"]
    """The worst of the agents' fits: ruled out for the account where any agent's run cannot run;
    `set_aside` where the checklist's answers set the option aside (`set_aside_because`)."""
    set_aside_because: list[str] = []
    """The answers' reasons, where they set the option aside."""
    applicable: bool
    design: str | None
    """The designs some agent is priced as ("payloads by reference"), where one is."""
    agents_usd: dict[str, float]
    """Agent name -> its share of `monthly_usd`."""
    alone_usd: dict[str, float]
    """Agent name -> what the agent alone would pay on this option (its own plan, platform, people)."""
    lines: list[LineShareOut]
    p10_usd: float | None = None
    """How sure: the account's bill at the 10th percentile of the draws (`draws`); null without draws or
    where the option runs the agents in no draw."""
    p50_usd: float | None = None
    p90_usd: float | None = None
    cheapest_share: float | None = None
    """The share of draws in which this option is the cheapest that runs every agent."""
    whole_usd: float
    """`monthly_usd` plus what runs beside it (every agent's model tokens and sandboxes): the whole cost
    of running the agents here."""


class AgentOut(_Out):
    name: str
    profile: WorkloadProfile
    status: dict[str, str]
    """Option id -> whether this agent's run can run there (`fits`, `workaround`, `not_public`, `ruled_out`)."""
    tokens: TokensOut | None = None
    sandbox: SandboxOut | None = None
    """The agent's sandboxes: its share of its service's plan, shared with the account's agents that
    name the same service."""


class MixedOut(_Out):
    """The agents split across two options, each an account of its own (its own plan and operations)."""

    first: str
    second: str
    agents_first: list[str]
    agents_second: list[str]
    first_usd: float
    second_usd: float
    monthly_usd: float
    saves_usd: float | None
    """Against the cheapest single option that runs every agent; null where none does."""


class AccountEstimateOut(_Out):
    schema_version: Literal[5] = 5
    kind: Literal["account"] = "account"
    name: str
    description: str
    pricing_date: dt.date
    pricing: list[TableRef]
    cheapest: str | None
    """The option with the lowest account bill among those that run every agent at a public price."""
    options: list[AccountOptionOut]
    agents: list[AgentOut]
    mixed: MixedOut | None
    draws: int = 0
    """How many draws `options[]`' percentiles and shares rest on (0: none drawn)."""
    path: PathOut | None = None
    """The account's path over the months ahead (every agent on each option, month by month; one
    setup and one migration for the team), over the options the answers leave; null where not laid out."""
    tokens_usd: float
    """Every agent's model tokens a month, the same on every option."""
    sandbox_usd: float = 0.0
    """Every agent's sandboxes a month (one plan per service for the account), the same on every option."""
    share_rule: str = SHARE_RULE


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def account_out(
    name: str,
    description: str,
    account: AccountEstimate,
    odds: MonteCarlo | None = None,
    path: Path | None = None,
) -> AccountEstimateOut:
    """The account as the JSON contract says it; with `odds` (`model.account_odds`), how sure; with `path`
    (`model.account_path`), over the months ahead."""
    together, alone = account.together, account.alone
    book = together.book
    profiles = account.agents
    tokens = [tokens_out(together, i, p) for i, p in enumerate(profiles)]
    tokens_usd = sum(t.monthly_usd for t in tokens if t is not None)
    sandboxes = [sandbox_out(together, i, p) for i, p in enumerate(profiles)]
    sandbox_usd = sum(b.monthly_usd for b in sandboxes if b is not None)
    options = []
    for option in together.options:
        shares = account.shares(option.id)
        agents_usd = {n: float(shares[n].sum()) for n in account.names}
        design = account.design(option.id)
        alone_option = alone.option(option.id)
        spread = odds.option(option.id) if odds is not None else None
        options.append(
            AccountOptionOut(
                id=option.id,
                p10_usd=_finite(spread.p10) if spread else None,
                p50_usd=_finite(spread.p50) if spread else None,
                p90_usd=_finite(spread.p90) if spread else None,
                cheapest_share=spread.cheapest_share if spread else None,
                name=option.table.name,
                plan=plan_name(option.table, str(option.bill.plan[0])),
                monthly_usd=account.total(option.id),
                low_usd=float(option.low[0]),
                high_usd=float(option.high[0]),
                status="set_aside" if option.id in account.set_aside else account.status(option.id),
                set_aside_because=[str(f.data.get("reason")) for f in account.set_aside.get(option.id, ())],
                applicable=account.applicable(option.id),
                design=design_names(option.table, design) if design else None,
                agents_usd=agents_usd,
                alone_usd={n: float(alone_option.total[i]) for i, n in enumerate(account.names)},
                lines=[
                    LineShareOut(
                        key=str(row["line"]),
                        name=str(row["name"]),
                        account_usd=float(row["account"]),
                        agents_usd={n: float(row[n]) for n in account.names},
                    )
                    for row in shares.to_dict("records")
                ],
                whole_usd=account.total(option.id)
                + tokens_usd
                + sandbox_usd
                + sum(t.reruns_usd.get(option.id, 0.0) for t in tokens if t is not None),
            )
        )
    options.sort(key=lambda o: (not o.applicable, o.monthly_usd))
    agents = [
        AgentOut(
            name=n,
            profile=profiles[i],
            status={o.id: str(alone.option(o.id).status[i]) for o in together.options},
            tokens=tokens[i],
            sandbox=sandboxes[i],
        )
        for i, n in enumerate(account.names)
    ]
    cheapest = account.cheapest()
    mixed = None
    if account.mixed is not None:
        m = account.mixed
        mixed = MixedOut(
            first=m.first,
            second=m.second,
            agents_first=[account.names[i] for i in m.agents_first],
            agents_second=[account.names[i] for i in m.agents_second],
            first_usd=m.first_usd,
            second_usd=m.second_usd,
            monthly_usd=m.total,
            saves_usd=account.total(cheapest) - m.total if cheapest is not None else None,
        )
    return AccountEstimateOut(
        name=name,
        description=description,
        pricing_date=book.as_of,
        pricing=[TableRef.of(t, book.files.get(t.id)) for _, t in sorted(book.tables.items())],
        cheapest=cheapest,
        options=options,
        agents=agents,
        mixed=mixed,
        draws=odds.draws if odds is not None else 0,
        path=path_out_of(path, profiles[0].path.growth_percent_per_month) if path is not None else None,
        tokens_usd=tokens_usd,
        sandbox_usd=sandbox_usd,
    )
