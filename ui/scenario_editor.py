"""The scenario editor: the scenarios listed with what each changes, and the box that adds one or
edits one (its name, and any field it changes, each with what it takes), checking a draft before it is
saved (`check_scenario`). The editor's session keys start with `scenario.edit`."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from pricing.scenarios import MAX_SCENARIOS
from report.text import escape
from schema.profile import WorkloadProfile
from schema.tables import PriceBook
from schema.text import NOT_ONE_LINE, look_alike_word, name_key
from ui.link import BASE_SCENARIO, MAX_LINKED, encode, profile_params, scenario_profile
from ui.scenario_fields import (
    Editable,
    changed_words,
    editable_fields,
    generic_field,
    link_value,
    value_of,
    widget_value,
)
from ui.session import Session
from ui.state import ScenarioLink, UiState
from ui.text import problems as problem_box

__all__ = [
    "ADD",
    "CLASH",
    "NAME",
    "NEW",
    "NEW_NAME",
    "PICK",
    "PROBLEMS",
    "ROWS",
    "SAID",
    "VALUE",
    "Editor",
    "check_scenario",
    "render_editor",
    "value_problems",
]

NEW = ""
"""The editor's choice of a new scenario (no scenario has an empty name)."""
NEW_NAME = "A new scenario"
PICK = "scenario.edit"
"""The scenario the editor holds (its name, or NEW); the editor's other keys follow."""
NAME = "scenario.edit.name"
ROWS = "scenario.edit.rows"
ADD = "scenario.edit.add"
VALUE = "scenario.edit.value."
SAID = "scenario.edit.said"
PROBLEMS = "scenario.edit.problems"
CLASH = "scenario.edit.clash"


def check_scenario(
    session: Session,
    base: Mapping[str, str],
    name: str,
    changes: Mapping[str, str],
    fields: Mapping[str, Editable],
    *,
    editing: str = NEW,
    base_name: str = BASE_SCENARIO,
) -> tuple[list[str], str | None]:
    """What stops a scenario from being saved (each problem naming the field, the value and what is
    allowed), and the name of another scenario it would clash with (None: none). `editing` is the
    name of the scenario being edited (NEW: a new one)."""
    linked: list[ScenarioLink] = list(session.store.get("scenarios") or [])
    problems = []
    if not name:
        problems.append("Name: give the scenario a name (1 to 80 characters).")
    elif NOT_ONE_LINE.search(name):
        problems.append("Name: control characters (a tab, a line break) are not allowed in a name.")
    elif (word := look_alike_word(name)) is not None:
        problems.append(
            f"Name: “{word}” mixes letters of alphabets that look alike (Latin, Cyrillic, Greek); "
            "write each word in one alphabet."
        )
    elif name_key(name) == name_key(base_name):
        problems.append(f"Name: “{name}” is the profile's own name (the first scenario); give this one another.")
    if not changes:
        problems.append("Changes: pick at least one field to change (a scenario without one is the profile itself).")
    # the same name to a reader (case, spaces, invisible characters): the scenario it would replace
    clash = next((s.name for s in linked if s.name != editing and name and name_key(s.name) == name_key(name)), None)
    if editing == NEW and clash is None and len(linked) >= MAX_LINKED:
        problems.append(
            f"At most {MAX_SCENARIOS} scenarios side by side (the profile and {MAX_LINKED} more): "
            "remove one, or edit one of them."
        )
    problems += value_problems(session, base, changes, fields)
    return problems, clash


def value_problems(
    session: Session, base: Mapping[str, str], changes: Mapping[str, str], fields: Mapping[str, Editable]
) -> list[str]:
    """The problems the changes bring that the profile does not have: "<field> = “<value>”: <what
    is allowed>"."""
    args = (session.presets, session.criteria, session.allowed)
    _, before = scenario_profile(base, ScenarioLink(NEW_NAME), *args)
    _, after = scenario_profile(base, ScenarioLink(NEW_NAME, dict(changes)), *args)
    out = []
    for problem in after:
        if problem in before:
            continue
        key, value, message = problem
        item = fields.get(key)
        if item is None or item.kind == "text":
            label = item.label if item is not None else key
            out.append(f"{label} = “{value}”: {message}")
        else:
            out.append(f"{item.label} = “{value}”: allowed {item.allowed}")
    return out


