"""The scenarios view: the profile beside up to five named variants of it (10x growth, a
negotiated price, a longer retention), one row per scenario and option with the cheapest per
scenario marked, and a chart of every option's cost in each; scenarios are added and edited here
(any field the sidebar has, each with what it takes), loaded from a scenario file, kept in the
link and exported with the report. Computes nothing but one `compare_scenarios` call."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal

import pandas as pd
import streamlit as st
import yaml

from model.analysis import Analysis
from model.scenarios import AccountScenario, ScenarioResult, compare_account_scenarios, compare_scenarios
from model.scenarios import account_groups as groups_of
from pricing.accounts import ACCOUNT_FIELDS
from pricing.load import PricingError
from pricing.profiles import Known
from pricing.scenarios import MAX_SCENARIOS, load_scenarios_text
from report.account import account_cell, scenario_account_lines, scenario_account_rows
from report.scenarios import scenario_chart_left_out, scenario_chart_spec, scenario_rows, scenario_summary
from report.text import escape
from schema.inputs import PathInputs, StepKind
from schema.plans import SUPPORT_LEVELS
from schema.profile import BOUNDS, NUMERIC_FIELDS, OPTIONAL_FIELDS, WorkloadProfile, field_unit
from schema.tables import PriceBook
from schema.text import NOT_ONE_LINE, look_alike_word, name_key
from ui.data import machine_label
from ui.export import slug
from ui.form import EMPTY
from ui.form import label as sidebar_label  # the sidebar's own words for each field
from ui.link import BASE_SCENARIO, MAX_LINKED, changes_between, encode, profile_params, scenario_profile
from ui.profile_parts import NEED, PATH, PATH_PARAMS, RANGE, WEEKS, YOURS, overrides_params, ranges_params
from ui.session import Session
from ui.sidebar import STEP_KIND_WORDS
from ui.state import PROFILE_FIELDS, Allowed, ScenarioLink, UiState
from ui.text import problems as problem_box

__all__ = [
    "Editable",
    "check_scenario",
    "editable_fields",
    "render_scenarios",
    "scenario_results",
    "value_of",
    "value_problems",
]

MAX_UPLOAD_BYTES = 256 * 1024
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


def scenario_profiles(session: Session, state: UiState) -> tuple[list[tuple[str, WorkloadProfile]], list[str]]:
    """(name, profile) of every scenario, the profile itself first, and what could not be used."""
    base = profile_params(encode(state, session.presets, session.criteria))
    named = [(state.base_name or BASE_SCENARIO, state.profile)]
    problems = []
    for scenario in state.scenarios:
        profile, wrong = scenario_profile(base, scenario, session.presets, session.criteria, session.allowed)
        problems += [
            f"{scenario.name}: {field} = “{value}”: {message}"
            for field, value, message in wrong
            if field in scenario.changes
        ]
        named.append((scenario.name, profile))
    return named, problems


def account_groups(
    session: Session, state: UiState, named: Sequence[tuple[str, WorkloadProfile]]
) -> list[tuple[str, list[WorkloadProfile]]]:
    """Each scenario as an account: the scenario's profile first, then the Account view's other agents,
    sharing what the scenario says of the account (options, team, requirements, terms, path)."""
    from ui.account import account_agents

    return groups_of(named, account_agents(session, state)[0][1:], ACCOUNT_FIELDS)


def account_scenario_results(session: Session, state: UiState, analysis: Analysis) -> tuple[AccountScenario, ...]:
    """The scenarios over the account (one engine call), or none without both scenarios and other agents."""
    if not state.scenarios or not state.agents:
        return ()
    named, _ = scenario_profiles(session, state)
    groups = account_groups(session, state, named)
    return tuple(compare_account_scenarios(groups, analysis.book, state.profile.options or None))


def _account_scenarios(
    session: Session, state: UiState, named: Sequence[tuple[str, WorkloadProfile]], analysis: Analysis
) -> None:
    """The scenarios over the account: each scenario changes the sidebar's profile; the other agents stay
    as the Account view holds them and share what the scenario says of the account."""
    groups = account_groups(session, state, named)
    results = compare_account_scenarios(groups, analysis.book, state.profile.options or None)
    st.markdown(
        f"**The account in each scenario** (this profile and {len(groups[0][1]) - 1} more agent"
        f"{'s' if len(groups[0][1]) > 2 else ''}, priced together)"
    )
    st.markdown("  \n".join(escape(line) for line in scenario_account_lines(results)))
    wide: dict[str, dict[str, object]] = {}
    first: dict[str, float] = {}
    for row in scenario_account_rows(results):
        usd = row["account_usd"]
        said = account_cell(usd) + (" ✓" if row["cheapest"] else "")
        wide.setdefault(str(row["option"]), {"Option": row["option"]})[str(row["scenario"])] = said
        if row["scenario"] == results[0].name:
            first[str(row["option"])] = float(usd) if isinstance(usd, float) else float("inf")
    order = sorted(wide, key=lambda option: first.get(option, float("inf")))
    st.dataframe(pd.DataFrame([wide[o] for o in order]), hide_index=True, key="scenario.account")
    st.caption("A month, every agent on the option; ✓ the scenario's cheapest.")


def scenario_results(session: Session, state: UiState, analysis: Analysis) -> tuple[ScenarioResult, ...]:
    """The scenarios priced (one engine call), or none when the profile has no scenarios."""
    if not state.scenarios:
        return ()
    named, _ = scenario_profiles(session, state)
    return tuple(compare_scenarios(named, analysis.book))


Kind = Literal["number", "text", "choice", "flag", "options"]


@dataclass(frozen=True)
class Editable:
    """A link parameter a scenario can change (`ui.state.ScenarioLink`), as the editor shows it."""

    key: str
    label: str
    kind: Kind
    allowed: str
    """What the parameter takes, in words: shown as the field's help and in a problem with it."""
    choices: tuple[str, ...] = ()
    words: Mapping[str, str] = field(default_factory=dict)
    """Each choice in words (a machine size: "2 vCPU · 4 GB")."""
    placeholder: str = ""


