"""Model token prices: `data/models.yaml` (which `genai-prices` snapshot prices the tokens, and
where it comes from) and the rates of one model read from that snapshot.

The snapshot is the one bundled with the pinned package, read offline: nothing is fetched at run
time (the package's auto-update is never started). A model reference is `provider/model`
(`anthropic/claude-sonnet-4-5`); the package's own matching reads aliases
(`anthropic/claude-sonnet-4.5`), and a reference it cannot read is refused with the nearest names
of its catalogue. Only text tokens are priced: input, input read from the provider's prompt cache,
output, and a per-request fee where a model has one.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import importlib.metadata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from schema.tables import ModelsFile

__all__ = [
    "ModelRate",
    "ModelsFile",
    "TokenPrice",
    "UnknownModel",
    "installed_version",
    "model_rate",
    "model_refs",
]

PACKAGE = "genai-prices"


@dataclass(frozen=True)
class TokenPrice:
    """USD per million tokens: `base`, or the price of the highest tier whose `start` the request's
    whole input exceeds (the whole request at that rate: the providers' cliff tiers)."""

    base: float
    tiers: tuple[tuple[float, float], ...] = ()

    def at(self, input_tokens: float) -> float:
        """The rate a request of `input_tokens` input pays."""
        rate = self.base
        for start, price in self.tiers:
            if input_tokens > start:
                rate = price
        return rate


@dataclass(frozen=True)
class ModelRate:
    """One model's token prices on a date, as the snapshot gives them."""

    ref: str
    """`provider/model`, the catalogue's own ids."""
    name: str
    provider: str
    input: TokenPrice
    cached_input: TokenPrice
    """Input read from the provider's prompt cache; the input price where the model has no cache price."""
    output: TokenPrice
    per_request: float
    """USD per request, where the model charges one (0 otherwise)."""
    starts: dt.date | None
    """The day these prices took effect, where the snapshot dates them."""
    pricing_url: str | None
    """The provider's pricing page, as the snapshot names it."""
    package: str
    """`genai-prices@<version>`: the snapshot that priced it."""
    context_window: float | None = None
    """The most tokens one request may hold, where the catalogue says."""


class UnknownModel(LookupError):
    """A model reference the snapshot cannot read; `suggestions` are the nearest of its catalogue."""

    def __init__(self, ref: str, reason: str, suggestions: tuple[str, ...]):
        self.ref = ref
        self.suggestions = suggestions
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"{reason}{hint}")


def installed_version() -> str | None:
    try:
        return importlib.metadata.version(PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        return None


@functools.cache
def _snapshot() -> Any:
    from genai_prices import data_snapshot

    return data_snapshot.get_snapshot()


@functools.cache
def model_refs() -> tuple[str, ...]:
    """Every `provider/model` of the snapshot, sorted."""
    return tuple(sorted(f"{p.id}/{m.id}" for p in _snapshot().providers for m in p.models))


def _suggest(ref: str) -> tuple[str, ...]:
    refs = model_refs()
    near = difflib.get_close_matches(ref.lower(), refs, n=3, cutoff=0.6)
    if near:
        return tuple(near)
    tail = ref.rpartition("/")[2].lower()
    return tuple([r for r in refs if tail and tail in r][:3])


def _price(value: Any, fallback: TokenPrice | None = None) -> TokenPrice | None:
    if value is None:
        return fallback
    if isinstance(value, Decimal | int | float):
        return TokenPrice(float(value))
    return TokenPrice(float(value.base), tuple((float(t.start), float(t.price)) for t in value.tiers))


def _find(ref: str) -> tuple[Any, Any]:
    provider_id, slash, model_ref = ref.strip().partition("/")
    if not slash or not provider_id or not model_ref:
        raise UnknownModel(ref, f"{ref!r} is not provider/model (e.g. anthropic/claude-sonnet-4-5)", _suggest(ref))
    providers = {p.id: p for p in _snapshot().providers}
    if provider_id.lower() not in providers:
        near = difflib.get_close_matches(provider_id.lower(), list(providers), n=3, cutoff=0.5)
        raise UnknownModel(ref, f"no provider {provider_id!r} in {PACKAGE}'s catalogue", tuple(f"{p}/…" for p in near))
    provider = providers[provider_id.lower()]
    model = provider.find_model(model_ref)
    if model is None:
        raise UnknownModel(ref, f"no model {model_ref!r} of {provider.id} in {PACKAGE}'s catalogue", _suggest(ref))
    return provider, model


def _start(model: Any, on: dt.datetime) -> dt.date | None:
    """The start date of the conditional price in force on `on`, where the snapshot gives one."""
    if not isinstance(model.prices, list):
        return None
    for conditional in reversed(model.prices):
        constraint = conditional.constraint
        start = getattr(constraint, "start_date", None)
        if constraint is None or (start is not None and start <= on.date()):
            return start
    return None


@functools.lru_cache(maxsize=256)
def model_rate(ref: str, on: dt.date) -> ModelRate:
    """The rates of `ref` on day `on`. Raises `UnknownModel` naming the nearest references."""
    provider, model = _find(ref)
    when = dt.datetime.combine(on, dt.time(12), tzinfo=dt.UTC)
    prices = model.get_prices(when)
    input_price = _price(getattr(prices, "input_mtok", None))
    output = _price(getattr(prices, "output_mtok", None))
    if input_price is None or output is None:
        raise UnknownModel(ref, f"{provider.id}/{model.id} has no text token prices in {PACKAGE}'s catalogue", ())
    cached = _price(getattr(prices, "cache_read_mtok", None), input_price)
    assert cached is not None
    per_request = getattr(prices, "requests_kcount", None)
    urls = list(getattr(provider, "pricing_urls", None) or [])
    return ModelRate(
        ref=f"{provider.id}/{model.id}",
        name=str(model.name or model.id),
        provider=str(provider.name),
        input=input_price,
        cached_input=cached,
        output=output,
        per_request=0.0 if per_request is None else float(per_request) / 1000,
        starts=_start(model, when),
        pricing_url=urls[0] if urls else None,
        package=f"{PACKAGE}@{installed_version()}",
        context_window=float(model.context_window) if getattr(model, "context_window", None) else None,
    )


def pin_problem(models: ModelsFile) -> str | None:
    """What is wrong between the pin and the installed package, if anything."""
    have = installed_version()
    if have is None:
        return f"{PACKAGE} is not installed; the token prices need {PACKAGE}=={models.pinned}"
    if have != models.pinned:
        return (
            f"{PACKAGE} {have} is installed but data/models.yaml pins {models.pinned}: the token prices would not be "
            "the ones its source dates; install the pinned version, or bump the pin, its date and its source together"
        )
    return None
