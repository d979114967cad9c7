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
    tco pricing readme [--file README.md] [--contributing CONTRIBUTING.md]
    tco pricing show OPTION_ID [--on DATE]

Exit status: 0 ok; 1 pricing data failed validation (or, for `stale`, some table is overdue for
re-verification); 2 bad input (the message on stderr names the file, the line, the field and what
is allowed); 3 an internal error (a bug: please report it). No traceback reaches the user; set
TCO_DEBUG=1 to see one.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

# The commands import what they need when they run: `tco --help` loads none of it.
from commands.compare import compare
from commands.errors import EXIT_BAD_INPUT, EXIT_INTERNAL, CliError
from commands.inputs import date
from commands.pricing import diff, impact, readme, schema, show, stale, validate
from commands.profile import import_profile
from commands.report import report

__all__ = ["main"]


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
    """`tco` and its subcommands, each with its options."""
    parser = argparse.ArgumentParser(prog="tco", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="data directory (default: the bundled data/)")
    commands = parser.add_subparsers(dest="command", required=True)
    _compare_parser(commands)
    _report_parser(commands)
    _profile_parsers(commands)
    _pricing_parsers(commands)
    return parser


def _compare_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`tco compare`: a profile, an account or a scenario set; the format, the outlook, the answers."""
    command = commands.add_parser("compare", help="cost of every option for a workload profile")
    given = command.add_mutually_exclusive_group(required=True)
    given.add_argument("--profile", type=Path, help="workload profile YAML (see data/profiles/)")
    given.add_argument("--scenarios", type=Path, help="a scenario set YAML: 2 to 6 named scenarios side by side")
    command.add_argument(
        "--pricing-date", type=date, default=None, help="use the price tables in force on this date (default: today)"
    )
    command.add_argument(
        "--format", choices=("table", "json", "md", "csv"), default="table", help="csv: with --scenarios only"
    )
    command.add_argument(
        "--outlook",
        action="store_true",
        help="add how sure (Monte Carlo P10/P50/P90, the chance each option is cheapest, what moves "
        "the gap) and the multi-year path with migration",
    )
    command.add_argument(
        "--answer",
        action="append",
        default=[],
        metavar="QUESTION=ANSWER",
        help="an answer to the checklist (repeatable): the options it sets aside leave the verdict",
    )
    _draw_options(command)


def _report_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`tco report`: a profile, an account or a scenario set; the format, the file, the axis, the answers."""
    command = commands.add_parser("report", help="write the full report for a workload profile")
    source = command.add_mutually_exclusive_group(required=True)
    source.add_argument("--profile", type=Path, help="workload profile YAML")
    source.add_argument(
        "--scenarios",
        type=Path,
        help="a scenario set YAML: the report covers its first scenario in full and adds the set side by side",
    )
    command.add_argument("--format", choices=("md", "html", "pdf", "json", "csv"), required=True)
    command.add_argument("-o", "--output", type=Path, required=True, help="file to write ('-' for standard output)")
    command.add_argument("--pricing-date", type=date, default=None)
    command.add_argument("--axis", default="steps_per_run", help="second crossover axis: a numeric profile field")
    command.add_argument(
        "--answer",
        action="append",
        default=[],
        metavar="QUESTION=ANSWER",
        help="an answer to the checklist (repeatable): the options it sets aside leave the verdict",
    )
    _draw_options(command)


def _profile_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`tco profile from-…`: one subcommand per importer of a vendor's exported runs."""
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


def _pricing_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`tco pricing …`: the subcommands that work on the pricing tables."""
    pricing = commands.add_parser("pricing", help="work on the pricing tables")
    pricing_commands = pricing.add_subparsers(dest="pricing_command", required=True)

    command = pricing_commands.add_parser("validate", help="check pricing tables (default: all of them)")
    command.add_argument("paths", nargs="*", type=Path)
    command.add_argument("--today", type=date, default=None, help=argparse.SUPPRESS)

    command = pricing_commands.add_parser(
        "diff",
        help="Markdown table of every number that changed between two table versions",
        description="Two files; one file (against the previous version of its table); or a table id "
        "and two dates (the versions in force then).",
    )
    command.add_argument("items", nargs="+", metavar="FILE|TABLE_ID|DATE")

    command = pricing_commands.add_parser(
        "impact", help="how the monthly cost of the preset profiles changes between two pricing dates"
    )
    command.add_argument(
        "--from", dest="before", type=date, default=None, metavar="DATE", help="the earlier pricing date (with --to)"
    )
    command.add_argument(
        "--to", dest="after", type=date, default=None, metavar="DATE", help="the later pricing date (with --from)"
    )
    command.add_argument(
        "--against",
        type=Path,
        default=None,
        metavar="DIR",
        help="instead of two dates: another data directory (a base branch's data/), priced on --on",
    )
    command.add_argument(
        "--on",
        type=date,
        default=None,
        metavar="DATE",
        help="with --against: the pricing date for both (default: today)",
    )
    command.add_argument("--profile", type=Path, action="append", default=[], help="another profile (repeatable)")
    command.add_argument("--no-presets", action="store_true", help="only the --profile files")

    command = pricing_commands.add_parser(
        "stale", help="tables past their re-verification cadence (exit 1 when any is)"
    )
    command.add_argument("--today", type=date, default=None, help="the day to judge on (default: today)")

    command = pricing_commands.add_parser(
        "show", help="an option's price ids, plans with their features, and add-ons (what a profile may name)"
    )
    command.add_argument("option", metavar="OPTION_ID")
    command.add_argument(
        "--on", type=date, default=None, metavar="DATE", help="the table in force then (default: today)"
    )

    command = pricing_commands.add_parser("schema", help="write the JSON Schemas to data/schema/")
    command.add_argument("--out", type=Path, default=None)

    command = pricing_commands.add_parser(
        "readme",
        help="rewrite the README's tables of the options and sandbox services, and CONTRIBUTING's quarterly "
        "re-check table, from the data",
    )
    command.add_argument("--file", type=Path, default=Path("README.md"), help="the README to rewrite")
    command.add_argument(
        "--contributing", type=Path, default=Path("CONTRIBUTING.md"), help="the contributing guide to rewrite"
    )


def run(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "profile":
        return import_profile(args)
    if args.command == "compare":
        return compare(args)
    if args.command == "report":
        return report(args)
    commands = {
        "validate": validate,
        "diff": diff,
        "impact": impact,
        "stale": stale,
        "schema": schema,
        "readme": readme,
        "show": show,
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