def _amount(value: float) -> str:
    """
    >>> _amount(1e10), _amount(0.5), _amount(3650.0)
    ('10,000,000,000', '0.5', '3,650')
    """
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


def _field_label(name: str) -> str:
    """A workload field as the sidebar labels it ("Payload per step [KB]")."""
    return sidebar_label(name)


def _number(key: str, label: str, low: float, high: float, unit: str, empty: str | None = None) -> Editable:
    unit_words = f" {unit}" if unit else ""
    allowed = f"a number from {_amount(low)} to {_amount(high)}{unit_words}"
    if empty is not None:
        allowed += f", or empty: {empty}"
    return Editable(key, label, "number", allowed, placeholder=f"empty: {empty}" if empty else "")


def editable_fields(allowed: Allowed, book: PriceBook | None = None) -> dict[str, Editable]:
    """Every link parameter a scenario can change, by key, in the order of the sidebar's sections:
    the workload's fields (numbers, the machine, how a step runs, whether it needs a machine), the
    options compared, the team, what a plan must offer, your prices and contract, the ranges and
    the months ahead."""
    names = {t.id: t.name for t in book.options()} if book is not None else {}

    def named(option: str) -> str:
        return names.get(option, option)

    out: dict[str, Editable] = {}

    def add(item: Editable) -> None:
        out[item.key] = item

    for name in NUMERIC_FIELDS:
        low, high = BOUNDS[name]
        add(
            _number(
                name,
                _field_label(name),
                low or 0.0,
                high if high is not None else float("inf"),
                field_unit(name),
                EMPTY.get(name, "derived") if name in OPTIONAL_FIELDS else None,
            )
        )
    machines = allowed.machines
    add(
        Editable(
            "machine",
            _field_label("machine"),
            "choice" if machines else "text",
            "one of " + ", ".join(machines) if machines else "a machine size, such as 0.5-vcpu-0.5-gb",
            machines,
            {m: machine_label(m, book) for m in machines} if book is not None else {},
        )
    )
    if allowed.models:
        add(Editable("model", _field_label("model"), "choice", "a model of the token price catalogue", allowed.models))
    if allowed.sandboxes:
        services = tuple(allowed.sandboxes)
        said = "one of " + ", ".join(services)
        add(Editable("sandbox", _field_label("sandbox"), "choice", said, services, dict(allowed.sandboxes)))
    kinds = tuple(k.value for k in StepKind)
    add(Editable("step_kind", _field_label("step_kind"), "choice", " or ".join(kinds), kinds, STEP_KIND_WORDS))
    add(Editable("step_needs_machine", "A step needs a full machine (tests, a browser, binaries)", "flag", "yes or no"))
    options = allowed.options
    add(
        Editable(
            "options",
            "Options compared",
            "options" if options else "text",
            "option ids from " + ", ".join(options) + "; none: every option priced on the date"
            if options
            else "option ids, comma-separated; empty: every option",
            options,
            {o: named(o) for o in options},
        )
    )
    add(_number("engineer_cost", "Engineer cost [USD/year]", 0, 5_000_000, "USD per year", "the sourced default"))
    for option in options:
        add(_number(f"ops.{option}", f"Operations effort, {named(option)} [FTE]", 0, 10, "FTE", "the table's default"))
    for prefix, what in (("setup.", "Weeks to production with"), ("migrate.", "Weeks to migrate onto")):
        for option in options:
            add(
                _number(
                    f"{prefix}{option}",
                    f"{what} {named(option)} [engineer-weeks]",
                    0,
                    520,
                    "engineer-weeks",
                    "the table's default",
                )
            )
    add(_number(f"{NEED}seats", "A plan must offer: seats", 1, 1_000_000, "seats", "any"))
    add(_number(f"{NEED}log_retention_days", "A plan must offer: log retention [days]", 0, 3650, "days", "any"))
    add(_number(f"{NEED}sla_percent", "A plan must offer: uptime SLA [%]", 90, 100, "%", "none needed"))
    add(
        Editable(
            f"{NEED}support",
            "A plan must offer: support, at least",
            "choice",
            "one of " + ", ".join(SUPPORT_LEVELS),
            SUPPORT_LEVELS,
        )
    )
    add(Editable(f"{NEED}sso", "A plan must offer: SSO / SAML", "flag", "yes or no"))
    add(Editable(f"{NEED}hipaa", "A plan must offer: HIPAA (a signed BAA)", "flag", "yes or no"))
    for option in options:
        terms = allowed.terms.get(option)
        if terms is None:
            continue
        mine = f"{YOURS}{option}."
        who = named(option)
        for price in terms.prices:
            add(
                _number(
                    f"{mine}price.{price}",
                    f"{who}: your price for {terms.name('price', price).lower()}",
                    0,
                    1e9,
                    "in the unit the vendor quotes",
                    "the list price",
                )
            )
        add(_number(f"{mine}discount", f"{who}: discount [%]", 0, 100, "%", "none"))
        add(_number(f"{mine}commitment", f"{who}: committed spend [USD/month]", 0, 1e9, "USD a month", "none"))
        add(_number(f"{mine}credit", f"{who}: credit it buys [USD/month]", 0, 1e9, "USD a month", "the commitment"))
        if terms.plans:
            add(
                Editable(
                    f"{mine}plan",
                    f"{who}: pinned plan",
                    "choice",
                    "one of " + ", ".join(terms.name("plan", p) for p in terms.plans),
                    terms.plans,
                    {p: terms.name("plan", p) for p in terms.plans},
                )
            )
        for addon in terms.addons:
            add(
                _number(
                    f"{mine}addon.{addon}",
                    f"{who}: add-on {terms.name('addon', addon)}",
                    0,
                    1e6,
                    "(1 switches it on)",
                    "none",
                )
            )
    for name in NUMERIC_FIELDS:
        unit = field_unit(name)
        add(
            Editable(
                f"{RANGE}{name}",
                f"Range of {_field_label(name)}",
                "text",
                f"<low>,<high> or <low>,<high>,uniform{' in ' + unit if unit else ''}, around the field's value; "
                "empty: known exactly",
                placeholder="low, high",
            )
        )
    path = PathInputs.model_fields
    add(_number(f"{PATH}growth", "Growth [%/month]", *_limits(path["growth_percent_per_month"]), "% a month"))
    add(_number(f"{PATH}horizon", "Horizon [months]", *_limits(path["horizon_months"]), "months (whole)"))
    add(_number(f"{PATH}cutover", "Cut-over [months]", *_limits(path["cutover_months"]), "months"))
    add(
        Editable(
            f"{PATH}runs",
            "Your forecast [runs/month]",
            "text",
            "monthly runs, comma-separated (e.g. 50000, 80000, 120000); empty: the growth rate",
            placeholder="e.g. 50000, 80000, 120000",
        )
    )
    return out


