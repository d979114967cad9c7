"""YAML in, with line numbers: every problem names the file, the line and the field.

`parse_yaml` returns the plain data and a map from each field's path to its line, so a pydantic
`ValidationError` (whose `loc` is such a path) can be reported as `file:line: field: message`.
Duplicate keys, which PyYAML silently accepts, are errors here.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn

import numpy as np
import yaml
from pydantic import ValidationError

__all__ = [
    "MAX_PROBLEMS",
    "Problem",
    "YamlDocument",
    "capped",
    "format_problems",
    "load_json",
    "parse_yaml",
    "problems_from",
    "read_bounded",
]

Path = tuple[str | int, ...]
PathLike = str | os.PathLike[str]


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
            if not isinstance(key_node, yaml.ScalarNode):  # a list or a mapping as a key
                aliases.append(((*path, "?"), -(key_node.start_mark.line + 1)))
                continue
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


MAX_DEPTH = 32
"""Levels of nesting a document may have (a profile needs four, a pricing table six)."""
MAX_DIGITS = 100
"""Digits a YAML integer may have (Python refuses to read more than 4,300 and nothing here needs 20)."""
PROFILE_BYTES = 1024 * 1024
"""The largest profile or scenario file read (the presets are under 2 KB)."""
TABLE_BYTES = 1024 * 1024
"""The largest pricing table read (the largest is under 40 KB)."""
EXPORT_BYTES = 200 * 1024 * 1024
"""The largest export of a team's runs read (a workflow history may reach 50 MB)."""
MAX_PROBLEMS = 20
"""Problems reported of one input; the rest are counted."""
_REFUSED_TAGS = (
    "tag:yaml.org,2002:binary",
    "tag:yaml.org,2002:set",
    "tag:yaml.org,2002:omap",
    "tag:yaml.org,2002:pairs",
)
if TYPE_CHECKING:
    _Base = yaml.SafeLoader
