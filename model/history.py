"""Recorded history: how large one run's history grows, for any option that records one.

A table's `history` says what a run records: events as a linear combination of usage counts
(fixed per run, or per step), `event_bytes` of fixed fields per event, and payloads: step i
(counting from 1) records `step_payload_kb + (i - 1) * context_growth_kb`, and each count in
`payloads` records one `step_payload_kb` more. An agent that passes its whole, growing
conversation into every call grows its history quadratically.

With `segments` (Continue-As-New, say) the run restarts with a fresh history each time the
open one passes the suggested number of events or bytes; the new segment starts with
`restart_events` events and carries the context so far as its input (recorded once more in the
closing event of the old segment). Segments are laid out step by step from the first, so a
longer run only ever adds to the last one: what it records and stores never shrinks.

Everything takes and returns arrays, one value per profile.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np

from model.billing import Array, Value
from model.units import BYTES_PER_GB, BYTES_PER_KB, BYTES_PER_MB, HOURS_PER_DAY, ROUNDING, SECONDS_PER_HOUR
from model.usage import Count, Usage, count, derived

__all__ = [
    "MAX_SEGMENT_LOOPS",
    "HistoryProjection",
    "first_step_linear",
    "first_step_payload",
    "first_step_quadratic",
    "history_of",
    "project_history",
]

MAX_SEGMENT_LOOPS = 1000
"""Segments laid out one by one per profile; past this many (a history of gigabytes per run) the
rest are counted as one step each, which can only overstate them."""


@dataclass(frozen=True)
class HistoryProjection:
    """One run's recorded history, per profile (sizes in bytes)."""

    name: str
    fixed_events: Array
    """Events that do not depend on the number of steps (the skeleton, sleeps, waits, children)."""
    events_per_step: Array
    events_per_run: Array
    """Without restarts: fixed + per step x steps."""
    fixed_bytes: Array
    bytes_per_step: Array
    """What each step adds before context growth: its payload and its events' fields."""
    growth_bytes: Array
    """How much larger each step's payload is than the previous one's."""
    history_bytes_per_run: Array
    """Without restarts."""
    payload_bytes: Array
    """One step's payload without growth."""
    largest_payload_bytes: Array
    segments: Array
    """Histories one run is split into (1 without restarts)."""
    first_segment_steps: Array
    """Steps the first segment holds before it restarts (inf when it never does)."""
    recorded_events: Array
    """Events of every segment together."""
    recorded_bytes: Array
    """Bytes of every segment together, the carried context included."""
    child_history_bytes: Array
    """The children's own histories, together."""
    mean_open_bytes: Array
    """Average size of the open history over the run's lifetime (for storage of open runs); with
    restarts an upper bound: an open segment is taken at the largest it can be, so the figure
    never shrinks as the run grows."""


def first_step_linear(fixed: Array, per_step: Array, limit: Array | float) -> Array:
    """Smallest n >= 1 with fixed + per_step * n > limit (inf if never).

    >>> first_step_linear(np.array([5.0]), np.array([6.0]), 51_200).tolist()
    [8533.0]
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        n = np.floor((limit - fixed) / per_step) + 1.0
    n = np.where(per_step > 0, n, np.where(fixed > limit, 1.0, np.inf))
    return np.asarray(np.maximum(n, 1.0), dtype=np.float64)


def first_step_quadratic(fixed: Array, linear: Array, growth: Array, limit: Array | float) -> Array:
    """Smallest n >= 1 with fixed + linear*n + growth*n*(n-1)/2 > limit (inf if never).

    The root of a*n^2 + b*n + c = 0 is taken in the form that does not cancel digits
    (-2c / (b + sqrt(D)) when b > 0), so it is exact for growth of any size, zero included.
    """
    a = growth / 2.0
    b = linear - growth / 2.0
    c = fixed - limit
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        sqrt_d = np.sqrt(np.maximum(b * b - 4.0 * a * c, 0.0))
        root = np.where(b > 0, -2.0 * c / (b + sqrt_d), (-b + sqrt_d) / (2.0 * a))
    never = (a <= 0) & (b <= 0)
    n = np.where(never, np.inf, np.floor(root) + 1.0)
    n = np.where(c > 0, 1.0, n)
    return np.asarray(np.maximum(np.where(np.isnan(n), np.inf, n), 1.0), dtype=np.float64)


def first_step_payload(base: Array, growth: Array, limit: Array | float) -> Array:
    """Smallest 1-based step whose payload (base + (step-1) * growth) exceeds the limit."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        n = np.floor((limit - base) / growth) + 2.0
    n = np.where(growth > 0, n, np.where(base > limit, 1.0, np.inf))
    return np.asarray(np.where(base > limit, 1.0, np.maximum(n, 1.0)), dtype=np.float64)