@dataclass(frozen=True)
class Editor:
    """What the editor's callbacks need, fixed when the view is drawn."""

    session: Session
    base: Mapping[str, str]
    """The profile's own link parameters (what every scenario changes)."""
    fields: Mapping[str, Editable]
    base_name: str

    @property
    def store(self) -> MutableMapping[Any, Any]:
        return self.session.store

    def linked(self) -> list[ScenarioLink]:
        return list(self.store.get("scenarios") or [])

    def find(self, name: str) -> ScenarioLink | None:
        return next((s for s in self.linked() if s.name == name), None)

    def item(self, key: str) -> Editable:
        return self.fields.get(key) or generic_field(key)

    def profile_of(self, scenario: ScenarioLink | None) -> WorkloadProfile:
        """The scenario's profile as priced (the profile itself for a new one)."""
        link = scenario or ScenarioLink(NEW_NAME)
        session = self.session
        profile, _ = scenario_profile(self.base, link, session.presets, session.criteria, session.allowed)
        return profile

    def load(self, scenario: ScenarioLink | None) -> None:
        """Fill the editor with a scenario (None: empty, for a new one)."""
        store = self.store
        for key in [k for k in store if str(k).startswith(VALUE)]:
            del store[key]
        store[NAME] = scenario.name if scenario is not None else ""
        store[ROWS] = list(scenario.changes) if scenario is not None else []
        profile = self.profile_of(scenario)
        for key in store[ROWS]:
            self.fill(key, scenario.changes[key] if scenario is not None else "", profile)
        store[PROBLEMS] = []
        store[CLASH] = None

    def fill(self, key: str, text: str, profile: WorkloadProfile) -> None:
        item = self.item(key)
        value = widget_value(item, text)
        if value is None:  # a choice no longer offered: the scenario's own value
            value = widget_value(item, value_of(key, profile))
        if value is None and item.choices:
            value = item.choices[0]
        self.store[VALUE + key] = value

    def draft(self) -> tuple[str, dict[str, str]]:
        store = self.store
        name = str(store.get(NAME) or "").strip()
        return name, {key: link_value(self.item(key), store.get(VALUE + key)) for key in store.get(ROWS) or []}


def _on_pick(editor: Editor) -> None:
    editor.load(editor.find(str(editor.store.get(PICK) or NEW)))
    editor.store[SAID] = None


def _on_edit(editor: Editor, name: str) -> None:
    editor.store[PICK] = name
    _on_pick(editor)


def _on_add_field(editor: Editor) -> None:
    store = editor.store
    key = store.get(ADD)
    store[ADD] = None
    rows = list(store.get(ROWS) or [])
    if key is None or key in rows:
        return
    rows.append(key)
    store[ROWS] = rows
    editing = editor.find(str(store.get(PICK) or NEW))
    editor.fill(key, value_of(key, editor.profile_of(editing)), editor.profile_of(editing))


def _on_drop_field(editor: Editor, key: str) -> None:
    store = editor.store
    store[ROWS] = [k for k in store.get(ROWS) or [] if k != key]
    store.pop(VALUE + key, None)


def _saved(editor: Editor, scenario: ScenarioLink, replacing: str | None, said: tuple[str, str]) -> None:
    linked = editor.linked()
    at = next((i for i, s in enumerate(linked) if s.name == replacing), None)
    if at is None:
        linked.append(scenario)
    else:
        linked[at] = scenario
    editor.store["scenarios"] = linked
    # A scenario added leaves the editor empty for the next; one edited stays in it.
    editor.store[PICK] = NEW if at is None else scenario.name
    editor.load(None if at is None else scenario)
    editor.store[SAID] = said


def _on_save(editor: Editor) -> None:
    store = editor.store
    name, changes = editor.draft()
    editing = str(store.get(PICK) or NEW)
    problems, clash = check_scenario(
        editor.session, editor.base, name, changes, editor.fields, editing=editing, base_name=editor.base_name
    )
    store[PROBLEMS], store[CLASH], store[SAID] = problems, clash, None
    if problems or clash:
        return
    renamed = f" (was “{editing}”)" if editing not in (NEW, name) else ""
    said = ("Saved, and priced in the table and the chart above:", f"“{name}”{renamed}")
    _saved(editor, ScenarioLink(name, changes), editing or None, said)


def _on_update_clash(editor: Editor) -> None:
    """Update the scenario whose name the draft took: its changes, with the draft's over them."""
    store = editor.store
    target = editor.find(str(store.get(CLASH) or NEW))
    if target is None:
        store[CLASH] = None
        return
    _, changes = editor.draft()
    merged = {**target.changes, **changes}
    problems = value_problems(editor.session, editor.base, merged, editor.fields)
    store[PROBLEMS], store[SAID] = problems, None
    if problems:
        return
    kept = [k for k in target.changes if k not in changes]
    title = "Updated with these changes" + ("; its other changes are kept:" if kept else ":")
    said = (title, f"“{target.name}”")
    _saved(editor, ScenarioLink(target.name, merged), target.name, said)


def _on_remove(editor: Editor, index: int) -> None:
    """Remove the scenario at `index` (two scenarios of a hand-made link may share a name)."""
    store = editor.store
    linked = editor.linked()
    if not 0 <= index < len(linked):
        return
    name = linked.pop(index).name
    store["scenarios"] = linked
    if store.get(PICK) == name and editor.find(name) is None:
        store[PICK] = NEW
        editor.load(None)
    store[SAID] = ("Removed:", f"“{name}”")


