"""The report's table of the workload profile: every field in words (no empty value reads "None", no
nested model reads as code), then the terms, requirements, ranges, months ahead and team inputs."""

from __future__ import annotations

import re

from model.result import EstimateOut
from report.profile_words import requirements_text, terms_text
from report.section import Section
from schema.inputs import field_title
from schema.profile import WorkloadProfile, field_unit

__all__ = ["profile_section"]


def profile_section(profile: WorkloadProfile, result: EstimateOut) -> Section:
    """The profile as priced, a field a row with its value, unit and meaning."""
    return Section(
        "Workload profile",
        header=("Field", "Value", "Unit", "Meaning"),
        rows=_profile_rows(profile, result),
    )


def _empty(description: str) -> str:
    """What a field left empty means, from its description ("…; empty = derived from the volume")."""
    if "empty = " not in description:
        return "empty"
    return "empty: " + re.split(r"[;(]| \. ", description.split("empty = ", 1)[1])[0].strip().rstrip(".")


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float | int):
        return f"{value:,.12g}"
    return str(getattr(value, "value", value))


def _profile_rows(profile: WorkloadProfile, result: EstimateOut) -> tuple[tuple[str, ...], ...]:
    """Every field of the profile in words: no empty value reads "None", no nested model reads as code."""
    names = {o.id: o.name for o in result.options}
    rows = []
    for name, info in WorkloadProfile.model_fields.items():
        if name in ("version", "team", "description", "name", "requirements", "overrides", "ranges", "path"):
            continue
        value = getattr(profile, name)
        description = info.description or ""
        unit = field_unit(name)
        if value is None and name == "peak_concurrent_runs" and result.workload is not None:
            shown = f"derived from the volume: {result.workload.peak_concurrent_runs:,.6g}"
        elif value is None:
            shown = _empty(description)
        elif name == "options":
            shown = ", ".join(names.get(o, o) for o in value) or "every option priced on the date"
        else:
            shown = _shown(value)
        rows.append((field_title(name), shown, unit if value is not None else "", description))
    terms = [terms_text(names.get(o, o), t) for o, t in profile.overrides.items() if not t.empty]
    rows.append(("Your terms", "; ".join(terms) or "none: list prices", "", "Your prices, discount, commitment, plan"))
    stated = profile.requirements.stated()
    rows.append(
        (
            "What a plan must offer",
            requirements_text(stated).removeprefix("Every plan must offer: ")
            if stated
            else "nothing: the cheapest plan",
            "",
            "The cheapest plan that meets them is chosen",
        )
    )
    ranges = [
        f"{field_title(k)} {v.low:,.6g} – {v.high:,.6g} ({v.distribution})" for k, v in sorted(profile.ranges.items())
    ]
    rows.append(
        (
            "Ranges of your own",
            "; ".join(ranges) or "none: the default doubt on your numbers",
            "",
            "Numbers known only within bounds; the Monte Carlo draws between them",
        )
    )
    path = profile.path
    ahead = (
        f"{path.horizon_months} months; runs {', '.join(f'{r:,.0f}' for r in path.monthly_runs_by_month)} a month"
        if path.monthly_runs_by_month
        else f"{path.horizon_months} months; runs grow {path.growth_percent_per_month:g}% a month"
    )
    rows.append(("The months ahead", f"{ahead}; {path.cutover_months:g} months of cut-over", "", "The path's inputs"))
    team = profile.team
    rows.append(
        (
            "Engineer's yearly cost",
            "the pricing data's"
            if team.engineer_cost_usd_per_year is None
            else f"{team.engineer_cost_usd_per_year:,.0f}",
            "USD/year" if team.engineer_cost_usd_per_year is not None else "",
            "Fully loaded cost of one engineer",
        )
    )
    for label, given, unit in (
        ("Operations share", team.ops_fte, "FTE"),
        ("Weeks to a first workflow", team.setup_weeks, "engineer-weeks"),
        ("Weeks to migrate onto it", team.migration_weeks, "engineer-weeks"),
    ):
        rows.append(
            (
                label,
                ", ".join(f"{names.get(k, k)}: {v:g}" for k, v in given.items()) or "each option's estimate",
                unit if given else "",
                "Yours, by option (Team, in the sidebar)",
            )
        )
    return tuple(rows)