@dataclass(frozen=True)
class _Layout:
    segments: Array
    events: Array
    bytes: Array
    first_steps: Array
    first_restart_bytes: Array


def _segment_steps(
    e0: Array, b0: Array, start: Array, e: Array, c: Array, g: Array, top_events: Value, top_bytes: Value
) -> Array:
    """Steps a segment holds: the first j >= 1 after which it passes either threshold, when it
    begins at 1-based step `start` with `e0` events and `b0` bytes."""
    by_events = first_step_linear(e0, e, top_events)
    by_bytes = first_step_quadratic(b0, c + (start - 1.0) * g, g, top_bytes)
    return np.minimum(by_events, by_bytes)


def _content(e0: Array, b0: Array, start: Array, e: Array, c: Array, g: Array, m: Array) -> tuple[Array, Array]:
    """(events, bytes) of a segment that begins at step `start` and holds `m` steps."""
    return e0 + e * m, b0 + m * (c + (start - 1.0) * g) + g * m * np.maximum(m - 1.0, 0.0) / 2.0


def _tail(
    first: Array, last: Array, e: Array, c: Array, g: Array, carry: Array, restart_e: Value, restart_b: Value
) -> tuple[Array, Array, Array]:
    """(segments, events, bytes) when every step from `first` to `last` (1-based, `last` may be
    fractional) is a segment of its own."""
    rest = last - first + 1.0
    n = np.ceil(rest - ROUNDING)
    m_last = rest - (n - 1.0)
    a_last = first + n - 1.0
    s1 = n * (first - 1.0) + n * (n - 1.0) / 2.0  # sum of (start - 1) over the segments
    events = n * restart_e + e * (n - 1.0 + m_last)
    steps_bytes = (n - 1.0) * c + g * (s1 - (a_last - 1.0)) + m_last * (c + (a_last - 1.0) * g)
    size = n * restart_b + carry * s1 + steps_bytes + g * m_last * np.maximum(m_last - 1.0, 0.0) / 2.0
    size = size + carry * (s1 - (a_last - 1.0) + n - 1.0)  # each closing event carries the context on
    return n, events, size


