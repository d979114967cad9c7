"""Sanity rules beyond the schema, and staleness.

The schema checks one file at a time. These rules look across versions and files:

- a number that moved by more than the policy's threshold since the table's previous version
  carries a new `note` saying why;
- a number keeps its unit across versions, unless a new note says why it changed;
- every source URL is a well-formed public https address;
- every price (`prices`, plan fees and plan prices) is in a USD unit;
- every option the checklist criteria name exists as a table, and every option table has a
  vendor in the criteria (or the recommendation could not place it).

`stale_tables` lists the tables in force whose sources are older than their re-check cadence.
The threshold lives in `data/policy.yaml`, not here.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from pricing.provenance import number_rows
from pricing.versions import diff_tables
from pricing.yamlio import Problem, YamlDocument
from schema.criteria import Criteria
from schema.numbers import Tiered
from schema.tables import ModelsFile, PriceTable

__all__ = ["Policy", "Staleness", "TableVersion", "last_checked", "sanity_problems", "stale_tables"]


class Policy(BaseModel):
    """`data/policy.yaml`: the maintainers' rules for the pricing data."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(ge=1, le=1)
    note_required_above: float = Field(gt=0, le=10)
    """A number that moved by more than this fraction needs a new note (0.2 = 20 %)."""
    ranges_unless_primary: bool = False
    """A number that prices something (not a limit) and is not from the vendor's own page has a
    range, so no figure looks more certain than its sources."""


@dataclass(frozen=True)
class TableVersion:
    """One validated table with where it came from (for messages with file and line)."""

    file: str
    table: PriceTable
    document: YamlDocument | None = None

    def line_of(self, path: str) -> int | None:
        if self.document is None:
            return None
        # Keys may hold dots (`compute.small-1x`): split only where the table's layout nests.
        head, _, rest = path.partition(".")
        parts: list[str | int]
        if head == "plans":
            plan, _, rest = rest.partition(".")
            index = next(i for i, p in enumerate(self.table.plans) if p.id == plan)
            section, _, key = rest.partition(".")
            parts = ["plans", index, section, *([key] if key else [])]
        elif head == "machines":
            name, _, field = rest.rpartition(".")
            parts = ["machines", name, field]
        else:
            parts = [head, rest]
        return self.document.line_of(parts)


