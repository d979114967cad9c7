"""The sidebar: the workload form (every field with its unit, help and bounds), the team inputs
apart from it, the pricing date, and profile upload and download. It returns a valid profile."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping

import streamlit as st

from pricing.load import PricingError
from pricing.profiles import Known, dump_profile, load_profile_text
from pricing.vendors import IMPORTERS
from pricing.yamlio import EXPORT_BYTES, PROFILE_BYTES, InputError, Problem, decode_text
from report.words import lower
from schema.inputs import PathInputs, PlanRequirements, StepKind, TeamInputs, field_title
from schema.names import price_name
from schema.numbers import Tiered
from schema.plans import SUPPORT_LEVELS
from schema.profile import (
    DOUBTS,
    GROWTH,
    OPTIONAL_FIELDS,
    PATH_BOUNDS,
    TOKEN_FIELDS,
    ProfileError,
    WorkloadProfile,
    field_unit,
)
from schema.tables import PriceBook
from ui.data import machine_label
from ui.edited import shown_value
from ui.export import slug
from ui.profile_parts import ENGINEER_COST, NEED, OPS, PATH, RANGE, YOURS, each_bounds, team_bounds, team_key
from ui.session import CONTRACT, Session
from ui.state import PROFILE_FIELDS, field_key
from ui.text import problems

__all__ = ["render_sidebar"]

# Presentation only: the step of the +/- buttons. Every field shows its value exactly (%g with
# enough digits), so what the sidebar shows is what is priced.
STEPS: dict[str, float] = {
    "monthly_runs": 1000.0,
    "steps_per_run": 1.0,
    "step_seconds": 1.0,
    "retry_rate": 0.05,
    "sleeps_per_run": 1.0,
    "sleep_seconds": 60.0,
    "human_waits_per_run": 1.0,
    "human_wait_seconds": 600.0,
    "child_runs_per_run": 1.0,
    "heartbeat_seconds": 5.0,
    "heartbeat_timeout_seconds": 5.0,
    "step_payload_kb": 1.0,
    "context_growth_kb": 1.0,
    "peak_concurrent_runs": 1.0,
    "peak_window_hours": 1.0,
    "retention_days": 1.0,
    "step_cpu_share": 0.01,
    "step_memory_mb": 64.0,
    "events_per_run": 1.0,
    "state_kb_per_run": 10.0,
    "input_tokens_per_step": 1000.0,
    "input_token_growth_per_step": 100.0,
    "cached_input_tokens_per_step": 1000.0,
    "cached_input_token_growth_per_step": 100.0,
    "output_tokens_per_step": 100.0,
    "input_price_per_mtok": 0.1,
    "cached_input_price_per_mtok": 0.01,
    "output_price_per_mtok": 0.1,
    "model_discount_percent": 1.0,
    "sandbox_vcpus": 1.0,
    "sandbox_memory_gb": 1.0,
    "sandbox_seconds_per_run": 60.0,
}
NO_MODEL = "none: the model's tokens are not priced"
NO_SANDBOX = "none: no sandbox is priced"
SANDBOX_FIELDS = ("sandbox_vcpus", "sandbox_memory_gb", "sandbox_seconds_per_run")
EXACT = "%.12g"
STEP_KIND_WORDS = {"task": "a task of its own", "inline": "inline, in the run's own code"}
GROUPS = (
    ("Volume", ("monthly_runs", "peak_concurrent_runs", "peak_window_hours")),
    ("Each run", ("steps_per_run", "step_seconds", "retry_rate", "child_runs_per_run", "step_memory_mb")),
    ("Waits", ("sleeps_per_run", "sleep_seconds", "human_waits_per_run", "human_wait_seconds")),
    (
        "History and heartbeats",
        ("step_payload_kb", "context_growth_kb", "heartbeat_seconds", "heartbeat_timeout_seconds", "retention_days"),
    ),
    ("Billed by some vendors", ("step_cpu_share", "events_per_run", "state_kb_per_run")),
)


def _bounds(name: str) -> tuple[float, float]:
    info = WorkloadProfile.model_fields[name]
    low = next(m.ge for m in info.metadata if hasattr(m, "ge"))
    high = next(m.le for m in info.metadata if hasattr(m, "le"))
    return float(low), float(high)


def _label(name: str) -> str:
    unit = field_unit(name)
    text = field_title(name)
    return f"{text} [{unit}]" if unit else text


def _held(key: str, fallback: object = None) -> object:
    """A widget's own value as its default. Streamlit sends a value set from code (a link, a preset)
    with the run that first draws the widget; when a click cuts that run short, the browser draws
    the widget afresh from its default, so a default of zero would show, and send back, a zero."""
    return st.session_state.get(key, fallback)


def _index(key: str, choices: list[str]) -> int | None:
    value = st.session_state.get(key)
    return choices.index(value) if value in choices else 0


def _number(name: str, *, folded: bool = False) -> None:
    low, high = _bounds(name)
    optional = name in OPTIONAL_FIELDS
    held = _held(field_key(name))
    st.number_input(
        _label(name),
        min_value=low,
        max_value=high,
        step=STEPS[name],
        format=EXACT,
        help=WorkloadProfile.model_fields[name].description,
        key=field_key(name),
        value=float(held) if isinstance(held, (int, float)) else (None if optional else "min"),
        placeholder=EMPTY.get(name) if optional else None,
        persist_state="session" if folded else None,
    )


EMPTY = {
    "peak_concurrent_runs": "derived from the volume",
    "state_kb_per_run": "every step's payload",
    "step_memory_mb": "what an API call needs",
    "input_price_per_mtok": "the list price",
    "cached_input_price_per_mtok": "the list price",
    "output_price_per_mtok": "the list price",
    "sandbox_seconds_per_run": "the time its steps execute",
}
"""What an optional field left empty means, in its box."""


@contextlib.contextmanager
def _folded(title: str, name: str) -> Iterator[bool]:
    """An expander whose inputs are drawn only while it is open (it reruns the app when opened or
    closed). Streamlit's `number_input` looks through the session state for every widget it draws,
    so ninety inputs folded away cost an edit more than its estimate; their values stay in the
    session (`persist_state="session"` on each) and in the link, drawn or not."""
    with st.expander(title, key=f"open.{name}", on_change="rerun") as box:
        yield bool(box.open)


def _on_preset(session: Session) -> None:
    # A preset describes a workload, not a team: the team inputs stay as the user set them.
    session.set_profile(session.presets[str(session.store["preset"])], team=False)


def _on_export(session: Session, files: list[tuple[str, str]]) -> None:
    """Vendors' exports of the team's own runs (see `pricing.vendors`), one kind at a time: the
    profile derived from them, with where each field came from and its value; the month's runs stay
    as entered unless the export shows them, and the note says which."""
    from pricing.load import read_pricebook
    from pricing.vendors import importer_for
    from pricing.yamlio import load_json

    importers = []
    for name, text in files:
        try:
            importer = importer_for(load_json(text, name, "export"))
        except InputError as exc:
            _upload_failed(session, [str(exc.problem)])
            return
        if importer is None:
            _upload_failed(session, [f"{name}: not an export this tool reads (a workflow history, or a runs list)"])
            return
        importers.append(importer)
    if any(i is not importers[0] for i in importers):
        _upload_failed(session, ["Exports of one kind at a time: workflow histories, or runs lists"])
        return
    importer = importers[0]
    runs = None if not importer.needs_monthly_runs else float(session.store.get(field_key("monthly_runs")) or 1)
    try:
        imported = importer.derive(files, read_pricebook(), monthly_runs=runs)
    except PricingError as exc:
        _upload_failed(session, [str(p) for p in exc.problems])
        return
    session.store["upload_problems"] = []
    session.store["upload_sources"] = None
    profile = imported.profile
    said = [
        f"{field_title(k)}: {shown_value(getattr(profile, k, None))} ({v})"
        if k in WorkloadProfile.model_fields
        else f"{k}: {v}"
        for k, v in imported.sources.items()
    ]
    if importer.needs_monthly_runs:
        said.insert(
            0,
            f"Monthly runs kept at {runs:,.10g} as entered: the exports show what a run does, not how "
            "many run a month; change it above",
        )
    said += list(imported.notes)
    title = files[0][0] if len(files) == 1 else f"{len(files)} files"
    session.store["upload_derived"] = (title, said + ([imported.check] if imported.check else []))
    session.set_profile(profile, team=False)


def _upload_failed(session: Session, problems_said: list[str]) -> None:
    session.store["upload_problems"] = problems_said
    session.store["upload_sources"] = None
    session.store["upload_derived"] = None


SEEN = "upload_seen"
"""The ids of the files already read from the upload box: a file added to those it holds is read alone."""


UPLOAD_MB = 64
"""The most the app takes in one upload, and in all the files of one upload together (Streamlit's
`server.maxUploadSize`, .streamlit/config.toml): the largest run history a vendor keeps is 50 MB. The files are
held in the server's memory while they are read; the CLI reads exports of up to 200 MB."""


