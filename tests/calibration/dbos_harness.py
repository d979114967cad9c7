"""Agent-shaped workflows run with the real DBOS library (the `dbos` package, 3.4.0) on a SQLite
system database in a temporary directory, and what DBOS records of them.

A `Shape` is a profile in miniature: steps with given input and output sizes and a growing
context, steps that fail some attempts first and are retried by DBOS (`retries_allowed`), durable
sleeps (`DBOS.sleep`), waits for a message (`DBOS.recv` with a timeout, answered with `DBOS.send`
or left to time out), child workflows started from the workflow and awaited. A few fields only
probe the library (a child started and never awaited, messages the workflow sends, a sleep of
zero seconds); the engine's profile has no field for them.

`launched` starts DBOS once (no Conductor key, no OTLP, not DBOS Cloud; a guard refuses any
connection to a host other than this one while DBOS launches and runs), and `App.run` runs shapes
one after another and reads back, from the system database itself: the rows of
`operation_outputs` of each workflow and of its children, the rows of `workflow_status`, and the
bytes of the serialized step outputs, workflow inputs and workflow results stored.

The workflow takes its shape as its one input (`Shape.key`), so a module imported twice (pytest's
doctest collection) still runs every workflow from its own input.
"""

from __future__ import annotations

import collections
import ipaddress
import itertools
import json
import os
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from dbos import DBOS, DBOSConfig, SetWorkflowID

from tests.calibration.off_loop import off_loop

APP_NAME = "calibration"
SLEEP_SECONDS = 0.01
"""Every durable sleep (a real agent's is minutes; the row it writes is the same)."""
WAIT_TIMEOUT_SECONDS = 30.0
"""The timeout of a wait that is answered (it never elapses)."""
UNANSWERED_TIMEOUT_SECONDS = 0.05
"""The timeout of a wait that nobody answers."""
MAX_ATTEMPTS = 10
POLL_SECONDS = 0.005
DEADLINE_SECONDS = 20.0

ChildMode = Literal["await", "call", "start"]
"""How the workflow runs a child: `DBOS.start_workflow` and the handle's `get_result()`; a direct
call of the child workflow function; `DBOS.start_workflow` without awaiting it."""


@dataclass(frozen=True)
class Shape:
    steps: int = 1
    input_bytes: int = 0
    output_bytes: int = 0
    growth_bytes: int = 0
    """Each step's input is this much larger than the previous step's."""
    failing: tuple[int, ...] = ()
    """The steps (numbered from 1) that fail `failures` attempts before one succeeds."""
    failures: int = 0
    sleeps: int = 0
    sleep_after: int | None = None
    """The steps run before the sleeps (None: every step)."""
    waits: int = 0
    """`DBOS.recv` with a timeout, one after another, after the steps."""
    answered: bool = True
    """The test sends each wait its message once the workflow waits; else every wait times out."""
    children: int = 0
    """Child workflows, one step each (input `input_bytes`, output `output_bytes`), after the waits."""
    child_mode: ChildMode = "await"
    sends: int = 0
    """Messages the workflow sends (to itself, on a topic nobody reads), last."""
    zero_sleeps: int = 0
    """`DBOS.sleep(0)` calls, last."""

    @property
    def retries(self) -> int:
        """Attempts that failed and were retried."""
        return len(self.failing) * self.failures

    def key(self) -> str:
        """The shape as the workflow's input."""
        return json.dumps(asdict(self), separators=(",", ":"))

    @staticmethod
    def parse(key: str) -> Shape:
        fields = json.loads(key)
        return Shape(**{**fields, "failing": tuple(fields["failing"])})

    def label(self) -> str:
        """A short name for test ids: only the fields that differ from the defaults."""
        default = Shape()
        parts = [
            f"{name}={value}"
            for name, value in asdict(self).items()
            if value != asdict(default)[name] and not (name == "failing" and not value)
        ]
        return ",".join(parts) or "steps=1"


@dataclass
class Recorded:
    shape: Shape
    workflow_id: str
    rows: int
    """Rows of `operation_outputs` of the workflow itself."""
    kinds: dict[str, int]
    """The workflow's rows by `function_name`."""
    workflows: int
    """Rows of `workflow_status`: the workflow and every child it started (recursively)."""
    children_rows: int
    """Rows of `operation_outputs` of its children."""
    children_kinds: dict[str, int] = field(default_factory=dict)
    output_bytes: int = 0
    """Serialized step outputs and errors (`operation_outputs.output`, `.error`) of the workflow
    and its children, in bytes."""
    input_bytes: int = 0
    """Serialized workflow inputs (`workflow_input.inputs`, `workflow_status.inputs`), the
    workflow's and its children's."""
    result_bytes: int = 0
    """Serialized workflow results and errors (`workflow_output`, `workflow_status.output`)."""
    step_output_sizes: list[int] = field(default_factory=list)
    """Each `step` row's stored output, in bytes, the workflow's and its children's, in order."""
    attempts: int = 0
    """Attempts the workflow's steps ran, retries included (counted in the step itself)."""

    @property
    def checkpoints(self) -> int:
        """One per workflow and one per row of `operation_outputs`: the count DBOS Conductor bills."""
        return self.workflows + self.rows + self.children_rows

    @property
    def stored_bytes(self) -> int:
        return self.output_bytes + self.input_bytes + self.result_bytes