def _limits(info: Any) -> tuple[float, float]:
    """A pydantic field's (least, most) allowed value."""
    low = next(m.ge for m in info.metadata if getattr(m, "ge", None) is not None)
    high = next(m.le for m in info.metadata if getattr(m, "le", None) is not None)
    return float(low), float(high)


def _generic(key: str) -> Editable:
    """A parameter the editor does not list (one a link or a scenario file set): kept as text."""
    return Editable(key, key, "text", "the value this parameter takes in a link")


def _shown(value: Any) -> str:
    """A value as its link text (the inverse of what `ui.link.decode` reads)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, float):
        return repr(value).removesuffix(".0")
    if value is None:
        return ""
    return str(value)


def value_of(key: str, profile: WorkloadProfile) -> str:
    """What `profile` holds for a link parameter, as link text ("" where it holds nothing)."""
    team = profile.team
    if key in PROFILE_FIELDS:
        return _shown(getattr(profile, key))
    if key == "options":
        return ",".join(profile.options)
    if key == "engineer_cost":
        return _shown(team.engineer_cost_usd_per_year)
    if key.startswith("ops."):
        return _shown(team.ops_fte.get(key.removeprefix("ops.")))
    for prefix, name in WEEKS.items():
        if key.startswith(prefix):
            return _shown(getattr(team, name).get(key.removeprefix(prefix)))
    if key.startswith(NEED):
        return _shown(getattr(profile.requirements, key.removeprefix(NEED), None))
    if key.startswith(YOURS):
        return _shown(overrides_params(profile.overrides).get(key))
    if key.startswith(PATH) and key.removeprefix(PATH) in PATH_PARAMS:
        value = getattr(profile.path, PATH_PARAMS[key.removeprefix(PATH)])
        return ", ".join(_shown(float(v)) for v in value) if isinstance(value, tuple) else _shown(value)
    if key.startswith(RANGE):
        return ranges_params(profile.ranges).get(key, "")
    return ""


def widget_value(item: Editable, text: str) -> Any:
    """A link value as the editor's widget holds it; None where a choice is not among the choices."""
    if item.kind == "flag":
        return text.strip().lower() == "true"
    if item.kind == "options":
        return [o for o in text.split(",") if o in item.choices]
    if item.kind == "choice":
        return text if text in item.choices else None
    return text


