"""A finding as the JSON contract carries it (`FindingOut`: a code and the values its sentence rests
on), and how every model of the contract is configured (`OUT_CONFIG`: frozen, no field it does not
declare).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Union

from pydantic import BaseModel, ConfigDict

from model.findings import Finding

__all__ = ["OUT_CONFIG", "FindingOut", "FindingValue", "finding_out"]


OUT_CONFIG = ConfigDict(frozen=True, extra="forbid")
"""How every model of the contract is configured: frozen, and no field it does not declare. Each module
of the contract bases its models on a `BaseModel` of its own with this configuration."""


class _Out(BaseModel):
    model_config = OUT_CONFIG


FindingValue = Union[float, int, str, bool, None, "FindingOut", list["FindingOut"]]


class FindingOut(_Out):
    """What the engine found (`model.findings.CODES`): a code and the values its sentence rests on.
    The sentence itself is the client's (`report.words.say`)."""

    code: str
    data: dict[str, FindingValue] = {}
    text: str | None = None
    """The sentence, as the clients write it (`report.words.say`); filled where the contract is written
    out (the JSON), never by the engine."""


def finding_out(finding: Finding, fill: Mapping[str, float] | None = None) -> FindingOut:
    """A finding as the contract carries it; `fill` gives values the engine left for the profile
    (the peak a plan's cap is set against)."""
    data: dict[str, FindingValue] = {}
    for key, value in finding.data.items():
        if isinstance(value, Finding):
            data[key] = finding_out(value, fill)
        elif isinstance(value, tuple):
            data[key] = [finding_out(v, fill) for v in value if isinstance(v, Finding)]
        elif value is None and fill is not None and key in fill:
            data[key] = fill[key]
        else:
            data[key] = value
    return FindingOut(code=finding.code, data=data)
