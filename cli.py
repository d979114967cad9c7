"""`tco`: compare orchestrators for a workload profile, and keep the pricing tables true.

    tco compare --profile FILE [--pricing-date YYYY-MM-DD] [--format table|json|md]
    tco compare --scenarios FILE [--pricing-date YYYY-MM-DD] [--format table|json|md|csv]
    tco report --profile FILE | --scenarios FILE --format md|html|pdf|json|csv -o OUT [--axis FIELD] [--answer Q=A ...]
    tco profile from-history FILE... --monthly-runs N [--name NAME] [-o OUT]
    tco profile from-trigger-runs FILE... [--monthly-runs N] [--steps-per-run N] [--name NAME] [-o OUT]
    tco pricing validate [PATH ...]
    tco pricing diff OLD_FILE NEW_FILE | NEW_FILE | TABLE_ID DATE DATE
    tco pricing impact --from DATE --to DATE | --against DIR [--on DATE]  [--profile FILE ...]
    tco pricing stale [--today DATE]
    tco pricing schema [--out DIR]
    tco pricing readme [--file README.md]
    tco pricing show OPTION_ID [--on DATE]

Exit status: 0 ok; 1 pricing data failed validation (or, for `stale`, some table is overdue for
re-verification); 2 bad input (the message on stderr names the file, the line, the field and what
is allowed); 3 an internal error (a bug: please report it). No traceback reaches the user; set
TCO_DEBUG=1 to see one.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import stat
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the commands import what they need when they run: `tco --help` loads none of it
    from model.scenarios import AccountScenario
    from pricing.accounts import Workload
    from pricing.scenarios import ScenarioSet
    from schema.criteria import Criteria
    from schema.profile import WorkloadProfile
    from schema.tables import PriceBook, PriceTable

__all__ = ["main"]

EXIT_OK, EXIT_INVALID, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


class CliError(Exception):
    """A user-facing error: printed as one message, exit status 2."""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; use YYYY-MM-DD") from None


def _draws(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 100 <= value <= 200_000:
        raise argparse.ArgumentTypeError(f"{value} draws: allowed 100 to 200,000")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(f"{value}: a seed is 0 to {2**32 - 1}")
    return value


def _draw_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--draws", type=_draws, default=None, help="Monte Carlo draws of every uncertain input (default 10,000)"
    )
    command.add_argument(
        "--seed",
        type=_seed,
        default=None,
        help="the draws' seed (default 1): the same inputs and seed give the same figures",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tco", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="data directory (default: the bundled data/)")
    commands = parser.add_subparsers(dest="command", required=True)

    compare = commands.add_parser("compare", help="cost of every option for a workload profile")
    given = compare.add_mutually_exclusive_group(required=True)
    given.add_argument("--profile", type=Path, help="workload profile YAML (see data/profiles/)")
    given.add_argument("--scenarios", type=Path, help="a scenario set YAML: 2 to 6 named scenarios side by side")
    compare.add_argument(
        "--pricing-date", type=_date, default=None, help="use the price tables in force on this date (default: today)"
    )
    compare.add_argument(
        "--format", choices=("table", "json", "md", "csv"), default="table", help="csv: with --scenarios only"
    )
    compare.add_argument(
        "--outlook",
        action="store_true",
        help="add how sure (Monte Carlo P10/P50/P90, the chance each option is cheapest, what moves "
        "the gap) and the multi-year path with migration",
    )
    compare.add_argument(
        "--answer",
        action="append",
        default=[],
        metavar="QUESTION=ANSWER",
        help="an answer to the checklist (repeatable): the options it sets aside leave the verdict",
    )
    _draw_options(compare)

    report = commands.add_parser("report", help="write the full report for a workload profile")
    source = report.add_mutually_exclusive_group(required=True)
    source.add_argument("--profile", type=Path, help="workload profile YAML")
    source.add_argument(
        "--scenarios",
        type=Path,
        help="a scenario set YAML: the report covers its first scenario in full and adds the set side by side",
    )
    report.add_argument("--format", choices=("md", "html", "pdf", "json", "csv"), required=True)
    report.add_argument("-o", "--output", type=Path, required=True, help="file to write ('-' for standard output)")
    report.add_argument("--pricing-date", type=_date, default=None)
    report.add_argument("--axis", default="steps_per_run", help="second crossover axis: a numeric profile field")
    report.add_argument(
        "--answer",
        action="append",
        default=[],
        metavar="QUESTION=ANSWER",
        help="an answer to the checklist (repeatable): the options it sets aside leave the verdict",
    )
    _draw_options(report)

    profile = commands.add_parser("profile", help="derive a workload profile from a team's own runs")
    profile_commands = profile.add_subparsers(dest="profile_command", required=True)
    from pricing.vendors import IMPORTERS

    for importer in IMPORTERS:
        command = profile_commands.add_parser(importer.command, help=importer.help)
        command.add_argument("files", nargs="+", type=Path, metavar="FILE")
        command.add_argument(
            "--monthly-runs",
            type=float,
            required=importer.needs_monthly_runs,
            default=None,
            help="runs a month"
            + ("" if importer.needs_monthly_runs else " (default: from the span the runs were created over)"),
        )
        if "steps_per_run" in importer.options:
            command.add_argument(
                "--steps-per-run",
                type=float,
                default=1.0,
                help="steps a run takes (the export does not show them; a run's seconds are split over them)",
            )
        command.add_argument("--name", default=None, help="the profile's name")
        command.add_argument(
            "-o", "--output", type=Path, default=None, help="write the profile here (default: standard output)"
        )

    pricing = commands.add_parser("pricing", help="work on the pricing tables")
    pricing_commands = pricing.add_subparsers(dest="pricing_command", required=True)
    validate = pricing_commands.add_parser("validate", help="check pricing tables (default: all of them)")
    validate.add_argument("paths", nargs="*", type=Path)
    validate.add_argument("--today", type=_date, default=None, help=argparse.SUPPRESS)
    diff = pricing_commands.add_parser(
        "diff",
        help="Markdown table of every number that changed between two table versions",
        description="Two files; one file (against the previous version of its table); or a table id "
        "and two dates (the versions in force then).",
    )
    diff.add_argument("items", nargs="+", metavar="FILE|TABLE_ID|DATE")
    impact = pricing_commands.add_parser(
        "impact", help="how the monthly cost of the preset profiles changes between two pricing dates"
    )
    impact.add_argument(
        "--from", dest="before", type=_date, default=None, metavar="DATE", help="the earlier pricing date (with --to)"
    )
    impact.add_argument(
        "--to", dest="after", type=_date, default=None, metavar="DATE", help="the later pricing date (with --from)"
    )
    impact.add_argument(
        "--against",
        type=Path,
        default=None,
        metavar="DIR",
        help="instead of two dates: another data directory (a base branch's data/), priced on --on",
    )
    impact.add_argument(
        "--on",
        type=_date,
        default=None,
        metavar="DATE",
        help="with --against: the pricing date for both (default: today)",
    )
    impact.add_argument("--profile", type=Path, action="append", default=[], help="another profile (repeatable)")
    impact.add_argument("--no-presets", action="store_true", help="only the --profile files")
    stale = pricing_commands.add_parser("stale", help="tables past their re-verification cadence (exit 1 when any is)")
    stale.add_argument("--today", type=_date, default=None, help="the day to judge on (default: today)")
    show = pricing_commands.add_parser(
        "show", help="an option's price ids, plans with their features, and add-ons (what a profile may name)"
    )
    show.add_argument("option", metavar="OPTION_ID")
    show.add_argument("--on", type=_date, default=None, metavar="DATE", help="the table in force then (default: today)")
    schema = pricing_commands.add_parser("schema", help="write the JSON Schemas to data/schema/")
    schema.add_argument("--out", type=Path, default=None)
    readme = pricing_commands.add_parser(
        "readme", help="rewrite the README's tables of the options and sandbox services from the data"
    )
    readme.add_argument("--file", type=Path, default=Path("README.md"), help="the README to rewrite")
    return parser


def _option_ids(book: PriceBook) -> set[str]:
    """Every option a profile may name: those priced on the book's date and those priced only later."""
    return {t.id for t in book.options()} | set(book.later)


