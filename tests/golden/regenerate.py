"""Rewrite the golden outputs of the preset profiles: `make golden`, then review `git diff`.

A pull request that changes a price shows its effect on every preset as a diff of these files.
"""

from __future__ import annotations

from pathlib import Path

from model.analysis import headline_of
from model.axes import compared
from model.outlook import outlook
from pricing.load import read_criteria, read_pricebook
from pricing.profiles import read_presets
from report.compare import format_json, format_markdown, format_outlook, with_outlook, with_verdict
from tests.conftest import latest_date

HERE = Path(__file__).resolve().parent


def render() -> dict[str, str]:
    """File name -> content, for every preset, priced with every table in force."""
    book = read_pricebook(on=latest_date())
    criteria = read_criteria()
    out = {}
    for name, profile in read_presets().items():
        # The one verdict: 10,000 seeded draws, the 36-month path and what would flip it.
        head = headline_of(profile, book, criteria=criteria)
        result = with_verdict(head.result, head.verdict)
        out[f"{name}.json"] = format_json(result)
        out[f"{name}.md"] = format_markdown(result, head.verdict)
        seen = outlook(profile, book, compared(profile, book), band_draws=0, mc=head.monte_carlo)
        out[f"{name}.outlook.md"] = format_outlook(with_outlook(result, seen))
    return out


def main() -> None:
    for name, text in render().items():
        (HERE / name).write_text(text, encoding="utf-8")
        print(HERE.name + "/" + name)


if __name__ == "__main__":
    main()
