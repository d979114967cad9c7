"""`tco pricing`: work on the pricing tables: validate them, diff two versions, the effect of a
change on the profiles, the tables overdue for a re-check, one option's table, the JSON Schemas and
the documents' tables of the data (the README's, CONTRIBUTING's)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from commands.errors import EXIT_INVALID, EXIT_OK, CliError
from commands.inputs import date, load_profile

if TYPE_CHECKING:  # the readers are imported when the command runs
    from schema.tables import PriceTable

__all__ = ["diff", "impact", "readme", "schema", "show", "stale", "validate"]


def validate(args: argparse.Namespace) -> int:
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


def diff(args: argparse.Namespace) -> int:
    from pricing.load import data_dir, list_table_files, read_pricebook, read_table
    from pricing.versions import diff_tables
    from report.pricing import diff_markdown

    root = args.data or data_dir()
    items = args.items
    if len(items) == 3:
        try:
            table_id, first, second = items[0], date(items[1]), date(items[2])
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


def impact(args: argparse.Namespace) -> int:
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
    profiles += [load_profile(path, args.data, latest) for path in args.profile]
    if not profiles:
        raise CliError("pricing impact: no profiles (give --profile, or drop --no-presets)")
    costs = costs_by_date(profiles, books)
    sys.stdout.write(impact_markdown(impact_frame(costs, before, after), before, after))
    return EXIT_OK


def stale(args: argparse.Namespace) -> int:
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


def show(args: argparse.Namespace) -> int:
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


def schema(args: argparse.Namespace) -> int:
    from pricing.json_schemas import json_schemas
    from pricing.load import data_dir

    out = args.out or (args.data or data_dir()) / "schema"
    out.mkdir(parents=True, exist_ok=True)
    for name, schema in json_schemas().items():
        (out / name).write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
        print(out / name)
    return EXIT_OK


def readme(args: argparse.Namespace) -> int:
    """The README's tables of the options and sandboxes, and CONTRIBUTING's quarterly table."""
    from pricing.readme import contributing_blocks, readme_blocks, rewritten

    for path, blocks in ((args.file, readme_blocks), (args.contributing, contributing_blocks)):
        text = path.read_text(encoding="utf-8")
        try:
            new = rewritten(text, blocks(args.data))
        except ValueError as exc:
            raise CliError(f"{path}: {exc}") from None
        if new != text:
            path.write_text(new, encoding="utf-8")
        print(f"{path}: {'rewritten' if new != text else 'already current'}")
    return EXIT_OK