def _load_profile(path: Path, data: Path | None, book: PriceBook) -> WorkloadProfile:
    """A profile file, checked against the pricing data too (machine size, option ids)."""
    from pricing.profiles import known_from, read_profile

    return read_profile(path, known=known_from(book, _option_ids(book)), root=data)


def _single_profile_flags(args: argparse.Namespace) -> list[str]:
    """The flags given that only one profile's comparison reads (how sure, the path, the checklist)."""
    flags = (
        ("--outlook", args.outlook),
        ("--draws", args.draws is not None),
        ("--seed", args.seed is not None),
        ("--answer", bool(args.answer)),
    )
    return [flag for flag, given in flags if given]


def _load_workload(path: Path, data: Path | None, book: PriceBook) -> Workload:
    """A profile file or an account file (`agents:`), checked against the pricing data too."""
    from pricing.accounts import read_workload
    from pricing.profiles import known_from

    return read_workload(path, known=known_from(book, _option_ids(book)), root=data)


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


def _answers(args: argparse.Namespace, criteria: Criteria) -> dict[str, str]:
    """`--answer QUESTION=ANSWER` items as the checklist's answers; a bad one names what is allowed."""
    from model.checklist import check_answers

    answers = {}
    for item in args.answer:
        question, sep, answer = item.partition("=")
        if not sep:
            raise CliError(f"--answer: {item!r} must be QUESTION=ANSWER")
        answers[question.strip()] = answer.strip()
    unknown = set(answers) - {q.id for q in criteria.questions}
    if unknown:
        raise CliError(
            f"--answer: unknown question(s) {', '.join(sorted(unknown))}; "
            f"allowed: {', '.join(q.id for q in criteria.questions)}"
        )
    try:
        check_answers(criteria, answers)
    except ValueError as exc:
        raise CliError(f"--answer: {exc}") from None
    return answers


