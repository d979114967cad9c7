"""App rerun benchmark: what one edit in the browser costs, as ratios in one run.

    .venv/bin/python bench/app.py

Times, under Streamlit's AppTest (the same script run a browser triggers, without the network):
a rerun after an edit (a new profile: the analysis runs), a rerun with nothing new (the cached
analysis is reused), and `analyse()` alone. The ratios say how much of an edit is the engine.
"""

from __future__ import annotations

import platform
from pathlib import Path

from streamlit.testing.v1 import AppTest
from timing import best

from model.analysis import analyse
from pricing.load import read_criteria, read_pricebook
from pricing.profiles import read_presets

APP = str(Path(__file__).resolve().parent.parent / "app.py")
REPEATS = 7


def main() -> None:
    at = AppTest.from_file(APP, default_timeout=120).run()
    runs = iter(range(10_000, 10_000_000, 137))

    def edit() -> None:
        at.number_input(key="field.monthly_runs").set_value(float(next(runs))).run()

    def rerun() -> None:
        at.run()

    book, criteria = read_pricebook(), read_criteria()
    profile = read_presets()["coding-agent"]

    def engine() -> None:
        analyse(profile, book, criteria=criteria, answers={})

    t_edit, t_rerun, t_engine = best(edit, REPEATS), best(rerun, REPEATS), best(engine, REPEATS)
    print(f"machine: {platform.machine()}, CPython {platform.python_version()}")
    print(f"rerun after an edit (analysis runs): {t_edit * 1000:8.1f} ms")
    print(f"rerun, nothing new (cached):          {t_rerun * 1000:8.1f} ms")
    print(f"analyse() alone:                      {t_engine * 1000:8.1f} ms")
    print(f"ratio, edit / cached rerun:           {t_edit / t_rerun:8.1f}x")
    print(f"share of an edit spent in analyse():  {t_engine / t_edit:8.0%}")


if __name__ == "__main__":
    main()