def _url_problem(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme != "https":
        return f"source URL {url!r} must use https"
    host = parts.hostname or ""
    if any(c.isspace() for c in url):
        return f"source URL {url!r} contains whitespace"
    try:
        ipaddress.ip_address(host)
        return f"source URL {url!r} names an IP address; cite the vendor's public page"
    except ValueError:
        pass
    if host == "localhost" or "." not in host or host.endswith("."):
        return f"source URL {url!r} has no public host name"
    return None


_GITHUB_REF = re.compile(
    r"^https?://(?:github\.com/[^/]+/[^/]+/(?:blob|tree|raw)/|raw\.githubusercontent\.com/[^/]+/[^/]+/)"
    r"(refs/(?:heads|tags)/)?([^/]+)/"
)
_COMMIT = re.compile(r"^[0-9a-f]{7,40}$")
_RELEASE = re.compile(r"^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?$")
"""A commit, or a tag written as a full release number (v1.32.0); anything else may be a branch
(`main`, `v3`, `1.x`, `2.0-dev`), unless the address says `refs/tags/`."""


def _moving_ref(url: str) -> str | None:
    """The branch a repository address reads from (`main` in `.../blob/main/docs/x.md`), which
    moves; None for a commit, a tag or any other address."""
    found = _GITHUB_REF.match(url)
    if found is None or _ref_pinned(found):
        return None
    return found.group(2)


def _ref_pinned(found: re.Match[str]) -> bool:
    kind, ref = found.group(1), found.group(2)
    if kind == "refs/heads/":
        return False
    return kind == "refs/tags/" or bool(_COMMIT.match(ref) or _RELEASE.match(ref))


def _pinned(url: str) -> bool:
    """A repository address at a commit or a tag (a permalink), or a release page."""
    if re.match(r"^https://github\.com/[^/]+/[^/]+/releases/tag/", url):
        return True
    found = _GITHUB_REF.match(url)
    return found is not None and _ref_pinned(found)


def _source_problems(version: TableVersion) -> Iterable[Problem]:
    seen: dict[str, str] = {}
    for key, source in version.table.sources.items():
        addresses = [("url", str(source.url)), ("archive_url", source.archive_url)]
        if source.read is not None and ("://" in source.read.at or source.read.at.startswith("github.com/")):
            addresses.append(("read.at", source.read.at))
        for field, url in addresses:
            if url is None:
                continue
            message = _url_problem(str(url))
            branch = _moving_ref(str(url))
            if message is None and branch is not None:
                message = (
                    f"source URL {str(url)!r} reads the branch {branch!r}, whose files change; "
                    "cite the commit (or tag) that was read"
                )
            if message:
                line = version.document.line_of(("sources", key, *field.split("."))) if version.document else None
                yield Problem(version.file, line, f"sources.{key}.{field}", message)
        if source.verified is not None and _pinned(str(source.url)):
            line = version.document.line_of(("sources", key, "verified")) if version.document else None
            yield Problem(
                version.file,
                line,
                f"sources.{key}.verified",
                "a commit or tag shows the repository as it was then, not what the vendor says today: "
                "record it as `read: {kind: repository, at: <this address>, dated: <the commit's date>, on: <today>}`",
            )
        what = source.read.at if source.read is not None else str(source.url)
        if what in seen:
            line = version.document.line_of(("sources", key)) if version.document else None
            yield Problem(
                version.file,
                line,
                f"sources.{key}",
                f"cites what source {seen[what]!r} cites ({what}); two sources that read one address "
                "are one source, and two versions of a page need their own addresses (a commit or an archive)",
            )
        seen.setdefault(what, key)


def _is_price(path: str) -> bool:
    parts = path.split(".")
    return parts[0] == "prices" or (parts[0] == "plans" and (parts[2] == "fee" or parts[2] == "prices"))


def _unit_problems(version: TableVersion) -> Iterable[Problem]:
    for row in number_rows(version.table):
        if _is_price(row.path) and not row.unit.startswith("USD"):
            yield Problem(
                version.file, version.line_of(row.path), row.path, f"a price must be in a USD unit (got {row.unit!r})"
            )


def _plan_problems(old: TableVersion, new: TableVersion) -> Iterable[Problem]:
    """A plan that appears or disappears (a renamed plan does both) must be explained: named in
    the new version's (changed) `notes`, or, when new, given a `note` of its own; otherwise its prices would escape
    the moved-by rule, which compares a number with the same number of the previous version."""
    # Notes copied unchanged from the previous version explain nothing new.
    notes = (new.table.notes or "").lower() if new.table.notes != old.table.notes else ""
    before = {p.id: p for p in old.table.plans}
    after = {p.id: p for p in new.table.plans}
    for plan_id in after.keys() - before.keys():
        plan = after[plan_id]
        if plan.name.lower() not in notes and plan_id not in notes and not plan.note:
            index = next(i for i, p in enumerate(new.table.plans) if p.id == plan_id)
            line = new.document.line_of(("plans", index, "id")) if new.document else None
            yield Problem(
                new.file,
                line,
                f"plans.{plan_id}",
                f"new plan since {old.table.effective}: give it a `note`, or name it in the table's `notes` "
                "(what it replaces, what it costs)",
            )
    for plan_id in before.keys() - after.keys():
        plan = before[plan_id]
        if plan.name.lower() not in notes and plan_id not in notes:
            line = new.document.line_of(("notes",)) if new.document else None
            yield Problem(
                new.file,
                line,
                "notes",
                f"plan {plan.name!r} of {old.table.effective} is gone: say in `notes` what happened to it",
            )


def _unranged(table: PriceTable) -> Iterable[str]:
    """Paths of the numbers that price something, are not primary, and have no range."""
    for path, item in table.numbers().items():
        if path[0] == "limits" or (path[0] == "plans" and path[2] in ("limits", "rate_caps")):
            continue  # a limit bounds a run; it prices nothing
        if table.confidence_of(item) == "primary":
            continue
        ranged = (
            (item.low_factor is not None)
            if isinstance(item, Tiered)
            else (item.low is not None and item.high is not None)
        )
        if not ranged:
            yield ".".join(str(p) for p in path)


def _range_problems(version: TableVersion) -> Iterable[Problem]:
    for path in _unranged(version.table):
        yield Problem(
            version.file,
            version.line_of(path),
            path,
            "not from the vendor's own page (secondary or estimate): give it a `low` and `high` (tiers: "
            "`low_factor` and `high_factor`), with a note saying where the bounds come from",
        )


def _change_problems(old: TableVersion, new: TableVersion, policy: Policy) -> Iterable[Problem]:
    yield from _plan_problems(old, new)
    for change in diff_tables(old.table, new.table):
        if change.kind != "changed" or change.old is None or change.new is None:
            continue
        renoted = bool(change.new.note) and change.new.note != change.old.note
        if change.old.unit != change.new.unit and not renoted:
            yield Problem(
                new.file,
                new.line_of(change.path),
                change.path,
                f"unit changed from {change.old.unit!r} to {change.new.unit!r} since {old.table.effective}; "
                "add a `note` saying why",
            )
            continue
        moved = change.moved
        if moved is not None and moved > policy.note_required_above and not renoted:
            size = "from zero" if moved == float("inf") else f"by {moved:.0%}"
            yield Problem(
                new.file,
                new.line_of(change.path),
                change.path,
                f"moved {size} since {old.table.effective} ({change.old.shown} -> {change.new.shown}), more than "
                f"the {policy.note_required_above:.0%} that needs no explanation; add a new `note` saying why",
            )


def _criteria_problems(tables: Sequence[TableVersion], criteria: Criteria, criteria_file: str) -> Iterable[Problem]:
    known = {v.table.id for v in tables if v.table.kind == "option"}
    named: set[str] = set()
    for vendor_id, vendor in criteria.vendors.items():
        for option in vendor.options:
            named.add(option)
            if option not in known:
                yield Problem(
                    criteria_file,
                    None,
                    f"vendors.{vendor_id}.options",
                    f"option {option!r} has no pricing table (have: {', '.join(sorted(known))})",
                )
    for option in sorted(known - named):
        yield Problem(
            criteria_file,
            None,
            "vendors",
            f"option table {option!r} belongs to no vendor; add it to a vendor's `options`",
        )


def sanity_problems(
    tables: Sequence[TableVersion],
    policy: Policy,
    criteria: Criteria | None = None,
    criteria_file: str = "criteria.yaml",
) -> list[Problem]:
    """Every problem the rules above find. `tables` are all versions of all tables (checks
    across versions compare each to the previous version of the same id)."""
    problems: list[Problem] = []
    by_id: dict[str, list[TableVersion]] = {}
    for version in tables:
        by_id.setdefault(version.table.id, []).append(version)
        problems += _source_problems(version)
        problems += _unit_problems(version)
        if policy.ranges_unless_primary:
            problems += _range_problems(version)
    for versions in by_id.values():
        ordered = sorted(versions, key=lambda v: v.table.effective)
        for old, new in itertools.pairwise(ordered):
            problems += _change_problems(old, new, policy)
    if criteria is not None:
        problems += _criteria_problems(tables, criteria, criteria_file)
    return problems


@dataclass(frozen=True)
class Staleness:
    table: str
    file: str
    effective: dt.date
    recheck_months: int
    last_checked: dt.date
    """The oldest day among the sources the table's numbers cite on which their number is known to
    hold: read at the source that day, or the date of the copy that was read instead."""
    read_last: dt.date
    """The latest day a maintainer read any of those sources (at the source or through a copy)."""
    through_copies: int
    """How many of those sources were not read at their own address (a copy, a repository, a
    package or a third party was read instead)."""
    cited: int
    due: dt.date
    overdue_days: int
    """Days past `due` on the day asked about; negative while still fresh."""

    @property
    def stale(self) -> bool:
        return self.overdue_days > 0


def last_checked(table: PriceTable) -> dt.date:
    return table.checked()


def stale_models(models: ModelsFile, file: str, today: dt.date) -> Staleness:
    """The token price snapshot's staleness, as a table's (`data/models.yaml`)."""
    source = models.source
    read_on = source.verified or (source.read.on if source.read is not None else source.stated)
    due = models.recheck_due()
    return Staleness(
        table="model tokens (genai-prices)",
        file=file,
        effective=source.stated,
        recheck_months=models.recheck_months,
        last_checked=models.checked(),
        read_last=read_on,
        through_copies=int(source.verified is None),
        cited=1,
        due=due,
        overdue_days=(today - due).days,
    )


def stale_tables(tables: Iterable[TableVersion], today: dt.date) -> list[Staleness]:
    """For the newest version of each table: when it was last verified, when it is due again,
    and by how many days it is overdue on `today`. Sorted most overdue first."""
    newest: dict[str, TableVersion] = {}
    for version in tables:
        if version.table.effective <= today:
            current = newest.get(version.table.id)
            if current is None or version.table.effective > current.table.effective:
                newest[version.table.id] = version
    out = []
    for version in newest.values():
        table = version.table
        sources = table.cited_sources()
        checked = table.checked()
        read_last = max(s.read_on for s in sources)
        due = table.recheck_due()
        out.append(
            Staleness(
                table=table.id,
                file=version.file,
                effective=table.effective,
                recheck_months=table.recheck_months,
                last_checked=checked,
                read_last=read_last,
                through_copies=sum(s.verified is None for s in sources),
                cited=len(sources),
                due=due,
                overdue_days=(today - due).days,
            )
        )
    return sorted(out, key=lambda s: (-s.overdue_days, s.table))
