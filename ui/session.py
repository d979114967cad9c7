"""The session store: Streamlit's session state and query parameters behind one typed interface
(`Session`), the widgets filled from a state and read back as one, with widget keys taken from field
names.

On the first run of a browser session the URL fills the widgets; from then on the widgets are the
truth and every run writes the URL back (`ui.link` reads and writes it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, MutableMapping
from typing import Any

from schema.criteria import Criteria
from schema.inputs import StepKind, TeamInputs
from schema.profile import NUMERIC_FIELDS, TOKEN_COUNTS, ProfileError, WorkloadProfile, parse_profile
from ui.edited import edited
from ui.link import decode, encode
from ui.profile_parts import (
    ENGINEER_COST,
    NEED,
    OPS,
    PATH,
    PATH_PARAMS,
    RANGE,
    TEAM,
    WEEKS,
    YOURS,
    overrides_from,
    overrides_params,
    path_from,
    requirements_from,
    requirements_params,
    team_key,
)
from ui.state import PROFILE_FIELDS, Allowed, Problem, UiState, field_key

__all__ = ["CONTRACT", "REPEATED", "Session"]

CONTRACT = "contract.option"
"""The session key of the option whose terms the contract section shows, kept apart from its box's value
(Streamlit resets a box whose value is not among the choices of a pricing date)."""
REPEATED = "; the last one is used"
"""How a problem with a key the link repeats ends: what the app did with it, said once."""


class Session:
    """Streamlit's session state and query parameters, behind one typed interface.

    On the first run of a browser session the URL fills the widgets; from then on the widgets
    are the truth and every run writes the URL back.
    """

    INIT = "_state_initialised"

    def __init__(
        self,
        session_state: MutableMapping[Any, Any],
        query_params: Any,
        presets: Mapping[str, WorkloadProfile],
        criteria: Criteria,
        allowed: Allowed | None = None,
    ):
        self.store = session_state
        self.query = query_params
        self.presets = presets
        self.criteria = criteria
        self.allowed = allowed or Allowed()
        self.problems: list[Problem] = []

    def start(self) -> None:
        if self.store.get(self.INIT):
            return
        params = {k: self.query[k] for k in self.query}
        state, self.problems = decode(params, self.presets, self.criteria, self.allowed)
        # A key given twice keeps its last value (as a browser's form would); said, not silent.
        get_all: Any = getattr(self.query, "get_all", None)  # a plain mapping (tests) repeats nothing
        for key in params if get_all is not None else ():
            values = get_all(key)
            if len(values) > 1:
                shown = " and ".join(values[:5]) + (" and more" if len(values) > 5 else "")
                self.problems.append((key, shown, f"one value, given {len(values)} times{REPEATED}"))
        self.store["url_problems"] = self.problems
        self.load(state)
        self.store[self.INIT] = True

    def load(self, state: UiState) -> None:
        """Put a state into the widgets."""
        self.store["preset"] = state.preset
        self.set_profile(state.profile)
        self.store["view"] = state.view
        self.store["axis"] = state.axis
        # The box shows the date in force: the link's, or today's when the link names none.
        self.store["pricing_date"] = state.pricing_date or dt.date.today()
        self.store["history_table"] = state.table or self.allowed.default_table
        for question in self.criteria.questions:
            self.store[f"q.{question.id}"] = state.answers.get(question.id)  # None: not answered
        self.store["scenarios"] = list(state.scenarios)
        self.store["agents"] = list(state.agents)
        self.store["scenario_base_name"] = state.base_name

    def set_profile(self, profile: WorkloadProfile, *, team: bool = True, buyer: bool | None = None) -> None:
        """Fill the workload widgets from `profile`; the team inputs too unless `team` is False
        (choosing a preset keeps what the user entered about their team), and the buyer's own terms
        and needs (overrides, requirements) unless `buyer` is False (by default, as `team`)."""
        for name in PROFILE_FIELDS:
            value = getattr(profile, name)
            self.store[field_key(name)] = value.value if isinstance(value, StepKind) else value
        # Ranges and the path describe the workload and its future: they come with the profile.
        for key in [k for k in self.store if str(k).startswith((RANGE, PATH))]:
            del self.store[key]
        for name, bounds in profile.ranges.items():
            self.store[f"{RANGE}{name}.low"] = bounds.low
            self.store[f"{RANGE}{name}.high"] = bounds.high
            self.store[f"{RANGE}{name}.distribution"] = bounds.distribution
        for short, name in PATH_PARAMS.items():
            value = getattr(profile.path, name)
            self.store[PATH + short] = ", ".join(f"{v:g}" for v in value) if isinstance(value, tuple) else value
        if team or profile.options:  # a preset without a short list keeps the user's
            known = self.allowed.options
            self.store["options"] = [o for o in profile.options if not known or o in known]
        if team if buyer is None else buyer:
            for key in [k for k in self.store if str(k).startswith((YOURS, NEED))]:
                del self.store[key]
            self.store.update(overrides_params(profile.overrides))
            # The contract section opens on an option whose terms these are (the first in the list).
            with_terms = [o for o in (self.allowed.options or sorted(profile.overrides)) if o in profile.overrides]
            if with_terms:
                self.store[CONTRACT] = with_terms[0]
            self.store.update(requirements_params(profile.requirements))
            for name in ("sso", "hipaa"):
                self.store[f"{NEED}{name}"] = getattr(profile.requirements, name)
        if not team:
            return
        # Team inputs left empty take the tables' defaults: an empty widget has no state at all.
        team_keys = (TEAM + OPS, *(TEAM + prefix for prefix in WEEKS), ENGINEER_COST)
        for key in [k for k in self.store if str(k).startswith(team_keys)]:
            del self.store[key]
        if profile.team.engineer_cost_usd_per_year is not None:
            self.store[ENGINEER_COST] = profile.team.engineer_cost_usd_per_year
        for option, share in profile.team.ops_fte.items():
            self.store[team_key(OPS, option)] = share
        for prefix, name in WEEKS.items():
            for option, weeks in getattr(profile.team, name).items():
                self.store[team_key(prefix, option)] = weeks

    def profile(self, option_ids: list[str]) -> WorkloadProfile:
        """The profile the widgets describe (always valid: widgets enforce the bounds)."""
        data: dict[str, Any] = {name: self.store[field_key(name)] for name in PROFILE_FIELDS}
        if not data.get("model"):  # no model, no tokens priced: the boxes keep what was typed in them
            data.update(dict.fromkeys(TOKEN_COUNTS, 0.0))
        data["options"] = tuple(self.store.get("options") or ())
        ops = {o: self.store[team_key(OPS, o)] for o in option_ids if self.store.get(team_key(OPS, o)) is not None}
        weeks = {
            name: {
                o: self.store[team_key(prefix, o)]
                for o in option_ids
                if self.store.get(team_key(prefix, o)) is not None
            }
            for prefix, name in WEEKS.items()
        }
        data["team"] = TeamInputs(engineer_cost_usd_per_year=self.store.get(ENGINEER_COST), ops_fte=ops, **weeks)
        data["ranges"] = self.ranges()
        path, bad = path_from({k: v for k, v in self.store.items() if str(k).startswith(PATH)})
        if bad:
            raise ProfileError([(key, value, allowed) for key, value, allowed in bad])
        data["path"] = path
        yours, _ = overrides_from({k: v for k, v in self.store.items() if str(k).startswith(YOURS)}, tuple(option_ids))
        data["overrides"] = yours
        data["requirements"], _ = requirements_from({k: v for k, v in self.store.items() if str(k).startswith(NEED)})
        return edited(parse_profile(data), self.presets.get(str(self.store.get("preset"))))

    def ranges(self) -> dict[str, dict[str, Any]]:
        """The workload ranges the widgets hold; a range with one end only is a problem."""
        out: dict[str, dict[str, Any]] = {}
        problems = []
        for name in NUMERIC_FIELDS:
            low, high = self.store.get(f"{RANGE}{name}.low"), self.store.get(f"{RANGE}{name}.high")
            if low is None and high is None:
                continue
            if low is None or high is None:
                problems.append(
                    (f"ranges.{name}", low if high is None else high, "give both ends of the range, or neither")
                )
                continue
            out[name] = {
                "low": low,
                "high": high,
                "distribution": self.store.get(f"{RANGE}{name}.distribution") or "triangular",
            }
        if problems:
            raise ProfileError(problems)
        return out

    def answers(self) -> dict[str, str]:
        """The checklist's answers the widgets hold (a question not answered is left out)."""
        return {
            q.id: str(self.store[f"q.{q.id}"])
            for q in self.criteria.questions
            if self.store.get(f"q.{q.id}") is not None
        }

    def state(self, profile: WorkloadProfile, on: dt.date) -> UiState:
        """The state the widgets describe. `on` is the pricing date in force; the link always
        names it, so a link opened later shows the same prices, not the newer ones."""
        answers = self.answers()
        return UiState(
            preset=str(self.store["preset"]),
            profile=profile,
            view=str(self.store.get("view") or "compare"),
            axis=str(self.store["axis"]),
            pricing_date=on,
            answers=answers,
            table=self._table(),
            scenarios=tuple(self.store.get("scenarios") or ()),
            base_name=self.store.get("scenario_base_name"),
            agents=tuple(self.store.get("agents") or ()),
        )

    def _table(self) -> str | None:
        table = self.store.get("history_table")
        return None if table in (None, self.allowed.default_table) else str(table)

    def write_url(self, state: UiState) -> None:
        params = encode(state, self.presets, self.criteria)
        current = {k: self.query[k] for k in self.query}
        if current != params:
            self.query.from_dict(params)
