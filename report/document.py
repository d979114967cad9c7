"""The report's content, once, in plain rows and paragraphs; each format only lays it out.

Everything here is read from an `Analysis`; nothing is computed that the engine did not compute. The
document puts the sections in reading order; each part of the report is built in its own module.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from model.analysis import Analysis
from pricing.profiles import dump_profile
from report.account_sections import account_details, account_scenarios_section, account_section
from report.basis_sections import basis_sections
from report.compare import headline_details
from report.crossover_sections import crossover_sections
from report.limits import limit_sections
from report.option_sections import answers_sections, line_item_sections, options_section, plan_sections
from report.page_one import outlook_sections, page_one
from report.profile_section import profile_section
from report.scenario_sections import scenarios_section
from report.section import Section
from report.verdict_words import verdict_sentence

__all__ = ["Document", "build_document"]


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: str
    headline: str
    sections: tuple[Section, ...]
    profile_yaml: str
    generated: dt.date
    details: tuple[str, ...] = ()
    """What the headline rests on (each bill by category, the ranges) and what would flip it."""
    description: str = ""
    """The profile's description, as edited, under the title."""


def build_document(analysis: Analysis, generated: dt.date | None = None) -> Document:
    """Every section of the report, in reading order: with an outlook, page one first (the decision,
    the path, the inputs that matter), then the detail."""
    result = analysis.result
    sections = [*outlook_sections(analysis), *_detail_sections(analysis, generated)]
    today = generated or dt.date.today()
    return Document(
        title=f"{analysis.profile.name}: orchestrator cost report",
        subtitle=f"Prices in force on {result.pricing_date}",
        headline=verdict_sentence(analysis.verdict, result),
        details=tuple(headline_details(analysis.verdict, result, today))
        + (account_details(analysis) if analysis.account is not None else ()),
        sections=(page_one(analysis, today), *sections),
        description=analysis.profile.description,
        profile_yaml=dump_profile(analysis.profile),
        generated=today,
    )


def _detail_sections(analysis: Analysis, generated: dt.date | None) -> list[Section]:
    """The detail after page one: the options side by side, the answers, the crossovers, each option's
    line items, the scenarios and the account, the plans, the limits, the profile and what it rests on."""
    result = analysis.result
    sections = [
        options_section(result, generated),
        *answers_sections(analysis),
        *crossover_sections(analysis),
        *line_item_sections(result),
    ]
    if analysis.scenarios:
        sections.append(scenarios_section(analysis.scenarios))
    if analysis.account is not None:
        sections.append(account_section(analysis.account))
    if analysis.account_scenarios:
        sections.append(account_scenarios_section(analysis.account_scenarios))
    sections += plan_sections(result)
    sections += limit_sections(result)
    sections.append(profile_section(analysis.profile, result))
    sections += basis_sections(analysis)
    return sections
