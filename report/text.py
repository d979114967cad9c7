"""User text inside Markdown: shown as the same text, never read as Markdown or HTML.

A profile's name or description, a scenario's name, a file name or a value from a link can hold
anything: `![x](http://host/p.png)` (an image a viewer would fetch), `[Log in](https://host)`, a
bare address a renderer would link, a line of three backticks that would close a code block,
`<script>`. `escape` makes such text inert in every Markdown renderer (the app's and a reader's)
while plain prose stays readable; `fence` picks a code fence the content cannot close.
"""

from __future__ import annotations

import math
import re

__all__ = ["csv_cell", "csv_number", "escape", "fence", "md", "md_rows"]

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
"""Characters that open code, emphasis, links and images, HTML, table cells or strikethrough."""
_LINE = re.compile(r"[\r\n\v\f\u0085\u2028\u2029]+")
_START = re.compile(r"^(\s*)(?:([#=+\-])|(\d+)([.)]))")
"""What would make a line a heading, a list item or a rule."""
_AUTOLINK = re.compile(r"(?i)(?<=[a-z0-9])(:)(?=//)|(?<=\bwww)(\.)")
"""A scheme's colon or `www.`: where a renderer would turn bare text into a link."""


def escape(text: str) -> str:
    """`text` as Markdown that renders as exactly that text, on one line: what Markdown or HTML could
    read as syntax backslash-escaped (`&` as an entity, so no entity is read either), line breaks as
    spaces.

    >>> escape("![x](http://h/p.png) <b>hi</b> & `code` www.site")
    '!\\\\[x\\\\](http\\\\://h/p.png) \\\\<b\\\\>hi\\\\</b\\\\> &amp; \\\\`code\\\\` www\\\\.site'
    >>> escape("# Title")
    '\\\\# Title'
    """
    flat = _LINE.sub(" ", text).replace("&", "&amp;")
    flat = _AUTOLINK.sub(lambda m: "\\" + (m.group(1) or m.group(2)), _SPECIAL.sub(r"\\\1", flat))
    return _START.sub(
        lambda m: m.group(1) + (f"\\{m.group(2)}" if m.group(2) else f"{m.group(3)}\\{m.group(4)}"), flat, count=1
    )


def md(text: object) -> str:
    """Any text (a name, a sentence, a table cell) as Markdown that reads as that text: `escape`, and a
    `$` as a dollar, not the start of math (GitHub's and the app's renderers read `$...$` as math).

    >>> md("$5 for <b>")
    '\\$5 for \\<b\\>'
    """
    return escape(str(text)).replace("$", "\\$")


def md_rows(rows: object) -> list[list[str]]:
    """Table rows with every cell as `md` text (a `|` in a name cannot split a cell)."""
    return [[md(cell) for cell in row] for row in rows]  # type: ignore[attr-defined]


def fence(content: str) -> str:
    """A backtick fence longer than any run of backticks in `content` (at least three), so the
    content cannot end the code block it sits in."""
    longest = max((len(m) for m in re.findall(r"`+", content)), default=0)
    return "`" * max(3, longest + 1)


_FORMULA = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_cell(value: object) -> object:
    """A text cell a spreadsheet shows as text and never runs as a formula (OWASP: a leading `=`, `+`,
    `-`, `@`, tab or carriage return gets a leading apostrophe); anything else as it is."""
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def csv_number(value: float) -> str:
    """A number for a CSV cell: its shortest form at 12 significant digits (no float noise such as
    2699.9999999999995), which reads back to within a part in 10^12."""
    if not math.isfinite(value):
        return ""  # no figure (an option no draw can run has no percentile): an empty cell, never "nan"
    return repr(float(f"{value:.12g}"))
