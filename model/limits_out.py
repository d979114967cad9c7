"""One run against an option's per-run limits, as the JSON contract carries it: each limit projected
for the run (`LimitOut`), how the run's history restarts (`RestartOut`) and the recorded history with
its advice (`HistoryOut`); and the findings a limit raises (`limit_warnings`).
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel

from model.engine import OptionEstimate
from model.findings_out import OUT_CONFIG, FindingOut, FindingValue
from model.limits import LimitProjection
from model.provenance_out import ProvenanceOut, provenance
from model.units import BYTES_PER_MB
from schema.meters import Measure
from schema.profile import WorkloadProfile
from schema.tables import PriceBook, PriceTable

__all__ = [
    "Binding",
    "HistoryOut",
    "LimitOut",
    "RestartOut",
    "finite",
    "history_out",
    "limit_out",
    "limit_values",
    "limit_warnings",
    "restart_out",
]


class _Out(BaseModel):
    model_config = OUT_CONFIG


Binding = Literal["history_events", "history_size", "payload_size"]
"""The hard history limits a growing run can reach first."""


class LimitOut(_Out):
    """One per-run limit against this run. Sizes in bytes, times in seconds (`unit`);
    `steps_until_*` are 1-based steps at which the measure first passes the level, null when no
    number of steps does or when the measure does not grow with steps."""

    id: str
    name: str
    measure: Measure
    unit: str
    value: float
    limit: float
    warning: float | None
    shown: str
    """The limit as the vendor states it (`2 MB`, `51,200 events`)."""
    steps_until_warning: float | None
    steps_until_limit: float | None
    seconds_until_warning: float | None = None
    seconds_until_limit: float | None = None
    """How long into the run those steps come: each step's share of the run's wall time (work, sleeps
    and human waits spread evenly over its steps)."""
    seconds_without_waits: bool = False
    """Those times leave the human waits out: only some runs wait (a fraction of a wait per run), so
    they are the times of a run that does not."""
    exceeded: bool
    """This run, as profiled, passes the limit."""
    warned: bool
    hard: bool
    avoidable: bool
    """The option's segments (Continue-As-New) keep each segment under it."""
    lifted: bool = False
    """The run passes the limit's default, and the option's design raises it (the run stays under
    the raised level)."""
    advice: str | None
    provenance: ProvenanceOut | None = None


class RestartOut(_Out):
    """A run that restarts with a fresh history (Continue-As-New, say)."""

    name: str
    segments: int
    """Histories one run is split into (1: no restart)."""
    first_segment_steps: float | None
    """Steps the first segment holds before it restarts; null when it never does."""


class HistoryOut(_Out):
    """One run's recorded history on one option (an Event History, an execution history).
    `steps_until_*` are 1-based step numbers at which a threshold is first crossed; null when no
    number of steps crosses it."""

    table: str
    events_per_run: float
    history_bytes_per_run: float
    history_mb_per_run: float
    largest_payload_bytes: float
    steps_until_event_warning: float | None
    steps_until_event_limit: float | None
    steps_until_size_warning: float | None
    steps_until_size_limit: float | None
    steps_until_payload_warning: float | None
    steps_until_payload_limit: float | None
    binding_limit: Binding
    exceeds_limit: bool
    continue_as_new_segments: int
    steps_per_segment: float
    """Steps the first segment holds before it restarts (all of them without a restart)."""
    payload_blocks_continue_as_new: bool
    limits: dict[str, float]
    advice: list[FindingOut]
    name: str = "Event History"
    """What the option calls its history."""
    restart_name: str | None = None
    """What the option calls a restart with a fresh history (Continue-As-New), if it has one."""


def finite(value: float) -> float | None:
    """`value`, or None where it is not finite (no number of steps reaches a level, say)."""
    return float(value) if math.isfinite(value) else None


def _shown(table: PriceTable, key: str) -> str:
    number = table.limits[key]
    return f"{number.expected:,.10g} {number.unit.value}"


def limit_out(
    book: PriceBook, table: PriceTable, p: LimitProjection, i: int, step_seconds: float | None, without_waits: bool
) -> LimitOut:
    """Limit `p` against the run of profile `i`; `step_seconds`: each step's share of the run's wall time
    [s] (None: the run has no steps), without its human waits where `without_waits`."""
    warning, limit = finite(p.steps_until_warning[i]), finite(p.steps_until_limit[i])
    return LimitOut(
        id=p.id,
        name=p.spec.name,
        measure=p.spec.measure,
        unit=p.unit,
        value=float(p.value[i]),
        limit=p.limit,
        warning=p.warning,
        shown=_shown(table, p.id),
        steps_until_warning=warning,
        steps_until_limit=limit,
        seconds_until_warning=None if warning is None or step_seconds is None else warning * step_seconds,
        seconds_until_limit=None if limit is None or step_seconds is None else limit * step_seconds,
        seconds_without_waits=without_waits,
        exceeded=bool(p.exceeded[i]),
        warned=bool(p.warned[i]),
        hard=p.spec.hard,
        avoidable=p.avoidable,
        lifted=bool(p.lifted[i]),
        advice=p.spec.advice,
        provenance=provenance(book, p.ref),
    )


def limit_values(limit: LimitOut) -> dict[str, FindingValue]:
    """What a sentence about a limit needs."""
    return {
        "limit": limit.id,
        "name": limit.name,
        "shown": limit.shown,
        "level": limit.limit,
        "value": limit.value,
        "unit": limit.unit,
        "step": limit.steps_until_limit,
        "seconds": limit.seconds_until_limit,
        "without_waits": limit.seconds_without_waits,
        "advice": limit.advice,
        "none_allowed": limit.limit == 0,
        "source": limit.provenance.url if limit.provenance is not None else None,
    }