def _layout(
    steps: Array,
    fixed_e: Array,
    e: Array,
    fixed_b: Array,
    c: Array,
    g: Array,
    restart_e: Value,
    restart_b: Value,
    top_events: Value,
    top_bytes: Value,
    carries: bool,
) -> _Layout:
    """Lay the run's steps out in segments, first to last (vectorized over profiles). The restart's
    size and the thresholds may differ per profile (a Monte Carlo draw): each is read per row."""
    re_, rb_, te_, tb_ = (
        np.broadcast_to(np.asarray(v, dtype=np.float64), steps.shape)
        for v in (restart_e, restart_b, top_events, top_bytes)
    )
    carry = g if carries else np.zeros_like(g)
    one = np.ones_like(steps)
    j1 = _segment_steps(fixed_e, fixed_b, one, e, c, g, te_, tb_)
    m = np.minimum(j1, steps)
    events, size = _content(fixed_e, fixed_b, one, e, c, g, m)
    first_restart = _content(fixed_e, fixed_b, one, e, c, g, j1)[1]
    segments = one.copy()
    start = one + m  # the next segment's first step
    more = steps - start + 1.0 > ROUNDING
    size = size + np.where(more, (start - 1.0) * carry, 0.0)  # the closing event carries the context on

    # Without growth every later segment is alike: count them at once.
    flat = more & (g == 0)
    if flat.any():
        ix = np.flatnonzero(flat)
        rest = steps[ix] - start[ix] + 1.0
        zero = np.zeros(ix.size)
        j = _segment_steps(re_[ix], rb_[ix], one[ix], e[ix], c[ix], zero, te_[ix], tb_[ix])
        full = np.floor(rest / j + ROUNDING)
        part = np.maximum(rest - full * j, 0.0)
        has_part = part > ROUNDING
        segments[ix] += full + has_part
        events[ix] += full * (re_[ix] + e[ix] * j) + np.where(has_part, re_[ix] + e[ix] * part, 0.0)
        size[ix] += full * (rb_[ix] + c[ix] * j) + np.where(has_part, rb_[ix] + c[ix] * part, 0.0)
        more[ix] = False

    loops = 0
    while more.any():
        ix = np.flatnonzero(more)
        a = start[ix]
        e0 = np.array(re_[ix])
        b0 = rb_[ix] + (a - 1.0) * carry[ix]
        j = _segment_steps(e0, b0, a, e[ix], c[ix], g[ix], te_[ix], tb_[ix])
        # A segment that holds one step is followed by segments at least as full: from there on
        # every step is a segment of its own, a closed form.
        tail = (j <= 1.0) | (loops >= MAX_SEGMENT_LOOPS)
        if tail.any():
            t = ix[tail]
            n, ev, by = _tail(start[t], steps[t], e[t], c[t], g[t], carry[t], re_[t], rb_[t])
            segments[t] += n
            events[t] += ev
            size[t] += by
            more[t] = False
        keep = ~tail
        if keep.any():
            k = ix[keep]
            jk, ak = j[keep], a[keep]
            # Segments that hold the same j steps follow one another while the bytes after j - 1
            # steps stay under the threshold, a condition linear in the start: lay all but the
            # last of them out at once, as an arithmetic series.
            same = rb_[k] + (jk - 1.0) * c[k] + g[k] * (jk - 1.0) * (jk - 2.0) / 2.0
            slope = carry[k] + (jk - 1.0) * g[k]
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                last = np.where(slope > 0, 1.0 + np.floor((tb_[k] - same) / slope), np.inf)
                equal = np.minimum(np.floor((last - ak) / jk) + 1.0, np.floor((steps[k] - ak + 1.0) / jk + ROUNDING))
            bulk = np.maximum(np.nan_to_num(equal - 1.0, nan=0.0, posinf=0.0), 0.0)
            if bulk.any():
                w = np.flatnonzero(bulk > 0)
                kw, n, jw, aw = k[w], bulk[w], jk[w], ak[w]
                starts = n * (aw - 1.0) + jw * n * (n - 1.0) / 2.0  # sum of (start - 1)
                segments[kw] += n
                events[kw] += n * (re_[kw] + e[kw] * jw)
                size[kw] += (
                    n * (rb_[kw] + jw * c[kw] + g[kw] * jw * (jw - 1.0) / 2.0)
                    + starts * (carry[kw] + jw * g[kw])
                    + carry[kw] * (starts + n * jw)
                )  # each closing event carries the context on
                ak = ak + bulk * np.where(bulk > 0, jk, 0.0)
            b0k = rb_[k] + (ak - 1.0) * carry[k]
            mk = np.minimum(jk, steps[k] - ak + 1.0)
            ev, by = _content(e0[keep], b0k, ak, e[k], c[k], g[k], mk)
            segments[k] += 1.0
            events[k] += ev
            size[k] += by
            start[k] = ak + mk
            more[k] = steps[k] - start[k] + 1.0 > ROUNDING
            size[k] += np.where(more[k], (start[k] - 1.0) * carry[k], 0.0)
        loops += 1
    return _Layout(segments, events, size, np.where(j1 >= steps, np.inf, j1), first_restart)


def _mean_open(linear: Array, quadratic: Array, ceiling: Array, carry_slope: Array) -> Array:
    """Average of min(Q(x), L(x)) over progress x in [0, 1], where Q(x) = linear x + quadratic x^2
    is the history so far and L(x) = ceiling + carry_slope x is the largest an open segment gets
    (its restart size plus the context it carries). Both grow with the run, so the average does."""
    d = linear - carry_slope
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        denominator = d + np.sqrt(np.maximum(d * d + 4.0 * quadratic * ceiling, 0.0))
        x = np.where(denominator > 0, 2.0 * ceiling / denominator, np.inf)
    x = np.where(np.isfinite(ceiling), x, np.inf)
    below = np.minimum(x, 1.0)
    under = linear * below**2 / 2.0 + quadratic * below**3 / 3.0
    with np.errstate(invalid="ignore"):
        over = np.where(x < 1.0, ceiling * (1.0 - x) + carry_slope * (1.0 - x * x) / 2.0, 0.0)
    return np.asarray(under + over, dtype=np.float64)