def _on_upload(session: Session) -> None:
    held = list(session.store.get("upload") or [])
    seen = set(session.store.get(SEEN) or ())
    uploads = [u for u in held if u.file_id not in seen]
    session.store[SEEN] = {u.file_id for u in held}
    if not uploads:  # a file taken out of the box: what it gave stays
        return
    exports = [u for u in uploads if u.name.lower().endswith(".json")]
    if (exports and len(exports) != len(uploads)) or (not exports and len(uploads) > 1):
        _upload_failed(session, ["One profile (YAML) at a time, or any number of exports of your runs (JSON)"])
        return
    files = []
    for upload in uploads:
        limit = min(EXPORT_BYTES, UPLOAD_MB * 1024 * 1024) if exports else PROFILE_BYTES
        try:
            if upload.size > limit:
                raise InputError(
                    Problem(
                        upload.name,
                        None,
                        "",
                        f"{upload.size:,} bytes; a {'runs export' if exports else 'profile'} is at most {limit:,}",
                    )
                )
            files.append((upload.name, decode_text(upload.getvalue(), upload.name)))
        except InputError as exc:
            _upload_failed(session, [str(exc.problem)])
            return
    if sum(len(text) for _, text in files) > UPLOAD_MB * 1024 * 1024:
        _upload_failed(
            session, [f"{len(files)} files; all together at most {UPLOAD_MB} MB in the app (the CLI: 200 MB)"]
        )
        return
    if exports:
        _on_export(session, files)
        return
    ((name, text),) = files
    session.store["upload_derived"] = None
    allowed = session.allowed
    try:
        loaded = load_profile_text(
            text, name, known=Known(allowed.machines, allowed.options, machine_names=allowed.machine_names)
        )
    except PricingError as exc:
        session.store["upload_problems"] = [str(p) for p in exc.problems]
        session.store["upload_sources"] = None
        return
    session.store["upload_problems"] = []
    session.store["upload_sources"] = (name, dict(loaded.sources))
    profile = loaded.profile
    # What the file says about the team, or about the buyer's terms and needs, replaces what the form
    # held; what it leaves out is kept (a file of a workload alone does not wipe the team's inputs).
    buyer = bool(profile.overrides) or profile.requirements != PlanRequirements()
    session.set_profile(profile, team=profile.team != TeamInputs(), buyer=buyer)


