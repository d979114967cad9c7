"""Charts rendered offline to SVG with vl-convert (it embeds the Vega runtime: no CDN, no network),
and that SVG made readable by fpdf2."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor

import altair as alt

__all__ = ["svg_for_pdf", "to_svg", "to_svgs"]


def to_svg(chart: alt.TopLevelMixin | Mapping[str, object]) -> str:
    """Render a chart or a Vega-Lite spec offline to SVG (vl-convert embeds the Vega runtime; no
    network)."""
    return to_svgs([chart])[0]


def to_svgs(charts: Sequence[alt.TopLevelMixin | Mapping[str, object]]) -> list[str]:
    """Render several charts to SVG at once: the specs are built here, and vl-convert (which lets
    go of Python's lock while it draws) draws them on as many threads as the machine has cores."""
    import vl_convert as vlc

    version = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    specs = [dict(chart) if isinstance(chart, Mapping) else chart.to_dict() for chart in charts]

    def draw(spec: dict[str, object]) -> str:
        return str(vlc.vegalite_to_svg(spec, vl_version=version, allowed_base_urls=[]))

    if len(specs) < 2:
        return [draw(spec) for spec in specs]
    with ThreadPoolExecutor(max_workers=min(len(specs), os.cpu_count() or 1)) as pool:
        return list(pool.map(draw, specs))


def svg_for_pdf(svg: str) -> str:
    """vl-convert's SVG, made readable by fpdf2: empty paths removed, missing line coordinates
    set to 0."""
    svg = re.sub(r'<path[^>]*\sd=""[^>]*/>', "", svg)

    def fill(match: re.Match[str]) -> str:
        tag = match.group(0)
        for attr in ("x1", "y1", "x2", "y2"):
            if f" {attr}=" not in tag:
                tag = tag.replace("<line", f'<line {attr}="0"', 1)
        return tag

    return re.sub(r"<line\b[^>]*>", fill, svg)
