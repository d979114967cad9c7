"""Rewrite the golden outputs of the preset profiles: `make golden`, then review `git diff`.

A pull request that changes a price shows its effect on every preset as a diff of these files.
"""

from __future__ import annotations

from pathlib import Path

from model.analysis import compared
from model.engine import estimate
from model.outlook import outlook, to_out
from model.result import summarize
from pricing.load import read_pricebook
from pricing.profiles import read_presets
from report.compare import format_json, format_markdown, format_outlook
from tests.conftest import latest_date

HERE = Path(__file__).resolve().parent


def render() -> dict[str, str]:
    """File name -> content, for every preset, priced with every table in force."""
    book = read_pricebook(on=latest_date())
    out = {}
    for name, profile in read_presets().items():
        result = summarize(estimate(profile, book))
        out[f"{name}.json"] = format_json(result)
        out[f"{name}.md"] = format_markdown(result)
        # How sure and over what horizon: 10,000 seeded draws and the 36-month path.
        uncertainty, path = to_out(outlook(profile, book, compared(profile, book), band_draws=0), profile)
        out[f"{name}.outlook.md"] = format_outlook(result.model_copy(update={"uncertainty": uncertainty, "path": path}))
    return out


def main() -> None:
    for name, text in render().items():
        (HERE / name).write_text(text, encoding="utf-8")
        print(HERE.name + "/" + name)


if __name__ == "__main__":
    main()