def _sources_note(file: str, sources: dict[str, str]) -> str:
    """Which fields of an uploaded profile came from where."""
    by_origin: dict[str, list[str]] = {}
    for name in WorkloadProfile.model_fields:  # in the order of the profile format
        if name in PROFILE_FIELDS and name in sources:
            by_origin.setdefault(sources[name], []).append(lower(field_title(name)) if name != "name" else "name")
    parts = []
    for origin in sorted(by_origin, key=lambda o: (o != "this file", o == "default", o)):
        where = (
            f"from {file}"
            if origin == "this file"
            else ("their neutral defaults" if origin == "default" else f"from {origin}")
        )
        parts.append(f"{where}: " + ", ".join(by_origin[origin]))
    return "Loaded. " + "; ".join(parts) + "."


CHOSEN = CONTRACT
"""The option whose terms the user last chose to see, kept apart from the box's own value."""
YEARLY = "yearly."
"""The annual form of a committed spend, `yearly.<option>`: the monthly box holds the truth (and the
link), this one shows it times twelve and writes a twelfth of what is typed into it."""


def _on_contract_option() -> None:
    st.session_state[CHOSEN] = st.session_state["your.option"]


def _on_yearly(option: str) -> None:
    year = st.session_state.get(f"{YEARLY}{option}")
    st.session_state[f"{YOURS}{option}.commitment"] = None if year is None else year / 12


