"""What is a vendor's own: the counts whose rules only one vendor has.

Most orchestrators are one YAML table (see README, "Adding an orchestrator"): its meters are
linear combinations of the engine's usage counts (`model.usage`) with coefficients from its
`counting`. Where a vendor's rule has a shape no count has (an SDK that throttles heartbeats, a
checkpoint threshold), one small module here registers that count with `@model.usage.count`, and
one import below loads it.
"""

from __future__ import annotations

from model import history
from model.vendors import aws, temporal, trigger

__all__ = ["aws", "history", "temporal", "trigger"]
