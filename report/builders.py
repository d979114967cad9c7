"""Report builders: an `Analysis` in, the bytes of a file out. Pure; the app and `tco report`
call the same functions, so their files are identical.

Formats: Markdown, self-contained HTML (charts inline as SVG, no request to any host), PDF,
JSON (the CLI's contract) and CSV (every line item).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Callable, Iterator
from importlib import resources

import altair as alt
import jinja2
import markupsafe

from model.analysis import Analysis
from model.result import EstimateOut
from report.breakdown_chart import breakdown_chart
from report.compare import format_json, with_verdict
from report.compare import with_outlook as outlook_out
from report.curve_chart import cost_curve_spec
from report.document import Document, build_document
from report.limits_chart import limits_chart
from report.option_words import fit_reasons
from report.path_chart import path_chart, path_strategies
from report.svg import svg_for_pdf, to_svgs
from report.text import csv_cell, csv_number, escape, fence
from report.tornado_chart import tornado_chart

__all__ = [
    "BUILDERS",
    "EXTENSIONS",
    "MIME_TYPES",
    "build",
    "build_csv",
    "build_html",
    "build_json",
    "build_markdown",
    "build_pdf",
    "chart_svgs",
]


def _md_cell(text: str) -> str:
    return escape(text)


def _md_url(url: str) -> str:
    """A source's URL inside `<...>`: the characters that could end it percent-encoded."""
    return url.replace("<", "%3C").replace(">", "%3E").replace(" ", "%20").replace("\n", "")


def _md_lines(text: str) -> str:
    """Multi-line user text (a description) as Markdown lines that render as the same text."""
    return "  \n".join(escape(line.strip()) for line in text.splitlines() if line.strip())


def build_markdown(analysis: Analysis, generated: dt.date | None = None) -> bytes:
    doc = build_document(analysis, generated)
    out = [
        f"# {escape(doc.title)}",
        "",
        f"_{doc.subtitle}; generated {doc.generated}. The charts are in the HTML and PDF exports of this "
        "report; the tables below give the figures behind them (costs, crossovers, history thresholds)._",
        "",
        *([_md_lines(doc.description), ""] if doc.description.strip() else []),
        f"**{escape(doc.headline)}**",
        "",
        *[f"- {escape(line)}" for line in doc.details],
        *([""] if doc.details else []),
    ]
    for section in doc.sections:
        out += [f"## {escape(section.title)}", ""]
        for paragraph in section.paragraphs:
            out += [escape(paragraph), ""]
        if section.rows:
            out.append("| " + " | ".join(escape(h) for h in section.header) + " |")
            out.append("|" + "---|" * len(section.header))
            out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in section.rows]
            out.append("")
        if section.links:
            out += [f"- [{_md_cell(text)}](<{_md_url(url)}>)" for text, url in section.links] + [""]
    out += [
        "## Profile (load this back with `tco compare --profile` or the app's upload)",
        "",
        f"{fence(doc.profile_yaml)}yaml",
        doc.profile_yaml.rstrip(),
        fence(doc.profile_yaml),
        "",
    ]
    return "\n".join(out).encode("utf-8")


def chart_svgs(analysis: Analysis) -> dict[str, str]:
    """The report's charts as SVG, by name, in reading order."""
    charts: dict[str, alt.TopLevelMixin | dict[str, object]] = {
        "cost_by_runs": cost_curve_spec(analysis, "monthly_runs", interactive=False),
        "cost_by_axis": cost_curve_spec(analysis, analysis.axis, interactive=False),
        "breakdown": breakdown_chart(analysis.result),
    }
    if analysis.limit_curves is not None and not analysis.limit_curves.empty:
        charts["limits"] = limits_chart(analysis)
    if analysis.outlook is not None:
        charts["path"] = path_chart(analysis)
        if analysis.outlook.tornado is not None and analysis.outlook.tornado.swings:
            charts["tornado"] = tornado_chart(analysis)
    return dict(zip(charts, to_svgs(list(charts.values())), strict=True))