else:  # libyaml's C loader where it is installed (it reads several times faster), else PyYAML's own
    _Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):
    """The safe loader, stricter: keys must be plain values, integers short, and no binary data,
    sets or ordered pairs (none of these files holds one)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.constructor.ConstructorError(
                    None, None, "a key must be plain text, not a list or a mapping", key_node.start_mark
                )
        return dict(super().construct_mapping(node, deep=deep))

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        digits = sum(c.isdigit() for c in str(node.value))
        if digits > MAX_DIGITS:
            raise yaml.constructor.ConstructorError(
                None, None, f"a number of {digits:,} digits; at most {MAX_DIGITS}", node.start_mark
            )
        return int(super().construct_yaml_int(node))

    def construct_refused(self, node: yaml.Node) -> NoReturn:
        raise yaml.constructor.ConstructorError(
            None,
            None,
            f"the tag {node.tag.replace('tag:yaml.org,2002:', '!!')} is not allowed here: write a plain value",
            node.start_mark,
        )

    def construct_undefined(self, node: yaml.Node) -> NoReturn:
        raise yaml.constructor.ConstructorError(
            None, None, f"the tag {node.tag} is not allowed here: write a plain value", node.start_mark
        )


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)
for _tag in _REFUSED_TAGS:
    _Loader.add_constructor(_tag, _Loader.construct_refused)
_Loader.add_constructor(None, _Loader.construct_undefined)
# Booleans as YAML 1.2 writes them: only true and false. YAML 1.1's yes, no, on and off stay text, so a
# key named `on` is the word, and `retry_rate: yes` is refused as text where a number belongs.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def bracket_depth(text: str) -> int:
    """The deepest run of open brackets in `text` (brackets inside strings count too: an upper bound,
    which is what a guard needs), without a Python loop over the characters of a large export."""
    brackets = np.frombuffer(_NOT_BRACKET.sub("", text).encode("ascii"), dtype=np.uint8)
    if brackets.size == 0:
        return 0
    steps = np.where((brackets == ord("[")) | (brackets == ord("{")), 1, -1)
    return int(max(np.cumsum(steps).max(), 0))


def _depth(text: str) -> int:
    """An upper bound of a document's nesting: its deepest run of open brackets and its deepest
    indentation (in steps of two), checked before anything recursive reads it."""
    deepest = bracket_depth(text)
    indents = [len(line) - len(line.lstrip(" ")) for line in text.splitlines() if line.strip()]
    return max(deepest, max(indents, default=0) // 2)


def parse_yaml(text: str, file: str) -> YamlDocument:
    """Parse YAML text once; syntax errors, refused tags and keys, duplicate keys, aliases and
    nesting past `MAX_DEPTH` come back as problems, each with its line."""
    depth = _depth(text)
    if depth > MAX_DEPTH:
        return YamlDocument(None, {}, (Problem(file, None, "", f"nested {depth:,} levels deep; at most {MAX_DEPTH}"),))
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        return YamlDocument(None, {}, (_yaml_problem(exc, file),))
    lines: dict[Path, int] = {}
    dupes: list[tuple[Path, int]] = []
    aliases: list[tuple[Path, int]] = []
    if node is None:
        return YamlDocument(None, lines, ())
    lines[()] = node.start_mark.line + 1
    _walk(node, (), lines, dupes, set(), aliases)
    problems = (
        tuple(Problem(file, line, format_loc(path), "duplicate key (each key may appear once)") for path, line in dupes)
        + tuple(
            Problem(file, line, format_loc(path), "YAML aliases (*name) are not allowed; write the value out")
            for path, line in aliases
            if line > 0
        )
        + tuple(
            Problem(file, -line, format_loc(path[:-1]), "a key must be plain text, not a list or a mapping")
            for path, line in aliases
            if line < 0
        )
    )
    if problems:
        return YamlDocument(None, lines, capped(problems, file))
    try:
        data = _Loader("").construct_document(node)
    except yaml.YAMLError as exc:
        return YamlDocument(None, lines, (_yaml_problem(exc, file),))
    return YamlDocument(data, lines, ())


def _yaml_problem(exc: yaml.YAMLError, file: str) -> Problem:
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    reason = getattr(exc, "problem", None) or str(exc)
    return Problem(file, line, "", f"not valid YAML: {reason}")


def capped(problems: Sequence[Problem], file: str, most: int = MAX_PROBLEMS) -> tuple[Problem, ...]:
    """The first `most` problems, and a last one saying how many more there are."""
    if len(problems) <= most or (len(problems) == most + 1 and "more problems" in problems[-1].message):
        return tuple(problems)
    return (*problems[:most], Problem(file, None, "", f"and {len(problems) - most:,} more problems (fix these first)"))


def format_loc(loc: Iterable[str | int]) -> str:
    """A dotted field path, leaving out pydantic's internal union tags.

    >>> format_loc(("plans", 0, "fee", "value"))
    'plans[0].fee.value'
    """
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.startswith(("<", "function-", "tagged-union")) or _MEMBER.match(part):
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


_MEMBER = re.compile(r"^(?:constrained-)?(float|int|str|bool)$|^(tuple|list|dict)\[")
"""How pydantic names the member of a union an error came from (`constrained-float`, `tuple[...]`)."""
_KINDS: dict[str, tuple[type, ...]] = {"float": (int, float), "int": (int,), "str": (str,), "bool": (bool,)}
_KINDS |= {"tuple": (list, tuple), "list": (list, tuple), "dict": (dict,)}


def _one_per_union(errors: list[Any]) -> list[Any]:
    """A value that fits no member of a union gets one error per member ("should be a number",
    "should be text", "should be a list"); keep the one of the member the value's own type is."""
    out: list[Any] = []
    seen: dict[tuple[Any, ...], int] = {}
    for error in errors:
        loc = tuple(error["loc"])
        member = next((m for m in (_MEMBER.match(str(p)) for p in loc if isinstance(p, str)) if m), None)
        if member is None:
            out.append(error)
            continue
        where = tuple(p for p in loc if not (isinstance(p, str) and _MEMBER.match(p)))
        fits = isinstance(error.get("input"), _KINDS[member.group(1) or member.group(2)])
        if where not in seen:
            seen[where] = len(out)
            out.append((fits, error))
        elif fits and not out[seen[where]][0]:
            out[seen[where]] = (fits, error)
    return [e[1] if isinstance(e, tuple) else e for e in out]


