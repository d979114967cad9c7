"""Counts whose rules are Trigger.dev's own: a durable sleep no longer than the checkpoint
threshold runs in-process and is billed; a longer one is checkpointed and free. The threshold is
`counting` data in the Trigger.dev tables."""

from __future__ import annotations

import numpy as np

from model.usage import Count, Usage, count

__all__ = ["short_sleep_seconds", "slot_held_sleep_seconds"]


@count(
    "short_sleep_seconds",
    "s",
    "time in durable sleeps no longer than the checkpoint threshold (they run in-process)",
    ("checkpoint_threshold_seconds",),
)
def short_sleep_seconds(u: Usage) -> Count:
    short = u.column("sleep_seconds") <= u.params["checkpoint_threshold_seconds"]
    return u.linear(np.where(short, u.work.sleep, 0.0), 0.0)


@count(
    "slot_held_sleep_seconds",
    "s",
    "time a run keeps its concurrency slot in durable sleeps: each sleep until it is checkpointed "
    "(`slot_release_seconds` into it), or the whole of a shorter one",
    ("slot_release_seconds",),
)
def slot_held_sleep_seconds(u: Usage) -> Count:
    held = np.minimum(u.column("sleep_seconds"), u.params["slot_release_seconds"])
    return u.linear(u.column("sleeps_per_run") * held, 0.0)
