"""What the report's figures rest on, at its end: the assumptions every option shares, how each option
bills, and the pricing tables and sources read."""

from __future__ import annotations

from model.analysis import Analysis
from report.section import Section

__all__ = ["ASSUMPTIONS", "basis_sections"]

ASSUMPTIONS = (
    "Every figure is a monthly cost in US dollars: the vendor's bill, the machines you run yourself and the "
    "engineering time to operate them.",
    "Ranges price every sourced number at the low and the high end of its range and show the least and the most.",
    "A retried attempt runs as long as a successful one. A month is 730 hours; 1 MB is 1,048,576 bytes.",
    "How long into a run a limit is passed spreads the run's wall time (its work, sleeps and human waits) evenly "
    "over its steps.",
    "Workers you run yourself are sized by the runs that hold a machine (executing, or open where waiting runs keep "
    "theirs) at the machine preset's size, at the on-demand container prices of the hosting reference table, "
    "between the average and the peak load.",
    "The runs executing at the peak are at least those executing on average within the busy window at this "
    "volume; a smaller figure in the profile is raised to that.",
    "Self-hosted clusters and operations effort are estimates with ranges; override them in the team inputs.",
    "Plans without a public price (Enterprise and the like) are left out.",
)
"""Assumptions every option shares; each option's own billing rules follow from its table."""


def basis_sections(analysis: Analysis) -> list[Section]:
    """The assumptions, how each option compared bills, and every pricing table and source read
    (the line items', the set-aside answers' and the leanings')."""
    result = analysis.result
    sections = [Section("Assumptions", paragraphs=ASSUMPTIONS)]
    sections.append(
        Section(
            "How each option bills",
            paragraphs=tuple(
                f"{t.name}: {t.summary}" for t in analysis.book.options() if t.id in {o.id for o in result.options}
            ),
        )
    )
    seen: dict[str, tuple[str, str]] = {}
    for option in result.options:
        for c in option.components:
            if c.provenance is not None:
                p = c.provenance
                seen.setdefault(p.url, (f"{p.title} — stated {p.stated}, {p.how}, {p.confidence}", p.url))
    for found in analysis.verdict.set_aside.values():
        for f in found:
            seen.setdefault(
                str(f.data.get("source_url")), (str(f.data.get("source_title")), str(f.data.get("source_url")))
            )
    for x in analysis.checklist.leanings:
        seen.setdefault(x.source_url, (x.source_title, x.source_url))
    sections.append(
        Section(
            "Pricing tables and sources",
            header=("Table", "Effective", "File"),
            rows=tuple((t.table, str(t.effective), t.file or "") for t in result.pricing),
            links=tuple(seen.values()),
        )
    )
    return sections
