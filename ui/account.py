"""The Account view: the sidebar's profile and the other agents that share its bill, each option
pricing them once (`model.account`), each agent's share, a split across two options where cheaper,
and the model's tokens beside it all.

Every other agent is kept as the link keeps a scenario: a name and what differs from the sidebar's
profile (`a<N>=<name>`, `a<N>.<parameter>=<value>`), so the link reopens the account; what an
account shares (the options compared, the team, requirements, contract terms, the months ahead)
is always the sidebar's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import altair as alt
import pandas as pd
import streamlit as st

from model.account import MAX_AGENTS
from model.account_out import AccountEstimateOut
from pricing.accounts import ACCOUNT_FIELDS
from pricing.profiles import dump_profile
from report.account import account_headline, account_json, account_lines
from report.text import escape
from schema.inputs import field_title
from schema.profile import WorkloadProfile, field_unit
from schema.tables import PriceBook
from schema.text import NOT_ONE_LINE, name_key
from ui import data
from ui.export import slug
from ui.link import encode, profile_params, scenario_profile
from ui.session import Session
from ui.state import PROFILE_FIELDS, ScenarioLink, UiState

__all__ = ["account_agents", "account_for", "render_account", "render_account_line"]

THIS = ""
"""The 'start from' choice that is the sidebar's own profile."""


def account_agents(session: Session, state: UiState) -> tuple[list[WorkloadProfile], list[str]]:
    """The account's agents: the sidebar's profile first, then each linked agent as the profile with its
    changes, sharing the sidebar's account fields; and the problems of changes that could not be used."""
    base = profile_params(encode(state, session.presets, session.criteria))
    agents = [state.profile]
    problems: list[str] = []
    for number, link in enumerate(state.agents, 1):
        # An agent that starts from a preset takes none of the sidebar's workload edits; what the account
        # shares is the sidebar's whichever it starts from (below).
        own_base = {} if "preset" in link.changes else base
        profile, wrong = scenario_profile(own_base, link, session.presets, session.criteria, session.allowed)
        problems += [f"a{number}.{field} = {value!r}: {message}" for field, value, message in wrong]
        shared = {name: getattr(state.profile, name) for name in ACCOUNT_FIELDS}
        agents.append(profile.model_copy(update=shared))
    return agents, problems


def account_for(session: Session, state: UiState, on: dt.date) -> AccountEstimateOut | None:
    """The account of the sidebar's profile and its linked agents, priced; None without other agents
    (or when it cannot be priced: the Account view says why)."""
    if not state.agents:
        return None
    try:
        return _priced(state, account_agents(session, state)[0], on)
    except ValueError:
        return None


def _priced(state: UiState, agents: Sequence[WorkloadProfile], on: dt.date) -> AccountEstimateOut:
    """The agents priced as one account, with the checklist's answers applied (ValueError where they
    cannot be priced)."""
    others = len(agents) - 1
    title = f"{state.profile.name} and {others} more agent{'s' if others > 1 else ''}"
    return data.account_priced(list(agents), title, on, dict(state.answers))


def render_account_line(out: AccountEstimateOut, profile_best: str | None) -> None:
    """Under the headline in every view, where the link holds other agents: the account's answer, and
    where it differs from the sidebar's profile alone, that it does."""
    st.markdown("  \n".join(escape(line) for line in account_headline(out, profile_best)))


def _words(changes: dict[str, str] | Mapping[str, str], session: Session) -> str:
    """What an agent changes from the sidebar's profile, in words."""
    parts = []
    for key, value in changes.items():
        if key == "preset":
            preset = session.presets.get(value)
            parts.append(f"from the preset “{preset.name if preset is not None else value}”")
        elif key in PROFILE_FIELDS and key in WorkloadProfile.model_fields:
            unit = field_unit(key)
            try:
                shown = f"{float(value):,.12g}"
            except ValueError:
                shown = value
            parts.append(f"{field_title(key).lower()} {shown}{' ' + unit if unit else ''}")
        else:
            parts.append(f"{key} {value}")
    return ", ".join(parts)