def _compare(args: argparse.Namespace) -> int:
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
    answers = _answers(args, criteria)
    workload = _load_workload(args.profile, args.data, book)
    if workload.account:  # an account is always drawn: --draws and --seed set how
        return _compare_account(args, book, workload, criteria, answers)
    if not args.outlook and (args.draws is not None or args.seed is not None):
        raise CliError("compare: --draws and --seed go with --outlook (or an account file)")
    profile = workload.profile
    head = headline_of(profile, book, criteria=criteria, answers=answers, draws=args.draws, seed=args.seed)
    result = with_verdict(head.result, head.verdict)
    if args.outlook:
        from model.analysis import compared
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


def _read_scenarios(args: argparse.Namespace, book: PriceBook) -> ScenarioSet:
    from pricing.profiles import known_from
    from pricing.scenarios import read_scenarios

    return read_scenarios(args.scenarios, known=known_from(book, _option_ids(book)), root=args.data)


def _compare_scenarios(args: argparse.Namespace, book: PriceBook) -> int:
    from model.scenarios import compare_scenarios
    from report import scenarios as out

    chosen = _read_scenarios(args, book)
    named = [(s.name, s.profile) for s in chosen.scenarios]
    results = compare_scenarios(named, book)
    accounts = _account_scenarios(chosen, named, book)
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


def _account_scenarios(
    chosen: ScenarioSet, named: list[tuple[str, WorkloadProfile]], book: PriceBook
) -> list[AccountScenario]:
    """Each scenario priced as an account with the set's other agents (none without `agents:`)."""
    if not chosen.agents:
        return []
    from model.scenarios import account_groups, compare_account_scenarios
    from pricing.accounts import ACCOUNT_FIELDS

    options = chosen.scenarios[0].profile.options or None
    return compare_account_scenarios(account_groups(named, chosen.agents, ACCOUNT_FIELDS), book, options)