def limit_warnings(table: PriceTable, limits: list[LimitOut]) -> list[FindingOut]:
    """A finding for every limit that warns: a soft limit passed, a history limit that restarting
    keeps each segment under, a hard limit whose warning level the run passes."""
    segments = table.history.segments if table.history is not None else None
    out = []
    for limit in limits:
        if limit.exceeded and limit.hard and limit.avoidable and segments is not None:
            out.append(FindingOut(code="limit_avoided", data={**limit_values(limit), "restart": segments.name}))
        elif limit.exceeded and not limit.hard:
            out.append(FindingOut(code="limit_warned", data=limit_values(limit)))
        elif limit.warned and not limit.exceeded and limit.hard:
            values = limit_values(limit)
            values["step"] = limit.steps_until_warning
            values["seconds"] = limit.seconds_until_warning
            values["level"] = limit.warning
            out.append(FindingOut(code="limit_ahead", data={**values, "limit_step": limit.steps_until_limit}))
    return out


def restart_out(option: OptionEstimate, i: int) -> RestartOut | None:
    """How the option's history restarts for profile `i`, or None where it never does."""
    spec = option.table.history
    if spec is None or spec.segments is None or option.history is None:
        return None
    return RestartOut(
        name=spec.segments.name,
        segments=int(option.history.segments[i]),
        first_segment_steps=finite(option.history.first_segment_steps[i]),
    )


_HISTORY_MEASURES: dict[str, Binding] = {
    "events": "history_events",
    "history_bytes": "history_size",
    "payload_bytes": "payload_size",
}
_UNTIL = {"events": "event", "history_bytes": "size", "payload_bytes": "payload"}


def history_out(option: OptionEstimate, limits: list[LimitOut], i: int, profile: WorkloadProfile) -> HistoryOut:
    """The contract's `history` block, from the option's recorded history and its limits (`limits`: the
    option's, as its `OptionOut` carries them)."""
    table = option.table
    h = option.history
    assert h is not None and table.history is not None
    spec = table.history
    segments = spec.segments
    shown = {limit.id: limit for limit in limits if limit.measure in _HISTORY_MEASURES}
    until: dict[str, float | None] = {}
    hard: dict[Binding, float] = {}  # hard limit -> the step at which it is crossed
    for limit in shown.values():
        prefix = _UNTIL[limit.measure]
        until[f"steps_until_{prefix}_warning"] = limit.steps_until_warning
        until[f"steps_until_{prefix}_limit"] = limit.steps_until_limit
        if limit.hard:
            hard[_HISTORY_MEASURES[limit.measure]] = (
                math.inf if limit.steps_until_limit is None else limit.steps_until_limit
            )
    binding: Binding = min(hard, key=lambda k: hard[k]) if hard else "history_events"
    blocked = [x for x in shown.values() if x.exceeded and x.hard and not x.avoidable]
    count = int(h.segments[i])
    first = float(h.first_segment_steps[i])
    advice: list[FindingOut] = []
    for limit in blocked:
        values = {**limit_values(limit), "restart": segments.name if segments is not None else None}
        advice.append(FindingOut(code="history_passes", data=values))
    if segments is not None and count > 1 and first >= 1 and not blocked:
        # Only advice that can be followed: a segment must hold at least one step, and a run whose
        # own payload passes a limit that restarting cannot fix has been told so above.
        advice.append(
            FindingOut(
                code="history_segments",
                data={
                    "advice": segments.advice.format(
                        every=first,
                        segments=count,
                        events=table.counting[segments.events].expected,
                        mb=table.counting[segments.size_mb].expected,
                    ),
                    "every": first,
                    "segments": count,
                },
            )
        )
    if profile.context_growth_kb > 0 and not blocked:
        advice.append(FindingOut(code="history_grows"))
    if not advice:
        advice.append(FindingOut(code="history_inside", data={"vendor": table.vendor, "name": spec.name}))
    numbers: dict[str, float] = {}
    for run_limit in table.run_limits:
        if run_limit.measure in _HISTORY_MEASURES:
            for key in (run_limit.id, run_limit.warning):
                if key is not None:
                    numbers[key] = table.limits[key].expected
    steps = profile.steps_per_run
    return HistoryOut(
        table=table.id,
        events_per_run=float(h.events_per_run[i]),
        history_bytes_per_run=float(h.history_bytes_per_run[i]),
        history_mb_per_run=float(h.history_bytes_per_run[i] / BYTES_PER_MB),
        largest_payload_bytes=float(h.largest_payload_bytes[i]),
        steps_until_event_warning=until.get("steps_until_event_warning"),
        steps_until_event_limit=until.get("steps_until_event_limit"),
        steps_until_size_warning=until.get("steps_until_size_warning"),
        steps_until_size_limit=until.get("steps_until_size_limit"),
        steps_until_payload_warning=until.get("steps_until_payload_warning"),
        steps_until_payload_limit=until.get("steps_until_payload_limit"),
        binding_limit=binding,
        exceeds_limit=any(x.exceeded and x.hard for x in shown.values()),
        continue_as_new_segments=count,
        steps_per_segment=min(first, steps),
        payload_blocks_continue_as_new=any(x.measure == "payload_bytes" for x in blocked),
        limits=numbers,
        advice=advice,
        name=f"{table.vendor} {spec.name}",
        restart_name=segments.name if segments is not None else None,
    )