# --- The workflows ---------------------------------------------------------------------------------

_attempts: collections.Counter[tuple[str, int]] = collections.Counter()
_attempts_lock = threading.Lock()


class StepFailed(Exception):
    """A step's planned failure."""


@DBOS.step(name="step", retries_allowed=True, interval_seconds=0.001, backoff_rate=1.0, max_attempts=MAX_ATTEMPTS)
def step(number: int, text: str, output_bytes: int, failures: int) -> str:
    """A step that fails its first `failures` attempts, then returns `output_bytes` bytes. Its
    input (`text`) stands for the context an agent sends the model."""
    workflow_id = DBOS.workflow_id
    assert workflow_id is not None
    with _attempts_lock:
        _attempts[(workflow_id, number)] += 1
        attempt = _attempts[(workflow_id, number)]
    if attempt <= failures:
        raise StepFailed(f"attempt {attempt} of step {number} fails")
    return "y" * output_bytes


@DBOS.workflow(name="child")
def child(text: str, output_bytes: int) -> str:
    return step(1, text, output_bytes, 0)


@DBOS.workflow(name="agent")
def agent(key: str) -> int:
    """Runs its shape; returns the messages it received."""
    shape = Shape.parse(key)
    sleep_after = shape.steps if shape.sleep_after is None else shape.sleep_after
    for i in range(shape.steps + 1):
        if i == sleep_after:
            for _ in range(shape.sleeps):
                DBOS.sleep(SLEEP_SECONDS)
        if i < shape.steps:
            failures = shape.failures if i + 1 in shape.failing else 0
            step(i + 1, "x" * (shape.input_bytes + i * shape.growth_bytes), shape.output_bytes, failures)
    received = 0
    timeout = WAIT_TIMEOUT_SECONDS if shape.answered else UNANSWERED_TIMEOUT_SECONDS
    for _ in range(shape.waits):
        if DBOS.recv("approve", timeout_seconds=timeout) is not None:
            received += 1
    for _ in range(shape.children):
        text = "x" * shape.input_bytes
        if shape.child_mode == "call":
            child(text, shape.output_bytes)
        else:
            handle = DBOS.start_workflow(child, text, shape.output_bytes)
            if shape.child_mode == "await":
                handle.get_result()
    workflow_id = DBOS.workflow_id
    assert workflow_id is not None
    for _ in range(shape.sends):
        DBOS.send(workflow_id, "m", topic="unread")
    for _ in range(shape.zero_sleeps):
        DBOS.sleep(0)
    return received


# --- Running them ----------------------------------------------------------------------------------


def _loopback(address: Any) -> bool:
    if isinstance(address, str | bytes):
        return True  # a Unix socket
    host = str(address[0])
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@contextmanager
def no_network(refused: list[str]) -> Iterator[None]:
    """Refuse (and note in `refused`) every socket connection to a host other than this one."""
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def connect(self: socket.socket, address: Any) -> None:
        if not _loopback(address):
            refused.append(repr(address))
            raise OSError(f"the DBOS calibration uses no network: refused {address!r}")
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if not _loopback(address):
            refused.append(repr(address))
            raise OSError(f"the DBOS calibration uses no network: refused {address!r}")
        return real_connect_ex(self, address)

    socket.socket.connect = connect  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        socket.socket.connect = real_connect  # type: ignore[method-assign]
        socket.socket.connect_ex = real_connect_ex  # type: ignore[method-assign]