def _value_widget(item: Editable) -> None:
    key = VALUE + item.key
    label = item.label  # the app's words and the tables' names and ids: no Markdown in them
    help_text = f"Allowed: {escape(item.allowed)}"
    if item.kind == "flag":
        st.checkbox(label, key=key, help=help_text, on_change="ignore", persist_state="session")
    elif item.kind == "options":
        st.multiselect(
            label,
            item.choices,
            key=key,
            format_func=lambda o: item.words.get(o, o),
            placeholder="every option priced on the date",
            help=help_text,
            on_change="ignore",
            persist_state="session",
        )
    elif item.kind == "choice":
        st.selectbox(
            label,
            item.choices,
            key=key,
            format_func=lambda c: item.words.get(c, c),
            help=help_text,
            on_change="ignore",
            persist_state="session",
        )
    else:
        st.text_input(
            label,
            key=key,
            placeholder=item.placeholder or None,
            help=help_text,
            on_change="ignore",
            persist_state="session",
        )


def _editor(editor: Editor, names: Sequence[str]) -> None:
    """Add a scenario, or edit one: its name, and any field it changes, each with what it takes."""
    store = editor.store
    choices = [NEW, *dict.fromkeys(names)]
    if store.get(PICK) not in choices:
        store[PICK] = NEW
        editor.load(None)
    if ROWS not in store:
        editor.load(None)
    with st.container(border=True):
        st.markdown("**Add or edit a scenario**: the profile with any of its fields changed")
        editing = str(
            st.selectbox(
                "Scenario",
                choices,
                key=PICK,
                format_func=lambda n: n or "A new scenario",
                on_change=_on_pick,
                args=(editor,),
            )
            or NEW
        )
        st.text_input(
            "Name",
            max_chars=80,
            key=NAME,
            placeholder="10x growth",
            on_change="ignore",
            persist_state="session",
        )
        rows = list(store.get(ROWS) or [])
        for key in rows:
            item = editor.item(key)
            left, right = st.columns([5, 1], vertical_alignment="bottom")
            with left:
                _value_widget(item)
            right.button(
                "Drop",
                key=f"scenario.edit.drop.{key}",
                help=f"Leave {escape(item.label)} as the profile has it",
                on_click=_on_drop_field,
                args=(editor, key),
            )
        st.selectbox(
            "Change another field" if rows else "A field to change",
            [k for k in editor.fields if k not in rows],
            index=None,
            key=ADD,
            format_func=lambda k: editor.fields[k].label,
            placeholder="type to search: runs, payload, machine…",
            help="Every field of the sidebar: the workload, the options compared, the team, what a plan must "
            "offer, your prices, the ranges and the months ahead",
            on_change=_on_add_field,
            args=(editor,),
        )
        left, right = st.columns(2)
        left.button(
            "Add scenario" if editing == NEW else "Save changes",
            key="scenario.edit.save",
            type="primary",
            on_click=_on_save,
            args=(editor,),
        )
        if editing != NEW:
            right.button(
                "Remove this scenario",
                key="scenario.edit.remove",
                on_click=_on_remove,
                args=(editor, list(names).index(editing)),
            )
        clash = store.get(CLASH)
        if clash:
            st.warning(
                "Another scenario has this name. Update that scenario with these changes (its other changes are "
                "kept), or give this one a name of its own and save again."
            )
            st.text(f"“{clash}”")
            st.button("Update that scenario", key="scenario.edit.update", on_click=_on_update_clash, args=(editor,))
        if store.get(PROBLEMS):
            problem_box("This scenario cannot be saved yet (everything you typed is kept):", store[PROBLEMS])
        if store.get(SAID):
            title, detail = store[SAID]
            st.success(title)
            st.text(detail)


def render_editor(session: Session, state: UiState, book: PriceBook) -> None:
    """The scenarios, each with what it changes and buttons to edit or remove it, then the editor."""
    fields = editable_fields(session.allowed, book)
    base_name = state.base_name or BASE_SCENARIO
    editor = Editor(session, profile_params(encode(state, session.presets, session.criteria)), fields, base_name)
    names = [s.name for s in state.scenarios]
    keys = [name_key(n) for n in names]
    twice = sorted({s.name for s, k in zip(state.scenarios, keys, strict=True) if keys.count(k) > 1})
    if twice:
        st.warning(
            "Two scenarios share a name: the chart cannot tell them apart. Edit one and give it a name of its own:"
        )
        st.text(", ".join(f"“{n}”" for n in twice))
    for number, scenario in enumerate(state.scenarios, 1):
        left, middle, right = st.columns([6, 1, 1], vertical_alignment="center")
        left.text(f"{scenario.name}: {changed_words(scenario.changes, fields)}")
        middle.button("Edit", key=f"scenario.open.{number}", on_click=_on_edit, args=(editor, scenario.name))
        right.button("Remove", key=f"scenario.remove.{number}", on_click=_on_remove, args=(editor, number - 1))
    _editor(editor, names)