def link_value(item: Editable, value: Any) -> str:
    """What the editor's widget holds, as the link's text."""
    if item.kind == "flag":
        return "true" if value else "false"
    if item.kind == "options":
        return ",".join(value or ())
    return "" if value is None else str(value).strip()


def changed_words(changes: Mapping[str, str], fields: Mapping[str, Editable]) -> str:
    """A scenario's changes as a person reads them."""
    parts = []
    for key, value in changes.items():
        item = fields.get(key) or _generic(key)
        if item.kind == "flag":
            shown = "yes" if value == "true" else "no"
        elif item.kind == "options":
            shown = ", ".join(item.words.get(o, o) for o in value.split(",") if o) or "every option"
        else:
            shown = item.words.get(value, value) if value else "as in the preset"
        parts.append(f"{item.label} = {shown}")
    return "; ".join(parts) or "no change"


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
        return self.fields.get(key) or _generic(key)

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


def _on_scenario_file(session: Session, preset: str, known: Known) -> None:
    """A scenario file, loaded before the widgets are drawn: its first scenario becomes the profile
    (the sidebar), the others changes to it. Problems are kept for the view to show."""
    upload = session.store.get("scenario.file")
    session.store["scenario.file.problems"] = []
    if upload is None:
        return
    if upload.size > MAX_UPLOAD_BYTES:
        session.store["scenario.file.problems"] = [
            f"{upload.name}: {upload.size:,} bytes; a scenario file is at most {MAX_UPLOAD_BYTES:,}"
        ]
        return
    try:
        chosen = load_scenarios_text(upload.getvalue().decode("utf-8"), upload.name, known=known)
    except UnicodeDecodeError:
        session.store["scenario.file.problems"] = [f"{upload.name}: not UTF-8 text"]
        return
    except PricingError as exc:
        session.store["scenario.file.problems"] = [str(p) for p in exc.problems]
        return
    first, *rest = chosen.scenarios
    session.set_profile(first.profile)
    base = profile_params(encode(UiState(preset=preset, profile=first.profile), session.presets, session.criteria))
    linked = []
    for scenario in rest:
        other = profile_params(
            encode(UiState(preset=preset, profile=scenario.profile), session.presets, session.criteria)
        )
        linked.append(ScenarioLink(scenario.name, changes_between(base, other, scenario.profile)))
    session.store["scenarios"] = linked
    session.store["scenario_base_name"] = first.name
    if chosen.agents:  # the set's other agents join the Account view, each as the profile with its changes
        agents = []
        for agent in chosen.agents:
            other = profile_params(encode(UiState(preset=preset, profile=agent), session.presets, session.criteria))
            agents.append(ScenarioLink(agent.name, changes_between(base, other, agent)))
        session.store["agents"] = agents


