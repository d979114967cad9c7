"""What a profile states, in words: a contract's terms for an option, and the requirements every
plan must meet."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from report.words import FEATURE_NAMES, money
from schema.inputs import OptionOverrides

__all__ = ["requirements_text", "terms_text"]


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
            said.append(FEATURE_NAMES.get(key, key.replace("_", " ")))
    return "Every plan must offer: " + ", ".join(said)
