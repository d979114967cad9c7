"""What the commands read besides their flags: a date, a profile, a profile or account file, a
scenario set and the checklist's answers, each checked against the pricing data (machine sizes,
option ids, questions) before any is priced."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from commands.errors import CliError

if TYPE_CHECKING:  # the readers are imported when a command runs: `tco --help` loads none of them
    from pricing.accounts import Workload
    from pricing.scenarios import ScenarioSet
    from schema.criteria import Criteria
    from schema.profile import WorkloadProfile
    from schema.tables import PriceBook

__all__ = ["date", "load_profile", "load_scenarios", "load_workload", "parse_answers"]


def date(text: str) -> dt.date:
    """A `YYYY-MM-DD` argument as a date; anything else is refused with the form to use."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; use YYYY-MM-DD") from None


def _option_ids(book: PriceBook) -> set[str]:
    """Every option a profile may name: those priced on the book's date and those priced only later."""
    return {t.id for t in book.options()} | set(book.later)


def load_profile(path: Path, data: Path | None, book: PriceBook) -> WorkloadProfile:
    """A profile file, checked against the pricing data too (machine size, option ids)."""
    from pricing.profiles import known_from, read_profile

    return read_profile(path, known=known_from(book, _option_ids(book)), root=data)


def load_workload(path: Path, data: Path | None, book: PriceBook) -> Workload:
    """A profile file or an account file (`agents:`), checked against the pricing data too."""
    from pricing.accounts import read_workload
    from pricing.profiles import known_from

    return read_workload(path, known=known_from(book, _option_ids(book)), root=data)


def load_scenarios(args: argparse.Namespace, book: PriceBook) -> ScenarioSet:
    """The scenario set of `--scenarios`, checked against the pricing data too (machine size, option ids)."""
    from pricing.profiles import known_from
    from pricing.scenarios import read_scenarios

    return read_scenarios(args.scenarios, known=known_from(book, _option_ids(book)), root=args.data)


def parse_answers(args: argparse.Namespace, criteria: Criteria) -> dict[str, str]:
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
