"""YAML in, with line numbers: every problem names the file, the line and the field.

`parse_yaml` returns the plain data and a map from each field's path to its line, so a pydantic
`ValidationError` (whose `loc` is such a path) can be reported as `file:line: field: message`.
Duplicate keys, which PyYAML silently accepts, are errors here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import ValidationError

__all__ = ["Problem", "YamlDocument", "format_problems", "parse_yaml", "problems_from"]

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is and what is allowed."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


@dataclass(frozen=True)
class YamlDocument:
    data: Any
    lines: Mapping[Path, int]
    problems: tuple[Problem, ...] = ()

    def line_of(self, loc: Sequence[str | int]) -> int | None:
        """The line of the deepest prefix of `loc` that the document has.

        Parts of `loc` that are not keys of the document (pydantic's union tags) are skipped.
        """
        path: Path = ()
        best = self.lines.get((), None)
        for part in loc:
            candidate = (*path, part)
            if candidate in self.lines:
                path = candidate
                best = self.lines[path]
        return best


def _walk(
    node: yaml.Node,
    path: Path,
    lines: dict[Path, int],
    dupes: list[tuple[Path, int]],
    visited: set[int],
    aliases: list[tuple[Path, int]],
) -> None:
    # A node met twice is an alias (`*name`). Aliases are refused: none of these files needs
    # one, and nested ones expand exponentially (a few hundred bytes can exhaust memory).
    if id(node) in visited:
        aliases.append((path, node.start_mark.line + 1))
        return
    visited.add(id(node))
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            here = (*path, key)
            if key in seen:
                dupes.append((here, key_node.start_mark.line + 1))
            seen.add(key)
            lines[here] = key_node.start_mark.line + 1
            _walk(value_node, here, lines, dupes, visited, aliases)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            here = (*path, index)
            lines[here] = item.start_mark.line + 1
            _walk(item, here, lines, dupes, visited, aliases)


def parse_yaml(text: str, file: str) -> YamlDocument:
    """Parse YAML text; syntax errors, duplicate keys and aliases come back as problems."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        return YamlDocument(None, {}, (Problem(file, line, "", f"not valid YAML: {reason}"),))
    lines: dict[Path, int] = {}
    dupes: list[tuple[Path, int]] = []
    aliases: list[tuple[Path, int]] = []
    if node is not None:
        lines[()] = node.start_mark.line + 1
        _walk(node, (), lines, dupes, set(), aliases)
    problems = tuple(
        Problem(file, line, format_loc(path), "duplicate key (each key may appear once)") for path, line in dupes
    ) + tuple(
        Problem(file, line, format_loc(path), "YAML aliases (*name) are not allowed; write the value out")
        for path, line in aliases[:5]
    )
    if problems:
        return YamlDocument(None, lines, problems)
    return YamlDocument(yaml.safe_load(text), lines, problems)


def format_loc(loc: Iterable[str | int]) -> str:
    """A dotted field path, leaving out pydantic's internal union tags.

    >>> format_loc(("plans", 0, "fee", "value"))
    'plans[0].fee.value'
    """
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.startswith(("<", "function-", "tagged-union")):
            continue
        else:
            out += f".{part}" if out else str(part)
    return out


def _message(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    got = error.get("input")
    if kind == "extra_forbidden":
        return "unknown key (not allowed here; check the spelling against the schema)"
    if kind == "missing":
        return "required field is missing"
    message = str(error["msg"]).removeprefix("Value error, ")
    if isinstance(got, (str, int, float, bool)) or got is None:
        return f"{message} (got {got!r})"
    return message


def problems_from(exc: ValidationError, doc: YamlDocument, file: str) -> list[Problem]:
    """Turn a pydantic error into problems that name the file, the line and the field."""
    found = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        found.append(Problem(file, doc.line_of(loc), format_loc(loc), _message(error)))
    return found


def format_problems(problems: Iterable[Problem]) -> str:
    return "\n".join(str(p) for p in problems)
