"""Read pricing tables from `data/pricing/` and resolve which version is in force.

Layout: `data/pricing/<vendor>/<offering>/<YYYY-MM-DD>.yaml`, where the two folders spell the
table's `id` and the file name is its `effective` date. The newest file not after the chosen date
is the one in force.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from model.requirements import book_problems, table_problems
from pricing.checks import Policy, TableVersion
from pricing.yamlio import TABLE_BYTES, InputError, Problem, format_problems, parse_yaml, problems_from, read_bounded
from schema.criteria import Criteria
from schema.numbers import latest_today
from schema.tables import ModelsFile, PriceBook, PriceTable

__all__ = [
    "DATA_DIR",
    "DATA_ENV",
    "PricingError",
    "TableFile",
    "data_dir",
    "list_table_files",
    "parse_table",
    "read_criteria",
    "read_models",
    "read_policy",
    "read_pricebook",
    "read_table",
    "read_version",
    "read_versions",
    "scan_table_files",
    "version_dates",
]

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
"""The bundled data directory."""
DATA_ENV = "TCO_DATA"
"""An environment variable naming another data directory (a draft of the next quarter's tables)."""


def data_dir() -> Path:
    """The data directory in use: `$TCO_DATA` when set, else the bundled one."""
    other = os.environ.get(DATA_ENV)
    return Path(other) if other else DATA_DIR


_DATE_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})\.ya?ml$")


