"""What text a person enters may hold: the rules for names and descriptions, in one place.

A name is one line (it is a heading in the report, a line in the terminal, a PDF title); two names
are the same name when they differ only in case, spacing, invisible characters or the form of a
letter (full-width, a ligature); a word may not mix letters of alphabets whose letters look alike
(a Cyrillic `а` in a Latin word), so two names that look the same are never told apart by it.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["CONTROL", "NOT_ONE_LINE", "look_alike_word", "name_key"]

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""Control characters (a terminal escape, a carriage return, NEL), line and paragraph separators and
bidirectional overrides: nothing a name or a description needs, and each can disguise or break how
the text shows (in a terminal, in YAML, in a report). A description may hold line breaks and tabs."""

NOT_ONE_LINE = re.compile(r"[\t\n]|" + CONTROL.pattern)
"""What a name may not hold: the control characters, and a tab or a line break too."""

_LOOK_ALIKE = frozenset({"LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC"})
"""Alphabets with letters drawn alike (Unicode TR 39's confusables are mostly across these)."""


def name_key(name: str) -> str:
    """The name two names share when they are the same name to a reader.

    >>> name_key(" Next  Year\\u200b") == name_key("next year") == name_key("ＮＥＸＴ year")
    True
    """
    folded = unicodedata.normalize("NFKC", name).casefold()
    visible = "".join(c for c in folded if unicodedata.category(c) != "Cf")
    return " ".join(visible.split())


def _alphabet(letter: str) -> str | None:
    words = unicodedata.name(letter, "").split()
    return words[0] if words and words[0] in _LOOK_ALIKE else None


def look_alike_word(name: str) -> str | None:
    """The first word of `name` whose letters come from two alphabets that look alike (None: none).

    >>> look_alike_word("Tоday")  # a Cyrillic о
    'Tоday'
    >>> look_alike_word("Plan Б") is None
    True
    """
    for word in name.split():
        alphabets = {a for a in map(_alphabet, word) if a is not None}
        if len(alphabets) > 1:
            return word
    return None
