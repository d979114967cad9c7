"""The price-history view's "What changed at each version" in Chromium, on a 1440 px screen and a
390 px phone: it fits its column (nothing wider than the column or the viewport), a phone reads it
as one column, no number is listed as changed to the same value, a limit reads in the unit its
table declares (and in minutes where the vendor says minutes), and each note sits beside its own
number."""

from __future__ import annotations

import contextlib
import re

import pytest

from pricing.load import list_table_files, read_table
from tests.e2e.conftest import local_page
from tests.e2e.waits import TIMEOUT, wait_idle

pytestmark = pytest.mark.browser
VIEWPORTS = {"1440 px": (1440, 1000), "390 px phone": (390, 844)}


def _versioned() -> list[str]:
    """The option tables with more than one version, most versions first (a tie: the larger diff)."""
    counts: dict[str, int] = {}
    for f in list_table_files():
        if not f.table_id.startswith("reference/"):
            counts[f.table_id] = counts.get(f.table_id, 0) + 1
    return sorted((t for t, n in counts.items() if n > 1), key=lambda t: (-counts[t], t))


TABLES = _versioned()[:2]

SECTION = """
() => {
    const heads = [...document.querySelectorAll('h3')];
    const start = heads.find(h => h.innerText.trim().startsWith('What changed at each version'));
    const end = heads.find(h => h.innerText.trim().startsWith('Every number of every version'));
    if (!start || !end) return null;
    const after = Node.DOCUMENT_POSITION_FOLLOWING, before = Node.DOCUMENT_POSITION_PRECEDING;
    return [...document.querySelectorAll('[data-testid=stMain] *')].filter(e =>
        (start.compareDocumentPosition(e) & after) && (end.compareDocumentPosition(e) & before)
        && !start.contains(e) && !e.contains(end) && !e.contains(start));
}
"""
"""Every element between the section's heading and the next one (the view's "What changed" part)."""


def open_view(page, table: str, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"{page.base_url}/?view=prices&table={table}")
    page.get_by_role("heading", name="Every number of every version, with its source").wait_for(timeout=TIMEOUT)
    wait_idle(page)
    assert page.locator("[data-testid=stException]").count() == 0
    # Open whatever the section folds away, so it is measured and read too.
    for _ in range(page.evaluate(f"() => ({SECTION})().filter(e => e.matches('details:not([open])')).length")):
        page.evaluate(
            f"() => ({SECTION})().find(e => e.matches('details:not([open])')).querySelector('summary').click()"
        )
        page.wait_for_timeout(300)


def section_text(page) -> str:  # type: ignore[no-untyped-def]
    text = page.evaluate(
        f"() => ({SECTION})().filter(e => e.matches('[data-testid=stMarkdownContainer]'))"
        ".map(e => e.innerText).join('\\n')"
    )
    assert "→" in text, "the section shows no version change"
    return str(text)


def items(page) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The text of each row of the section (a list item, or a table row), by the number's path."""
    texts = page.evaluate(f"() => ({SECTION})().filter(e => e.matches('li, tr')).map(e => e.innerText)")
    out = {}
    for text in texts:
        match = re.match(r"\s*([a-z_]+(?:\.[\w.-]+)+)", text)
        if match:
            out[match.group(1)] = text
    assert out, "the section lists no number"
    return out


@pytest.fixture(scope="module")
def opened(shared, server):  # type: ignore[no-untyped-def]
    """The view of a table at a size, opened once for this module's tests (they only read it); each
    page fails the module, once closed, if it asked any host but 127.0.0.1 (`local_page`)."""
    pages = {}
    with contextlib.ExitStack() as stack:

        def view(table: str, size: str):  # type: ignore[no-untyped-def]
            if (table, size) not in pages:
                page = stack.enter_context(local_page(shared, server))
                open_view(page, table, VIEWPORTS[size])
                pages[table, size] = page
            return pages[table, size]

        yield view


@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("size", VIEWPORTS, ids=list(VIEWPORTS))
def test_what_changed_fits_its_column(opened, table, size):
    """No element of the section is wider than its column (or the viewport), none scrolls
    sideways, and the page itself does not."""
    width, _ = VIEWPORTS[size]
    page = opened(table, size)
    found = page.evaluate(
        f"""() => {{
        const inside = ({SECTION})();
        const column = document.querySelector('[data-testid=stMainBlockContainer]');
        const box = column.getBoundingClientRect();
        const style = getComputedStyle(column);
        const left = box.left + parseFloat(style.paddingLeft), right = box.right - parseFloat(style.paddingRight);
        const wide = [];
        for (const e of inside) {{
            const r = e.getBoundingClientRect();
            if (r.width === 0 && r.height === 0) continue;
            const overflows = e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0;
            if (r.left < left - 1 || r.right > right + 1 || overflows)
                wide.push(`${{e.tagName}} ${{Math.round(r.width)}}px (scroll ${{e.scrollWidth}}): `
                    + e.innerText.slice(0, 60));
        }}
        return {{
            count: inside.length, column: Math.round(right - left), wide,
            main: [column.scrollWidth, column.clientWidth],
            page: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
        }};
    }}"""
    )
    assert found["count"] > 5
    assert found["column"] <= width
    assert found["wide"] == [], f"wider than the {found['column']} px column at {size}: {found['wide'][:5]}"
    assert found["main"][0] <= found["main"][1] + 1, f"the view's column scrolls sideways: {found['main']}"
    assert found["page"][0] <= found["page"][1] + 1, f"the page scrolls sideways: {found['page']}"


