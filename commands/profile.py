"""`tco profile from-…`: a workload profile derived from a team's own runs (exported histories or run
lists), read within bounds and written to a file or standard output."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from commands.errors import EXIT_OK, CliError
from commands.output import write_file

__all__ = ["MAX_EXPORT_FILES", "import_profile"]


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


def _write_profile(args: argparse.Namespace, text: str, what: str) -> None:
    if args.output is None or str(args.output) == "-":
        sys.stdout.write(text)
        return
    write_file(args.output, text.encode("utf-8"), list(args.files), "profile")
    print(f"wrote {args.output} from {what}", file=sys.stderr)


def import_profile(args: argparse.Namespace) -> int:
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