@dataclass
class App:
    database: Path
    refused: list[str] = field(default_factory=list)
    """Connections to other hosts that the guard refused (none, when nothing phones home)."""
    _ids: Iterator[int] = field(default_factory=itertools.count)

    def connect(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{self.database}?mode=ro", uri=True, timeout=10)

    def query(self, sql: str, *args: object) -> list[tuple[Any, ...]]:
        with self.connect() as db:
            return db.execute(sql, args).fetchall()

    def kinds(self, workflow_id: str) -> collections.Counter[str]:
        rows = self.query("SELECT function_name FROM operation_outputs WHERE workflow_uuid = ?", workflow_id)
        return collections.Counter(str(name) for (name,) in rows)

    def total_rows(self) -> int:
        return int(self.query("SELECT count(*) FROM operation_outputs")[0][0])

    def run(self, shapes: list[Shape]) -> list[Recorded]:
        with no_network(self.refused):
            return off_loop(lambda: [self._run(shape) for shape in shapes])

    def _run(self, shape: Shape) -> Recorded:
        workflow_id = f"agent-{next(self._ids)}"
        with SetWorkflowID(workflow_id):
            handle = DBOS.start_workflow(agent, shape.key())
        if shape.answered:
            for n in range(shape.waits):
                # Answer each wait once the workflow waits: its timeout's durable sleep is recorded.
                self._until(workflow_id, lambda kinds, n=n: kinds["DBOS.sleep"] >= shape.sleeps + n + 1)
                DBOS.send(workflow_id, "approved", topic="approve")
        received = handle.get_result()
        assert received == (shape.waits if shape.answered else 0), (shape, received)
        for child_id in self.children_of(workflow_id):  # a child never awaited may still run
            DBOS.retrieve_workflow(child_id).get_result(polling_interval_sec=POLL_SECONDS)
        return self.read(shape, workflow_id)

    def _until(self, workflow_id: str, ready: Any) -> None:
        deadline = time.monotonic() + DEADLINE_SECONDS
        while not ready(self.kinds(workflow_id)):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{workflow_id} never reached its wait: {dict(self.kinds(workflow_id))}")
            time.sleep(POLL_SECONDS)

    def started_by(self, workflow_id: str) -> list[str]:
        """The workflows the workflow started, by `operation_outputs.child_workflow_id`."""
        rows = self.query(
            "SELECT DISTINCT child_workflow_id FROM operation_outputs"
            " WHERE workflow_uuid = ? AND child_workflow_id IS NOT NULL",
            workflow_id,
        )
        return sorted(str(child_id) for (child_id,) in rows)

    def children_of(self, workflow_id: str) -> list[str]:
        """Every workflow the workflow started, and theirs."""
        found: list[str] = []
        for child_id in self.started_by(workflow_id):
            found += [child_id, *self.children_of(child_id)]
        return found

    def read(self, shape: Shape, workflow_id: str) -> Recorded:
        children = self.children_of(workflow_id)
        every = [workflow_id, *children]
        marks = ",".join("?" * len(every))
        statuses = self.query(
            f"SELECT workflow_uuid, status FROM workflow_status WHERE workflow_uuid IN ({marks})", *every
        )
        assert sorted(statuses) == sorted((w, "SUCCESS") for w in every), statuses
        # workflow_status names the same children
        by_parent = self.query("SELECT workflow_uuid FROM workflow_status WHERE parent_workflow_id = ?", workflow_id)
        assert sorted(str(w) for (w,) in by_parent) == self.started_by(workflow_id), by_parent
        children_kinds: collections.Counter[str] = collections.Counter()
        for child_id in children:
            children_kinds.update(self.kinds(child_id))
        kinds = self.kinds(workflow_id)
        (output_bytes,) = self.query(
            "SELECT coalesce(sum(length(CAST(output AS BLOB))), 0) + coalesce(sum(length(CAST(error AS BLOB))), 0)"
            f" FROM operation_outputs WHERE workflow_uuid IN ({marks})",
            *every,
        )[0]
        (input_bytes,) = self.query(
            "SELECT coalesce(sum(length(CAST(inputs AS BLOB))), 0)"
            f" FROM (SELECT inputs FROM workflow_input WHERE workflow_uuid IN ({marks})"
            f" UNION ALL SELECT inputs FROM workflow_status WHERE workflow_uuid IN ({marks}))",
            *every,
            *every,
        )[0]
        (result_bytes,) = self.query(
            "SELECT coalesce(sum(length(CAST(output AS BLOB))), 0) + coalesce(sum(length(CAST(error AS BLOB))), 0)"
            f" FROM (SELECT output, error FROM workflow_output WHERE workflow_uuid IN ({marks})"
            f" UNION ALL SELECT output, error FROM workflow_status WHERE workflow_uuid IN ({marks}))",
            *every,
            *every,
        )[0]
        sizes = [
            int(size)
            for (size,) in self.query(
                "SELECT coalesce(length(CAST(output AS BLOB)), 0) FROM operation_outputs"
                f" WHERE workflow_uuid IN ({marks}) AND function_name = 'step' ORDER BY workflow_uuid, function_id",
                *every,
            )
        ]
        with _attempts_lock:
            attempts = sum(n for (w, _), n in _attempts.items() if w == workflow_id)
        return Recorded(
            shape=shape,
            workflow_id=workflow_id,
            rows=sum(kinds.values()),
            kinds=dict(kinds),
            workflows=len(statuses),
            children_rows=sum(children_kinds.values()),
            children_kinds=dict(children_kinds),
            output_bytes=int(output_bytes),
            input_bytes=int(input_bytes),
            result_bytes=int(result_bytes),
            step_output_sizes=sizes,
            attempts=attempts,
        )


@contextmanager
def launched(directory: Path) -> Iterator[App]:
    """DBOS launched on a SQLite system database in `directory`, destroyed on exit."""
    if os.environ.get("DBOS__CLOUD") == "true":
        raise RuntimeError("DBOS__CLOUD=true would start Conductor; the calibration runs DBOS locally")
    database = directory / "dbos.sqlite"
    config: DBOSConfig = {
        "name": APP_NAME,
        "system_database_url": f"sqlite:///{database}",
        "enable_otlp": False,
        "log_level": "ERROR",  # the planned failures' retries log a warning and a traceback each
        # SQLite has no LISTEN/NOTIFY: a wait polls for its message, every 10 ms here (1 s by default)
        "notification_listener_polling_interval_sec": 0.01,
    }
    app = App(database)
    with no_network(app.refused):
        DBOS(config=config)
        DBOS.launch()
    try:
        yield app
    finally:
        DBOS.destroy()