def _load_file(session: Session, state: UiState, known: Known) -> None:
    st.file_uploader(
        "Or load a scenario file (YAML, see data/scenarios/): its first scenario becomes the profile",
        type=["yaml", "yml"],
        key="scenario.file",
        on_change=_on_scenario_file,
        args=(session, state.preset, known),
    )
    problems = session.store.get("scenario.file.problems") or []
    if problems:
        st.error("The scenario file cannot be used:")
        st.text("\n".join(problems))


def _download(chosen: Sequence[tuple[str, WorkloadProfile]], title: str) -> bytes:
    data = {
        "version": 1,
        "name": title,
        "scenarios": [
            {"name": name, "profile": profile.model_dump(mode="json", exclude_defaults=True)}
            for name, profile in chosen
        ],
    }
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode("utf-8")


def render_scenarios(session: Session, state: UiState, analysis: Analysis, known: Known) -> None:
    st.subheader("Scenarios side by side")
    st.caption(
        f"The profile (as edited in the sidebar) beside up to {MAX_LINKED} named variants of it: each "
        "scenario changes some fields and keeps the rest, so an edit in the sidebar moves every scenario. "
        "The link keeps them; the report includes them."
    )
    named, problems = scenario_profiles(session, state)
    if problems:
        st.warning("Some changes could not be used (the profile's value is kept):")
        st.text("\n".join(problems))
    if len(named) > 1:
        results = analysis.scenarios or tuple(compare_scenarios(named, analysis.book))
        st.text("\n".join(scenario_summary(r) for r in results))
        rows = pd.DataFrame(scenario_rows(results))
        rows["cheapest"] = rows["cheapest"].map({True: "✓", False: ""})
        st.dataframe(
            rows[["scenario", "option", "plan", "monthly_usd", "low_usd", "high_usd", "cheapest", "note"]],
            hide_index=True,
            column_config={
                "scenario": "Scenario",
                "option": "Option",
                "plan": "Plan",
                "cheapest": "Cheapest",
                "note": "Note",
                **{
                    k: st.column_config.NumberColumn(label, format="dollar")
                    for k, label in (("monthly_usd", "Per month"), ("low_usd", "Low"), ("high_usd", "High"))
                },
            },
        )
        st.vega_lite_chart(spec=scenario_chart_spec(results), width="stretch")
        left_out = scenario_chart_left_out(results)
        if left_out:
            st.text("Not drawn, as they cannot run these scenarios (the table says why): " + "; ".join(left_out) + ".")
        if state.agents:
            _account_scenarios(session, state, named, analysis)
        st.download_button(
            "Download as a scenario file (YAML)",
            _download(named, state.profile.name),
            file_name=f"{slug(state.profile.name)}-scenarios.yaml",
            mime="application/yaml",
            key="scenario.download",
            on_click="ignore",
        )
    else:
        st.info("No scenarios yet: add one below, or load a scenario file.")
    fields = editable_fields(session.allowed, analysis.book)
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
    _load_file(session, state, known)