def _on_monthly(option: str) -> None:
    month = st.session_state.get(f"{YOURS}{option}.commitment")
    st.session_state[f"{YEARLY}{option}"] = None if month is None else month * 12


def _tokens(models: tuple[str, ...]) -> None:
    """The model each step calls and its tokens: the bill beside the orchestrator's."""
    with _folded("The model and its tokens", "tokens") as shown:
        if not shown:
            return
        st.caption(
            "What each step's model call costs, at the list prices of genai-prices' catalogue (or your "
            "contract's): the same on every option, shown beside the orchestrator's bill."
        )
        choices = ["", *models]
        st.selectbox(
            "Model (provider/model)",
            choices,
            index=_index(field_key("model"), choices),
            key=field_key("model"),
            format_func=lambda m: m or NO_MODEL,
            help=WorkloadProfile.model_fields["model"].description,
            persist_state="session",
        )
        for name in TOKEN_FIELDS:
            _number(name, folded=True)


def _sandbox(services: Mapping[str, str]) -> None:
    """The sandbox service the agent's code and tests run in: the bill beside the orchestrator's."""
    with _folded("The sandbox its code runs in", "sandbox") as shown:
        if not shown:
            return
        st.caption(
            "A sandbox a run keeps for its code and tests, billed per second on what it is given: the same on "
            "every option, shown beside the orchestrator's bill. The steps that need a machine then run there."
        )
        choices = ["", *services]
        st.selectbox(
            "Sandbox service",
            choices,
            index=_index(field_key("sandbox"), choices),
            key=field_key("sandbox"),
            format_func=lambda s: services.get(s, s) if s else NO_SANDBOX,
            help=WorkloadProfile.model_fields["sandbox"].description,
            persist_state="session",
        )
        for name in SANDBOX_FIELDS:
            _number(name, folded=True)


def _contract(book: PriceBook) -> None:
    """A buyer's own terms for one option at a time (every option's are kept in the session and the
    link): prices, a discount, a committed spend and its credit, a pinned plan, add-ons."""
    tables = {t.id: t for t in book.options()}
    with _folded("Your prices and contract", "contract") as shown:
        if not shown:
            return
        st.caption(
            "A contract's terms instead of the list price; each line item priced at yours says so and "
            "shows the list price beside it."
        )
        # The option last chosen comes back when a pricing date without it is left: Streamlit resets a
        # box whose value is not among its choices.
        last = st.session_state.get(CHOSEN)
        if last in tables and st.session_state.get("your.option") != last:
            st.session_state["your.option"] = last
        chosen = st.selectbox(
            "Option",
            list(tables),
            key="your.option",
            format_func=lambda i: tables[i].name,
            persist_state="session",
            on_change=_on_contract_option,
        )
        table = tables[chosen]
        prices = {**{k: v for p in table.plans for k, v in p.prices.items()}, **table.prices}
        for key, item in sorted(prices.items()):
            listed = "tiered" if isinstance(item, Tiered) else f"{item.expected:.6g}"
            st.number_input(
                f"{price_name(table, key)} [{item.unit.value}]",
                min_value=0.0,
                value=None,
                format=EXACT,
                key=f"{YOURS}{chosen}.price.{key}",
                placeholder=f"list: {listed}",
                persist_state="session",
                help="Your unit price, in the unit the vendor quotes",
            )
        st.number_input(
            "Discount [%]",
            min_value=0.0,
            max_value=100.0,
            value=None,
            format=EXACT,
            key=f"{YOURS}{chosen}.discount",
            persist_state="session",
            placeholder="none",
            help="Off the vendor's bill",
        )
        month = st.session_state.get(f"{YOURS}{chosen}.commitment")
        st.session_state[f"{YEARLY}{chosen}"] = None if month is None else month * 12
        left, right = st.columns(2)
        left.number_input(
            "Committed spend [USD/month]",
            min_value=0.0,
            value=None,
            format=EXACT,
            key=f"{YOURS}{chosen}.commitment",
            persist_state="session",
            placeholder="none",
            help="Paid each month whatever the usage",
            on_change=_on_monthly,
            args=(chosen,),
        )
        right.number_input(
            "or [USD/year]",
            min_value=0.0,
            value=None,
            format=EXACT,
            key=f"{YEARLY}{chosen}",
            placeholder="none",
            help="An annual commitment: priced as a twelfth of it each month",
            on_change=_on_yearly,
            args=(chosen,),
        )
        st.number_input(
            "Credit it buys [USD/month]",
            min_value=0.0,
            value=None,
            format=EXACT,
            key=f"{YOURS}{chosen}.credit",
            persist_state="session",
            placeholder="the commitment",
            help="Pays for usage; empty: the commitment itself",
        )
        if table.plans:
            plans = {p.id: p.name for p in table.plans}
            st.selectbox(
                "Pinned plan",
                list(plans),
                index=None,
                key=f"{YOURS}{chosen}.plan",
                format_func=plans.__getitem__,
                placeholder="the cheapest that takes the workload",
                persist_state="session",
                help="A plan chosen for its SLA or support, priced whatever it costs",
            )
        for addon in table.addons:
            st.number_input(
                addon.name,
                min_value=0.0,
                max_value=1.0 if addon.price is None else 1e6,  # a switch: off or on
                step=1.0,
                value=None,
                format=EXACT,
                key=f"{YOURS}{chosen}.addon.{addon.id}",
                persist_state="session",
                placeholder="none",
                help=addon.note or "1 to switch it on",
            )


