"""The sidebar's sections of the buyer's own terms and needs: what a plan must offer (`need.`
widgets: the cheapest plan that offers it is chosen) and your prices and contract (`your.` widgets: a
contract's terms instead of the list price), one option at a time."""

from __future__ import annotations

import streamlit as st

from schema.inputs import PlanRequirements
from schema.names import price_name
from schema.numbers import Tiered
from schema.plans import SUPPORT_LEVELS
from schema.tables import PriceBook, PriceTable
from ui.form import EXACT, folded
from ui.profile_parts import NEED, YOURS
from ui.session import CONTRACT

__all__ = ["CHOSEN", "YEARLY", "render_contract", "render_requirements"]

CHOSEN = CONTRACT
"""The option whose terms the user last chose to see, kept apart from the box's own value."""
YEARLY = "yearly."
"""The annual form of a committed spend, `yearly.<option>`: the monthly box holds the truth (and the
link), this one shows it times twelve and writes a twelfth of what is typed into it."""


def _on_contract_option() -> None:
    st.session_state[CHOSEN] = st.session_state["your.option"]


def _on_yearly(option: str) -> None:
    year = st.session_state.get(f"{YEARLY}{option}")
    st.session_state[f"{YOURS}{option}.commitment"] = None if year is None else year / 12


def _on_monthly(option: str) -> None:
    month = st.session_state.get(f"{YOURS}{option}.commitment")
    st.session_state[f"{YEARLY}{option}"] = None if month is None else month * 12


def render_requirements() -> None:
    """What a plan must offer: the cheapest plan that meets it is chosen."""
    fields = PlanRequirements.model_fields
    with folded("What a plan must offer", "requirements") as shown:
        if not shown:
            return
        st.caption(
            "The cheapest plan that offers it is chosen (add-ons such as extra seats are bought where a "
            "plan sells them); an option with no such plan cannot be bought as needed. Self-hosted options "
            "meet these by your own setup."
        )
        st.number_input(
            "Seats",
            min_value=1,
            max_value=1_000_000,
            value=None,
            step=1,
            key=f"{NEED}seats",
            persist_state="session",
            placeholder="any",
            help=fields["seats"].description,
        )
        st.number_input(
            "Log retention [days]",
            min_value=0.0,
            max_value=3650.0,
            value=None,
            format=EXACT,
            key=f"{NEED}log_retention_days",
            persist_state="session",
            placeholder="any",
            help=fields["log_retention_days"].description,
        )
        st.number_input(
            "Uptime SLA [%]",
            min_value=90.0,
            max_value=100.0,
            value=None,
            format=EXACT,
            key=f"{NEED}sla_percent",
            persist_state="session",
            placeholder="none needed",
            help=fields["sla_percent"].description,
        )
        st.selectbox(
            "Support, at least",
            list(SUPPORT_LEVELS),
            index=None,
            key=f"{NEED}support",
            persist_state="session",
            placeholder="any",
            help=fields["support"].description,
        )
        st.checkbox("SSO / SAML", key=f"{NEED}sso", help=fields["sso"].description, persist_state="session")
        st.checkbox(
            "HIPAA (a signed BAA)", key=f"{NEED}hipaa", help=fields["hipaa"].description, persist_state="session"
        )


def render_contract(book: PriceBook) -> None:
    """A buyer's own terms for one option at a time (every option's are kept in the session and the
    link): prices, a discount, a committed spend and its credit, a pinned plan, add-ons."""
    tables = {t.id: t for t in book.options()}
    with folded("Your prices and contract", "contract") as shown:
        if not shown:
            return
        st.caption(
            "A contract's terms instead of the list price; each line item priced at yours says so and "
            "shows the list price beside it."
        )
        # The option last chosen comes back when a pricing date without it is left: Streamlit resets a
        # box whose value is not among its choices.
        last = st.session_state.get(CHOSEN)
        if last in tables and st.session_state.get("your.option") != last:
            st.session_state["your.option"] = last
        chosen = st.selectbox(
            "Option",
            list(tables),
            key="your.option",
            format_func=lambda i: tables[i].name,
            persist_state="session",
            on_change=_on_contract_option,
        )
        table = tables[chosen]
        _your_prices(table, chosen)
        _commitment(chosen)
        _plan_and_addons(table, chosen)


def _your_prices(table: PriceTable, chosen: str) -> None:
    """Your unit price for each of the option's prices (the list price shown beside), and a discount
    off its bill."""
    prices = {**{k: v for p in table.plans for k, v in p.prices.items()}, **table.prices}
    for key, item in sorted(prices.items()):
        listed = "tiered" if isinstance(item, Tiered) else f"{item.expected:.6g}"
        st.number_input(
            f"{price_name(table, key)} [{item.unit.value}]",
            min_value=0.0,
            value=None,
            format=EXACT,
            key=f"{YOURS}{chosen}.price.{key}",
            placeholder=f"list: {listed}",
            persist_state="session",
            help="Your unit price, in the unit the vendor quotes",
        )
    st.number_input(
        "Discount [%]",
        min_value=0.0,
        max_value=100.0,
        value=None,
        format=EXACT,
        key=f"{YOURS}{chosen}.discount",
        persist_state="session",
        placeholder="none",
        help="Off the vendor's bill",
    )


def _commitment(chosen: str) -> None:
    """A committed spend, a month's or a year's (the monthly box holds the truth), and the credit it buys."""
    month = st.session_state.get(f"{YOURS}{chosen}.commitment")
    st.session_state[f"{YEARLY}{chosen}"] = None if month is None else month * 12
    left, right = st.columns(2)
    left.number_input(
        "Committed spend [USD/month]",
        min_value=0.0,
        value=None,
        format=EXACT,
        key=f"{YOURS}{chosen}.commitment",
        persist_state="session",
        placeholder="none",
        help="Paid each month whatever the usage",
        on_change=_on_monthly,
        args=(chosen,),
    )
    right.number_input(
        "or [USD/year]",
        min_value=0.0,
        value=None,
        format=EXACT,
        key=f"{YEARLY}{chosen}",
        placeholder="none",
        help="An annual commitment: priced as a twelfth of it each month",
        on_change=_on_yearly,
        args=(chosen,),
    )
    st.number_input(
        "Credit it buys [USD/month]",
        min_value=0.0,
        value=None,
        format=EXACT,
        key=f"{YOURS}{chosen}.credit",
        persist_state="session",
        placeholder="the commitment",
        help="Pays for usage; empty: the commitment itself",
    )


def _plan_and_addons(table: PriceTable, chosen: str) -> None:
    """A plan pinned for its SLA or support, and the add-ons bought."""
    if table.plans:
        plans = {p.id: p.name for p in table.plans}
        st.selectbox(
            "Pinned plan",
            list(plans),
            index=None,
            key=f"{YOURS}{chosen}.plan",
            format_func=plans.__getitem__,
            placeholder="the cheapest that takes the workload",
            persist_state="session",
            help="A plan chosen for its SLA or support, priced whatever it costs",
        )
    for addon in table.addons:
        st.number_input(
            addon.name,
            min_value=0.0,
            max_value=1.0 if addon.price is None else 1e6,  # a switch: off or on
            step=1.0,
            value=None,
            format=EXACT,
            key=f"{YOURS}{chosen}.addon.{addon.id}",
            persist_state="session",
            placeholder="none",
            help=addon.note or "1 to switch it on",
        )
