"""Outlook benchmark: the Monte Carlo and the multi-year path against single `estimate()` calls.

    .venv/bin/python bench/outlook.py          (or: make bench)

The issue's budgets, as ratios taken in one run (best of several repeats): 10,000 Monte Carlo draws
across every option at most 10 single `estimate()` calls of the same profile and options; a 36-month
path with every migration month of every ordered pair of options at most 5.
"""

from __future__ import annotations

import platform

from timing import best

from model.analysis import analyse
from model.axes import compared
from model.engine import estimate
from model.outlook import outlook
from model.strategy import path
from model.uncertainty import bands, inputs, monte_carlo, tornado
from pricing.load import read_pricebook
from pricing.profiles import read_presets

MC_BUDGET = 10.0
PATH_BUDGET = 5.0


def main() -> None:
    book = read_pricebook()
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}")
    worst_mc = worst_path = 0.0
    for name, profile in read_presets().items():
        options = compared(profile, book)
        one = best(lambda p=profile, o=options: estimate(p, book, o), repeats=7)
        mc = best(lambda p=profile, o=options: monte_carlo(p, book, o), repeats=3)
        months = best(lambda p=profile, o=options: path(p, book, o), repeats=5)
        drawn = best(lambda p=profile, o=options: path(p, book, o, draws=200), repeats=3)
        found = inputs(profile, book, options)
        leaders = sorted(monte_carlo(profile, book, options, draws=1000).options, key=lambda s: -s.cheapest_share)
        pair = (leaders[0].id, leaders[1].id)
        tor = best(lambda p=profile, two=pair: tornado(p, book, *two), repeats=3)
        band = best(
            lambda p=profile, o=options, f=found: bands(p, book, o, "monthly_runs", [1e2, 1e4, 1e6] * 14, found=f),
            repeats=3,
        )
        a = analyse(profile, book)
        full = best(lambda p=profile, o=options, c=a.runs_crossovers: outlook(p, book, o, crossovers=c), repeats=2)
        n = len(options)
        print(
            f"\n{name}: {n} options, {len(found)} uncertain inputs, {profile.path.horizon_months} months, "
            f"{n * (n - 1)} ordered pairs"
        )
        print(f"  one estimate():                       {one * 1e3:8.1f} ms")
        print(f"  Monte Carlo, 10,000 draws:             {mc * 1e3:8.1f} ms  {mc / one:5.2f}x  (budget {MC_BUDGET:g}x)")
        print(
            f"  path, every pair and month:            {months * 1e3:8.1f} ms  {months / one:5.2f}x  "
            f"(budget {PATH_BUDGET:g}x)"
        )
        print(f"  path with 200 draws (chances):         {drawn * 1e3:8.1f} ms  {drawn / one:5.2f}x")
        print(f"  tornado (low, high, 33 flip points):   {tor * 1e3:8.1f} ms  {tor / one:5.2f}x")
        print(f"  bands, 42 points x 200 draws:          {band * 1e3:8.1f} ms  {band / one:5.2f}x")
        print(f"  the whole outlook:                     {full * 1e3:8.1f} ms  {full / one:5.2f}x")
        worst_mc, worst_path = max(worst_mc, mc / one), max(worst_path, months / one)
    print(
        f"\nworst Monte Carlo ratio {worst_mc:.2f}x (budget {MC_BUDGET:g}x); worst path ratio {worst_path:.2f}x "
        f"(budget {PATH_BUDGET:g}x)"
    )


if __name__ == "__main__":
    main()
