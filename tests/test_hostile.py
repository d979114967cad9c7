"""Hostile input, tried as an attacker would: files, links, uploads and pricing tables built to break the
tool, each answered with a message that names what is wrong (exit 2 in the CLI), never a traceback, an
outside request or a hang.

Every case runs under a hang guard (`guard`: the call is interrupted after `HANG_SECONDS`, which only
a hang reaches: the slowest case takes about 2.5 s on a 2-core machine); the largest inputs run in a
child process whose address space is capped (`MEMORY_CAP`), so an input that made the tool read or
build something unbounded fails the test instead of the machine.

Why one file: one attacker's catalogue: every door's hostile cases under the same hang guard and
memory cap.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import resource
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cli import main
from pricing.profiles import read_presets
from pricing.vendors import IMPORTERS
from tests.test_app import problems_shown, start

ROOT = Path(__file__).resolve().parent.parent
HANG_SECONDS = 60
MEMORY_CAP = 1536 * 1024 * 1024
GOOD = "version: 2\nmonthly_runs: 1000\nsteps_per_run: 10\nstep_seconds: 3\n"
PRESETS = read_presets()


@contextlib.contextmanager
def guard(seconds: int = HANG_SECONDS) -> Iterator[None]:
    def hung(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with guard():
        code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def refused(code: int, err: str, *expect: str) -> None:
    """Exit 2 with a message on one or a few lines, naming what it must, and no traceback."""
    assert code == 2, err
    assert "Traceback" not in err and "internal error" not in err, err
    assert err.strip(), "no message"
    for text in expect:
        assert text in err, (text, err)


# --- profile files: `tco compare --profile FILE` ------------------------------------------------------

PROFILES: dict[str, tuple[bytes, tuple[str, ...]]] = {
    "python tag": (GOOD.encode() + b"name: !!python/object:os.system ls\n", ("tag", ":5")),
    "python apply tag": (GOOD.encode() + b"name: !!python/object/apply:os.system [ls]\n", ("tag",)),
    "custom tag": (b"monthly_runs: !custom 1000\nsteps_per_run: 10\nstep_seconds: 3\n", ("!custom",)),
    "binary tag": (GOOD.encode() + b"name: !!binary aGVsbG8=\n", ("!!binary",)),
    "set tag": (GOOD.encode() + b"options: !!set {a: null}\n", ("!!set",)),
    "omap tag": (GOOD.encode() + b"team: !!omap [{a: 1}]\n", ("!!omap",)),
    "list as a key": (b"? [a, b]\n: 1\n" + GOOD.encode(), ("key must be plain text",)),
    "mapping as a key": (b"? {a: 1}\n: 1\n" + GOOD.encode(), ("key must be plain text",)),
    "100,000-digit integer": (
        b"monthly_runs: " + b"9" * 100_000 + b"\nsteps_per_run: 10\nstep_seconds: 3\n",
        ("100,000 digits",),
    ),
    "101-digit integer": (b"monthly_runs: " + b"1" * 101 + b"\nsteps_per_run: 10\nstep_seconds: 3\n", ("digits",)),
    "deep flow nesting": (b"a: " + b"[" * 100_000 + b"]" * 100_000 + b"\n", ("nested",)),
    "deep block nesting": (
        "".join(f"{'  ' * i}k{i}:\n" for i in range(200)).encode() + b"  " * 200 + b"x: 1\n",
        ("nested",),
    ),
    "billion laughs": (
        b"a: &a [1, 1, 1]\nb: &b [*a, *a, *a]\nc: &c [*b, *b, *b]\nd: [*c, *c, *c]\n" + GOOD.encode(),
        ("aliases",),
    ),
    "duplicate key": (GOOD.encode() + b"monthly_runs: 5\n", ("duplicate key",)),
    "Latin-1 bytes": (GOOD.encode() + "name: caf\u00e9\n".encode("latin-1"), ("not UTF-8",)),
    "UTF-16 LE": (GOOD.encode("utf-16-le").join([b"\xff\xfe", b""]), ("UTF-16",)),
    "UTF-16 BE": (b"\xfe\xff" + GOOD.encode("utf-16-be"), ("UTF-16",)),
    "NUL bytes": (b"monthly_runs: 1000\x00\nsteps_per_run: 10\nstep_seconds: 3\n", ("YAML",)),
    "empty file": (b"", ("mapping",)),
    "only comments": (b"# nothing here\n", ("mapping",)),
    "a list": (b"- 1\n- 2\n", ("mapping",)),
    "a scalar": (b"42\n", ("mapping",)),
    "unclosed quote": (b"name: 'oops\n" + GOOD.encode(), ("YAML",)),
    "tab indentation": (b"team:\n\tops_fte: {}\n" + GOOD.encode(), ("YAML",)),
    "true as runs": (b"monthly_runs: true\nsteps_per_run: 10\nstep_seconds: 3\n", ("monthly_runs", "true or false")),
    "yes as retries": (GOOD.encode() + b"retry_rate: yes\n", ("retry_rate", "valid number", "got 'yes'")),
    "true as retries": (GOOD.encode() + b"retry_rate: true\n", ("retry_rate", "true or false")),
    "text as runs": (b"monthly_runs: lots\nsteps_per_run: 10\nstep_seconds: 3\n", ("monthly_runs",)),
    "NaN": (GOOD.encode() + b"retry_rate: .nan\n", ("retry_rate",)),
    "infinity": (GOOD.encode() + b"sleep_seconds: .inf\n", ("sleep_seconds",)),
    "1e400 (overflows to infinity)": (GOOD.encode() + b"sleep_seconds: 1.0e400\n", ("sleep_seconds",)),
    "negative runs": (b"monthly_runs: -1\nsteps_per_run: 10\nstep_seconds: 3\n", ("monthly_runs",)),
    "runs past the bound": (b"monthly_runs: 1.0e11\nsteps_per_run: 10\nstep_seconds: 3\n", ("monthly_runs",)),
    "terminal escape in the name": (GOOD.encode() + b'name: "a\\e[31mred"\n', ("name", "U+001B")),
    "carriage return in the name": (GOOD.encode() + b'name: "over\\rwrite"\n', ("name", "U+000D")),
    "NEL in the name": (GOOD.encode() + b'name: "a\\Nb"\n', ("name", "U+0085")),
    "right-to-left override in the name": (GOOD.encode() + "name: a\u202eb\n".encode(), ("name", "U+202E")),
    "line separator in the description": (GOOD.encode() + b'description: "a\\Lb"\n', ("description", "U+2028")),
    "line break in the name": (GOOD.encode() + b'name: "Coding agent\\n# Cheapest: ours"\n', ("name", "line break")),
    "tab in the name": (GOOD.encode() + b'name: "a\\tb"\n', ("name", "a tab")),
    "name of 10,000 characters": (GOOD.encode() + b"name: " + b"x" * 10_000 + b"\n", ("name",)),
    "description of 100,000 characters": (GOOD.encode() + b"description: " + b"x" * 100_000 + b"\n", ("description",)),
    "binary name as a number": (GOOD.encode() + b"name: 12\n", ("name",)),
    "unknown version": (b"version: 99\nmonthly_runs: 1000\nsteps_per_run: 10\nstep_seconds: 3\n", ("version",)),
    "extends a path": (b"version: 2\nextends: ../../etc/passwd\n", ("not a preset",)),
    "extends a list": (b"version: 2\nextends: [coding-agent]\n", ("not a preset",)),
    "unknown option": (GOOD.encode() + b"options: [acme/cloud]\n", ("acme/cloud",)),
    "option id with markup": (GOOD.encode() + b"options: ['[x](http://evil)']\n", ("options",)),
    "unknown machine": (GOOD.encode() + b"machine: huge\n", ("machine",)),
    "machine with an image": (GOOD.encode() + b"machine: '![x](http://evil/p.png)'\n", ("machine",)),
    "ops share of an unknown option": (GOOD.encode() + b"team: {ops_fte: {acme/cloud: 0.5}}\n", ("acme/cloud",)),
    "ops share as true": (GOOD.encode() + b"team: {ops_fte: {temporal/cloud: true}}\n", ("true or false",)),
    "unknown price id": (GOOD.encode() + b"overrides: {temporal/cloud: {prices: {nope: 1}}}\n", ("nope",)),
    "a discount over 100 %": (
        GOOD.encode() + b"overrides: {temporal/cloud: {discount_percent: 150}}\n",
        ("discount_percent",),
    ),
    "a credit without a commitment": (
        GOOD.encode() + b"overrides: {temporal/cloud: {commitment_credit_usd: 500}}\n",
        ("overrides.temporal/cloud", "give commitment_usd too"),
    ),
    "half a switch": (
        GOOD.encode() + b"overrides: {temporal/cloud: {addons: {high_availability: 0.5}}}\n",
        ("addons.high_availability", "0 (off) or 1 (on)"),
    ),
    "a million switches": (
        GOOD.encode() + b"overrides: {temporal/cloud: {addons: {high_availability: 1000000}}}\n",
        ("addons.high_availability", "0 (off) or 1 (on)"),
    ),
    "half a unit": (
        GOOD.encode() + b"overrides: {temporal/cloud: {addons: {scim: 2.5}}}\n",
        ("addons.scim", "a whole number of units"),
    ),
    "a support level unknown": (GOOD.encode() + b"requirements: {support: platinum}\n", ("support",)),
    "seats as true": (GOOD.encode() + b"requirements: {seats: true}\n", ("seats",)),
    "a range around nothing": (GOOD.encode() + b"ranges: {machine: {low: 1, high: 2}}\n", ("ranges",)),
    "a range missing its value": (
        GOOD.encode() + b"ranges: {monthly_runs: {low: 5000, high: 9000}}\n",
        ("ranges", "must lie within"),
    ),
    "a range upside down": (GOOD.encode() + b"ranges: {monthly_runs: {low: 2000, high: 500}}\n", ("ranges",)),
    "a range past the bound": (GOOD.encode() + b"ranges: {monthly_runs: {low: 10, high: 1.0e12}}\n", ("ranges",)),
    "a horizon of none": (GOOD.encode() + b"path: {horizon_months: 0}\n", ("horizon_months",)),
    "a horizon of 1.5": (GOOD.encode() + b"path: {horizon_months: 1.5}\n", ("horizon_months",)),
    "a forecast of 500 months": (
        GOOD.encode() + b"path: {monthly_runs_by_month: [" + b"1, " * 499 + b"1]}\n",
        ("monthly_runs_by_month",),
    ),
    "growth of 1,000 % a month": (
        GOOD.encode() + b"path: {growth_percent_per_month: 1000}\n",
        ("growth_percent_per_month",),
    ),
    "75,000 unknown keys": ((GOOD + "".join(f"k{i}: {i}\n" for i in range(70_000))).encode(), ("more problems",)),
}


@pytest.mark.parametrize("case", sorted(PROFILES))
def test_a_hostile_profile_is_refused_by_name(case, tmp_path, capsys):
    data, expect = PROFILES[case]
    path = tmp_path / "hostile.yaml"
    path.write_bytes(data)
    code, _, err = run(["compare", "--profile", str(path)], capsys)
    refused(code, err, *expect)
    assert len(err.splitlines()) <= 22, "at most 20 problems and a count of the rest"


SPECIAL_FILES: dict[str, Callable[[Path], Path]] = {
    "a FIFO": lambda d: (os.mkfifo(d / "fifo.yaml"), d / "fifo.yaml")[1],
    "/dev/zero": lambda d: Path("/dev/zero"),
    "a directory": lambda d: d,
    "a missing file": lambda d: d / "nope.yaml",
    "a file over 1 MB": lambda d: (d / "big.yaml").write_bytes(GOOD.encode() + b"#" * 2_000_000) and d / "big.yaml",
}


@pytest.mark.parametrize("case", sorted(SPECIAL_FILES))
@pytest.mark.parametrize(
    "command",
    [["compare", "--profile"], ["compare", "--scenarios"], ["report", "--format", "md", "-o", "-", "--profile"]],
)
def test_what_is_not_a_small_regular_file_is_refused_before_it_is_read(case, command, tmp_path, capsys):
    path = SPECIAL_FILES[case](tmp_path)
    code, _, err = run([*command, str(path)], capsys)
    refused(code, err, str(path))


# --- scenario sets and exports ------------------------------------------------------------------------

SCENARIO_SETS: dict[str, tuple[bytes, tuple[str, ...]]] = {
    "a tag": (b"version: 1\nscenarios: !!python/object:os.system x\n", ("tag",)),
    "seven scenarios": (
        b"version: 1\nscenarios:\n"
        + b"".join(
            f"  - {{name: s{i}, profile: {{monthly_runs: 1, steps_per_run: 1, step_seconds: 1}}}}\n".encode()
            for i in range(7)
        ),
        ("scenarios",),
    ),
    "a name with an escape": (
        b'version: 1\nscenarios:\n  - {name: "a\\e[2J", profile: {monthly_runs: 1, '
        b"steps_per_run: 1, step_seconds: 1}}\n  - {name: b, changes: {monthly_runs: 2}}\n",
        ("control characters",),
    ),
    "a list": (b"- 1\n", ("mapping",)),
    "version true": (
        b"version: true\nbase: {monthly_runs: 1, steps_per_run: 1, step_seconds: 1}\nscenarios:\n"
        b"  - {name: a, changes: {monthly_runs: 2}}\n  - {name: b, changes: {monthly_runs: 3}}\n",
        ("version",),
    ),
    "a name with a line break": (
        b"version: 1\nbase: {monthly_runs: 1, steps_per_run: 1, step_seconds: 1}\nscenarios:\n"
        b'  - {name: "a\\n# b", changes: {monthly_runs: 2}}\n  - {name: b, changes: {monthly_runs: 3}}\n',
        ("scenarios.0.name", "one line"),
    ),
    **{
        f"two names {how}": (
            (
                "version: 1\nbase: {monthly_runs: 1, steps_per_run: 1, step_seconds: 1}\nscenarios:\n"
                "  - {name: Today, changes: {monthly_runs: 2}}\n"
                f"  - {{name: {other}, changes: {{monthly_runs: 3}}}}\n"
            ).encode(),
            ("scenarios.1", "used twice"),
        )
        for how, other in (
            ("differing in case", "TODAY"),
            ("differing by a trailing space", '"Today "'),
            ("differing by a zero-width space", '"Today\\u200b"'),
            ("differing by full-width letters", "\uff34oday"),
        )
    },
    "a name with a look-alike letter": (
        (
            "version: 1\nbase: {monthly_runs: 1, steps_per_run: 1, step_seconds: 1}\nscenarios:\n"
            "  - {name: Today, changes: {monthly_runs: 2}}\n  - {name: T\u043eday, changes: {monthly_runs: 3}}\n"
        ).encode(),
        ("scenarios.1", "alphabets that look alike"),
    ),
    "a bad change": (
        b"version: 1\nbase: {monthly_runs: 1, steps_per_run: 1, step_seconds: 1}\nscenarios:\n"
        b"  - {name: a, changes: {}}\n  - {name: b, changes: {monthly_runs: true}}\n",
        ("monthly_runs",),
    ),
}


@pytest.mark.parametrize("case", sorted(SCENARIO_SETS))
def test_a_hostile_scenario_set_is_refused_by_name(case, tmp_path, capsys):
    data, expect = SCENARIO_SETS[case]
    path = tmp_path / "set.yaml"
    path.write_bytes(data)
    code, _, err = run(["compare", "--scenarios", str(path)], capsys)
    refused(code, err, *expect)


WHAT_EACH_TAKES = {
    "from-history": "history",
    "from-sfn-history": "history",
    "from-trigger-runs": "runs",
    "from-dbos": "rows",
    "from-restate": "rows",
}
"""What each importer names when a file is not its kind of export at all."""

EXPORTS: dict[str, tuple[bytes, str | dict[str, str]]] = {
    "deep nesting": (b"[" * 100_000 + b"]" * 100_000, "nested"),
    "a 100,000-digit number": (b'{"data": [' + b"9" * 100_000 + b"]}", "digits"),
    "NaN": (b'{"data": [NaN]}', "NaN"),
    "not JSON": (b"{'single': quotes}", "not JSON"),
    "UTF-16": (b"\xff\xfe{\x00}\x00", "UTF-16"),
    "Latin-1": ('{"name": "caf\u00e9"}'.encode("latin-1"), "UTF-8"),
    "neither export": (b'{"hello": "world"}', "export"),
    "a history whose events are not a list": (
        b'{"events": 5}',
        {**WHAT_EACH_TAKES, "from-history": "events", "from-sfn-history": "events"},
    ),
    "runs with text durations": (
        b'{"data": [{"durationMs": "lots", "costInCents": 1, "baseCostInCents": 0, '
        b'"createdAt": "2026-01-01T00:00:00Z"}]}',
        {**WHAT_EACH_TAKES, "from-trigger-runs": "durationMs"},
    ),
}


@pytest.mark.parametrize("case", sorted(EXPORTS))
@pytest.mark.parametrize(
    "command", [["profile", i.command, "--monthly-runs", "10"] for i in IMPORTERS], ids=[i.command for i in IMPORTERS]
)
def test_a_hostile_export_is_refused_by_name(case, command, tmp_path, capsys):
    data, said = EXPORTS[case]
    path = tmp_path / "export.json"
    path.write_bytes(data)
    code, _, err = run([*command, str(path)], capsys)
    refused(code, err, str(path), said if isinstance(said, str) else said[command[1]])


def test_brackets_inside_a_string_open_no_nesting():
    """The nesting guard counted a `[` inside a string: a valid export with 70 in a name was refused."""
    from pricing.yamlio import MAX_JSON_DEPTH, InputError, load_json

    text = '{"name": "' + "[" * 70 + '\\" {{", "data": [[1]]}'
    assert load_json(text, "runs.json", "export")["data"] == [[1]]
    with pytest.raises(InputError, match="nested"):
        load_json("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1), "runs.json", "export")


# --- pricing tables: `tco pricing validate FILE` -------------------------------------------------------

TABLE = ROOT / "data" / "pricing" / "temporal" / "cloud" / "2026-09-17.yaml"
TABLE_EDITS: dict[str, tuple[str, str]] = {
    "an infinite tier price": ("{up_to: 5000000, price: 50}", "{up_to: 5000000, price: .inf}"),
    "a NaN tier price": ("{up_to: 5000000, price: 50}", "{up_to: 5000000, price: .nan}"),
    "a negative tier price": ("{up_to: 5000000, price: 50}", "{up_to: 5000000, price: -50}"),
    "a price as true": ("{up_to: 5000000, price: 50}", "{up_to: 5000000, price: true}"),
    "a price as text": ("{up_to: 5000000, price: 50}", "{up_to: 5000000, price: '50'}"),
    "a python tag": ("name: Temporal Cloud", "name: !!python/object:os.system x"),
    "a control character in the name": ("name: Temporal Cloud", 'name: "Temporal\\e[31m Cloud"'),
    "an unknown key": ("name: Temporal Cloud", "name: Temporal Cloud\ncolour: red"),
    "a duplicate key": ("name: Temporal Cloud", "name: Temporal Cloud\nname: Again"),
    "a negative per-run coefficient": ("runs: actions_per_workflow_start", "runs: -3"),
    "a 200-digit number": ("{up_to: 5000000, price: 50}", "{up_to: 5000000, price: " + "5" * 200 + "}"),
}


@pytest.mark.parametrize("case", sorted(TABLE_EDITS))
def test_a_hostile_pricing_table_fails_validation_by_name(case, tmp_path, capsys):
    old, new = TABLE_EDITS[case]
    text = TABLE.read_text(encoding="utf-8")
    assert old in text, "the edit must apply to the table"
    path = tmp_path / "2026-09-17.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with guard():
        code = main(["pricing", "validate", str(path)])
    _, err = capsys.readouterr()
    out = err + capsys.readouterr().out
    assert code in (1, 2), out
    assert "Traceback" not in out and "internal error" not in out
    if case == "a negative per-run coefficient":  # one problem, not one per kind a coefficient may be
        assert "quantities.actions.per_run.runs: Input should be greater than or equal to 0 (got -3)" in out, out
        assert "valid string" not in out and "valid tuple" not in out, out


def test_a_plan_name_like_a_formula_is_text_in_every_csv(tmp_path, capsys):
    """A table's plan named `=HYPERLINK(...)` lands in the report's CSV as text, never a formula."""
    from model.analysis import analyse
    from pricing.load import read_pricebook
    from report.builders import build

    book = read_pricebook()
    name = '=HYPERLINK("http://evil","x")'
    table = book.table("temporal/cloud")
    hostile = table.model_copy(update={"plans": tuple(p.model_copy(update={"name": name}) for p in table.plans)})
    evil = book.model_copy(update={"tables": {**book.tables, "temporal/cloud": hostile}})
    csv_text = build(analyse(PRESETS["coding-agent"], evil), "csv").decode("utf-8")
    cells = [c for line in csv_text.splitlines() for c in line.split(",")]
    assert not any(c.startswith(("=", "+", "@", '"=')) for c in cells)
    assert any(c.startswith("'=HYPERLINK") or c.startswith("\"'=HYPERLINK") for c in cells)


# --- the link: every parameter a problem, named, the rest kept -----------------------------------------

LINKS: dict[str, dict[str, str]] = {
    "an image as the name": {"name": "![x](http://evil.example/p.png)"},
    "a link as the description": {"description": "[Log in again](https://evil.example)"},
    "a code fence in the description": {"description": "```\n<img src=http://evil.example/p.png>\n```"},
    "script as the name": {"name": "<script>alert(1)</script>"},
    "a machine with a link": {"machine": "[x](http://evil.example)"},
    "a parameter named with a link": {"[x](http://evil.example)": "1"},
    "a value with an image": {"steps_per_run": "![x](http://evil.example/p.png)"},
    "runs as true": {"monthly_runs": "true"},
    "runs as NaN": {"monthly_runs": "nan"},
    "runs as infinity": {"monthly_runs": "inf"},
    "runs past the bound": {"monthly_runs": "1e300"},
    "a 5,000-digit number": {"monthly_runs": "9" * 5000},
    "a date that does not exist": {"date": "2026-02-30"},
    "a view with markup": {"view": "<b>x</b>"},
    "an axis unknown": {"axis": "colour"},
    "a future link version": {"v": "999"},
    "a preset unknown": {"preset": "../../etc/passwd"},
    "an answer unknown": {"q.regulated": "perhaps"},
    "a question unknown": {"q.[x](http://evil)": "yes"},
    "an ops share of an unknown option": {"ops.acme/cloud": "0.5"},
    "an ops share of 1e9": {"ops.temporal/cloud": "1e9"},
    "setup weeks as text": {"setup.temporal/cloud": "soon"},
    "a price of an unknown id": {"your.temporal/cloud.price.nope": "1"},
    "a price as text": {"your.temporal/cloud.discount": "lots"},
    "a requirement unknown": {"need.uptime": "99.9"},
    "seats as text": {"need.seats": "many"},
    "a range of words": {"range.monthly_runs": "one,two"},
    "a range of a text field": {"range.machine": "1,2"},
    "a horizon of words": {"path.horizon": "forever"},
    "a forecast with words": {"path.runs": "1,two,3"},
    "a scenario with an escape": {"s1": "a\x1b[2Jb", "s1.monthly_runs": "5"},
    "a scenario past the fifth": {"s9": "too many"},
    "a scenario change of nothing known": {"s1": "x", "s1.colour": "red"},
    "an engineer cost as text": {"engineer_cost": "a lot"},
    "a short list with markup": {"options": "[x](http://evil),temporal/cloud"},
}
OUTSIDE = re.compile(r"(?<!\\)\]\(|(?<!\\)<(script|img|a)\b|!\[", re.IGNORECASE)
"""Markdown or HTML that would make a link, an image or a script out of text: never in what the app
renders from user text (escaped, it reads `\\](`, `\\<script`, `!\\[`)."""


@pytest.mark.parametrize("case", sorted(LINKS))
def test_a_hostile_link_is_named_shown_as_text_and_the_rest_kept(case):
    params = {"preset": "coding-agent", "steps_per_run": "77", **LINKS[case]}
    with guard():
        at = start(params)
    assert not at.exception
    rendered = [m.value for m in (*at.markdown, *at.error, *at.warning, *at.caption, *at.info)]
    assert not any(p in m for p in LINKS[case].values() for m in rendered if len(p) > 3), "user text in Markdown"
    for value in rendered:
        assert not OUTSIDE.search(value), (case, value)
    named = [p for p in LINKS[case] if p not in ("name", "description")]
    if named:  # a value the app cannot use is named in the box, with what is allowed
        shown = problems_shown(at)
        assert any(p.split(".")[0] in shown or p in shown for p in named), (case, shown)
    if "steps_per_run" not in LINKS[case]:
        from ui.state import field_key

        assert at.number_input(key=field_key("steps_per_run")).value == 77


@pytest.mark.parametrize("field", ["name", "description"])
@pytest.mark.parametrize(
    "text",
    [
        "![x](http://evil.example/p.png)",
        "[Log in again](https://evil.example)",
        "```\n<img src=http://evil.example/p.png>\n```",
        "<script>alert(1)</script>",
        "www.evil.example and https://evil.example/",
    ],
)
def test_the_report_preview_shows_user_text_as_text(field, text):
    """The Markdown report (and the app's preview of it) keeps the profile's name and description as
    text: no link, image, script or closed code block comes out of them, and the profile loads back."""
    from model.analysis import analyse
    from pricing.load import read_pricebook
    from pricing.profiles import parse_profile_text
    from report.builders import build

    # a name is one line (a line break in it is refused: `test_a_name_is_one_line`)
    one_line = text if field == "description" else text[:120].replace("\n", " ")
    profile = PRESETS["coding-agent"].model_copy(update={field: one_line})
    md = build(analyse(profile, read_pricebook()), "md").decode("utf-8")
    body, _, block = md.partition("## Profile (load this back")
    assert not OUTSIDE.search(body.replace("](<https://", "")), body[:400]
    assert "https://evil" not in re.sub(r"https\\:", "", body)
    fence = re.search(r"^(`{3,})yaml$", block, re.MULTILINE)
    assert fence is not None
    yaml_text = block.split(fence.group(0) + "\n", 1)[1].split("\n" + fence.group(1) + "\n", 1)[0]
    assert parse_profile_text(yaml_text, "report.md") == profile


EVIL_NAME = "<img src=x onerror=alert(1)> [x](javascript:alert(1)) ![](http://evil.example/p.png) # Cheapest"


@pytest.mark.parametrize("command", ["compare", "compare --scenarios", "pricing impact"])
def test_the_cli_s_markdown_shows_names_as_text(command, tmp_path, capsys):
    """`compare --format md` (a profile or a scenario set) and `pricing impact --profile` (which the
    pricing pull request's summary prints) write the user's names as text: no link, image or HTML
    comes out of them, and no name starts a heading of its own."""
    profile = tmp_path / "profile.yaml"
    profile.write_text(f"extends: coding-agent\nname: {EVIL_NAME!r}\n".replace("'", '"'))
    scenarios = tmp_path / "set.yaml"
    scenarios.write_text(
        f"version: 1\nname: {EVIL_NAME!r}\nbase: {{extends: coding-agent}}\nscenarios:\n"
        f"  - {{name: {EVIL_NAME[:70]!r}, changes: {{monthly_runs: 2000}}}}\n"
        "  - {name: '[b](http://evil.example)', changes: {monthly_runs: 3000}}\n".replace("'", '"')
    )
    args = {
        "compare": ["compare", "--profile", str(profile), "--format", "md"],
        "compare --scenarios": ["compare", "--scenarios", str(scenarios), "--format", "md"],
        "pricing impact": [
            "pricing",
            "impact",
            "--from",
            "2025-01-01",
            "--to",
            "2026-12-01",
            "--no-presets",
            "--profile",
            str(profile),
        ],
    }[command]
    code, out, err = run(args, capsys)
    assert code == 0, err
    assert "img src" in out  # the name is there, as text
    assert not OUTSIDE.search(out), [line for line in out.splitlines() if OUTSIDE.search(line)][:3]
    assert not re.search(r"^#+ Cheapest", out, re.MULTILINE)


def test_a_pinned_plan_that_cannot_take_the_workload_is_never_named_cheapest(tmp_path, capsys):
    """The case as found: Free pinned for 20,000 runs was priced, applicable and named cheapest."""
    path = tmp_path / "pinned.yaml"
    path.write_text(
        "extends: coding-agent\nmonthly_runs: 20000\noptions: [trigger.dev/cloud, temporal/cloud]\n"
        "overrides: {trigger.dev/cloud: {plan: free}}\n"
    )
    code, out, err = run(["compare", "--profile", str(path), "--format", "json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    trigger = next(o for o in data["options"] if o["id"] == "trigger.dev/cloud")
    assert trigger["plan"] == "Free" and trigger["applicable"] is False
    assert data["cheapest"] == "temporal/cloud" == data["verdict"]["option"]


@pytest.mark.parametrize(
    "second",
    ["Today", "today", "Today%20", "Today%E2%80%8B", "%EF%BC%B4oday"],
    ids=["same", "case", "space", "zwsp", "full-width"],
)
def test_a_link_with_two_scenarios_of_one_name_says_so(second):
    """Two scenarios of one name (to a reader) in a hand-made link: the Scenarios view draws, and says
    which names clash instead of crashing."""
    from urllib.parse import unquote

    at = start(
        {"s1": "Today", "s1.monthly_runs": "5", "s2": unquote(second), "s2.monthly_runs": "6", "view": "scenarios"}
    )
    assert any("Two scenarios share a name" in w.value for w in at.warning), [w.value for w in at.warning]


def test_a_link_scenario_name_with_a_look_alike_letter_is_named():
    at = start({"s1": "T\u043eday", "s1.monthly_runs": "5", "view": "scenarios"})
    shown = problems_shown(at)
    assert "s1" in shown and "alphabet" in shown, shown


# --- a data directory of one's own: `--data DIR` ------------------------------------------------------


def _data_copy(tmp_path: Path) -> Path:
    import shutil

    root = tmp_path / "data"
    shutil.copytree(ROOT / "data", root)
    return root


def _fifo(path: Path) -> None:
    os.mkfifo(path)


DATA_HAZARDS: dict[str, tuple[Callable[[Path], None], str]] = {
    "a preset linked to /dev/zero": (lambda p: p.symlink_to("/dev/zero"), "not a regular file"),
    "a preset that is a pipe": (_fifo, "not a regular file"),
    "a preset linked to itself": (lambda p: p.symlink_to(p.name), "symbolic links"),
    "a preset of malformed YAML": (lambda p: p.write_text("name: [unclosed\n"), "not valid YAML"),
    "a preset that extends another": (lambda p: p.write_text("extends: coding-agent\n"), "cannot extend"),
}


@pytest.mark.parametrize("case", sorted(DATA_HAZARDS))
def test_a_hostile_preset_in_a_data_directory_is_refused_by_name(case, tmp_path, capsys):
    """A profile that extends a preset reads the preset as it reads any file: bounded, a regular
    file, YAML without tags; a preset that cannot be read is named, with why (it hung, or ended in a
    traceback)."""
    root = _data_copy(tmp_path)
    make, expect = DATA_HAZARDS[case]
    make(root / "profiles" / "evil.yaml")
    profile = tmp_path / "mine.yaml"
    profile.write_text("extends: evil\nmonthly_runs: 5\n")
    code, _, err = run(["--data", str(root), "compare", "--profile", str(profile)], capsys)
    refused(code, err, "evil.yaml", expect)


def test_a_table_linked_to_itself_is_named_by_validate(tmp_path, capsys):
    root = _data_copy(tmp_path)
    folder = root / "pricing" / "acme" / "cloud"
    folder.mkdir(parents=True)
    (folder / "2025-01-01.yaml").symlink_to("2025-01-01.yaml")
    (root / "pricing" / "acme" / "loop").symlink_to("..")
    code, out, err = run(["--data", str(root), "pricing", "validate"], capsys)
    assert code in (1, 2), err + out
    assert "Traceback" not in err + out and "internal error" not in err + out
    assert "2025-01-01.yaml: cannot read the file: Too many levels of symbolic links" in err + out


def test_two_files_for_one_table_and_date_are_refused(tmp_path, capsys):
    """`2026-09-17.yaml` beside `2026-09-17.yml`: which one is in force was the listing's order."""
    root = _data_copy(tmp_path)
    table = root / "pricing" / "temporal" / "cloud"
    (table / "2026-09-17.yml").write_text((table / "2026-09-17.yaml").read_text())
    code, _, err = run(["--data", str(root), "pricing", "validate"], capsys)
    refused(code, err, "temporal/cloud has 2 files for 2026-09-17", "keep one")


def test_a_table_of_ten_thousand_plans_is_refused_by_validate(tmp_path, capsys):
    """10,000 small plans fit in the 1 MB a table may be; they passed validate and took `compare`
    six minutes and 1 GB. A table holds at most `MAX_PLANS` plans."""
    from schema.numbers import MAX_PLANS

    text = TABLE.read_text(encoding="utf-8")
    start = text.index("  - id: developer")
    plans = "".join(
        f"  - {{id: p{i}, name: P{i}, fee: {{value: {i}, unit: USD/month, source: tc-price}}}}\n" for i in range(10_000)
    )
    path = tmp_path / "2026-09-17.yaml"
    end = re.compile(r"^\S", re.MULTILINE).search(text, start).start()  # the key after `plans:`
    path.write_text(text[:start] + plans + text[end:])
    assert path.stat().st_size < 1_048_576, "the table must fit the size bound to test the plans' bound"
    with guard(30):
        code = main(["pricing", "validate", str(path)])
    out = "".join(capsys.readouterr())
    assert code in (1, 2), out
    assert f"plans: Tuple should have at most {MAX_PLANS} items" in out, out[-600:]


# --- flags and outputs ---------------------------------------------------------------------------------

SCENARIO_SET = ROOT / "data" / "scenarios" / sorted(p.name for p in (ROOT / "data" / "scenarios").glob("*.yaml"))[0]


@pytest.mark.parametrize("flags", [["--outlook"], ["--draws", "200000"], ["--seed", "5"], ["--answer", "x=y"]])
def test_compare_scenarios_refuses_the_flags_it_would_ignore(flags, capsys):
    code, _, err = run(["compare", "--scenarios", str(SCENARIO_SET), *flags], capsys)
    refused(code, err, flags[0], "go with --profile", "tco report --scenarios")


def test_the_report_s_csv_holds_every_scenario(tmp_path, capsys):
    from pricing.load import read_pricebook
    from pricing.scenarios import read_scenarios

    chosen = read_scenarios(SCENARIO_SET, root=None)
    out = tmp_path / "report.csv"
    code, _, err = run(["report", "--scenarios", str(SCENARIO_SET), "--format", "csv", "-o", str(out)], capsys)
    assert code == 0, err
    import csv

    rows = [r for r in csv.DictReader(out.read_text().splitlines()) if r["category"] == "scenario"]
    named = {r["component"].split(": ", 1)[1] for r in rows}
    assert named == {s.name for s in chosen.scenarios}
    assert len(rows) == len(chosen.scenarios) * len(read_pricebook().options())


def _pipe(path: Path) -> Path:
    os.mkfifo(path)
    return path


OUTPUTS: dict[str, Callable[[Path, Path], Path]] = {
    "the input itself": lambda tmp, given: given,
    "the input through a link": lambda tmp, given: (tmp / "link.yaml").symlink_to(given) or tmp / "link.yaml",
    "a pipe": lambda tmp, given: _pipe(tmp / "out.fifo"),
    "a directory": lambda tmp, given: tmp,
}


@pytest.mark.parametrize("case", sorted(OUTPUTS))
@pytest.mark.parametrize("command", ["report", "profile"])
def test_an_output_that_is_the_input_or_not_a_file_is_refused(case, command, tmp_path, capsys):
    """`-o` on the file read overwrote it; on a pipe it waited forever."""
    if command == "report":
        given = tmp_path / "profile.yaml"
        given.write_text("extends: coding-agent\n")
        args = ["report", "--profile", str(given), "--format", "md"]
    else:
        given = tmp_path / "runs.json"
        given.write_bytes((ROOT / "tests" / "fixtures" / "trigger-runs-burst.json").read_bytes())
        args = ["profile", "from-trigger-runs", str(given), "--monthly-runs", "10"]
    before = given.read_bytes()
    target = OUTPUTS[case](tmp_path, given)
    code, _, err = run([*args, "-o", str(target)], capsys)
    refused(code, err, f"-o {target}")
    assert given.read_bytes() == before


@pytest.mark.parametrize("steps", ["nan", "inf", "0", "-1", "1e7"])
def test_steps_per_run_that_is_not_a_count_is_refused(steps, capsys):
    fixture = ROOT / "tests" / "fixtures" / "trigger-runs-burst.json"
    code, _, err = run(["profile", "from-trigger-runs", str(fixture), "--steps-per-run", steps], capsys)
    refused(code, err, "--steps-per-run")


def test_a_key_the_link_repeats_is_named_and_its_last_value_kept():
    at = start({"monthly_runs": ["5000", "7000"]})  # type: ignore[dict-item]
    shown = problems_shown(at)
    assert "monthly_runs" in shown and "given 2 times; the last one is used" in shown, shown
    assert "preset's value" not in shown
    from ui.state import field_key

    assert at.number_input(key=field_key("monthly_runs")).value == 7000


def test_a_link_streamlit_would_ignore_is_never_offered():
    """Streamlit ignores a query of more than 1,000 parameters (or 512 Ki characters), every input then
    starting over; six scenarios that each change every price can pass it. The link box then says so
    and points to the profile file, instead of a link that opens a blank page."""
    from streamlit.runtime.state import query_params as streamlit_query

    from ui.export import LINK_MAX_CHARS, LINK_MAX_PARAMS, link_fits

    assert (LINK_MAX_PARAMS, LINK_MAX_CHARS) == (
        streamlit_query.CLIENT_STATE_QUERY_STRING_MAX_FIELDS,
        streamlit_query.CLIENT_STATE_QUERY_STRING_MAX_LENGTH,
    )
    many = {f"s{1 + i % 5}.your.x{i}.discount": "5" for i in range(LINK_MAX_PARAMS + 1)}
    assert not link_fits(many) and link_fits(dict(list(many.items())[:LINK_MAX_PARAMS]))

    def share_a_large_state() -> None:
        from ui.export import render_share

        render_share({f"k{i}": "v" for i in range(1001)})

    from streamlit.testing.v1 import AppTest

    box = AppTest.from_function(share_a_large_state, default_timeout=30).run()
    assert any("more than a link carries" in w.value for w in box.warning), [w.value for w in box.warning]
    assert not box.code


def test_exports_are_bounded_all_together(tmp_path, capsys, monkeypatch):
    """The export bound was per file: ten 190 MB histories peaked at 2.2 GB. It is now of all the
    files of one command together, and of how many files there are."""
    from commands import profile
    from pricing import yamlio

    monkeypatch.setattr(yamlio, "EXPORT_BYTES", 3_000)  # the bound, scaled down to files of 1 KB
    one = b'{"data": [' + b" " * 1_000 + b"]}"
    paths = []
    for i in range(4):
        path = tmp_path / f"runs{i}.json"
        path.write_bytes(one)
        paths.append(str(path))
    code, _, err = run(["profile", "from-trigger-runs", *paths, "--monthly-runs", "10"], capsys)
    refused(code, err, "runs2.json", "the exports together pass 3,000 bytes")  # 3 x 1,013 bytes
    monkeypatch.setattr(profile, "MAX_EXPORT_FILES", 3)
    code, _, err = run(["profile", "from-trigger-runs", *paths, "--monthly-runs", "10"], capsys)
    refused(code, err, "4 files; at most 3 exports at once")


def test_a_history_of_too_many_events_is_refused_before_it_is_parsed(tmp_path, capsys, monkeypatch):
    """The events are counted in the text before the JSON becomes objects (ten times its size): a
    million events took 42 s and 1.4 GB to read."""
    from pricing.vendors import temporal_history

    monkeypatch.setattr(temporal_history, "MAX_EVENTS", 100)
    monkeypatch.setattr(temporal_history, "load_json", None)  # never reached
    event = '{"eventId": "1", "eventType": "EVENT_TYPE_WORKFLOW_TASK_SCHEDULED"}'
    path = tmp_path / "history.json"
    path.write_text('{"events": [' + ", ".join([event] * 101) + "]}")
    code, _, err = run(["profile", "from-history", str(path), "--monthly-runs", "10"], capsys)
    refused(code, err, "history.json", "about 101 events; allowed: 1 to 100")


def test_a_step_functions_history_of_too_many_events_is_refused_before_it_is_parsed(tmp_path, capsys, monkeypatch):
    from pricing.vendors import sfn_history

    monkeypatch.setattr(sfn_history, "MAX_EVENTS", 100)
    monkeypatch.setattr(sfn_history, "load_json", None)  # never reached
    event = '{"id": 1, "timestamp": "2026-01-01T00:00:00Z", "type": "TaskStateEntered"}'
    path = tmp_path / "history.json"
    path.write_text('{"events": [' + ", ".join([event] * 101) + "]}")
    code, _, err = run(["profile", "from-sfn-history", str(path), "--monthly-runs", "10"], capsys)
    refused(code, err, "history.json", "about 101 events; allowed: 1 to 100")


def test_a_runs_list_of_too_many_runs_is_refused_before_it_is_parsed(tmp_path, capsys, monkeypatch):
    from pricing.vendors import trigger_runs

    monkeypatch.setattr(trigger_runs, "MAX_RUNS", 100)
    monkeypatch.setattr(trigger_runs, "load_json", None)  # never reached
    run_record = '{"id": "run_1", "createdAt": "2026-01-01T00:00:00Z", "durationMs": 5}'
    path = tmp_path / "runs.json"
    path.write_text('{"data": [' + ", ".join([run_record] * 101) + "]}")
    code, _, err = run(["profile", "from-trigger-runs", str(path), "--monthly-runs", "10"], capsys)
    refused(code, err, "runs.json", "about 101 runs; at most 100")


def test_a_derived_field_out_of_bounds_names_the_file_it_came_from(tmp_path, capsys):
    """`step_seconds … (got 200000.0)` named neither the file nor where it came from."""
    path = tmp_path / "runs.json"
    path.write_text(
        '{"data": [{"id": "run_1", "createdAt": "2026-01-01T00:00:00Z", "durationMs": 200000000, '
        '"costInCents": 1, "baseCostInCents": 0, "isTest": false}]}'
    )
    code, _, err = run(["profile", "from-trigger-runs", str(path), "--monthly-runs", "10"], capsys)
    refused(code, err, str(path), "step_seconds", "200000", "derived from the runs")


def test_the_app_s_upload_bound_is_the_one_it_says():
    """Streamlit refused uploads over 1 MB while the CLI took 200 MB: a real history could not be
    uploaded. The server's bound and the one the uploader states are one number."""
    import tomllib

    from ui.upload import UPLOAD_MB

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == UPLOAD_MB >= 50  # Temporal's largest history: 50 MB
    at = start({"preset": "coding-agent"})
    assert f"At most {UPLOAD_MB} MB" in at.sidebar.get("file_uploader")[0].help


# --- the largest inputs, in a child whose memory is capped ---------------------------------------------


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


@pytest.mark.parametrize(
    ("make", "code"),
    [
        pytest.param(
            lambda d: (d / "keys.yaml").write_text(GOOD + "".join(f"k{i}: {i}\n" for i in range(70_000))),
            2,
            id="70,000 unknown keys",
        ),
        pytest.param(lambda d: (d / "keys.yaml").write_text(GOOD + "x" * 50_000_000), 2, id="50 MB"),
        pytest.param(
            lambda d: (d / "keys.yaml").write_text(GOOD + "# padding\n" * 90_000),
            0,
            id="a valid profile padded with comments to 900 KB",
        ),
    ],
)
def test_the_largest_inputs_stay_within_bounds(make, code, tmp_path):
    make(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "cli", "compare", "--profile", str(tmp_path / "keys.yaml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=HANG_SECONDS,
        preexec_fn=_capped,
        check=False,
    )
    assert done.returncode == code, done.stderr[-2000:]
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr
    assert len(done.stderr.splitlines()) <= 22