class PricingError(ValueError):
    """One or more problems in pricing data; `problems` name file, line and field."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        super().__init__(format_problems(self.problems))


@dataclass(frozen=True)
class TableFile:
    table_id: str
    effective: dt.date
    path: Path


def parse_table(text: str, file: str, *, today: dt.date | None = None) -> PriceTable:
    """Parse and validate one table's YAML text. Raises `PricingError`.

    Once per text, name and day: a table is frozen, and a process that reads the price book again
    (a second `tco` command in one process, a sweep over pricing dates) parses only what changed."""
    return _parse_table(text, file, today or latest_today())


@functools.lru_cache(maxsize=256)
def _parse_table(text: str, file: str, today: dt.date) -> PriceTable:
    doc = parse_yaml(text, file)
    if doc.problems:
        raise PricingError(doc.problems)
    if not isinstance(doc.data, dict):
        raise PricingError([Problem(file, 1, "", "a pricing table must be a YAML mapping")])
    try:
        table = PriceTable.model_validate(doc.data, context={"today": today})
    except ValidationError as exc:
        raise PricingError(problems_from(exc, doc, file)) from None
    problems = [*_reference_problems(table, file, doc.line_of)]
    problems += [
        Problem(file, doc.line_of(path), ".".join(str(p) for p in path), message)
        for path, message in table_problems(table)
    ]
    if problems:
        raise PricingError(problems)
    return table


def _reference_problems(
    table: PriceTable, file: str, line_of: Callable[[tuple[str | int, ...]], int | None]
) -> Iterable[Problem]:
    """Checks the schema cannot express: every `source:` names a source of this table."""
    known = set(table.sources)
    for path, item in table.numbers().items():
        refs = [item.source]
        if hasattr(item, "alternatives"):
            refs += [alt.source for alt in item.alternatives]
        for ref in refs:
            if ref not in known:
                loc = _yaml_path(table, path)
                yield Problem(
                    file,
                    line_of((*loc, "source")),
                    ".".join(str(p) for p in (*loc, "source")),
                    f"unknown source {ref!r} (this table's sources: {', '.join(sorted(known))})",
                )
    seen_plans: set[str] = set()
    for index, plan in enumerate(table.plans):
        if plan.id in seen_plans:
            yield Problem(file, line_of(("plans", index, "id")), f"plans[{index}].id", f"duplicate plan id {plan.id!r}")
        seen_plans.add(plan.id)


def _yaml_path(table: PriceTable, path: tuple[str, ...]) -> tuple[str | int, ...]:
    """Map a `numbers()` path to the YAML path (plans are a list, addressed by index)."""
    if path[0] == "plans":
        index = next(i for i, p in enumerate(table.plans) if p.id == path[1])
        return ("plans", index, *path[2:])
    return path


def _read(path: Path) -> str:
    try:
        return read_bounded(path, TABLE_BYTES, "data file")
    except InputError as exc:
        raise PricingError([exc.problem]) from None


def read_table(path: Path, *, today: dt.date | None = None, root: Path | None = None) -> PriceTable:
    """Read one table file; check that its folder and file name agree with its id and date."""
    root = root or data_dir()
    shown = _shown(path, root)
    table = parse_table(_read(path), shown, today=today)
    problems = []
    match = _DATE_NAME.match(path.name)
    if not match:
        problems.append(Problem(shown, None, "", "file name must be the effective date, YYYY-MM-DD.yaml"))
    elif match.group(1) != table.effective.isoformat():
        problems.append(
            Problem(
                shown, None, "effective", f"effective date {table.effective} does not match the file name {path.name}"
            )
        )
    expected_id = f"{path.parent.parent.name}/{path.parent.name}"
    if table.id != expected_id:
        problems.append(Problem(shown, None, "id", f"id {table.id!r} does not match its folder {expected_id!r}"))
    if problems:
        raise PricingError(problems)
    return table


def _shown(path: Path, root: Path) -> str:
    """The file as problems name it: relative to the data directory's parent where it lies inside
    (a symbolic link that loops is named as written; reading it says why)."""
    try:
        return str(path.resolve().relative_to(root.resolve().parent))
    except (ValueError, OSError, RuntimeError):
        return str(path)


def scan_table_files(root: Path | None = None) -> tuple[list[TableFile], list[Problem]]:
    """Every well-named table file under `root/pricing`, sorted by id then date, and a problem
    for each file whose name is not a date (so `validate` can report them all)."""
    base = (root or data_dir()) / "pricing"
    found, problems = [], []
    for path in sorted(base.glob("*/*/*.y*ml")):
        match = _DATE_NAME.match(path.name)
        date = None
        if match:
            try:
                date = dt.date.fromisoformat(match.group(1))
            except ValueError:
                date = None
        if date is None:
            problems.append(
                Problem(
                    str(path.relative_to(base.parent.parent)),
                    None,
                    "",
                    "file name must be the effective date, YYYY-MM-DD.yaml",
                )
            )
            continue
        found.append(TableFile(f"{path.parent.parent.name}/{path.parent.name}", date, path))
    # One file per table and date: `2025-08-18.yaml` beside `2025-08-18.yml` would leave which one
    # is in force to the order of a directory listing.
    by_day: dict[tuple[str, dt.date], list[TableFile]] = {}
    for item in found:
        by_day.setdefault((item.table_id, item.effective), []).append(item)
    for (table_id, day), files in sorted(by_day.items()):
        if len(files) > 1:
            names = " and ".join(f.path.name for f in files)
            problems.append(
                Problem(
                    str(files[-1].path.relative_to(base.parent.parent)),
                    None,
                    "",
                    f"{table_id} has {len(files)} files for {day}: {names}; keep one",
                )
            )
    found = [f for f in found if len(by_day[(f.table_id, f.effective)]) == 1]
    return sorted(found, key=lambda f: (f.table_id, f.effective)), problems


def list_table_files(root: Path | None = None) -> list[TableFile]:
    """Every table file under `root/pricing`, sorted by id then date. Raises `PricingError`
    when a file's name is not its effective date."""
    found, problems = scan_table_files(root)
    if problems:
        raise PricingError(problems)
    return found


def version_dates(root: Path | None = None) -> list[dt.date]:
    """Every date on which some table changed, oldest first: the distinct price books."""
    return sorted({f.effective for f in list_table_files(root)})


