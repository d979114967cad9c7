"""Profile upload: a profile file (YAML), or vendors' exports of the team's own runs (JSON) to derive
one from, read into the sidebar's widgets; each problem kept for the sidebar to show, and which field
came from where (`sources_note`)."""

from __future__ import annotations

from pricing.load import PricingError
from pricing.profiles import Known, load_profile_text
from pricing.yamlio import EXPORT_BYTES, PROFILE_BYTES, InputError, Problem, decode_text
from report.words import lower
from schema.inputs import PlanRequirements, TeamInputs, field_title
from schema.profile import WorkloadProfile
from ui.edited import shown_value
from ui.session import Session
from ui.state import PROFILE_FIELDS, field_key

__all__ = ["SEEN", "UPLOAD_MB", "on_upload", "sources_note"]


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


def on_upload(session: Session) -> None:
    """The upload box's callback: the files newly put in it read into the widgets (one profile, or
    exports of one kind); a file taken out of the box leaves what it gave."""
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


def sources_note(file: str, sources: dict[str, str]) -> str:
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