@pytest.mark.parametrize("table", TABLES)
def test_a_phone_reads_what_changed_as_one_column(opened, table):
    """On a 390 px phone nothing in the section stands beside anything else: no table, no columns."""
    page = opened(table, "390 px phone")
    beside = page.evaluate(
        f"""() => {{
        const blocks = ({SECTION})().filter(e => e.matches('p, li, h4, h5, h6, table, pre, summary'))
            .map(e => [e, e.getBoundingClientRect()]).filter(([e, r]) => r.width > 0 && r.height > 0);
        const out = [];
        for (const [a, ra] of blocks) for (const [b, rb] of blocks) {{
            if (a === b || a.contains(b) || b.contains(a) || ra.left >= rb.left) continue;
            const across = ra.right <= rb.left + 1;
            const level = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top) > 2;
            if (across && level) out.push(a.innerText.slice(0, 40) + ' | ' + b.innerText.slice(0, 40));
        }}
        return {{beside: out, tables: blocks.filter(([e]) => e.matches('table')).length}};
    }}"""
    )
    assert beside["tables"] == 0, "a table of changes squeezes its columns on a phone"
    assert beside["beside"] == [], beside["beside"][:5]


def _values(table_id: str) -> list[dict[str, tuple[object, ...]]]:
    """(value, range, bands, unit) of every number of each version of a table, from its files."""
    from pricing.provenance import number_rows

    files = [f for f in list_table_files() if f.table_id == table_id]
    return [
        {r.path: (r.value, r.low, r.high, r.tiers, r.shown, r.unit) for r in number_rows(read_table(f.path))}
        for f in files
    ]


def _same_values() -> tuple[str, list[str]]:
    """A table whose newest two versions keep some numbers' values (read again at a new source), and those."""
    for table in _versioned():
        old, new = _values(table)[-2:]
        same = sorted(p for p in old.keys() & new.keys() if old[p] == new[p])
        if same:
            return table, same
    raise AssertionError("no table keeps a value across two versions")


def _whole_minutes() -> tuple[str, str]:
    """A limit in seconds that is a whole number of minutes, in the newest version of a versioned table."""
    for table in _versioned():
        new = _values(table)[-1]
        for path, row in sorted(new.items()):
            value, unit = row[0], row[-1]
            minutes = isinstance(value, float | int) and value >= 120 and value % 60 == 0
            if path.startswith("limits.") and unit == "s" and minutes:
                return table, path
    raise AssertionError("no limit of whole minutes in seconds")


def test_no_number_is_listed_as_changed_to_the_same_value(opened):
    """A version that re-read its numbers at a new address: those whose value stayed are not listed
    as moved by +0.0% (they read as re-checked, same value)."""
    table, same = _same_values()
    page = opened(table, "1440 px")
    text = section_text(page)
    assert not re.search(r"[+−-]0\.0%", text), "a number is listed as moved by 0.0%"
    for left, right in re.findall(r"(?m)^[a-z_.]+\w[^\n:]*: (.+?) → (.+?)(?: \([+−]|$)", text):
        assert left.strip() != right.strip(), f"listed as changed with the same value: {left} → {right}"
    rows = items(page)
    for path in same:
        if path in rows:
            assert "re-checked, same value" in rows[path], f"{path}: {rows[path][:200]}"
            assert " → " not in rows[path].splitlines()[0], rows[path][:200]


def test_a_limit_reads_in_the_unit_its_table_declares_and_in_minutes(opened):
    """A limit the table gives in seconds that is a whole number of minutes (the vendor says "five
    minutes") reads in seconds and in minutes, not in some other unit."""
    table, path = _whole_minutes()
    seconds = _values(table)[-1][path][0]
    page = opened(table, "390 px phone")
    row = items(page)[path]
    assert f"{seconds:g} s" in row and f"{seconds / 60:g} min" in row, row


@pytest.mark.parametrize("table", TABLES)
def test_each_note_is_on_its_own_row(opened, table):
    """A note is printed beside the number it was written for (a plan's note beside the plan),
    never beside another one."""
    files = [f for f in list_table_files() if f.table_id == table]
    own: dict[str, set[str]] = {}
    for version in (read_table(f.path) for f in files):
        notes = {".".join(path): item.note for path, item in version.numbers().items()}
        notes |= {f"plans.{plan.id}": plan.note for plan in version.plans}
        for path, note in notes.items():
            if note:
                own.setdefault(path, set()).add(note.replace("`", ""))
    page = opened(table, "390 px phone")
    rows = items(page)
    shown = 0
    for path, text in rows.items():
        text = text.replace("`", "")
        mine = own.get(path, set())
        shown += any(note in text for note in mine)
        for other, notes in own.items():
            for note in notes:
                # (a note may be part of a longer one: "per account" inside "a second, per account")
                if other != path and note in text and not any(note in n for n in mine):
                    raise AssertionError(f"{path} shows the note of {other}: {note[:80]}")
    assert shown > 5
