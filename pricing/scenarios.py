"""Scenario sets: named futures compared side by side, as one YAML file.

    version: 1
    name: Next year's decision           # optional
    base: {extends: coding-agent, monthly_runs: 200000}   # optional: what `changes` apply to
    scenarios:                           # 2 to 6
      - name: Today
        changes: {}
      - name: 10x growth
        changes: {monthly_runs: 2000000}
      - name: Research agent
        profile: {extends: deep-research}  # a full profile instead of changes

Each scenario is a full profile (`profile:`, which may `extends:` a preset) or the `base` with
`changes` (nested sections such as `overrides` and `requirements` merge key by key). Every
problem in the file is reported at once, with its line and the scenario's name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pricing.load import PricingError
from pricing.profiles import Known, profile_from
from pricing.yamlio import PROFILE_BYTES, InputError, Problem, capped, parse_yaml, read_bounded
from schema.profile import WorkloadProfile
from schema.text import CONTROL, NOT_ONE_LINE, look_alike_word, name_key

__all__ = [
    "MAX_SCENARIOS",
    "MIN_SCENARIOS",
    "SCENARIOS_VERSION",
    "Scenario",
    "ScenarioSet",
    "load_scenarios_text",
    "merged",
    "read_scenarios",
]

SCENARIOS_VERSION = 1
MIN_SCENARIOS, MAX_SCENARIOS = 2, 6
_KEYS = {"version", "name", "description", "base", "scenarios", "agents"}


@dataclass(frozen=True)
class Scenario:
    name: str
    profile: WorkloadProfile
    changes: Mapping[str, Any] | None = None
    """What the scenario changes from the base (None: a full profile of its own)."""


@dataclass(frozen=True)
class ScenarioSet:
    name: str
    scenarios: tuple[Scenario, ...]
    description: str = ""
    agents: tuple[WorkloadProfile, ...] = ()
    """The other agents on the account (`agents:`), priced with every scenario as one account; each takes
    what the scenario says of the account (options, team, requirements, terms, path)."""


def merged(base: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """`base` with `changes` applied; mappings (team, overrides, requirements) merge key by key.

    >>> merged({"a": 1, "team": {"x": 1}}, {"team": {"y": 2}})
    {'a': 1, 'team': {'x': 1, 'y': 2}}
    """
    out = dict(base)
    for key, value in changes.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merged(out[key], value)
        else:
            out[key] = value
    return out


def load_scenarios_text(text: str, file: str, *, known: Known | None = None, root: Path | None = None) -> ScenarioSet:
    """Parse a scenario set; raises `PricingError` with every problem (file, line, field)."""
    doc = parse_yaml(text, file)
    if doc.problems:
        raise PricingError(doc.problems)
    data = doc.data
    if not isinstance(data, dict):
        raise PricingError([Problem(file, 1, "", "a scenario set is a YAML mapping with `scenarios:`")])
    problems: list[Problem] = []
    for key in sorted(set(data) - _KEYS, key=str):
        problems.append(
            Problem(file, doc.line_of((key,)), str(key), "unknown field; the fields are: " + ", ".join(sorted(_KEYS)))
        )
    version = data.get("version", SCENARIOS_VERSION)
    if type(version) is not int or version != SCENARIOS_VERSION:  # `true` is not 1
        problems.append(
            Problem(
                file,
                doc.line_of(("version",)),
                "version",
                f"this tool reads scenario sets of version {SCENARIOS_VERSION}",
            )
        )
    base = data.get("base")
    if base is not None and not isinstance(base, dict):
        problems.append(Problem(file, doc.line_of(("base",)), "base", "a profile: a mapping of field: value"))
        base = None
    items = data.get("scenarios")
    if not isinstance(items, list) or not MIN_SCENARIOS <= len(items) <= MAX_SCENARIOS:
        count = len(items) if isinstance(items, list) else "none"
        problems.append(
            Problem(
                file,
                doc.line_of(("scenarios",)),
                "scenarios",
                f"a list of {MIN_SCENARIOS} to {MAX_SCENARIOS} scenarios (got {count})",
            )
        )
        raise PricingError(problems)
    out: list[Scenario] = []
    names: set[str] = set()
    for i, item in enumerate(items):
        where = ("scenarios", i)
        if not isinstance(item, dict):
            problems.append(
                Problem(file, doc.line_of(where), f"scenarios.{i}", "a mapping with `name` and `profile` or `changes`")
            )
            continue
        name = item.get("name")
        label = f"scenarios.{i}" + (f" ({name})" if isinstance(name, str) and not NOT_ONE_LINE.search(name) else "")
        if not isinstance(name, str) or not 1 <= len(name.strip()) <= 80:
            problems.append(
                Problem(file, doc.line_of((*where, "name")), f"{label}.name", "a name of 1 to 80 characters")
            )
        elif NOT_ONE_LINE.search(name):
            problems.append(
                Problem(
                    file,
                    doc.line_of((*where, "name")),
                    f"{label}.name",
                    "a name is one line: control characters, tabs and line breaks are not allowed",
                )
            )
        elif (word := look_alike_word(name)) is not None:
            problems.append(
                Problem(
                    file,
                    doc.line_of((*where, "name")),
                    f"{label}.name",
                    f"the word {word!r} mixes letters of alphabets that look alike (Latin, Cyrillic, Greek): "
                    "write each word in one alphabet",
                )
            )
        elif name_key(name) in names:
            problems.append(
                Problem(
                    file,
                    doc.line_of((*where, "name")),
                    f"{label}.name",
                    f"{name!r} is used twice (names differing only in case, spaces or invisible characters are one)",
                )
            )
        names.add(name_key(name) if isinstance(name, str) else "")
        for key in sorted(set(item) - {"name", "profile", "changes"}, key=str):
            problems.append(
                Problem(
                    file,
                    doc.line_of((*where, key)),
                    f"{label}.{key}",
                    "unknown field; a scenario has `name` and `profile` or `changes`",
                )
            )
        has_profile, has_changes = "profile" in item, "changes" in item
        if has_profile == has_changes:
            problems.append(Problem(file, doc.line_of(where), label, "give either `profile` or `changes`, not both"))
            continue
        part = "profile" if has_profile else "changes"
        given = item[part] if item[part] is not None else {}
        if not isinstance(given, dict):
            problems.append(Problem(file, doc.line_of((*where, part)), f"{label}.{part}", "a mapping of field: value"))
            continue
        if has_changes and base is None:
            problems.append(
                Problem(
                    file,
                    doc.line_of((*where, part)),
                    f"{label}.changes",
                    "changes need a `base` profile at the top of the file",
                )
            )
            continue
        own = given if has_profile else merged(base or {}, given)

        def at(
            path: tuple[str | int, ...],
            part: str = part,
            given: Mapping[str, Any] = given,
            where: tuple[str | int, ...] = where,
        ) -> tuple[str | int, ...]:
            if part == "changes" and (not path or path[0] not in given):
                return ("base", *path)
            return (*where, part, *path)

        loaded = profile_from(own, doc, file, problems, known=known, root=root, at=at, label=f"{label}.")
        if loaded is not None:
            profile = loaded.profile
            if "name" not in own:
                profile = profile.model_copy(update={"name": str(name)})
            out.append(Scenario(str(name), profile, dict(given) if has_changes else None))
    others = _agents(data.get("agents"), doc, file, problems, known, root)
    title = data.get("name")
    for key in ("name", "description"):
        value = data.get(key)
        if isinstance(value, str) and (CONTROL if key == "description" else NOT_ONE_LINE).search(
            value.replace("\n", "").replace("\t", "") if key == "description" else value
        ):
            allowed = "line breaks and tabs are" if key == "description" else "a name is one line"
            problems.append(
                Problem(file, doc.line_of((key,)), key, f"control characters are not allowed in text ({allowed})")
            )
    if problems:
        raise PricingError(capped(problems, file))
    description = data.get("description")
    return ScenarioSet(
        title if isinstance(title, str) and title.strip() else "Scenarios",
        tuple(out),
        description if isinstance(description, str) else "",
        tuple(others),
    )


def _agents(
    given: Any,
    doc: Any,
    file: str,
    problems: list[Problem],
    known: Known | None,
    root: Path | None,
) -> list[WorkloadProfile]:
    """The other agents of the account a scenario set prices with each scenario: each a profile (which
    may `extends:` a preset), without the account's fields, which come from each scenario."""
    from model.account import MAX_AGENTS
    from pricing.accounts import agents_from

    if given is None:
        return []
    if not isinstance(given, list) or not 1 <= len(given) <= MAX_AGENTS - 1:
        problems.append(
            Problem(file, doc.line_of(("agents",)), "agents", f"a list of 1 to {MAX_AGENTS - 1} agents, each a profile")
        )
        return []
    return agents_from(
        given, doc, file, problems, shared={}, known=known, root=root, given_once="each scenario gives it", first=2
    )


def read_scenarios(path: Path, *, known: Known | None = None, root: Path | None = None) -> ScenarioSet:
    try:
        text = read_bounded(path, PROFILE_BYTES, "scenario file")
    except InputError as exc:
        raise PricingError([exc.problem]) from None
    return load_scenarios_text(text, str(path), known=known, root=root)
