"""A table's numbers in words: `prices.compute.0.5-vcpu-0.5-gb` reads "Compute, 0.5 vCPU · 0.5 GB",
`assumptions.ops_fte` reads "Operations effort". Names come from the table first (its meters' and
add-ons' names, its plans' names); a key no name covers is spelled out word by word."""

from __future__ import annotations

import re

from schema.tables import PriceTable

__all__ = ["key_words", "machine_words", "number_name", "price_name"]

ACRONYMS = {
    "api": "API",
    "baa": "BAA",
    "cpu": "CPU",
    "db": "DB",
    "fte": "FTE",
    "gb": "GB",
    "gbh": "GB-hours",
    "hipaa": "HIPAA",
    "kb": "KB",
    "mb": "MB",
    "ms": "ms",
    "ram": "RAM",
    "s3": "S3",
    "r2": "R2",
    "scim": "SCIM",
    "sla": "SLA",
    "sso": "SSO",
    "usd": "USD",
    "vcpu": "vCPU",
}
PHRASES = {
    "ops_fte": "operations effort",
    "engineer_cost": "engineer cost",
    "vcpu_hour": "vCPU-hour",
    "gb_ram_hour": "GB of RAM per hour",
    "design_saving_usd": "saving of a design",
    "design_saving_share": "share a design saves",
    "worker_min_vcpu": "smallest worker's vCPU",
    "worker_min_memory_gb": "smallest worker's memory GB",
}
"""Keys that read better as a phrase than word by word."""
_MACHINE = re.compile(r"^(?P<cpu>[0-9.]+)-vcpu-(?P<mem>[0-9.]+)-gb$")


def machine_words(name: str) -> str:
    """`0.5-vcpu-0.5-gb` -> `0.5 vCPU · 0.5 GB`; any other name as it is."""
    m = _MACHINE.match(name)
    return f"{m['cpu']} vCPU · {m['mem']} GB" if m else name


def key_words(key: str) -> str:
    """A key spelled out, first word capitalised, acronyms kept (`worker_min_vcpu` -> `Worker min vCPU`).

    >>> key_words("ops_fte"), key_words("s3.transfer"), key_words("scim")
    ('Operations effort', 'S3 transfer', 'SCIM')
    """
    if key in PHRASES:
        text = PHRASES[key]
    elif _MACHINE.match(key):
        return machine_words(key)
    else:
        text = " ".join(ACRONYMS.get(w, w) for w in re.split(r"[_.\-]+", key) if w)
    return text if text.startswith("vCPU") else text[:1].upper() + text[1:]


def price_name(table: PriceTable, key: str) -> str:
    for meter in table.meters:
        if meter.price is None:
            continue
        if key == meter.price:
            return meter.name
        if meter.price_by == "machine" and key.startswith(f"{meter.price}."):
            return f"{meter.name}, {machine_words(key.removeprefix(f'{meter.price}.'))}"
    for addon in table.addons:
        if addon.price == key:
            return addon.name
    return key_words(key)


def number_name(table: PriceTable, path: tuple[str, ...]) -> str:
    """A number of `table` by its path (as `PriceTable.numbers` keys it), in words, without the
    table's name: ("prices", "active_storage") -> "Active storage"; ("plans", "pro", "fee") ->
    "Pro plan fee"."""
    section, rest = path[0], path[1:]
    if section == "prices" and rest:
        return price_name(table, ".".join(rest))
    if section == "plans" and len(rest) >= 2:
        plan = next((p.name for p in table.plans if p.id == rest[0]), key_words(rest[0]))
        part = rest[1]
        if part == "prices" and len(rest) > 2:
            return f"{plan} plan price: {price_name(table, '.'.join(rest[2:])).lower()}"
        if part == "included" and len(rest) > 2:
            return f"{plan} plan: {key_words('.'.join(rest[2:])).lower()} included"
        if len(rest) > 2:
            return f"{plan} plan {key_words(part).lower()}: {key_words('.'.join(rest[2:]))}"
        return f"{plan} plan {key_words(part).lower()}"
    if section == "machines" and len(rest) == 2:
        return f"{machine_words(rest[0])}: {key_words(rest[1])}"
    return key_words(".".join(rest)) if rest else key_words(section)