RANGED = ("monthly_runs", "steps_per_run", *DOUBTS)
"""The fields the sidebar offers a range for: the volume and the run's length, then each field the
schema doubts by default (a loaded profile's other ranges show too)."""


def _doubt_placeholder(name: str, end: str) -> str:
    """What an empty end of a range means, in its box: the schema's default doubt, or exact."""
    spec = DOUBTS.get(name)
    if spec is None:
        return "exact"
    if "low" in spec:
        return f"×{spec[end]:g} of the value (default)"
    points = spec["minus"] if end == "low" else spec["plus"]
    return f"{'−' if end == 'low' else '+'}{points:g} points (default)"


def _range_bounds(name: str) -> tuple[float, float]:
    return PATH_BOUNDS[name] if name == GROWTH else _bounds(name)


def _ranges(session: Session) -> None:
    """Workload numbers known only within bounds: the Monte Carlo draws between them."""
    given = {str(k).removeprefix(RANGE).rsplit(".", 1)[0] for k in session.store if str(k).startswith(RANGE)}
    names = [*RANGED, *sorted(given - set(RANGED))]
    with _folded("What you are unsure of", "ranges") as shown:
        if not shown:
            return
        st.caption(
            "A low and a high end for a number you only know roughly; the field's own value stays the likeliest. "
            "Left empty, a field marked *default* is drawn between the ends its box shows (its value times "
            "them; the growth, points around it); give both ends equal to the value to pin it. The Outlook "
            "view draws every such range with every ranged price (10,000 draws)."
        )
        for name in names:
            low_col, high_col = st.columns(2)
            low, high = _range_bounds(name)
            unit = "%/month" if name == GROWTH else field_unit(name)
            label = f"{field_title(name)} [{unit}]" if unit else field_title(name)
            low_col.number_input(
                f"{label}: low",
                min_value=low,
                max_value=high,
                value=None,
                format=EXACT,
                key=f"{RANGE}{name}.low",
                persist_state="session",
                placeholder=_doubt_placeholder(name, "low"),
            )
            high_col.number_input(
                "high",
                min_value=low,
                max_value=high,
                value=None,
                format=EXACT,
                key=f"{RANGE}{name}.high",
                persist_state="session",
                placeholder=_doubt_placeholder(name, "high"),
            )


