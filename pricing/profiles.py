"""Workload profiles in and out of YAML: presets in `data/profiles/`, a user's file, a download.

Problems name the file, the line, the field, the value given and what is allowed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pricing.load import PricingError, data_dir
from pricing.yamlio import PROFILE_BYTES, InputError, Problem, YamlDocument, capped, parse_yaml, read_bounded
from schema.inputs import PathInputs
from schema.profile import ProfileError, WorkloadProfile, parse_profile
from schema.tables import PriceBook, PriceTable

__all__ = [
    "Known",
    "LoadedProfile",
    "OptionTerms",
    "dump_profile",
    "known_from",
    "load_profile_text",
    "parse_profile_text",
    "preset_paths",
    "profile_from",
    "read_presets",
    "read_profile",
]

_HEADER = "# yaml-language-server: $schema=../schema/profile.schema.json\n"


@dataclass(frozen=True)
class Known:
    """What the pricing data has, for checking the names a profile uses (empty: not checked)."""

    machines: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    terms: Mapping[str, OptionTerms] = field(default_factory=dict)
    """Option id -> what its `overrides` may name (prices, plans, add-ons)."""
    machine_names: Mapping[str, str] = field(default_factory=dict)
    """Every name a machine size goes by (a vendor's, in earlier profiles) -> its own."""


@dataclass(frozen=True)
class OptionTerms:
    prices: tuple[str, ...] = ()
    plans: tuple[str, ...] = ()
    addons: tuple[str, ...] = ()
    names: tuple[tuple[str, str], ...] = ()
    switches: tuple[str, ...] = ()
    """The add-ons without a price per unit: on (1) or off (0), nothing between or beyond."""
    """Each price's, plan's and add-on's name in words, keyed `price:<key>`, `plan:<id>`, `addon:<id>`."""

    @classmethod
    def of(cls, table: PriceTable) -> OptionTerms:
        from schema.names import price_name

        prices = sorted(set(table.prices) | {k for p in table.plans for k in p.prices})
        names = [
            *((f"price:{k}", price_name(table, k)) for k in prices),
            *((f"plan:{p.id}", p.name) for p in table.plans),
            *((f"addon:{a.id}", a.name) for a in table.addons),
        ]
        return cls(
            tuple(prices),
            tuple(p.id for p in table.plans),
            tuple(a.id for a in table.addons),
            tuple(names),
            tuple(a.id for a in table.addons if a.price is None),
        )

    def name(self, kind: str, key: str) -> str:
        """A price's, plan's or add-on's name (`kind`: price, plan, addon); its key when unnamed."""
        return dict(self.names).get(f"{kind}:{key}", key)


def known_from(book: PriceBook, options: Iterable[str] = ()) -> Known:
    """What a profile may name, from the tables in force (and every option id in `options`)."""
    from model.lines import HOSTING_TABLE, machine_names

    machines = tuple(book.table(HOSTING_TABLE).machines) if HOSTING_TABLE in book.tables else ()
    ids = sorted({*options, *(t.id for t in book.options())})
    return Known(machines, tuple(ids), {t.id: OptionTerms.of(t) for t in book.options()}, machine_names(book))


@dataclass(frozen=True)
class LoadedProfile:
    profile: WorkloadProfile
    sources: Mapping[str, str]
    """Where each field's value came from: "this file", "preset <name>" (`extends`) or
    "default" (the field's neutral default)."""


def load_profile_text(text: str, file: str, *, known: Known | None = None, root: Path | None = None) -> LoadedProfile:
    """Parse a profile's YAML text, every problem at once. `extends: <preset>` starts from a
    bundled preset (`root`'s `profiles/`), which the file's own fields then replace; a field
    neither gives takes its neutral default. Raises `PricingError` whose problems name the line
    and the field."""
    doc = parse_yaml(text, file)
    if doc.problems:
        raise PricingError(doc.problems)
    if not isinstance(doc.data, dict):
        raise PricingError([Problem(file, 1, "", "a profile must be a YAML mapping of field: value")])
    problems: list[Problem] = []
    loaded = profile_from(dict(doc.data), doc, file, problems, known=known, root=root)
    if problems or loaded is None:
        raise PricingError(capped(problems, file))
    return loaded


def profile_from(
    own: dict[str, Any],
    doc: YamlDocument,
    file: str,
    problems: list[Problem],
    *,
    known: Known | None = None,
    root: Path | None = None,
    at: Callable[[tuple[str | int, ...]], tuple[str | int, ...]] = lambda p: p,
    label: str = "",
) -> LoadedProfile | None:
    """A profile from a mapping read out of `doc` (a whole file, or one part of it: `at` maps a
    field's path to its path in the document, `label` prefixes the field in problems). Appends
    every problem to `problems` and returns None when there is any."""
    own = dict(own)
    base: dict[str, Any] = {}
    extends = own.pop("extends", None)
    sources: dict[str, str] = {}
    found = len(problems)
    if extends is not None:
        presets = {path.stem: path for path in preset_paths(root)}
        if not isinstance(extends, str) or extends not in presets:
            problems.append(
                Problem(
                    file,
                    doc.line_of(at(("extends",))),
                    f"{label}extends",
                    f"{extends!r} is not a preset; allowed: {', '.join(presets)}",
                )
            )
        else:
            base = _preset_fields(presets[extends], problems)
            if len(problems) > found:  # the preset is what is wrong: its fields, not the file's, are missing
                return None
            shown_name = base.pop("name", None)
            base.pop("description", None)
            sources = {key: f"preset {extends}" for key in base if key != "version"}
            if "name" not in own:
                own["name"] = f"{shown_name if isinstance(shown_name, str) else extends} (extended)"
    sources.update({key: "this file" for key in own if key != "version"})
    data = {**base, **own}
    names = (known or Known()).machine_names
    if isinstance(data.get("machine"), str) and data["machine"] in names:  # a vendor's name for a size
        data["machine"] = names[data["machine"]]
    profile: WorkloadProfile | None = None
    try:
        profile = parse_profile(data)
    except ProfileError as exc:
        for field, value, message in exc.problems:
            loc = tuple(int(p) if p.isdigit() else p for p in field.split("."))
            shown = (
                f"{message} (got {value!r})" if value is not None and not isinstance(value, (dict, list)) else message
            )
            line = doc.line_of(at(loc)) if loc and loc[0] in own else None
            if message.startswith("required:"):
                shown += "; give it, or start from a preset with `extends: <preset>`"
            problems.append(Problem(file, line, f"{label}{field}", shown))
    problems += _reference_problems(file, doc, data, known or Known(), at=at, label=label)
    if len(problems) > found or profile is None:
        return None
    for name in WorkloadProfile.model_fields:
        sources.setdefault(name, "default")
    sources.pop("version", None)
    return LoadedProfile(profile, sources)


def _preset_fields(path: Path, problems: list[Problem]) -> dict[str, Any]:
    """A preset's own fields, read as any profile file is (bounded, a regular file, UTF-8, YAML
    without tags); a preset that cannot be read adds its problem and gives nothing."""
    try:
        text = read_bounded(path, PROFILE_BYTES, "preset")
    except InputError as exc:
        problems.append(exc.problem)
        return {}
    doc = parse_yaml(text, str(path))
    if doc.problems or not isinstance(doc.data, dict):
        problems.extend(doc.problems or [Problem(str(path), 1, "", "a preset is a YAML mapping of field: value")])
        return {}
    if "extends" in doc.data:
        problems.append(Problem(str(path), doc.line_of(("extends",)), "extends", "a preset cannot extend another"))
        return {}
    return dict(doc.data)


def parse_profile_text(
    text: str, file: str, *, known: Known | None = None, root: Path | None = None
) -> WorkloadProfile:
    """Parse a profile's YAML text (see `load_profile_text`)."""
    return load_profile_text(text, file, known=known, root=root).profile


def read_profile(path: Path, *, known: Known | None = None, root: Path | None = None) -> WorkloadProfile:
    try:
        text = read_bounded(path, PROFILE_BYTES, "profile")
    except InputError as exc:
        raise PricingError([exc.problem]) from None
    return parse_profile_text(text, str(path), known=known, root=root)


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
    needs = {k: v for k, v in (data.pop("requirements", None) or {}).items() if v not in (None, False)}
    if needs:
        data["requirements"] = needs
    if data.get("overrides"):  # each option's terms as given: no empty price list, no term left at none
        data["overrides"] = {
            option: {k: v for k, v in terms.items() if v not in (None, {}) and not (k == "discount_percent" and v == 0)}
            for option, terms in data["overrides"].items()
        }
    for section in ("overrides", "ranges"):
        if not data.get(section):
            data.pop(section, None)
    if profile.path == PathInputs():
        data.pop("path", None)
    for key, value in list(data.items()):
        if value is None or value == []:
            del data[key]  # an empty optional field: the engine derives it, or compares every option
        elif isinstance(value, float) and value.is_integer():
            data[key] = int(value)
    return _HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _reference_problems(
    file: str,
    doc: YamlDocument,
    data: Mapping[str, Any],
    known: Known,
    *,
    at: Callable[[tuple[str | int, ...]], tuple[str | int, ...]] = lambda p: p,
    label: str = "",
) -> list[Problem]:
    """What a profile names that the pricing data lacks: its machine size, and the option ids of
    its operations effort (a typo there would silently fall back to the table's default) and of its
    short list of options to compare."""
    problems = []
    machine = data.get("machine")
    if known.machines and isinstance(machine, str) and machine not in known.machines:
        problems.append(
            Problem(
                file,
                doc.line_of(at(("machine",))),
                f"{label}machine",
                f"{machine!r} is not a machine size; allowed: {', '.join(sorted(known.machines))}",
            )
        )
    if not known.options:
        return problems
    allowed = ", ".join(sorted(known.options))
    team = data.get("team")
    ops = team.get("ops_fte") if isinstance(team, Mapping) else None
    for option in ops if isinstance(ops, Mapping) else ():
        if option not in known.options:
            problems.append(
                Problem(
                    file,
                    doc.line_of(("team", "ops_fte", option)),
                    f"team.ops_fte.{option}",
                    f"{option!r} is not an option; allowed: {allowed}",
                )
            )
    listed = data.get("options")
    for index, option in enumerate(listed if isinstance(listed, list) else ()):
        if option not in known.options:
            problems.append(
                Problem(
                    file,
                    doc.line_of(("options", index)),
                    f"options.{index}",
                    f"{option!r} is not an option; allowed: {allowed}",
                )
            )
    overrides = data.get("overrides")
    for option, terms in overrides.items() if isinstance(overrides, Mapping) else ():
        here: tuple[str | int, ...] = ("overrides", option)
        if option not in known.options:
            problems.append(
                Problem(
                    file,
                    doc.line_of(at(here)),
                    f"{label}overrides.{option}",
                    f"{option!r} is not an option; allowed: {allowed}",
                )
            )
            continue
        have = known.terms.get(option)
        if have is None or not isinstance(terms, Mapping):
            continue
        for section, names in (("prices", have.prices), ("addons", have.addons)):
            given = terms.get(section)
            for key in given if isinstance(given, Mapping) else ():
                if key not in names:
                    where = f"{label}overrides.{option}.{section}.{key}"
                    problems.append(
                        Problem(
                            file,
                            doc.line_of(at((*here, section, key))),
                            where,
                            f"{key!r} is not one of its {section}; allowed: " + (", ".join(names) or "none"),
                        )
                    )
        addons = terms.get("addons")
        for key, value in addons.items() if isinstance(addons, Mapping) else ():
            if key not in have.addons or not isinstance(value, int | float) or isinstance(value, bool):
                continue
            top = 1 if key in have.switches else 1_000_000
            if not 0 <= value <= top or value != int(value):  # NaN and infinity fail the first
                allowed = "0 (off) or 1 (on)" if top == 1 else f"a whole number of units, 0 to {top:,}"
                problems.append(
                    Problem(
                        file,
                        doc.line_of(at((*here, "addons", key))),
                        f"{label}overrides.{option}.addons.{key}",
                        f"{value!r}: allowed {allowed}",
                    )
                )
        plan = terms.get("plan")
        if plan is not None and plan not in have.plans:
            problems.append(
                Problem(
                    file,
                    doc.line_of(at((*here, "plan"))),
                    f"{label}overrides.{option}.plan",
                    f"{plan!r} is not one of its plans; allowed: " + (", ".join(have.plans) or "none"),
                )
            )
    return problems
