"""The one verdict, as the JSON contract carries it (`VerdictOut`): the option, how sure, the horizon
(`HorizonOut`), what would flip it (`FlipOut`), the open questions (`QuestionOut`) and the answers that
lean elsewhere (`LeaningOut`). `model.verdict` decides it and fills them.
"""

from __future__ import annotations

from pydantic import BaseModel

from model.findings_out import OUT_CONFIG, FindingOut

__all__ = ["FlipOut", "HorizonOut", "LeaningOut", "QuestionOut", "VerdictOut"]


class _Out(BaseModel):
    model_config = OUT_CONFIG


class QuestionOut(_Out):
    """A checklist question not answered whose answers would set the named option aside."""

    id: str
    text: str
    would: dict[str, list[str]]
    """Answer label -> the option ids it would set aside."""


class LeaningOut(_Out):
    """An answer that weighs for a vendor other than the named option's, with its source."""

    vendor: str
    weight: float
    question: str
    answer: str
    reason: str
    source_title: str
    source_url: str


class HorizonOut(_Out):
    months: int
    strategy: str
    """The cheapest path's key: an option id, or `<start>><then>` for a migration."""
    month: int | None
    """The month it migrates at, if it does."""
    total_usd: float
    named_total_usd: float | None
    """Staying on the named option over the horizon; null when it cannot run every month."""
    differs: bool
    why: list[FindingOut] = []


class FlipOut(_Out):
    field: str
    value: float
    current: float
    runner_up: str
    below: bool


class VerdictOut(_Out):
    """The one verdict every view names (`model.verdict`); `sentence` is the clients' (filled where the
    contract is written out)."""

    option: str | None
    """The cheapest option that can run the workload at a public price and is not set aside: `cheapest`."""
    runner_up: str | None
    gap_usd: float
    too_close: bool
    sure_share: float | None
    """The share of draws in which `option` is the cheapest; null without draws."""
    runner_up_share: float | None
    draws: int
    set_aside: dict[str, list[FindingOut]] = {}
    open_questions: list[QuestionOut] = []
    leanings: list[LeaningOut] = []
    horizon: HorizonOut | None = None
    flip: FlipOut | None = None
    sentence: str | None = None