def _changes(start: str, runs: float | None, steps: float | None) -> dict[str, str]:
    changes = {}
    if start != THIS:
        changes["preset"] = start
    if runs is not None:
        changes["monthly_runs"] = f"{runs:.12g}"
    if steps is not None:
        changes["steps_per_run"] = f"{steps:.12g}"
    return changes


def _on_add(session: Session, names: Sequence[str]) -> None:
    store = session.store
    name = str(store.get("account.new.name") or "").strip()
    said: list[str] = []
    if not name or NOT_ONE_LINE.search(name) or len(name) > 80:
        said.append("Name the agent: one line of at most 80 characters.")
    elif name_key(name) in {name_key(n) for n in names}:
        said.append(f"“{name}” is already an agent of this account: give this one a name of its own.")
    if len(names) >= MAX_AGENTS:
        said.append(f"An account holds at most {MAX_AGENTS} agents.")
    store["account.problems"] = said
    if said:
        return
    changes = _changes(
        str(store.get("account.new.from") or THIS), store.get("account.new.runs"), store.get("account.new.steps")
    )
    store["agents"] = [*(store.get("agents") or []), ScenarioLink(name, changes)]
    store["account.new.name"] = ""


def _on_duplicate(session: Session, index: int, names: Sequence[str]) -> None:
    store = session.store
    linked = list(store.get("agents") or [])
    if len(names) >= MAX_AGENTS:
        store["account.problems"] = [f"An account holds at most {MAX_AGENTS} agents."]
        return
    source = linked[index]
    taken = {name_key(n) for n in names}
    copy, number = f"{source.name} (copy)", 2
    while name_key(copy) in taken:
        copy, number = f"{source.name} (copy {number})", number + 1
    linked.insert(index + 1, ScenarioLink(copy, dict(source.changes)))
    store["agents"] = linked
    store["account.problems"] = []


def _on_remove(session: Session, index: int) -> None:
    linked = list(session.store.get("agents") or [])
    del linked[index]
    session.store["agents"] = linked
    session.store["account.problems"] = []


def _chart(out: AccountEstimateOut) -> alt.Chart:
    """Each option's account bill, stacked by the agents' shares (the options that run every agent)."""
    numbers = {agent: f"{index}." for index, agent in enumerate(out.options[0].agents_usd, 1)}
    rows = [
        {"option": o.name, "design": o.design or "as designed", "agent": numbers[agent], "name": agent, "usd": usd}
        for o in out.options
        if o.applicable
        for agent, usd in o.agents_usd.items()
    ]
    order = [o.name for o in out.options if o.applicable]
    frame = pd.DataFrame(rows)
    chart: alt.Chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("option:N", sort=order, title=None, axis=alt.Axis(labelLimit=0)),
            x=alt.X("sum(usd):Q", title="USD a month, by agent"),
            color=alt.Color("agent:N", title="Agent (as numbered above)", legend=alt.Legend(orient="bottom")),
            tooltip=["option", "design", "name", alt.Tooltip("usd:Q", format="$,.2f", title="share")],
        )
        .properties(height=max(160, 36 * len(order)))
    )
    return chart


def _table(out: AccountEstimateOut) -> pd.DataFrame:
    rows = []
    for o in out.options:
        rows.append(
            {
                "Option": o.name + (f", {o.design}" if o.design else ""),
                "Plan": o.plan if o.applicable else "cannot run every agent",
                "Account": o.monthly_usd,
                **{f"{a}": usd for a, usd in o.agents_usd.items()},
                "As separate accounts": sum(o.alone_usd.values()),
                "With what runs beside it": o.whole_usd,
                **(
                    {"P10": o.p10_usd, "P90": o.p90_usd, "Cheapest in (share of draws)": o.cheapest_share}
                    if out.draws
                    else {}
                ),
            }
        )
    return pd.DataFrame(rows)


