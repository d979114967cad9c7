"""`tco report`: the full report for a profile, an account or a scenario set's first scenario (with
the set side by side), as Markdown, HTML, PDF, JSON or CSV, to a file or standard output."""

from __future__ import annotations

import argparse
import sys

from commands.compare import account_scenarios
from commands.errors import EXIT_OK, CliError
from commands.inputs import load_scenarios, load_workload, parse_answers
from commands.output import write_file

__all__ = ["report"]


def report(args: argparse.Namespace) -> int:
    from model.analysis import analyse
    from model.axes import AXES
    from model.uncertainty import DEFAULT_SEED
    from pricing.load import read_criteria, read_pricebook
    from report.builders import build

    axes = [a for a in AXES if a != "monthly_runs"]  # monthly runs has its own chart
    if args.axis not in axes:
        raise CliError(f"--axis: {args.axis!r} is not a second chart axis; allowed: {', '.join(axes)}")
    criteria = read_criteria(args.data)
    answers = parse_answers(args, criteria)
    book = read_pricebook(args.data, on=args.pricing_date)
    scenarios = load_scenarios(args, book) if args.scenarios is not None else None
    workload = load_workload(args.profile, args.data, book) if scenarios is None else None
    profile = scenarios.scenarios[0].profile if scenarios is not None else workload.profile  # type: ignore[union-attr]
    analysis = analyse(
        profile, book, axis=args.axis, criteria=criteria, answers=answers, draws=args.draws, seed=args.seed
    )
    if workload is not None and workload.account:  # the report of the first agent, with the account
        from dataclasses import replace

        from model.account import estimate_account
        from model.account_odds import account_outlook
        from model.account_out import account_out

        account = estimate_account(workload.agents, book, profile.options or None, set_aside=analysis.verdict.set_aside)
        odds, lay = account_outlook(account, book, seed=args.seed if args.seed is not None else DEFAULT_SEED)
        analysis = replace(analysis, account=account_out(workload.name, workload.description, account, odds, lay))
    if scenarios is not None:
        from dataclasses import replace

        from model.scenarios import compare_scenarios

        named = [(s.name, s.profile) for s in scenarios.scenarios]
        priced = compare_scenarios(named, book)
        analysis = replace(
            analysis, scenarios=tuple(priced), account_scenarios=tuple(account_scenarios(scenarios, named, book))
        )
    analysis = analysis.with_outlook()
    data = build(analysis, args.format)
    if str(args.output) == "-":
        sys.stdout.buffer.write(data)
    else:
        write_file(args.output, data, [args.profile, args.scenarios], "report")
        print(f"wrote {args.output} ({len(data):,} bytes)", file=sys.stderr)
    return EXIT_OK
