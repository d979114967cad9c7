"""One section of the report, in plain rows and paragraphs: what each section's builder returns and
each format (Markdown, HTML, PDF) lays out."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Section"]


@dataclass(frozen=True)
class Section:
    title: str
    paragraphs: tuple[str, ...] = ()
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    links: tuple[tuple[str, str], ...] = ()
    """(text, URL) pairs for a list of sources."""
    chart: str | None = None
    """The name of the chart (`report.builders.chart_svgs`) drawn after the section's table."""