def _report(args: argparse.Namespace) -> int:
    from model.analysis import AXES, analyse
    from model.uncertainty import DEFAULT_SEED
    from pricing.load import read_criteria, read_pricebook
    from report.builders import build

    axes = [a for a in AXES if a != "monthly_runs"]  # monthly runs has its own chart
    if args.axis not in axes:
        raise CliError(f"--axis: {args.axis!r} is not a second chart axis; allowed: {', '.join(axes)}")
    criteria = read_criteria(args.data)
    answers = _answers(args, criteria)
    book = read_pricebook(args.data, on=args.pricing_date)
    scenarios = _read_scenarios(args, book) if args.scenarios is not None else None
    workload = _load_workload(args.profile, args.data, book) if scenarios is None else None
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
            analysis, scenarios=tuple(priced), account_scenarios=tuple(_account_scenarios(scenarios, named, book))
        )
    analysis = analysis.with_outlook()
    data = build(analysis, args.format)
    if str(args.output) == "-":
        sys.stdout.buffer.write(data)
    else:
        _write_file(args.output, data, [args.profile, args.scenarios], "report")
        print(f"wrote {args.output} ({len(data):,} bytes)", file=sys.stderr)
    return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    from pricing.checks import TableVersion, sanity_problems
    from pricing.load import (
        PricingError,
        data_dir,
        read_criteria,
        read_models,
        read_policy,
        read_pricebook,
        read_version,
        scan_table_files,
        version_dates,
    )

    root = args.data or data_dir()
    bundled, problems = scan_table_files(root)
    given = list(args.paths)
    for path in given:
        if not path.is_file():
            raise CliError(f"{path}: no such file")
    if given:
        problems = []  # misnamed bundled files are reported when the whole directory is checked
    # The schema, file by file; then the sanity rules across every version: the data directory's
    # tables, with any file given in place of the bundled file of the same table and date.
    versions: dict[tuple[str, object], TableVersion] = {}
    reported: set[str] = set()
    for path in [f.path for f in bundled] + given:
        ours = path in given or not given
        try:
            version = read_version(path, today=args.today, root=root)
        except PricingError as exc:
            if ours:
                problems.extend(exc.problems)
                reported.add(str(path))
            continue
        versions[(version.table.id, version.table.effective)] = version
        if ours:
            reported.add(version.file)
    checked = len(given) if given else len(bundled) + sum(1 for p in problems if "file name" in p.message)
    try:
        policy = read_policy(root)
        criteria = read_criteria(root, today=args.today) if (root / "criteria.yaml").is_file() else None
    except PricingError as exc:
        problems.extend(exc.problems)
    else:
        sanity = sanity_problems(list(versions.values()), policy, criteria)
        problems += [p for p in sanity if p.file in reported or p.file.endswith("criteria.yaml")]
    if (root / "models.yaml").is_file():
        try:
            read_models(root, today=args.today)
        except PricingError as exc:
            problems.extend(exc.problems)
    if not given:
        # What the tables in force together need from each other, on every date a table changes.
        seen = {(p.file, p.field) for p in problems}
        for day in version_dates(root):
            try:
                read_pricebook(root, on=day, today=args.today)
            except PricingError as exc:
                fresh = [p for p in exc.problems if (p.file, p.field) not in seen]
                seen.update((p.file, p.field) for p in fresh)
                problems += fresh
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{checked} table(s) checked, {len(problems)} problem(s)")
    return EXIT_INVALID if problems else EXIT_OK


def _table_from(path: Path, root: Path) -> PriceTable:
    """A table file inside the data directory or anywhere else (see `read_version`)."""
    from pricing.load import read_version

    if not path.is_file():
        raise CliError(f"{path}: no such file")
    return read_version(path, root=root).table


def _diff(args: argparse.Namespace) -> int:
    from pricing.load import data_dir, list_table_files, read_pricebook, read_table
    from pricing.versions import diff_tables
    from report.pricing import diff_markdown

    root = args.data or data_dir()
    items = args.items
    if len(items) == 3:
        try:
            table_id, first, second = items[0], _date(items[1]), _date(items[2])
        except argparse.ArgumentTypeError as exc:
            raise CliError(f"pricing diff: {exc}") from None
        versions = [f for f in list_table_files(root) if f.table_id == table_id]
        if not versions:
            known = sorted({f.table_id for f in list_table_files(root)})
            raise CliError(f"table {table_id!r}: no such table; allowed: {', '.join(known)}")
        if first >= second:
            raise CliError(f"pricing diff: the first date ({first}) must be before the second ({second})")
        old_book, new_book = read_pricebook(root, on=first), read_pricebook(root, on=second)
        if table_id not in new_book.tables:
            raise CliError(f"table {table_id!r} has no version in force on {second}")
        old = old_book.tables.get(table_id)
        old_file, new_file = old_book.files.get(table_id), new_book.files[table_id]
        new = new_book.tables[table_id]
    elif len(items) == 2:
        old_path, new_path = Path(items[0]), Path(items[1])
        old, new = _table_from(old_path, root), _table_from(new_path, root)
        old_file, new_file = str(old_path), str(new_path)
        if old.id != new.id:
            raise CliError(f"{old_path} is {old.id!r} but {new_path} is {new.id!r}: diff two versions of one table")
    elif len(items) == 1:
        new_path = Path(items[0])
        new = _table_from(new_path, root)
        earlier = [f for f in list_table_files(root) if f.table_id == new.id and f.effective < new.effective]
        old = read_table(earlier[-1].path, root=root) if earlier else None
        old_file, new_file = (str(earlier[-1].path.relative_to(root.parent)) if earlier else None), str(new_path)
    else:
        raise CliError("pricing diff: give OLD_FILE NEW_FILE, or NEW_FILE, or TABLE_ID DATE DATE")
    sys.stdout.write(diff_markdown(old, new, diff_tables(old, new), old_file, new_file))
    return EXIT_OK


