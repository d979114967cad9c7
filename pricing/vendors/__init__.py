"""Importers: a profile derived from a vendor's own export of a team's runs.

Each importer names its command (`tco profile <command>`), says what it reads, recognizes its
files, and derives a profile with the source of every field. The CLI and the app's upload take
them from `IMPORTERS`, so neither names a vendor.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from schema.profile import WorkloadProfile

__all__ = ["IMPORTERS", "Imported", "Importer", "annotated_yaml", "importer_for", "spread_comments", "spread_ranges"]


@dataclass(frozen=True)
class Imported:
    profile: WorkloadProfile
    text: str
    """The profile as YAML, each derived field followed by where it came from."""
    sources: Mapping[str, str]
    notes: tuple[str, ...] = ()
    check: str | None = None
    """A line that sets the export's own figures against the engine's (said on stderr)."""


@dataclass(frozen=True)
class Importer:
    command: str
    help: str
    accepts: Callable[[Any], bool]
    """Whether parsed JSON is this importer's kind of export."""
    derive: Callable[..., Imported]
    """(files as (name, text) pairs, book, monthly_runs=..., steps_per_run=..., name=...) -> Imported."""
    needs_monthly_runs: bool = False
    options: tuple[str, ...] = field(default=())
    """The extra command-line options it reads (`steps_per_run`)."""


def _importers() -> tuple[Importer, ...]:
    """Every module of this package that defines an `IMPORTER`, in the order of their names: a new
    vendor's export is read by adding its module, nothing else."""
    import importlib
    import pkgutil

    found = []
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        importer = getattr(importlib.import_module(f"{__name__}.{module.name}"), "IMPORTER", None)
        if isinstance(importer, Importer):
            found.append(importer)
    return tuple(found)


IMPORTERS: tuple[Importer, ...] = _importers()


def importer_for(data: Any) -> Importer | None:
    return next((i for i in IMPORTERS if i.accepts(data)), None)


def derived_profile(data: Mapping[str, Any], files: Sequence[str], what: str) -> WorkloadProfile:
    """The profile the importer derived from `files` (its `what`: "histories", "runs"), or a
    `PricingError` whose every problem names the file (or files) a field was derived from: a field
    out of bounds (`step_seconds` below zero, from times that run backwards) is the files' doing."""
    from pricing.load import PricingError
    from pricing.yamlio import Problem
    from schema.profile import ProfileError, parse_profile

    try:
        return parse_profile(dict(data))
    except ProfileError as exc:
        where = files[0] if len(files) == 1 else f"{files[0]} (and {len(files) - 1} more)"
        from_what = f"derived from the {what}" + ("" if len(files) == 1 else f" (the median of {len(files)})")
        raise PricingError(
            [
                Problem(
                    where,
                    None,
                    field,
                    f"{message}" + (f" (got {value!r})" if value is not None else "") + f"; {from_what}",
                )
                for field, value, message in exc.problems
            ]
        ) from None


def spread_ranges(values: Mapping[str, Any], spread: Mapping[str, tuple[float, float]]) -> dict[str, dict[str, float]]:
    """The runs' 10th to 90th percentile of each field as the profile's `ranges` (the median stays
    the likeliest value), where the runs differ at all; rounded as the values are, never leaving
    the value outside."""
    out = {}
    for key, (low, high) in spread.items():
        value = float(values[key])
        low, high = min(float(f"{low:.6g}"), value), max(float(f"{high:.6g}"), value)
        if low < high:
            out[key] = {"low": low, "high": high}
    return out


def spread_comments(sources: Mapping[str, str], spread: Mapping[str, tuple[float, float]]) -> dict[str, str]:
    """Each derived field's source, with the runs' 10th to 90th percentile where they differ: the
    comments `annotated_yaml` writes beside the fields."""
    return {
        key: source
        + (
            f"; p10-p90 {spread[key][0]:.4g} to {spread[key][1]:.4g}"
            if key in spread and spread[key][0] != spread[key][1]
            else ""
        )
        for key, source in sources.items()
    }


def annotated_yaml(profile: WorkloadProfile, header: list[str], comments: Mapping[str, str]) -> str:
    """The profile as YAML under `header` (comment lines), each top-level field named in
    `comments` followed by its comment (where its value came from)."""
    from pricing.profiles import dump_profile
    from schema.text import NOT_ONE_LINE

    def comment(text: str) -> str:  # a name from the export (a handler's, a step's) stays in its comment
        return NOT_ONE_LINE.sub(" ", text)

    lines = [f"# {comment(line)}" for line in header]
    for line in dump_profile(profile).splitlines():
        key = line.split(":", 1)[0]
        top = not line.startswith((" ", "#"))
        lines.append(f"{line}  # {comment(comments[key])}" if top and key in comments else line)
    return "\n".join(lines) + "\n"