def _account_file(out: AccountEstimateOut, agents: Sequence[WorkloadProfile]) -> str:
    """The account as a file `tco compare --profile` reads: each agent a profile, the shared fields once."""
    import yaml

    parts = []
    for agent in agents:
        data = yaml.safe_load(dump_profile(agent))
        for name in ACCOUNT_FIELDS:
            data.pop(name, None)
        parts.append(data)
    document = {"name": out.name, "description": out.description, "agents": parts}
    first = yaml.safe_load(dump_profile(agents[0]))
    document.update({k: first[k] for k in ACCOUNT_FIELDS if k in first})
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)


def render_account(session: Session, state: UiState, book: PriceBook) -> None:
    st.subheader("Several agents, one account")
    st.caption(
        "The profile in the sidebar and the other agents that share its bill: each option prices them once "
        "(one plan for their summed usage, shared allowances and tiers, concurrency against the summed peak, one "
        "platform and one operations effort), then splits the bill across them. The link keeps the agents."
    )
    agents, problems = account_agents(session, state)
    if problems:
        st.warning("Some of an agent's changes could not be used (the sidebar's value is kept):")
        st.text("\n".join(problems))
    names = [a.name for a in agents]
    st.markdown(f"**1. {escape(state.profile.name)}**: the sidebar's profile")
    for index, link in enumerate(state.agents):
        left, middle, right = st.columns([6, 1, 1], vertical_alignment="center")
        what = _words(link.changes, session) or "as the sidebar's profile"
        left.text(f"{index + 2}. {link.name}: {what}")
        middle.button("Duplicate", key=f"account.dup.{index}", on_click=_on_duplicate, args=(session, index, names))
        right.button("Remove", key=f"account.remove.{index}", on_click=_on_remove, args=(session, index))
    with st.container(border=True):
        st.markdown("**Add an agent**")
        st.text_input("Name", key="account.new.name", max_chars=80, placeholder="Research agent")
        choices = [THIS, *session.presets]
        st.selectbox(
            "Starts from",
            choices,
            key="account.new.from",
            format_func=lambda k: "the sidebar's profile" if k == THIS else session.presets[k].name,
        )
        left, right = st.columns(2)
        left.number_input(
            "Monthly runs [runs/month]",
            min_value=0.0,
            max_value=1e10,
            value=None,
            key="account.new.runs",
            placeholder="as it starts from",
        )
        right.number_input(
            "Steps per run [steps]",
            min_value=1.0,
            max_value=1e5,
            value=None,
            key="account.new.steps",
            placeholder="as it starts from",
        )
        st.button("Add agent", key="account.add", type="primary", on_click=_on_add, args=(session, names))
        for said in session.store.get("account.problems") or []:
            st.warning(said)
    if len(agents) < 2:
        st.info("One agent so far: add another to price them together.")
        return
    try:
        out = _priced(state, agents, book.as_of)
    except ValueError as exc:
        st.error(str(exc))
        return
    st.markdown("  \n".join(escape(line) for line in account_lines(out)))
    st.altair_chart(_chart(out), width="stretch")
    money = st.column_config.NumberColumn(format="dollar")
    table = _table(out)
    share = st.column_config.NumberColumn(format="percent")
    shown = {c: (share if c.startswith("Cheapest in") else money) for c in table.columns[2:]}
    st.dataframe(table, hide_index=True, column_config=shown)
    st.caption(f"Shares: {out.share_rule}.")
    left, right = st.columns(2)
    left.download_button(
        "Download the account file (YAML)",
        _account_file(out, agents),
        file_name=f"{slug(state.profile.name)}-account.yaml",
        mime="application/yaml",
        key="account.download.yaml",
        on_click="ignore",
    )
    right.download_button(
        "Download the account's figures (JSON)",
        account_json(out),
        file_name=f"{slug(state.profile.name)}-account.json",
        mime="application/json",
        key="account.download.json",
        on_click="ignore",
    )
