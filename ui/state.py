"""The app's state: what the user chose (`UiState`), what a link may name (`Allowed`), and the names
the state's parts go by.

The whole view lives in the URL: the preset, every profile field that differs from it, the team
inputs, the pricing date, the view, the second chart axis and the checklist answers. Copy the
address, open it elsewhere, see the same thing. `ui.link` writes a state as URL parameters and reads
it back; `ui.session` binds it to Streamlit's session state and query parameters, with widget keys
taken from field names (`field_key`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from model.axes import AXES
from pricing.profiles import OptionTerms
from schema.profile import NUMERIC_FIELDS, WorkloadProfile

__all__ = [
    "FLAG_FIELDS",
    "PROFILE_FIELDS",
    "RENAMED_VIEWS",
    "STATE_VERSION",
    "TEXT_FIELDS",
    "VIEWS",
    "Allowed",
    "Problem",
    "ScenarioLink",
    "UiState",
    "field_key",
    "second_axes",
]

STATE_VERSION = 1
VIEWS = {
    "compare": "Compare",
    "outlook": "Outlook",
    "scenarios": "Scenarios",
    "account": "Account",
    "limits": "Limits",
    "checklist": "Checklist",
    "pricing": "Pricing",
    "prices": "Price history",
    "report": "Report",
}
RENAMED_VIEWS = {"history": "limits"}
"""Views renamed since links were first shared: an old link still opens the view it named."""
TEXT_FIELDS = ("name", "description", "machine", "step_kind", "model", "sandbox")
FLAG_FIELDS = ("step_needs_machine",)
"""Yes-or-no fields: `true` or `false` in a link."""
PROFILE_FIELDS = (*TEXT_FIELDS, *FLAG_FIELDS, *NUMERIC_FIELDS)


def second_axes() -> list[str]:
    """The fields the second crossover chart can run along (monthly runs has its own chart)."""
    return [a for a in AXES if a != "monthly_runs"]


def field_key(name: str) -> str:
    """The widget key of a profile field (widget keys come from field names)."""
    return f"field.{name}"


@dataclass(frozen=True)
class UiState:
    preset: str
    profile: WorkloadProfile
    view: str = "compare"
    axis: str = "steps_per_run"
    pricing_date: dt.date | None = None
    answers: Mapping[str, str] = field(default_factory=dict)
    table: str | None = None
    """The table the price-history view shows; None: the data's default (`Allowed.default_table`)."""
    scenarios: tuple[ScenarioLink, ...] = ()
    """Named scenarios beside the profile: each the profile with some link parameters changed."""
    base_name: str | None = None
    """The profile's own name as a scenario (`s0`); None: "As profiled"."""
    agents: tuple[ScenarioLink, ...] = ()
    """The other agents on the profile's account (`a<N>`): each the profile with some link parameters
    changed, as a scenario is; the Account view prices them together."""


@dataclass(frozen=True)
class ScenarioLink:
    """A scenario in the link: `s<N>=<name>` and its changes, `s<N>.<parameter>=<value>`, where a
    parameter is any the profile has in the link (a field, `ops.`, `your.`, `need.`, `options`);
    an empty value removes the profile's."""

    name: str
    changes: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Allowed:
    """What a link may name, beyond the models' own bounds: the machine sizes and the span of
    pricing dates the data covers."""

    machines: tuple[str, ...] = ()
    machine_names: Mapping[str, str] = field(default_factory=dict)
    """Every name a machine size goes by (a vendor's, in links made before) -> its own."""
    tables: tuple[str, ...] = ()
    """Table ids the price-history view may show."""
    options: tuple[str, ...] = ()
    """Option ids the team inputs may name (every option of every table version)."""
    first_date: dt.date | None = None
    last_date: dt.date | None = None
    default_table: str | None = None
    """The table the price-history view opens on: the option table with the most versions."""
    terms: Mapping[str, OptionTerms] = field(default_factory=dict)
    """Option id -> the price, plan and add-on ids its `your.` parameters may name (any version's)."""
    names: Mapping[str, str] = field(default_factory=dict)
    """Option id -> its name (the newest table's), for the words a picker shows."""
    models: tuple[str, ...] = ()
    """The models the token prices know (`provider/model`)."""
    sandboxes: Mapping[str, str] = field(default_factory=dict)
    """Sandbox service id -> its name (every service the data prices on some date)."""


Problem = tuple[str, str, str]
"""(URL parameter, the value given, what is allowed)."""