_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(16)


def _mean_segmented(
    steps: Array,
    linear: Array,
    quadratic: Array,
    first_steps: Array,
    restart_bytes: Value,
    step_bytes: Array,
    growth: Array,
    events_per_step: Array,
    restart_events: Value,
    top_events: Value,
    top_bytes: Value,
    carries: bool,
) -> Array:
    """Average size of the open segment over a run that restarts (Continue-As-New), over the run's
    progress: the first segment grows as the history would (Q(x) = linear x + quadratic x^2); past
    it, each segment starts with a restart's bytes and the context carried so far, fills until a
    threshold (bytes or events) and closes, when its history leaves the open run for retained
    storage. So the open segment at step s averages its start plus half of what its steps add."""
    s_total = np.maximum(steps, ROUNDING)
    x1 = np.clip(np.nan_to_num(first_steps / s_total, posinf=1.0), 0.0, 1.0)
    first = linear * x1**2 / 2.0 + quadratic * x1**3 / 3.0
    # The rest, on 16 Gauss-Legendre points of [x1, 1]: s = x * steps; only for the profiles whose
    # run restarts (x1 < 1: a sweep's rows often all run in one segment, and then nothing is left).
    rows = np.flatnonzero(x1 < 1.0)
    if rows.size == 0:
        return np.asarray(first, dtype=np.float64)
    x1r = x1[rows]
    x = x1r[:, None] + (1.0 - x1r[:, None]) * (_NODES[None, :] + 1.0) / 2.0
    s = x * s_total[rows, None]

    def column(v: Value) -> Array:  # one value per profile (a Monte Carlo draw), as a column
        return np.broadcast_to(np.asarray(v, dtype=np.float64), steps.shape)[rows, None]

    g = growth[rows, None]
    c = step_bytes[rows, None]
    e = events_per_step[rows, None]
    b0 = column(restart_bytes) + (g * s if carries else 0.0)
    rise = c + g * s  # what the segment's next step adds
    room = np.maximum(column(top_bytes) - b0, 0.0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        by_bytes = np.where(g > 0, (-rise + np.sqrt(rise * rise + 2.0 * g * room)) / g, room / rise)
        by_events = np.where(e > 0, (column(top_events) - column(restart_events)) / e, np.inf)
    held = np.maximum(np.nan_to_num(np.minimum(by_bytes, by_events), nan=1.0, posinf=1.0), 1.0)
    content = held * rise + g * held * (held - 1.0) / 2.0
    open_size = b0 + content / 2.0
    out = np.array(first, dtype=np.float64)
    out[rows] += (1.0 - x1r) / 2.0 * np.sum(_WEIGHTS[None, :] * open_size, axis=1)
    return out


def history_of(u: Usage) -> HistoryProjection:
    """The option's recorded-history projection, computed once per usage (`project_history`)."""
    if u._history is None:
        u._history = project_history(u)
    return cast(HistoryProjection, u._history)


def project_history(u: Usage) -> HistoryProjection:
    """Project one run's history for every profile, under the table's `history` rules."""
    spec = u.table.history
    assert spec is not None, f"{u.table.id} records no history"
    p = u.params
    steps = u.work.steps
    payload = u.column("step_payload_kb") * BYTES_PER_KB
    events = u.combine(spec.events)
    fixed_e, per_step_e = events.fixed, events.per_step
    child_events = sum(p[k] for k in spec.child_events)
    if spec.bytes:  # measured per kind of event
        sized = u.combine(spec.bytes)
        fixed_over, step_over = sized.fixed, sized.per_step
        child_over = sum(p[k] for k in spec.child_bytes)
        restart_over = p[spec.segments.restart_bytes] if spec.segments and spec.segments.restart_bytes else 0.0
    else:
        assert spec.event_bytes is not None
        overhead = p[spec.event_bytes]
        fixed_over, step_over = fixed_e * overhead, per_step_e * overhead
        child_over = child_events * overhead
        restart_over = p[spec.segments.restart_events] * overhead if spec.segments else 0.0
    recorded = u.combine(spec.step_payloads).per_step * payload  # what one step records of its payload
    growth = u.combine(spec.growth).per_step * u.column("context_growth_kb") * BYTES_PER_KB

    extra = u.combine(spec.payloads) if spec.payloads else None
    fixed_b = fixed_over + (extra.fixed * payload if extra is not None else 0.0)
    step_b = recorded + step_over + (extra.per_step * payload if extra is not None else 0.0)
    runs_events = fixed_e + per_step_e * steps
    quadratic = growth * steps * np.maximum(steps - 1.0, 0.0) / 2.0
    history_bytes = fixed_b + steps * step_b + quadratic
    largest = np.where(steps > 0, recorded + growth * np.maximum(steps - 1.0, 0.0), 0.0)
    if extra is not None:
        largest = np.maximum(largest, np.where(extra.total > 0, payload, 0.0))

    child_bytes = u.column("child_runs_per_run") * (child_over + u.coefficient(spec.child_payloads) * payload)

    inf = np.full_like(steps, np.inf)
    if spec.segments is not None:
        seg = spec.segments
        restart_e = p[seg.restart_events]
        layout = _layout(
            steps,
            fixed_e,
            per_step_e,
            fixed_b,
            step_b,
            growth,
            restart_e,
            restart_over,
            p[seg.events],
            p[seg.size_mb] * BYTES_PER_MB,
            seg.carries_context,
        )
        segments, recorded_e, recorded_b = layout.segments, layout.events, layout.bytes
        first_steps = layout.first_steps
        # The open segment is never larger than the first one at its restart, or than the
        # threshold plus a restart's own events and one step, plus the context carried so far
        # and that step's growth: an upper bound that grows with the run.
        mean_open = _mean_segmented(
            steps,
            fixed_b + steps * step_b,
            quadratic,
            first_steps,
            restart_over,
            step_b,
            growth,
            per_step_e,
            restart_e,
            p[seg.events],
            p[seg.size_mb] * BYTES_PER_MB,
            seg.carries_context,
        )
    else:
        segments, recorded_e, recorded_b = np.ones_like(steps), runs_events, history_bytes
        first_steps = inf
        mean_open = _mean_open(fixed_b + steps * step_b, quadratic, inf, np.zeros_like(steps))

    return HistoryProjection(
        name=spec.name,
        fixed_events=fixed_e,
        events_per_step=per_step_e,
        events_per_run=runs_events,
        fixed_bytes=fixed_b,
        bytes_per_step=step_b,
        growth_bytes=growth,
        history_bytes_per_run=history_bytes,
        payload_bytes=payload,
        largest_payload_bytes=largest,
        segments=segments,
        first_segment_steps=first_steps,
        recorded_events=recorded_e,
        recorded_bytes=recorded_b,
        child_history_bytes=child_bytes,
        mean_open_bytes=mean_open,
    )


@count(
    "segment_restarts",
    "restarts",
    "times a run restarts with a fresh history (the history's `segments`)",
    needs_history=True,
)
def segment_restarts(u: Usage) -> Count:
    restarts = history_of(u).segments - 1.0
    return Count(restarts, np.zeros_like(restarts), restarts)


@derived(
    "active_history_gbh",
    "GBh",
    "histories of open runs over the month: arrival rate x run wall time x the open history's mean size",
    needs_history=True,
)
def active_history_gbh(u: Usage) -> Array:
    h = history_of(u)
    wall_hours = u.work.wall / SECONDS_PER_HOUR
    return np.asarray(u.column("monthly_runs") * wall_hours * h.mean_open_bytes / BYTES_PER_GB, dtype=np.float64)


@derived(
    "retained_history_gbh",
    "GBh",
    "histories of closed runs (every segment, and the children's) kept for the retention period",
    needs_history=True,
)
def retained_history_gbh(u: Usage) -> Array:
    h = history_of(u)
    closed = (h.recorded_bytes + h.child_history_bytes) / BYTES_PER_GB
    return np.asarray(u.column("monthly_runs") * closed * u.retention_days() * HOURS_PER_DAY, dtype=np.float64)
