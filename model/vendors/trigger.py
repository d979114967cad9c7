"""Counts whose rules are Trigger.dev's own: a durable sleep no longer than the checkpoint
threshold runs in-process and is billed; a longer one is checkpointed and free. The threshold is
`counting` data in the Trigger.dev tables."""

from __future__ import annotations

import numpy as np

from model.usage import Count, Usage, count

__all__ = ["short_sleep_seconds"]


@count(
    "short_sleep_seconds",
    "s",
    "time in durable sleeps no longer than the checkpoint threshold (they run in-process)",
    ("checkpoint_threshold_seconds",),
)
def short_sleep_seconds(u: Usage) -> Count:
    short = u.column("sleep_seconds") <= u.params["checkpoint_threshold_seconds"]
    return u.linear(np.where(short, u.work.sleep, 0.0), 0.0)