def read_pricebook(root: Path | None = None, on: dt.date | None = None, *, today: dt.date | None = None) -> PriceBook:
    """The tables in force on `on` (default: today): the newest file of each id not after it.

    A table whose first version is later than `on` is left out. Raises `PricingError` listing
    every problem of every file read.
    """
    root = root or data_dir()
    on = on or dt.date.today()
    chosen: dict[str, TableFile] = {}
    files = list_table_files(root)
    for item in files:
        if item.effective <= on:
            chosen[item.table_id] = item
    tables: dict[str, PriceTable] = {}
    problems: list[Problem] = []
    for table_id, item in chosen.items():
        try:
            tables[table_id] = read_table(item.path, today=today, root=root)
        except PricingError as exc:
            problems.extend(exc.problems)
    if problems:
        raise PricingError(problems)
    if not tables:
        raise PricingError([Problem(str(root), None, "pricing-date", f"no pricing table is in force on {on}")])
    for table_id, table in tables.items():
        for ref in table.uses:
            if ref not in tables:
                problems.append(
                    Problem(
                        str(chosen[table_id].path.relative_to(root.parent)),
                        None,
                        "uses",
                        f"{ref!r} has no version in force on {on}",
                    )
                )
    if problems:
        raise PricingError(problems)
    first: dict[str, TableFile] = {}
    for item in files:
        if item.table_id not in chosen and item.table_id not in first:
            first[item.table_id] = item
    later = {}
    for table_id, item in sorted(first.items()):
        table = read_table(item.path, today=today, root=root)
        if table.kind == "option":
            later[table_id] = (table.name, item.effective)
    book = PriceBook(
        as_of=on,
        tables=tables,
        files={tid: str(item.path.relative_to(root)) for tid, item in chosen.items()},
        later=later,
        models=read_models(root, today=today) if (root / MODELS_FILE).is_file() else None,
    )
    gaps = book_problems(book)
    if gaps:
        raise PricingError(
            [
                Problem(
                    str(chosen[tid].path.relative_to(root.parent)),
                    None,
                    ".".join(map(str, path)),
                    f"{message} (tables in force on {on})",
                )
                for tid, path, message in gaps
            ]
        )
    return book


def read_criteria(root: Path | None = None, *, today: dt.date | None = None) -> Criteria:
    """Read `data/criteria.yaml`, the recommendation checklist. Raises `PricingError`."""
    path = (root or data_dir()) / "criteria.yaml"
    shown = _shown(path, root or data_dir())
    doc = parse_yaml(_read(path), shown)
    if doc.problems:
        raise PricingError(doc.problems)
    try:
        return Criteria.model_validate(doc.data, context={"today": today})
    except ValidationError as exc:
        raise PricingError(problems_from(exc, doc, shown)) from None


def read_version(path: Path, *, today: dt.date | None = None, root: Path | None = None) -> TableVersion:
    """One table file validated, with its YAML line map (for messages that name a line).

    A file inside `root/pricing` must be named after its date in its table's folder; a file
    anywhere else (a draft, a base branch's copy) is checked on its content only."""
    root = root or data_dir()
    text = _read(path)
    if path.resolve().is_relative_to((root / "pricing").resolve()):
        shown = _shown(path, root)
        table = read_table(path, today=today, root=root)
    else:
        shown = str(path)
        table = parse_table(text, shown, today=today)
    return TableVersion(shown, table, parse_yaml(text, shown))


def read_versions(root: Path | None = None, *, today: dt.date | None = None) -> list[TableVersion]:
    """Every version of every table, validated. Raises `PricingError` listing every problem."""
    versions: list[TableVersion] = []
    problems: list[Problem] = []
    for item in list_table_files(root):
        try:
            versions.append(read_version(item.path, today=today, root=root))
        except PricingError as exc:
            problems.extend(exc.problems)
    if problems:
        raise PricingError(problems)
    return versions


MODELS_FILE = "models.yaml"
"""Which `genai-prices` snapshot prices the model's tokens."""


def read_models(root: Path | None = None, *, today: dt.date | None = None) -> ModelsFile:
    """`data/models.yaml`, validated, with its pin checked against the installed package. Raises
    `PricingError`."""
    from model.llm_prices import pin_problem

    path = (root or data_dir()) / MODELS_FILE
    shown = _shown(path, root or data_dir())
    doc = parse_yaml(_read(path), shown)
    if doc.problems:
        raise PricingError(doc.problems)
    try:
        models = ModelsFile.model_validate(doc.data, context={"today": today})
    except ValidationError as exc:
        raise PricingError(problems_from(exc, doc, shown)) from None
    problem = pin_problem(models)
    if problem is not None:
        raise PricingError([Problem(shown, doc.line_of(["pinned"]), "pinned", problem)])
    return models


def read_policy(root: Path | None = None) -> Policy:
    """`data/policy.yaml`, the thresholds of the sanity rules. Raises `PricingError`."""
    path = (root or data_dir()) / "policy.yaml"
    shown = _shown(path, root or data_dir())
    if not path.is_file():
        raise PricingError([Problem(shown, None, "", "missing: the sanity rules read their thresholds from it")])
    doc = parse_yaml(_read(path), shown)
    if doc.problems:
        raise PricingError(doc.problems)
    try:
        return Policy.model_validate(doc.data)
    except ValidationError as exc:
        raise PricingError(problems_from(exc, doc, shown)) from None
