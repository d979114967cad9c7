"""What a preset whose workload fields were changed is called and described: titled as edited, its
description saying what changed (`edited`), so a report never presents changed figures under the
preset's own words; and `shown_value`, a field's value as such a sentence writes it."""

from __future__ import annotations

from schema.inputs import field_title
from schema.profile import WorkloadProfile
from ui.state import PROFILE_FIELDS

__all__ = ["EDITED", "edited", "edited_mark", "shown_value"]

EDITED = " (edited)"


def edited(profile: WorkloadProfile, preset: WorkloadProfile | None) -> WorkloadProfile:
    """A preset whose workload fields were changed keeps neither its name nor its words unless the user
    gave their own: its name is titled as edited, and its description says what changed from the preset
    (then the preset's own words), so a report never presents changed figures under the preset's text.
    A name or description of the user's own stays theirs."""
    if preset is None:
        return profile
    changed = [
        n for n in PROFILE_FIELDS if n not in ("name", "description") and getattr(profile, n) != getattr(preset, n)
    ]
    update: dict[str, str] = {}
    if profile.name in (preset.name, preset.name + EDITED):
        update["name"] = preset.name + (EDITED if changed else "")
    mark = edited_mark(preset)
    if profile.name in (preset.name, preset.name + EDITED) and (
        profile.description == preset.description or profile.description.startswith(mark)
    ):
        moved = "; ".join(
            f"{field_title(n).lower()} {shown_value(getattr(profile, n))} (preset: {shown_value(getattr(preset, n))})"
            for n in changed
        )
        update["description"] = (
            f"{mark}{moved}. The preset reads: {preset.description}" if changed else preset.description
        )
    return profile.model_copy(update=update) if update else profile


def edited_mark(preset: WorkloadProfile) -> str:
    """How the description of a preset whose fields changed begins (`edited`)."""
    return f"Edited from the preset “{preset.name}”: "


def shown_value(value: object) -> str:
    """A field's value for a sentence: a number as written, a choice by its value, nothing as "none"."""
    if value is None:
        return "none"
    if isinstance(value, float):
        return f"{value:,.10g}"
    return str(getattr(value, "value", value))
