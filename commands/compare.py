"""`tco compare`: every option's cost for a profile (with how sure and the path on `--outlook`), an
account of agents on one bill, or a scenario set side by side, written to standard output."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import TYPE_CHECKING

from commands.errors import EXIT_OK, CliError
from commands.inputs import load_scenarios, load_workload, parse_answers

if TYPE_CHECKING:  # the engine and the reports are imported when the command runs
    from model.scenarios import AccountScenario
    from pricing.accounts import Workload
    from pricing.scenarios import ScenarioSet
    from schema.criteria import Criteria
    from schema.profile import WorkloadProfile
    from schema.tables import PriceBook

__all__ = ["account_scenarios", "compare"]


def _single_profile_flags(args: argparse.Namespace) -> list[str]:
    """The flags given that only one profile's comparison reads (how sure, the path, the checklist)."""
    flags = (
        ("--outlook", args.outlook),
        ("--draws", args.draws is not None),
        ("--seed", args.seed is not None),
        ("--answer", bool(args.answer)),
    )
    return [flag for flag, given in flags if given]


def _compare_account(
    args: argparse.Namespace, book: PriceBook, workload: Workload, criteria: Criteria, answers: dict[str, str]
) -> int:
    """An account of agents: each option's one bill, each agent's share, a split where cheaper."""
    from model.account import estimate_account
    from model.account_out import account_out
    from report.account import account_json, account_markdown, account_table

    ignored = [flag for flag in _single_profile_flags(args) if flag not in ("--answer", "--draws", "--seed")]
    if ignored:
        raise CliError(
            f"compare: {', '.join(ignored)} go with a single profile; an account file ({len(workload.agents)} agents) "
            "is compared on its monthly bills, how sure (--draws, --seed) and the checklist's --answer"
        )
    from model.analysis import checklist_of

    checklist = checklist_of(workload.profile, book, criteria, answers)
    options = workload.profile.options or None
    account = estimate_account(workload.agents, book, options, set_aside=checklist.set_aside)
    from model.account_odds import ACCOUNT_DRAWS, account_outlook
    from model.uncertainty import DEFAULT_SEED

    seed = args.seed if args.seed is not None else DEFAULT_SEED
    odds, path = account_outlook(
        account, book, draws=args.draws if args.draws is not None else ACCOUNT_DRAWS, seed=seed
    )
    out = account_out(workload.name, workload.description, account, odds, path)
    writer = {"json": account_json, "md": account_markdown, "table": account_table}[args.format]
    sys.stdout.write(writer(out))
    return EXIT_OK


def compare(args: argparse.Namespace) -> int:
    from model.analysis import headline_of
    from pricing.load import read_criteria, read_pricebook
    from report.compare import format_json, format_markdown, format_table, with_verdict

    if args.scenarios is not None:
        ignored = _single_profile_flags(args)
        if ignored:
            raise CliError(
                f"compare --scenarios: {', '.join(ignored)} go with --profile; a scenario set's first scenario "
                "with how sure, the path and the checklist is `tco report --scenarios FILE`"
            )
    book = read_pricebook(args.data, on=args.pricing_date)
    if args.scenarios is not None:
        return _compare_scenarios(args, book)
    if args.format == "csv":
        raise CliError("compare: --format csv is for --scenarios; a single profile's CSV is `tco report --format csv`")
    criteria = read_criteria(args.data)
    answers = parse_answers(args, criteria)
    workload = load_workload(args.profile, args.data, book)
    if workload.account:  # an account is always drawn: --draws and --seed set how
        return _compare_account(args, book, workload, criteria, answers)
    if not args.outlook and (args.draws is not None or args.seed is not None):
        raise CliError("compare: --draws and --seed go with --outlook (or an account file)")
    profile = workload.profile
    head = headline_of(profile, book, criteria=criteria, answers=answers, draws=args.draws, seed=args.seed)
    result = with_verdict(head.result, head.verdict)
    if args.outlook:
        from model.axes import compared
        from model.outlook import outlook
        from model.uncertainty import DEFAULT_DRAWS, DEFAULT_SEED
        from report.compare import with_outlook

        seen = outlook(
            profile,
            book,
            compared(profile, book, head.checklist.set_aside),
            draws=args.draws or DEFAULT_DRAWS,
            seed=DEFAULT_SEED if args.seed is None else args.seed,
            band_draws=0,
            mc=head.monte_carlo,
        )
        result = with_outlook(result, seen)
    if args.format == "json":
        sys.stdout.write(format_json(result))
        return EXIT_OK
    from report.compare import format_outlook

    formatter = {"table": format_table, "md": format_markdown}[args.format]
    sys.stdout.write(formatter(result, head.verdict, dt.date.today()) + format_outlook(result))
    return EXIT_OK


def _compare_scenarios(args: argparse.Namespace, book: PriceBook) -> int:
    from model.scenarios import compare_scenarios
    from report import scenarios as out

    chosen = load_scenarios(args, book)
    named = [(s.name, s.profile) for s in chosen.scenarios]
    results = compare_scenarios(named, book)
    accounts = account_scenarios(chosen, named, book)
    if args.format == "json":
        text = out.format_scenarios_json(chosen.name, results, [s.changes for s in chosen.scenarios], accounts)
    elif args.format == "csv":
        text = out.format_scenarios_csv(results)
    elif args.format == "md":
        text = out.format_scenarios_markdown(chosen.name, results, accounts)
    else:
        text = out.format_scenarios_table(chosen.name, results, accounts)
    sys.stdout.write(text)
    return EXIT_OK


def account_scenarios(
    chosen: ScenarioSet, named: list[tuple[str, WorkloadProfile]], book: PriceBook
) -> list[AccountScenario]:
    """Each scenario priced as an account with the set's other agents (none without `agents:`)."""
    if not chosen.agents:
        return []
    from model.scenarios import account_groups, compare_account_scenarios
    from pricing.accounts import ACCOUNT_FIELDS

    options = chosen.scenarios[0].profile.options or None
    return compare_account_scenarios(account_groups(named, chosen.agents, ACCOUNT_FIELDS), book, options)
