"""A workload file: one profile (the form every profile file has), or an account of several agents.

An account file names itself, lists its agents under `agents:` (each a profile, which may start
from a preset with `extends:`) and gives once, for the whole account, what a bill is shared by: the
options compared, the team, what a plan must offer, the contract terms and the months ahead. An
agent may not give those itself: it would not be one account.

    name: Our agents
    options: [acme/cloud, other/self-hosted]   # option ids (vendor/offering); default: every option
    agents:
      - {name: Coding agent, extends: coding-agent, monthly_runs: 40000}
      - {name: Research agent, extends: deep-research, monthly_runs: 2000, steps_per_run: 300}
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from model.account import MAX_AGENTS
from pricing.load import PricingError
from pricing.profiles import Known, load_profile_text, profile_from
from pricing.yamlio import PROFILE_BYTES, InputError, Problem, capped, parse_yaml, read_bounded
from schema.profile import WorkloadProfile

__all__ = ["ACCOUNT_FIELDS", "Workload", "agents_from", "load_workload_text", "read_workload"]

ACCOUNT_FIELDS = ("options", "team", "requirements", "overrides", "path")
"""What an account gives once for all its agents: what its bills are shared by."""
_TOP = ("version", "name", "description", "agents", *ACCOUNT_FIELDS)


@dataclass(frozen=True)
class Workload:
    """What a workload file describes: one agent (a profile file) or an account of several."""

    name: str
    description: str
    agents: tuple[WorkloadProfile, ...]
    account: bool
    """Read from an account file (`agents:`), even of one agent."""

    @property
    def profile(self) -> WorkloadProfile:
        """The first agent: the profile of a single-profile file."""
        return self.agents[0]


def _problem(file: str, doc: Any, path: tuple[str | int, ...], field: str, message: str) -> Problem:
    return Problem(file, doc.line_of(path), field, message)


def load_workload_text(text: str, file: str, *, known: Known | None = None, root: Path | None = None) -> Workload:
    """A profile file, or an account file (`agents:`); raises `PricingError` naming every problem
    with its line."""
    doc = parse_yaml(text, file)
    if doc.problems:
        raise PricingError(doc.problems)
    if not isinstance(doc.data, dict) or "agents" not in doc.data:
        loaded = load_profile_text(text, file, known=known, root=root)
        return Workload(loaded.profile.name, loaded.profile.description, (loaded.profile,), account=False)
    data: Mapping[str, Any] = doc.data
    problems: list[Problem] = []
    for key in data:
        if key not in _TOP:
            near = difflib.get_close_matches(str(key), _TOP, n=1, cutoff=0.6)
            hint = f"did you mean {near[0]!r}?" if near else "an account file gives " + ", ".join(_TOP)
            problems.append(_problem(file, doc, (key,), str(key), f"unknown field; {hint}"))
    if data.get("version", 2) not in (1, 2):
        problems.append(
            _problem(file, doc, ("version",), "version", "this tool reads account files of version 1 and 2")
        )
    name = data.get("name", "Our agents")
    if not isinstance(name, str) or not 1 <= len(name.strip()) <= 120:
        problems.append(_problem(file, doc, ("name",), "name", "the account's name: text of 1 to 120 characters"))
    description = data.get("description", "")
    if not isinstance(description, str) or len(description) > 2000:
        problems.append(_problem(file, doc, ("description",), "description", "text of at most 2,000 characters"))
    agents = data.get("agents")
    if not isinstance(agents, list) or not 1 <= len(agents) <= MAX_AGENTS:
        problems.append(
            _problem(file, doc, ("agents",), "agents", f"a list of 1 to {MAX_AGENTS} agents, each a profile")
        )
        raise PricingError(capped(problems, file))
    shared = {key: data[key] for key in ACCOUNT_FIELDS if key in data}
    profiles = agents_from(
        agents, doc, file, problems, shared=shared, known=known, root=root, given_once="give it once, beside `agents:`"
    )
    if problems:
        raise PricingError(capped(problems, file))
    return Workload(str(name).strip(), str(description), tuple(profiles), account=True)


def agents_from(
    agents: list[Any],
    doc: Any,
    file: str,
    problems: list[Problem],
    *,
    shared: Mapping[str, Any],
    known: Known | None,
    root: Path | None,
    given_once: str,
    first: int = 1,
) -> list[WorkloadProfile]:
    """Each item of an `agents:` list as a profile with the account's `shared` fields; an account field
    an agent gives itself is named (`given_once` says where it belongs), as is a name two agents share.
    An unnamed agent is `Agent <n>`, counting from `first`."""
    profiles: list[WorkloadProfile] = []
    for index, agent in enumerate(agents):
        label = f"agents[{index}]."
        if not isinstance(agent, dict):
            problems.append(
                _problem(file, doc, ("agents", index), f"agents[{index}]", "an agent is a profile: a mapping")
            )
            continue
        for key in ACCOUNT_FIELDS:
            if key in agent:
                problems.append(
                    _problem(
                        file,
                        doc,
                        ("agents", index, key),
                        f"{label}{key}",
                        f"{key} is the account's: {given_once}, for every agent",
                    )
                )
        own = {k: v for k, v in agent.items() if k not in ACCOUNT_FIELDS}
        own.setdefault("name", f"Agent {index + first}")

        def at(path: tuple[str | int, ...], index: int = index) -> tuple[str | int, ...]:
            return path if path and path[0] in ACCOUNT_FIELDS else ("agents", index, *path)

        agent_profile = profile_from({**own, **shared}, doc, file, problems, known=known, root=root, at=at, label=label)
        if agent_profile is not None:
            profiles.append(agent_profile.profile)
    names = [p.name for p in profiles]
    for index, agent_name in enumerate(names):
        if agent_name in names[:index]:
            problems.append(
                _problem(
                    file,
                    doc,
                    ("agents", index, "name"),
                    f"agents[{index}].name",
                    f"{agent_name!r}: each agent's own name, used twice",
                )
            )
    return profiles


def read_workload(path: Path, *, known: Known | None = None, root: Path | None = None) -> Workload:
    """A workload file from disk (bounded, as a profile file is)."""
    try:
        text = read_bounded(path, PROFILE_BYTES, "profile")
    except InputError as exc:
        raise PricingError([exc.problem]) from None
    return load_workload_text(text, str(path), known=known, root=root)
