"""`tco`: compare orchestrators for a workload profile, and keep the pricing tables true.

    tco compare --profile FILE [--pricing-date YYYY-MM-DD] [--format table|json|md]
    tco report --profile FILE --format md|html|pdf|json|csv -o OUT [--axis FIELD] [--answer Q=A ...]
    tco pricing validate [PATH ...]
    tco pricing schema [--out DIR]

Exit status: 0 ok; 1 pricing data failed validation; 2 bad input (the message on stderr names
the file, the line, the field and what is allowed). No traceback reaches the user; set
TCO_DEBUG=1 to see one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main"]

EXIT_OK, EXIT_INVALID, EXIT_BAD_INPUT = 0, 1, 2


class CliError(Exception):
    """A user-facing error: printed as one message, exit status 2."""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; use YYYY-MM-DD") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tco", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="data directory (default: the bundled data/)")
    commands = parser.add_subparsers(dest="command", required=True)

    compare = commands.add_parser("compare", help="cost of every option for a workload profile")
    compare.add_argument("--profile", type=Path, required=True, help="workload profile YAML (see data/profiles/)")
    compare.add_argument(
        "--pricing-date", type=_date, default=None, help="use the price tables in force on this date (default: today)"
    )
    compare.add_argument("--format", choices=("table", "json", "md"), default="table")

    report = commands.add_parser("report", help="write the full report for a workload profile")
    report.add_argument("--profile", type=Path, required=True, help="workload profile YAML")
    report.add_argument("--format", choices=("md", "html", "pdf", "json", "csv"), required=True)
    report.add_argument("-o", "--output", type=Path, required=True, help="file to write ('-' for standard output)")
    report.add_argument("--pricing-date", type=_date, default=None)
    report.add_argument("--axis", default="steps_per_run", help="second crossover axis: a numeric profile field")
    report.add_argument(
        "--answer",
        action="append",
        default=[],
        metavar="QUESTION=ANSWER",
        help="an answer to the recommendation checklist (repeatable)",
    )

    pricing = commands.add_parser("pricing", help="work on the pricing tables")
    pricing_commands = pricing.add_subparsers(dest="pricing_command", required=True)
    validate = pricing_commands.add_parser("validate", help="check pricing tables (default: all of them)")
    validate.add_argument("paths", nargs="*", type=Path)
    validate.add_argument("--today", type=_date, default=None, help=argparse.SUPPRESS)
    schema = pricing_commands.add_parser("schema", help="write the JSON Schemas to data/schema/")
    schema.add_argument("--out", type=Path, default=None)
    return parser


def _compare(args: argparse.Namespace) -> int:
    from model.engine import estimate
    from model.result import summarize
    from pricing.load import read_pricebook
    from pricing.profiles import read_profile
    from report.compare import format_json, format_markdown, format_table

    profile = read_profile(args.profile)
    book = read_pricebook(args.data, on=args.pricing_date)
    result = summarize(estimate(profile, book))
    formatter = {"table": format_table, "json": format_json, "md": format_markdown}[args.format]
    sys.stdout.write(formatter(result))
    return EXIT_OK


def _report(args: argparse.Namespace) -> int:
    from model.analysis import AXES, analyse
    from pricing.load import read_criteria, read_pricebook
    from pricing.profiles import read_profile
    from report.builders import build

    if args.axis not in AXES:
        raise CliError(f"--axis: {args.axis!r} is not a sweepable field; allowed: {', '.join(AXES)}")
    answers = {}
    for item in args.answer:
        question, sep, answer = item.partition("=")
        if not sep:
            raise CliError(f"--answer: {item!r} must be QUESTION=ANSWER")
        answers[question.strip()] = answer.strip()
    criteria = read_criteria(args.data)
    unknown = set(answers) - {q.id for q in criteria.questions}
    if unknown:
        raise CliError(
            f"--answer: unknown question(s) {', '.join(sorted(unknown))}; "
            f"allowed: {', '.join(q.id for q in criteria.questions)}"
        )
    profile = read_profile(args.profile)
    book = read_pricebook(args.data, on=args.pricing_date)
    try:
        analysis = analyse(profile, book, axis=args.axis, criteria=criteria, answers=answers)
    except ValueError as exc:
        raise CliError(f"--answer: {exc}") from None
    data = build(analysis, args.format)
    if str(args.output) == "-":
        sys.stdout.buffer.write(data)
    else:
        args.output.write_bytes(data)
        print(f"wrote {args.output} ({len(data):,} bytes)", file=sys.stderr)
    return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    from pricing.load import DATA_DIR, PricingError, list_table_files, read_table
    from pricing.yamlio import Problem

    root = args.data or DATA_DIR
    paths = args.paths or [f.path for f in list_table_files(root)]
    problems: list[Problem] = []
    for path in paths:
        if not path.is_file():
            raise CliError(f"{path}: no such file")
        try:
            read_table(path, today=args.today, root=root)
        except PricingError as exc:
            problems.extend(exc.problems)
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(paths)} table(s) checked, {len(problems)} problem(s)")
    return EXIT_INVALID if problems else EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    from pricing.load import DATA_DIR
    from pricing.schemas import json_schemas

    out = args.out or (args.data or DATA_DIR) / "schema"
    out.mkdir(parents=True, exist_ok=True)
    for name, schema in json_schemas().items():
        (out / name).write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
        print(out / name)
    return EXIT_OK


def run(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "compare":
        return _compare(args)
    if args.command == "report":
        return _report(args)
    if args.pricing_command == "validate":
        return _validate(args)
    return _schema(args)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: run a command; turn every input error into a message and exit status 2."""
    from model.profile import ProfileError
    from pricing.load import PricingError

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
        return EXIT_INVALID


if __name__ == "__main__":
    sys.exit(main())
