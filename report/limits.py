"""Per-run limits in words (the report's and the app's): a limit's measure, where a run first passes
it or its warning level, its status; and the report's sections on the limits and on a run's
recorded history."""

from __future__ import annotations

from model.limits_out import HistoryOut, LimitOut
from model.result import EstimateOut
from model.sweep import STEP_MEASURES
from model.units import BYTES_PER_GB, BYTES_PER_KB, BYTES_PER_MB, SECONDS_PER_DAY, SECONDS_PER_HOUR
from report.compare import format_quantity, ranked
from report.section import Section
from report.words import elapsed, say

__all__ = ["crossed_at", "format_measure", "limit_sections", "limit_status", "warned_from"]


def _step(value: float | None) -> str:
    return "never" if value is None else f"step {value:,.0f}"


def _step_in(steps: float | None, seconds: float | None, without_waits: bool = False) -> str:
    """`step 129 (2.1 hours in)`: a step and how long into the run it comes (into a run that does not
    wait, when only some runs wait for a person)."""
    if steps is None:
        return "never"
    if not seconds:
        return f"step {steps:,.0f}"
    return f"step {steps:,.0f} ({elapsed(seconds)} {'into a run that does not wait' if without_waits else 'in'})"


def limit_status(x: LimitOut) -> str:
    """A limit against this run in a few words: within, passed (with the way around), lifted by the
    option's design, or a warning that Continue-As-New or the like keeps each segment under."""
    if not x.exceeded:
        return "within" + ("; past its warning level" if x.warned else "")
    if x.lifted:
        return "passed as designed; raised by the design"
    if x.avoidable:
        return "passed by the whole run; each segment stays under it"
    if not x.hard:
        return "passed (it only warns)" + (f"; {x.advice}" if x.advice else "")
    return "passed" + (f"; {x.advice}" if x.advice else "")


def crossed_at(limit: LimitOut) -> str:
    """Where a run first passes a limit: a step and how long into the run, for a measure that grows
    with steps; else now or never."""
    if limit.measure in STEP_MEASURES:
        return _step_in(limit.steps_until_limit, limit.seconds_until_limit, limit.seconds_without_waits)
    return "now" if limit.exceeded else "never"


def warned_from(limit: LimitOut) -> str:
    """Where a run first passes a limit's warning level (empty without one)."""
    if limit.measure not in STEP_MEASURES or not limit.warning:
        return ""
    return _step_in(limit.steps_until_warning, limit.seconds_until_warning, limit.seconds_without_waits)


def format_measure(value: float, unit: str) -> str:
    """A limit's measure in a readable unit.

    >>> format_measure(3_145_728, "bytes"), format_measure(7200, "s"), format_measure(311, "events")
    ('3 MB', '2 h', '311 events')
    """
    if unit == "bytes":
        for size, name in ((BYTES_PER_GB, "GB"), (BYTES_PER_MB, "MB"), (BYTES_PER_KB, "KB")):
            if value >= size:
                return f"{value / size:,.4g} {name}"
        return f"{value:,.0f} bytes"
    if unit == "s":
        for size, name in ((SECONDS_PER_DAY, "days"), (SECONDS_PER_HOUR, "h"), (60.0, "min")):
            if value >= size:
                return f"{value / size:,.4g} {name}"
        return f"{value:,.4g} s"
    return format_quantity(value, unit)


def limit_sections(result: EstimateOut) -> list[Section]:
    """Every per-run limit of the options against this run (when any option declares one), then the
    run's recorded history against its option's limits (when the profile has one)."""
    sections: list[Section] = []
    limit_rows = tuple(
        (
            o.name,
            x.name,
            format_measure(x.value, x.unit),
            x.shown,
            crossed_at(x),
            limit_status(x),
        )
        for o in ranked(result)
        for x in o.limits
    )
    if limit_rows:
        sections.append(
            Section(
                "Limits on one run",
                paragraphs=("Every per-run limit the options' tables declare, against this run as profiled.",),
                header=("Option", "Limit", "This run", "Limit", "First crossed at", "Status"),
                rows=limit_rows,
                chart="limits",
            )
        )
    if result.history is not None:
        sections.append(_history_section(result.history, result))
    return sections


def _history_section(h: HistoryOut, result: EstimateOut) -> Section:
    """A run's history: its events and size, the steps at which it passes each warning and limit, and
    the segments a restart (Continue-As-New or the like) cuts it into."""
    step = _step
    restart = (
        (
            (
                "Continue-As-New segments" if h.restart_name is None else f"{h.restart_name} segments",
                str(h.continue_as_new_segments),
            ),
        )
        if h.restart_name
        else ()
    )

    return Section(
        f"{h.name} per run ({next(o.name for o in result.options if o.id == h.table)})",
        paragraphs=tuple(say(a) for a in h.advice),
        header=("Measure", "Value"),
        rows=(
            ("Events per run", f"{h.events_per_run:,.0f}"),
            ("History per run", f"{h.history_mb_per_run:,.2f} MB"),
            (
                "Event warning / limit",
                f"{step(h.steps_until_event_warning)} / {step(h.steps_until_event_limit)}",
            ),
            ("Size warning / limit", f"{step(h.steps_until_size_warning)} / {step(h.steps_until_size_limit)}"),
            (
                "Payload warning / limit",
                f"{step(h.steps_until_payload_warning)} / {step(h.steps_until_payload_limit)}",
            ),
            ("Binds first", h.binding_limit),
            ("This run crosses a hard limit", "yes" if h.exceeds_limit else "no"),
            *restart,
        ),
    )