def _placed(doc: Document, svgs: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """(charts no section names, drawn first; charts by the section they follow)."""
    named = {s.chart for s in doc.sections if s.chart}
    return [svg for name, svg in svgs.items() if name not in named], svgs


def _template() -> jinja2.Template:
    text = resources.files("report").joinpath("templates/report.html.j2").read_text(encoding="utf-8")
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.from_string(text)


def build_html(analysis: Analysis, generated: dt.date | None = None) -> bytes:
    """One self-contained file: styles and SVG charts inline, no script, no external request."""
    doc = build_document(analysis, generated)
    loose, placed = _placed(doc, chart_svgs(analysis))
    html = _template().render(
        doc=doc,
        charts=[markupsafe.Markup(svg) for svg in loose],
        placed={name: markupsafe.Markup(svg) for name, svg in placed.items()},
    )
    return html.encode("utf-8")


_LATIN = str.maketrans(
    {
        "–": "-",
        "—": "-",
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "…": "...",
        "→": "->",
        "≈": "~",
        "×": "x",
        "µ": "u",
        "≤": "<=",
        "≥": ">=",
    }
)


def _latin(text: str) -> str:
    """PDF core fonts are Latin-1: typographic punctuation becomes its ASCII look-alike."""
    return text.translate(_LATIN).encode("latin-1", "replace").decode("latin-1")


def build_pdf(analysis: Analysis, generated: dt.date | None = None) -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    doc: Document = build_document(analysis, generated)
    loose, placed = _placed(doc, chart_svgs(analysis))
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(_latin(doc.title))
    pdf.set_creation_date(dt.datetime.combine(doc.generated, dt.time(), tzinfo=dt.UTC))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 8, _latin(doc.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(0, 5, _latin(f"{doc.subtitle}; generated {doc.generated}."), new_x="LMARGIN", new_y="NEXT")
    if doc.description.strip():
        pdf.ln(1)
        pdf.multi_cell(0, 5, _latin(doc.description.strip()), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 11)
    pdf.multi_cell(0, 6, _latin(doc.headline), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    for line in doc.details:
        pdf.multi_cell(0, 5, _latin(f"- {line}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)

    def chart(svg: str) -> None:
        """A chart at the page's width; one that does not fit what is left of the page is shrunk to fit
        when most of it would (rather than leave the page near empty), else it starts the next page."""
        size = re.search(r'<svg[^>]*\bwidth="([0-9.]+)"[^>]*\bheight="([0-9.]+)"', svg)
        width = pdf.epw
        if size is not None:
            aspect = float(size[2]) / float(size[1])
            width = min(pdf.epw, (pdf.h - pdf.t_margin - pdf.b_margin - 3) / aspect)  # never taller than a page
            tall = width * aspect
            left = pdf.h - pdf.b_margin - pdf.y - 3
            if tall > left:
                if left >= 0.55 * tall:
                    width = left / aspect
                else:
                    pdf.add_page()
        pdf.image(io.BytesIO(_latin(svg_for_pdf(svg)).encode("utf-8")), w=width)
        pdf.ln(2)

    for svg in loose:
        chart(svg)
    for section in doc.sections:
        pdf.set_font("Helvetica", "B", 12)
        pdf.multi_cell(0, 7, _latin(section.title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 8)
        for paragraph in section.paragraphs:
            pdf.multi_cell(0, 4.5, _latin(paragraph), new_x="LMARGIN", new_y="NEXT")
        if section.rows:
            with pdf.table(text_align="LEFT", line_height=4, headings_style=FontFace(emphasis="BOLD")) as table:
                table.row([_latin(h) for h in section.header])
                for row in section.rows:
                    table.row([_latin(c) for c in row])
        if section.chart in placed:
            pdf.ln(1)
            chart(placed[section.chart])
        for text, url in section.links:
            pdf.set_text_color(0, 0, 160)
            pdf.multi_cell(0, 4.5, _latin(text), link=url, new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(0, 0, 0)
        pdf.ln(3)
    pdf.set_font("Helvetica", "B", 12)
    pdf.multi_cell(0, 7, "Profile (YAML; load it back in the app or with tco)", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Courier", "", 8)
    pdf.multi_cell(0, 4, _latin(doc.profile_yaml), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def build_json(analysis: Analysis, generated: dt.date | None = None) -> bytes:
    """The CLI's JSON contract (`tco compare --format json`); with scenarios, the scenario set's
    (`tco compare --scenarios FILE --format json`)."""
    if analysis.scenarios:
        from report.scenarios import format_scenarios_json

        return format_scenarios_json(analysis.profile.name, analysis.scenarios).encode("utf-8")
    return format_json(with_outlook(analysis)).encode("utf-8")


def with_outlook(analysis: Analysis) -> EstimateOut:
    """The contract: the result with its verdict, and its `uncertainty` and `path` sections when the
    analysis has an outlook."""
    result = with_verdict(analysis.result, analysis.verdict)
    return result if analysis.outlook is None else outlook_out(result, analysis.outlook)


CSV_COLUMNS = (
    "option",
    "plan",
    "component",
    "category",
    "quantity",
    "unit",
    "unit_price",
    "price_unit",
    "cost_usd",
    "low_usd",
    "high_usd",
    "depends_on",
    "source_url",
    "source_stated",
    "source_verified",
    "source_checked",
    "confidence",
    "pricing_date",
    "prices_checked",
    "recheck_due",
    "option_p10_usd",
    "option_p50_usd",
    "option_p90_usd",
    "option_cheapest_share",
)
"""`prices_checked` is the day the option's table is known to hold, `recheck_due` when it is due for a
re-check (past it, its prices are overdue). With an outlook, every line also carries its option's P10 /
P50 / P90 monthly cost and the share of draws in which it is the cheapest (empty where no draw can run
it); rows of category `path` then give each drawn strategy's cost per year (`option` is
`path:<strategy>`, the strategy an option id or `<from>><to>`; `component` the year). With other
agents on the account, rows of category `account` give each option's account bill (with its P10 /
P50 / P90 and share of draws), `account_share` each agent's share of it, and `account_scenario`
each scenario's account bill."""


Row = list[object]


def _row(**cells: object) -> Row:
    """A row of `CSV_COLUMNS`, empty where `cells` says nothing."""
    out: dict[str, object] = dict.fromkeys(CSV_COLUMNS, "")
    out.update(cells)
    return [out[c] for c in CSV_COLUMNS]


def _line_item_rows(analysis: Analysis) -> Iterator[Row]:
    """Every line item of every option, with its provenance and the option's spread."""
    result = analysis.result
    spread = {s.id: s for s in analysis.outlook.monte_carlo.options} if analysis.outlook is not None else {}
    for option in result.options:
        mc = spread.get(option.id)
        tail = ["", "", "", ""] if mc is None else [csv_number(v) for v in (mc.p10, mc.p50, mc.p90, mc.cheapest_share)]
        for c in option.components:
            p = c.provenance
            yield (
                [csv_cell(v) for v in (option.id, option.plan, c.name, c.category)]
                + [
                    csv_number(c.quantity),
                    csv_cell(c.unit),
                    csv_number(c.unit_price),
                    csv_cell(c.price_unit),
                    csv_number(c.cost_usd),
                    csv_number(c.low_usd),
                    csv_number(c.high_usd),
                ]
                + [
                    csv_cell(v)
                    for v in (
                        c.depends_on or "",
                        p.url if p else "",
                        p.stated if p else "",
                        (p.verified or "") if p else "",
                        p.checked if p else "",
                        p.confidence if p else "",
                        result.pricing_date,
                        option.pricing.checked or "",
                        option.pricing.recheck_due or "",
                    )
                ]
                + tail
            )


def _path_rows(analysis: Analysis) -> Iterator[Row]:
    """Each year of each strategy of the path (with an outlook)."""
    if analysis.outlook is None:
        return
    years = analysis.outlook.path.years()
    for s in path_strategies(analysis):
        for _, row in years[years["strategy"] == s.key].iterrows():
            yield _row(
                option=csv_cell(f"path:{s.key}"),
                component=f"Year {int(row['year'])}",
                category="path",
                cost_usd=csv_number(float(row["cost_usd"])),
                pricing_date=str(analysis.result.pricing_date),
            )


def _scenario_rows(analysis: Analysis) -> Iterator[Row]:
    """With a scenario set: every scenario's total for every option (the line items are the first
    scenario's), as `tco compare --scenarios --format csv` gives them."""
    for number, scenario in enumerate(analysis.scenarios, 1):
        for option in scenario.result.options:
            yield _row(
                option=csv_cell(option.id),
                plan=csv_cell(option.plan),
                component=csv_cell(f"Scenario {number}: {scenario.name}"),
                category="scenario",
                cost_usd=csv_number(option.monthly_usd),
                low_usd=csv_number(option.low_usd),
                high_usd=csv_number(option.high_usd),
                depends_on=csv_cell("" if option.applicable else "; ".join(fit_reasons(option))),
                pricing_date=str(scenario.result.pricing_date),
            )


def _account_rows(analysis: Analysis) -> Iterator[Row]:
    """With other agents on the account: each option's account bill (`account`, with how sure it is)
    and each agent's share of it (`account_share`)."""
    account = analysis.account
    if account is None:
        return
    for o in account.options:
        rows: list[tuple[str, str, float, float | None, float | None]] = [
            ("Account", "account", o.monthly_usd, o.low_usd, o.high_usd)
        ]
        rows += [(f"Agent: {name}", "account_share", usd, None, None) for name, usd in o.agents_usd.items()]
        for component, category, usd, low, high in rows:
            sure: dict[str, object] = {}
            if category == "account":  # how sure is the account's, not a share's
                sure = dict(
                    option_p10_usd=csv_number(o.p10_usd) if o.p10_usd is not None else "",
                    option_p50_usd=csv_number(o.p50_usd) if o.p50_usd is not None else "",
                    option_p90_usd=csv_number(o.p90_usd) if o.p90_usd is not None else "",
                    option_cheapest_share=csv_number(o.cheapest_share) if o.cheapest_share is not None else "",
                )
            yield _row(
                option=csv_cell(o.id),
                plan=csv_cell(o.plan),
                component=csv_cell(component),
                category=category,
                cost_usd=csv_number(usd),
                low_usd=csv_number(low) if low is not None else "",
                high_usd=csv_number(high) if high is not None else "",
                depends_on=csv_cell("" if o.applicable else o.status),
                pricing_date=str(account.pricing_date),
                **sure,
            )


def _account_scenario_rows(analysis: Analysis) -> Iterator[Row]:
    """Each account scenario's bill for each option (`account_scenario`)."""
    for held in analysis.account_scenarios:
        for option_id, total in held.totals.items():
            yield _row(
                option=csv_cell(option_id),
                component=csv_cell(f"Account scenario: {held.name}"),
                category="account_scenario",
                cost_usd=csv_number(total) if math.isfinite(total) else "",
                depends_on="" if math.isfinite(total) else "cannot run every agent",
            )


CSV_SECTIONS: tuple[Callable[[Analysis], Iterator[Row]], ...] = (
    _line_item_rows,
    _path_rows,
    _scenario_rows,
    _account_rows,
    _account_scenario_rows,
)
"""The CSV's rows in order: the line items, the path's years, the scenarios, the account."""


def build_csv(analysis: Analysis, generated: dt.date | None = None) -> bytes:
    """Every line item of every option, one row each, with its provenance; then the path, the
    scenarios and the account, each row tagged by its `category`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for section in CSV_SECTIONS:
        writer.writerows(section(analysis))
    return buffer.getvalue().encode("utf-8")


Builder = Callable[[Analysis, dt.date | None], bytes]
BUILDERS: dict[str, Builder] = {
    "md": build_markdown,
    "html": build_html,
    "pdf": build_pdf,
    "json": build_json,
    "csv": build_csv,
}
EXTENSIONS = {"md": "md", "html": "html", "pdf": "pdf", "json": "json", "csv": "csv"}
MIME_TYPES = {
    "md": "text/markdown",
    "html": "text/html",
    "pdf": "application/pdf",
    "json": "application/json",
    "csv": "text/csv",
}


def build(analysis: Analysis, fmt: str, generated: dt.date | None = None) -> bytes:
    if fmt not in BUILDERS:
        raise ValueError(f"format {fmt!r}: allowed {', '.join(BUILDERS)}")
    return BUILDERS[fmt](analysis, generated)
