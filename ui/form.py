"""The sidebar form's building blocks: a workload field's box (its label with the unit, its step of
the +/- buttons, its bounds and help, what it means left empty), a widget's held value as its
default, and the folded sections whose inputs are drawn only while open."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import streamlit as st

from schema.inputs import field_title
from schema.profile import OPTIONAL_FIELDS, WorkloadProfile, field_unit
from ui.state import field_key

__all__ = [
    "EMPTY",
    "EXACT",
    "STEPS",
    "choice_index",
    "field_bounds",
    "field_label",
    "folded",
    "held_value",
    "number_field",
]

# Presentation only: the step of the +/- buttons. Every field shows its value exactly (%g with
# enough digits), so what the sidebar shows is what is priced.
STEPS: dict[str, float] = {
    "monthly_runs": 1000.0,
    "steps_per_run": 1.0,
    "step_seconds": 1.0,
    "retry_rate": 0.05,
    "sleeps_per_run": 1.0,
    "sleep_seconds": 60.0,
    "human_waits_per_run": 1.0,
    "human_wait_seconds": 600.0,
    "child_runs_per_run": 1.0,
    "heartbeat_seconds": 5.0,
    "heartbeat_timeout_seconds": 5.0,
    "step_payload_kb": 1.0,
    "context_growth_kb": 1.0,
    "peak_concurrent_runs": 1.0,
    "peak_window_hours": 1.0,
    "retention_days": 1.0,
    "step_cpu_share": 0.01,
    "step_memory_mb": 64.0,
    "events_per_run": 1.0,
    "state_kb_per_run": 10.0,
    "input_tokens_per_step": 1000.0,
    "input_token_growth_per_step": 100.0,
    "cached_input_tokens_per_step": 1000.0,
    "cached_input_token_growth_per_step": 100.0,
    "output_tokens_per_step": 100.0,
    "input_price_per_mtok": 0.1,
    "cached_input_price_per_mtok": 0.01,
    "output_price_per_mtok": 0.1,
    "model_discount_percent": 1.0,
    "sandbox_vcpus": 1.0,
    "sandbox_memory_gb": 1.0,
    "sandbox_seconds_per_run": 60.0,
}
EXACT = "%.12g"


def field_bounds(name: str) -> tuple[float, float]:
    """(least, most) a workload field may be, read from the profile's model."""
    info = WorkloadProfile.model_fields[name]
    low = next(m.ge for m in info.metadata if hasattr(m, "ge"))
    high = next(m.le for m in info.metadata if hasattr(m, "le"))
    return float(low), float(high)


def field_label(name: str) -> str:
    """A workload field's label, its unit in brackets ("Payload per step [KB]")."""
    unit = field_unit(name)
    text = field_title(name)
    return f"{text} [{unit}]" if unit else text


def held_value(key: str, fallback: object = None) -> object:
    """A widget's own value as its default. Streamlit sends a value set from code (a link, a preset)
    with the run that first draws the widget; when a click cuts that run short, the browser draws
    the widget afresh from its default, so a default of zero would show, and send back, a zero."""
    return st.session_state.get(key, fallback)


def choice_index(key: str, choices: list[str]) -> int | None:
    """Where a box's held value is among its choices (the first choice when it holds none of them)."""
    value = st.session_state.get(key)
    return choices.index(value) if value in choices else 0


def number_field(name: str, *, folded: bool = False) -> None:
    """A workload field's box, showing its value exactly; `folded`: in a folded section, so its value
    stays in the session while the box is not drawn."""
    low, high = field_bounds(name)
    optional = name in OPTIONAL_FIELDS
    value = held_value(field_key(name))
    st.number_input(
        field_label(name),
        min_value=low,
        max_value=high,
        step=STEPS[name],
        format=EXACT,
        help=WorkloadProfile.model_fields[name].description,
        key=field_key(name),
        value=float(value) if isinstance(value, (int, float)) else (None if optional else "min"),
        placeholder=EMPTY.get(name) if optional else None,
        persist_state="session" if folded else None,
    )


EMPTY = {
    "peak_concurrent_runs": "derived from the volume",
    "state_kb_per_run": "every step's payload",
    "step_memory_mb": "what an API call needs",
    "input_price_per_mtok": "the list price",
    "cached_input_price_per_mtok": "the list price",
    "output_price_per_mtok": "the list price",
    "sandbox_seconds_per_run": "the time its steps execute",
}
"""What an optional field left empty means, in its box."""


@contextlib.contextmanager
def folded(title: str, name: str) -> Iterator[bool]:
    """An expander whose inputs are drawn only while it is open (it reruns the app when opened or
    closed). Streamlit's `number_input` looks through the session state for every widget it draws,
    so ninety inputs folded away cost an edit more than its estimate; their values stay in the
    session (`persist_state="session"` on each) and in the link, drawn or not."""
    with st.expander(title, key=f"open.{name}", on_change="rerun") as box:
        yield bool(box.open)
