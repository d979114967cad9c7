"""Workload profiles in and out of YAML: presets in `data/profiles/`, a user's file, a download.

Problems name the file, the line, the field, the value given and what is allowed.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from model.profile import ProfileError, WorkloadProfile, parse_profile
from pricing.load import PricingError, data_dir
from pricing.yamlio import Problem, parse_yaml

__all__ = [
    "dump_profile",
    "parse_profile_text",
    "preset_paths",
    "read_presets",
    "read_profile",
    "reference_problems",
]

_HEADER = "# yaml-language-server: $schema=../schema/profile.schema.json\n"


def parse_profile_text(text: str, file: str) -> WorkloadProfile:
    """Parse a profile's YAML text. Raises `PricingError` whose problems name line and field."""
    doc = parse_yaml(text, file)
    if doc.problems:
        raise PricingError(doc.problems)
    if not isinstance(doc.data, dict):
        raise PricingError([Problem(file, 1, "", "a profile must be a YAML mapping of field: value")])
    try:
        return parse_profile(doc.data)
    except ProfileError as exc:
        problems = []
        for field, value, message in exc.problems:
            loc = tuple(int(p) if p.isdigit() else p for p in field.split("."))
            shown = f"{message} (got {value!r})" if not isinstance(value, (dict, list)) else message
            problems.append(Problem(file, doc.line_of(loc), field, shown))
        raise PricingError(problems) from None


def read_profile(path: Path) -> WorkloadProfile:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PricingError([Problem(str(path), None, "profile", f"cannot read the file: {exc.strerror}")]) from None
    return parse_profile_text(text, str(path))


def preset_paths(root: Path | None = None) -> list[Path]:
    return sorted(((root or data_dir()) / "profiles").glob("*.yaml"))


def read_presets(root: Path | None = None) -> dict[str, WorkloadProfile]:
    """The bundled presets, by file stem."""
    return {path.stem: read_profile(path) for path in preset_paths(root)}


def dump_profile(profile: WorkloadProfile) -> str:
    """A profile as YAML that `parse_profile_text` reads back to an equal profile."""
    data: dict[str, Any] = profile.model_dump(mode="json", exclude_defaults=False)
    team = data.pop("team", None) or {}
    team = {k: v for k, v in team.items() if v not in (None, {}, [])}
    if team:
        data["team"] = team
    for key, value in list(data.items()):
        if value is None or value == []:
            del data[key]  # an empty optional field: the engine derives it, or compares every option
        elif isinstance(value, float) and value.is_integer():
            data[key] = int(value)
    return _HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def reference_problems(
    path: Path, profile: WorkloadProfile, machines: Iterable[str], options: Iterable[str]
) -> list[Problem]:
    """What a profile names that the pricing data lacks: its machine size, and the option ids of
    its operations effort (a typo there would silently fall back to the table's default) and of its
    short list of options to compare."""
    doc = parse_yaml(path.read_text(encoding="utf-8"), str(path))
    machines, options = sorted(machines), sorted(options)
    problems = []
    if profile.machine not in machines:
        problems.append(Problem(str(path), doc.line_of(("machine",)), "machine",
                                f"{profile.machine!r} is not a machine size; allowed: {', '.join(machines)}"))
    for option in profile.team.ops_fte:
        if option not in options:
            problems.append(Problem(str(path), doc.line_of(("team", "ops_fte", option)), f"team.ops_fte.{option}",
                                    f"{option!r} is not an option; allowed: {', '.join(options)}"))
    for index, option in enumerate(profile.options):
        if option not in options:
            problems.append(Problem(str(path), doc.line_of(("options", index)), f"options.{index}",
                                    f"{option!r} is not an option; allowed: {', '.join(options)}"))
    return problems
