"""Engine benchmark: one vectorized call against a Python loop, measured as ratios in one run.

    .venv/bin/python bench/engine.py           (or: make bench)

Machines here are shared and noisy, so the figures that matter are the ratios between timings
taken in the same run, each the best of several repeats.
"""

from __future__ import annotations

import platform

import numpy as np
from timing import best

from model.analysis import analyse
from model.columns import profiles_frame
from model.crossover import all_crossovers
from model.engine import estimate
from pricing.load import read_pricebook
from pricing.profiles import read_presets

SWEEP = 100_000
LOOP = 200


def main() -> None:
    book = read_pricebook()
    profile = read_presets()["coding-agent"]
    frame = profiles_frame(profile).loc[[0] * SWEEP].reset_index(drop=True)
    frame["monthly_runs"] = np.geomspace(1, 1e8, SWEEP)

    one = best(lambda: estimate(profile, book))
    vectorized = best(lambda: estimate(frame, book), repeats=3)
    loop = best(lambda: [estimate(profile, book) for _ in range(LOOP)], repeats=2)
    crossing = best(lambda: all_crossovers(profile, "monthly_runs", book, 1, 1e9), repeats=3)
    # How the app's work grows with the options compared: the first four (by id) against all.
    ids = [t.id for t in book.options()]
    few = profile.model_copy(update={"options": tuple(ids[:4])})
    analyse_few = best(lambda: analyse(few, book), repeats=3)
    analyse_all = best(lambda: analyse(profile, book), repeats=3)

    # An account of two agents: priced once (together, alone, every split), how sure (2,000 draws, each an
    # account) and its path over the months ahead; and one profile with a sandbox beside it.
    from model.account import estimate_account
    from model.account_odds import account_outlook

    research = read_presets()["deep-research"].model_copy(update={"monthly_runs": 2000.0, "name": "research"})
    agents = [profile, research]
    account = best(lambda: estimate_account(agents, book), repeats=3)
    outlook = best(lambda: account_outlook(estimate_account(agents, book), book), repeats=2)
    boxed = profile.model_copy(update={"sandbox": book.sandboxes()[0].id})
    one_boxed = best(lambda: estimate(boxed, book))

    per_profile_vec = vectorized / SWEEP
    per_profile_loop = loop / LOOP
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}")
    print(f"one profile, one call:            {one * 1e3:8.2f} ms")
    print(f"{SWEEP:,} profiles, one call:     {vectorized * 1e3:8.2f} ms  ({per_profile_vec * 1e6:.2f} µs per profile)")
    print(f"{LOOP} profiles, one call each:     {loop * 1e3:8.2f} ms  ({per_profile_loop * 1e6:.0f} µs per profile)")
    print(f"all crossovers on monthly_runs:   {crossing * 1e3:8.2f} ms")
    print(f"ratio, loop / vectorized per profile: {per_profile_loop / per_profile_vec:,.0f}x")
    print(f"ratio, {SWEEP:,}-profile call / one-profile call: {vectorized / one:,.1f}x")
    print(f"ratio, one-profile call / {SWEEP:,}-profile call: {one / vectorized:.1%}  (goal 1%)")
    print(f"ratio, all crossovers / one-profile call: {crossing / one:,.1f}x")
    print(f"analyse(), 4 options:             {analyse_few * 1e3:8.2f} ms")
    print(f"analyse(), all {len(ids)} options:       {analyse_all * 1e3:8.2f} ms")
    print(f"ratio, {len(ids)} options / 4 options: {analyse_all / analyse_few:,.2f}x (options: {len(ids) / 4:.2f}x)")
    print(f"one profile with a sandbox:       {one_boxed * 1e3:8.2f} ms  ({one_boxed / one:.2f}x without)")
    print(f"an account of two agents:         {account * 1e3:8.2f} ms  ({account / one:.1f}x one profile)")
    print(f"... with its odds and path:       {outlook * 1e3:8.2f} ms  ({outlook / one:.1f}x one profile)")


if __name__ == "__main__":
    main()