def _impact(args: argparse.Namespace) -> int:
    from model.impact import costs_by_date, impact_frame
    from pricing.load import read_pricebook
    from pricing.profiles import read_presets
    from report.pricing import impact_markdown

    if args.against is not None:
        if args.before or args.after:
            raise CliError("pricing impact: give --from and --to, or --against DIR [--on DATE], not both")
        if not (args.against / "pricing").is_dir():
            raise CliError(f"--against {args.against}: not a data directory (it has no pricing/ folder)")
        on = args.on or dt.date.today()
        before, after = f"{args.against} on {on}", f"this data on {on}"
        books = {before: read_pricebook(args.against, on=on), after: read_pricebook(args.data, on=on)}
    elif args.on is not None:
        raise CliError("pricing impact: --on goes with --against; with --from and --to the dates are those two")
    elif args.before and args.after:
        before, after = args.before, args.after
        books = {before: read_pricebook(args.data, on=before), after: read_pricebook(args.data, on=after)}
    else:
        raise CliError("pricing impact: give --from DATE and --to DATE, or --against DIR [--on DATE]")
    profiles = [] if args.no_presets else list(read_presets(args.data).values())
    latest = read_pricebook(args.data)
    profiles += [_load_profile(path, args.data, latest) for path in args.profile]
    if not profiles:
        raise CliError("pricing impact: no profiles (give --profile, or drop --no-presets)")
    costs = costs_by_date(profiles, books)
    sys.stdout.write(impact_markdown(impact_frame(costs, before, after), before, after))
    return EXIT_OK


def _stale(args: argparse.Namespace) -> int:
    from pricing.checks import stale_models, stale_tables
    from pricing.load import MODELS_FILE, data_dir, read_models, read_versions
    from report.pricing import stale_markdown

    today = args.today or dt.date.today()
    items = stale_tables(read_versions(args.data, today=max(today, dt.date.today())), today)
    root = args.data or data_dir()
    if items and (root / MODELS_FILE).is_file():
        items = sorted(
            [*items, stale_models(read_models(root), MODELS_FILE, today)], key=lambda s: (-s.overdue_days, s.table)
        )
    if not items:
        where = args.data or "the bundled data"
        raise CliError(f"pricing stale: no pricing table of {where} is in force on {today}; nothing to check")
    newest = max(s.read_last for s in items)
    if today < newest:
        raise CliError(
            f"pricing stale: --today {today} is before the tables were last read ({newest}); give a day on or after it"
        )
    sys.stdout.write(stale_markdown(items, today))
    return EXIT_INVALID if any(s.stale for s in items) else EXIT_OK


def _show(args: argparse.Namespace) -> int:
    from pricing.load import read_pricebook
    from report.pricing import show_markdown

    book = read_pricebook(args.data, on=args.on)
    tables = {t.id: t for t in book.options()}
    if args.option not in tables:
        raise CliError(
            f"pricing show: {args.option!r} is not an option priced on {book.as_of}; "
            f"allowed: {', '.join(sorted(tables))}"
        )
    sys.stdout.write(show_markdown(tables[args.option]))
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    from pricing.json_schemas import json_schemas
    from pricing.load import data_dir

    out = args.out or (args.data or data_dir()) / "schema"
    out.mkdir(parents=True, exist_ok=True)
    for name, schema in json_schemas().items():
        (out / name).write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
        print(out / name)
    return EXIT_OK


def _readme(args: argparse.Namespace) -> int:
    from pricing.readme import readme_blocks, rewritten

    text = args.file.read_text(encoding="utf-8")
    try:
        new = rewritten(text, readme_blocks(args.data))
    except ValueError as exc:
        raise CliError(f"{args.file}: {exc}") from None
    if new != text:
        args.file.write_text(new, encoding="utf-8")
    print(f"{args.file}: {'rewritten' if new != text else 'already current'}")
    return EXIT_OK