def _months_ahead() -> None:
    """The path: growth, horizon, cut-over, or the team's own forecast."""
    fields = PathInputs.model_fields
    with _folded("The months ahead", "path") as shown:
        if not shown:
            return
        st.number_input(
            "Growth [%/month]",
            min_value=-50.0,
            max_value=100.0,
            step=1.0,
            format=EXACT,
            key=f"{PATH}growth",
            persist_state="session",
            help=fields["growth_percent_per_month"].description,
        )
        st.number_input(
            "Horizon [months]",
            min_value=1,
            max_value=120,
            step=6,
            key=f"{PATH}horizon",
            persist_state="session",
            help=fields["horizon_months"].description,
        )
        st.number_input(
            "Cut-over [months]",
            min_value=0.0,
            max_value=24.0,
            step=0.5,
            format=EXACT,
            key=f"{PATH}cutover",
            persist_state="session",
            help=fields["cutover_months"].description,
        )
        st.text_input(
            "Your forecast [runs/month]",
            key=f"{PATH}runs",
            persist_state="session",
            placeholder="e.g. 50000, 80000, 120000",
            help=f"{fields['monthly_runs_by_month'].description}; comma-separated, instead of the growth",
        )


def _requirements() -> None:
    """What a plan must offer: the cheapest plan that meets it is chosen."""
    fields = PlanRequirements.model_fields
    with _folded("What a plan must offer", "requirements") as shown:
        if not shown:
            return
        st.caption(
            "The cheapest plan that offers it is chosen (add-ons such as extra seats are bought where a "
            "plan sells them); an option with no such plan cannot be bought as needed. Self-hosted options "
            "meet these by your own setup."
        )
        st.number_input(
            "Seats",
            min_value=1,
            max_value=1_000_000,
            value=None,
            step=1,
            key=f"{NEED}seats",
            persist_state="session",
            placeholder="any",
            help=fields["seats"].description,
        )
        st.number_input(
            "Log retention [days]",
            min_value=0.0,
            max_value=3650.0,
            value=None,
            format=EXACT,
            key=f"{NEED}log_retention_days",
            persist_state="session",
            placeholder="any",
            help=fields["log_retention_days"].description,
        )
        st.number_input(
            "Uptime SLA [%]",
            min_value=90.0,
            max_value=100.0,
            value=None,
            format=EXACT,
            key=f"{NEED}sla_percent",
            persist_state="session",
            placeholder="none needed",
            help=fields["sla_percent"].description,
        )
        st.selectbox(
            "Support, at least",
            list(SUPPORT_LEVELS),
            index=None,
            key=f"{NEED}support",
            persist_state="session",
            placeholder="any",
            help=fields["support"].description,
        )
        st.checkbox("SSO / SAML", key=f"{NEED}sso", help=fields["sso"].description, persist_state="session")
        st.checkbox(
            "HIPAA (a signed BAA)", key=f"{NEED}hipaa", help=fields["hipaa"].description, persist_state="session"
        )