def problems_from(exc: ValidationError, doc: YamlDocument, file: str) -> list[Problem]:
    """Turn a pydantic error into problems that name the file, the line and the field (the first
    `MAX_PROBLEMS`, then how many more)."""
    found = []
    for error in _one_per_union(list(exc.errors())):
        loc = tuple(error["loc"])
        found.append(Problem(file, doc.line_of(loc), format_loc(loc), _message(error)))
    return list(capped(found, file))


def _a(noun: str) -> str:
    """`noun` with its article: "an export", "a profile"."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def read_bounded(path: PathLike, limit: int, what: str = "file") -> str:
    """A file's text, refusing before reading anything that is not a regular file (a pipe, a device:
    it could block or never end) or is larger than `limit` bytes, and text that is not UTF-8 (a
    UTF-8 byte-order mark is dropped). Raises `InputError` with one problem naming the file."""
    name = str(path)
    try:
        # Opened without waiting (a pipe opens at once), then asked what it is: what is read is what
        # was checked, even if the name is swapped for a pipe between the two.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise InputError(Problem(name, None, "", f"cannot read the file: {exc.strerror or exc}")) from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise InputError(
            Problem(
                name, None, "", f"not a regular file (a pipe, a device or a directory); give {_a(what)} saved on disk"
            )
        )
    with os.fdopen(fd, "rb") as handle:
        if info.st_size > limit:
            raise InputError(Problem(name, None, "", f"{info.st_size:,} bytes; {_a(what)} is at most {limit:,}"))
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise InputError(Problem(name, None, "", f"cannot read the file: {exc.strerror or exc}")) from None
    if len(data) > limit:
        raise InputError(Problem(name, None, "", f"more than {limit:,} bytes; {_a(what)} is at most {limit:,}"))
    return decode_text(data, name)


def decode_text(data: bytes, name: str) -> str:
    """Bytes as UTF-8 text (a byte-order mark dropped), or `InputError` saying what they are."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(Problem(name, None, "", "UTF-16 text; save it as UTF-8"))
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise InputError(
            Problem(
                name,
                None,
                "",
                f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start:,}); save it as UTF-8",
            )
        ) from None


class InputError(ValueError):
    """An input that cannot be read at all; `problem` says why."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


def format_problems(problems: Iterable[Problem]) -> str:
    return "\n".join(str(p) for p in problems)


MAX_JSON_DEPTH = 64
"""Levels of nesting a JSON export may have (a workflow history needs about ten)."""


def _int(text: str) -> int:
    if sum(c.isdigit() for c in text) > MAX_DIGITS:
        raise ValueError(f"a number of {len(text):,} digits; at most {MAX_DIGITS}")
    return int(text)


_LONE_SURROGATE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)
"""A `\\uD800`-style escape of half a UTF-16 pair without its other half."""
_JSON_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
"""A JSON string literal, escapes and all."""


def load_json(text: str, file: str, what: str) -> Any:
    """JSON text as data, or `InputError` naming the file and the line: refused past `MAX_JSON_DEPTH`
    levels of nesting (checked before parsing, which would recurse) or with an integer of more than
    `MAX_DIGITS` digits."""
    deepest = bracket_depth(_JSON_STRING.sub('""', text))  # a `[` inside a string opens nothing
    if deepest > MAX_JSON_DEPTH:
        raise InputError(Problem(file, None, what, f"nested {deepest:,} levels deep; at most {MAX_JSON_DEPTH}"))
    lone = _LONE_SURROGATE.search(text)
    if lone is not None:  # JSON can write one; no text holds it, and it cannot be written back
        line = text.count("\n", 0, lone.start()) + 1
        raise InputError(Problem(file, line, what, f"{lone.group()} is half of a character (a lone surrogate)"))
    try:
        return json.loads(text, parse_int=_int, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        raise InputError(Problem(file, exc.lineno, what, f"not JSON: {exc.msg}")) from None
    except (ValueError, RecursionError) as exc:
        raise InputError(Problem(file, None, what, f"not usable JSON: {exc}")) from None


def _constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")