MAX_EXPORT_FILES = 1000
"""Export files read at once: each is read whole before the next (100,000 small ones took 83 s)."""


def _read_texts(paths: Sequence[Path]) -> list[tuple[str, str]]:
    from pricing.yamlio import EXPORT_BYTES, InputError, read_bounded

    if len(paths) > MAX_EXPORT_FILES:
        raise CliError(f"{len(paths):,} files; at most {MAX_EXPORT_FILES:,} exports at once (join them, or sample)")
    texts, total = [], 0
    for path in paths:
        try:
            text = read_bounded(path, EXPORT_BYTES - total, "export")
        except InputError as exc:
            if total:  # the bound is of all the files together
                raise CliError(f"{path}: the exports together pass {EXPORT_BYTES:,} bytes; give fewer") from None
            raise CliError(str(exc.problem)) from None
        total += os.stat(path).st_size
        texts.append((str(path), text))
    return texts


def _write_file(path: Path, data: bytes, inputs: Sequence[Path | None], what: str) -> None:
    """Write `data` to `path`, a regular file that is none of the command's `inputs` (it would be
    read and overwritten at once); a pipe, a device or a directory is refused without waiting."""
    for given in inputs:
        with contextlib.suppress(OSError):
            if given is not None and path.exists() and os.path.samefile(path, given):
                raise CliError(f"-o {path}: that is the file read ({given}); write the {what} elsewhere")
    irregular = CliError(f"-o {path}: not a regular file (a pipe, a device or a directory); give a file name")
    with contextlib.suppress(OSError):
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise irregular
    try:  # without waiting: a pipe put there since is refused at once (no reader) or below
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_NONBLOCK, 0o644)
    except OSError as exc:
        raise CliError(f"-o {path}: cannot write the {what} ({exc.strerror or exc})") from None
    with os.fdopen(fd, "wb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise irregular
        try:
            os.ftruncate(fd, 0)
            handle.write(data)
        except OSError as exc:
            raise CliError(f"-o {path}: cannot write the {what} ({exc.strerror or exc})") from None


def _write_profile(args: argparse.Namespace, text: str, what: str) -> None:
    if args.output is None or str(args.output) == "-":
        sys.stdout.write(text)
        return
    _write_file(args.output, text.encode("utf-8"), list(args.files), "profile")
    print(f"wrote {args.output} from {what}", file=sys.stderr)


def _import_profile(args: argparse.Namespace) -> int:
    from pricing.load import read_pricebook
    from pricing.vendors import IMPORTERS

    importer = next(i for i in IMPORTERS if i.command == args.profile_command)
    steps = getattr(args, "steps_per_run", 1.0)
    if not 0 < steps <= 1e6:  # and a number: NaN is not
        raise CliError(f"--steps-per-run: {steps:g}; allowed: more than 0, at most 1e6")
    if args.monthly_runs is not None and not 0 <= args.monthly_runs <= 1e10:
        raise CliError(f"--monthly-runs: {args.monthly_runs:g}; allowed: 0 to 1e10")
    texts = _read_texts(args.files)
    imported = importer.derive(
        texts, read_pricebook(args.data), monthly_runs=args.monthly_runs, steps_per_run=steps, name=args.name
    )
    if imported.check:
        print(imported.check, file=sys.stderr)
    _write_profile(args, imported.text, f"{len(texts)} file{'s' if len(texts) != 1 else ''}")
    return EXIT_OK


def run(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "profile":
        return _import_profile(args)
    if args.command == "compare":
        return _compare(args)
    if args.command == "report":
        return _report(args)
    commands = {
        "validate": _validate,
        "diff": _diff,
        "impact": _impact,
        "stale": _stale,
        "schema": _schema,
        "readme": _readme,
        "show": _show,
    }
    return commands[args.pricing_command](args)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: run a command; turn every input error into a message and exit status 2."""
    from pricing.load import PricingError
    from schema.profile import ProfileError

    try:
        return run(argv)
    except (PricingError, ProfileError, CliError) as exc:
        print(f"tco: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if os.environ.get("TCO_DEBUG"):
            raise
        print(f"tco: internal error: {type(exc).__name__}: {exc} (set TCO_DEBUG=1 for details)", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