def render_sidebar(session: Session, machines: list[str], book: PriceBook | None = None) -> WorkloadProfile | None:
    """Draw the form; return the profile it describes, or None (with the problems shown beside
    the form, every value kept) when the fields do not make a valid profile.

    The operations effort has an input for every option of every table version, so a value
    entered survives a pricing date on which that option has no table."""
    options = list(session.allowed.options)
    with st.sidebar:
        st.header("Workload")
        st.selectbox(
            "Start from a preset",
            list(session.presets),
            index=_index("preset", list(session.presets)),
            key="preset",
            format_func=lambda k: session.presets[k].name,
            on_change=_on_preset,
            args=(session,),
        )
        st.text_input(
            "Profile name",
            value=str(_held(field_key("name"), "")),
            key=field_key("name"),
            max_chars=120,
            help="The report's title; a preset whose fields you change is reported as edited",
        )
        st.text_area(
            "Description",
            value=str(_held(field_key("description"), "")),
            key=field_key("description"),
            max_chars=2000,
            height=80,
            help="Shown under the report's title",
        )
        for title, names in GROUPS:
            st.caption(title)
            for name in names:
                _number(name)
        st.selectbox(
            _label("machine"),
            machines,
            index=_index(field_key("machine"), machines),
            key=field_key("machine"),
            format_func=(lambda m: machine_label(m, book)) if book is not None else str,
            help=WorkloadProfile.model_fields["machine"].description,
        )
        st.checkbox(
            "A step needs a full machine (tests, a browser, binaries)",
            value=bool(_held(field_key("step_needs_machine"), False)),
            key=field_key("step_needs_machine"),
            help=WorkloadProfile.model_fields["step_needs_machine"].description,
        )
        st.selectbox(
            _label("step_kind"),
            [k.value for k in StepKind],
            index=_index(field_key("step_kind"), [k.value for k in StepKind]),
            key=field_key("step_kind"),
            format_func=STEP_KIND_WORDS.__getitem__,
            help=WorkloadProfile.model_fields["step_kind"].description,
        )
        _tokens(session.allowed.models)
        _sandbox(session.allowed.sandboxes)

        st.header("Options")
        st.multiselect(
            "Compare only these",
            options,
            default=[o for o in _held("options", ()) or () if o in options],  # type: ignore[attr-defined]
            key="options",
            placeholder="every option priced on the date",
            help="Leave empty to compare every option; the short list is kept in the link and the profile",
        )

        st.header("Team")
        st.number_input(
            "Engineer cost [USD/year]",
            min_value=team_bounds("engineer_cost_usd_per_year")[0],
            max_value=team_bounds("engineer_cost_usd_per_year")[1],
            step=5000.0,
            value=None,
            format=EXACT,
            key=ENGINEER_COST,
            placeholder="sourced default",
            help="Fully loaded cost of one engineer; empty takes the sourced default",
        )
        with _folded("Operations effort per option [FTE]", "ops") as shown:
            for option in options if shown else ():
                st.number_input(
                    option,
                    min_value=each_bounds("ops_fte")[0],
                    max_value=each_bounds("ops_fte")[1],
                    step=0.05,
                    value=None,
                    format=EXACT,
                    key=team_key(OPS, option),
                    persist_state="session",
                    placeholder="table default",
                    help="Share of one engineer spent running this option",
                )
        team_fields = TeamInputs.model_fields
        for prefix, name, title in (
            ("setup.", "setup_weeks", "Weeks to the first workflow in production"),
            ("migrate.", "migration_weeks", "Weeks to migrate onto each option"),
        ):
            with _folded(f"{title} [engineer-weeks]", prefix.rstrip(".")) as shown:
                for option in options if shown else ():
                    st.number_input(
                        option,
                        min_value=each_bounds(name)[0],
                        max_value=each_bounds(name)[1],
                        step=1.0,
                        value=None,
                        format=EXACT,
                        key=team_key(prefix, option),
                        persist_state="session",
                        placeholder="table default",
                        help=team_fields[name].description,
                    )

        _requirements()
        if book is not None:
            _contract(book)

        st.header("Uncertainty and the months ahead")
        _ranges(session)
        _months_ahead()

        st.header("Prices")
        st.date_input(
            "Pricing date",
            key="pricing_date",
            min_value=session.allowed.first_date,
            max_value=session.allowed.last_date,
            help="Use the price tables in force on this date (empty: today). The link names the date, "
            "so it shows the same prices when opened later.",
        )

        st.header("Profile file")
        st.file_uploader(
            "Load a profile (YAML), or exports of your runs (JSON, one or more) to derive one from",
            type=["yaml", "yml", "json"],
            accept_multiple_files=True,
            key="upload",
            on_change=_on_upload,
            args=(session,),
            help=f"At most {UPLOAD_MB} MB, all files together; a profile at most 1 MB. Exports: "
            + "; ".join(i.help for i in IMPORTERS),
        )
        if session.store.get("upload_problems"):
            problems("This file cannot be used:", session.store["upload_problems"])
        if session.store.get("upload_sources"):
            st.text(_sources_note(*session.store["upload_sources"]))
        if session.store.get("upload_derived"):
            file, lines = session.store["upload_derived"]
            with st.expander("Derived from your runs", expanded=True):
                st.text("\n".join([f"{file}:", *lines]))
        try:
            profile = session.profile(options)
        except ProfileError as exc:
            problems(
                "These values cannot be priced:",
                [f"{name} = {value!r}: {allowed}" for name, value, allowed in exc.problems],
            )
            return None
        st.download_button(
            "Download this profile",
            dump_profile(profile),
            file_name=f"{slug(profile.name)}.yaml",
            mime="application/yaml",
            on_click="ignore",
            key="download_profile",
        )
    return profile
