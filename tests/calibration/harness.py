"""Agent-shaped workflows run against a real Temporal server, and what the server records of them.

A `Shape` is a profile in miniature: steps with given input and output sizes and a growing
context, steps that fail some attempts first, durable sleeps, waits for a signal with a timeout,
child workflows, local activities. `run_shapes` runs each on a worker connected to the server
and returns the server's own figures: events and history bytes (`DescribeWorkflowExecution`),
each event's kind, and the largest payload recorded.

Names are fixed so that the recorded sizes are reproducible: workflow ids of 36 characters, the
task queue `q`, workflow types `agent` and `child`, activity type `step`, worker identity `w`.
"""

from __future__ import annotations

import asyncio
import collections
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError
from temporalio.worker import Worker

from tests.calibration import off_loop

TASK_QUEUE = "q"
IDENTITY = "w"
ID_LENGTH = 36


@dataclass(frozen=True)
class Shape:
    steps: int = 1
    input_bytes: int = 0
    output_bytes: int = 0
    growth_bytes: int = 0
    """Each step's input is this much larger than the previous step's."""
    failures: int = 0
    """Attempts of every step that fail before one succeeds."""
    sleeps: int = 0
    waits: int = 0
    """Waits for a signal with a timeout; the test signals each one."""
    children: int = 0
    local: bool = False

    def key(self) -> str:
        """The shape as the workflow id (fixed length), so the workflow takes no input."""
        text = (f"s{self.steps}i{self.input_bytes}o{self.output_bytes}g{self.growth_bytes}f{self.failures}"
                f"z{self.sleeps}w{self.waits}c{self.children}l{int(self.local)}")
        assert len(text) <= ID_LENGTH - 1, text
        return (text + "-").ljust(ID_LENGTH, "0")[:ID_LENGTH]

    @staticmethod
    def parse(key: str) -> Shape:
        import re

        m = re.match(r"s(\d+)i(\d+)o(\d+)g(\d+)f(\d+)z(\d+)w(\d+)c(\d+)l(\d)-", key)
        assert m is not None, key
        v = [int(x) for x in m.groups()]
        return Shape(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], bool(v[8]))


@activity.defn(name="step")
async def step(text: str) -> str:
    workflow_id = activity.info().workflow_id
    shape = Shape() if workflow_id.startswith("long-") else Shape.parse(workflow_id[:ID_LENGTH])
    if activity.info().attempt <= shape.failures:
        raise ApplicationError("failed", non_retryable=False)
    return "y" * shape.output_bytes


_RETRY = RetryPolicy(initial_interval=timedelta(milliseconds=1), backoff_coefficient=1.0, maximum_attempts=0)


@workflow.defn(name="child", sandboxed=False)
class ChildWorkflow:
    @workflow.run
    async def run(self, text: str) -> str:
        return str(await workflow.execute_activity("step", text, start_to_close_timeout=timedelta(seconds=30),
                                                   retry_policy=_RETRY))


@workflow.defn(name="agent", sandboxed=False)
class AgentWorkflow:
    def __init__(self) -> None:
        self.signals = 0

    @workflow.signal(name="approve")
    def approve(self) -> None:
        self.signals += 1

    @workflow.run
    async def run(self) -> None:
        shape = Shape.parse(workflow.info().workflow_id)
        for i in range(shape.steps):
            text = "x" * (shape.input_bytes + i * shape.growth_bytes)
            if shape.local:
                await workflow.execute_local_activity("step", text, start_to_close_timeout=timedelta(seconds=30),
                                                      retry_policy=_RETRY)
            else:
                await workflow.execute_activity("step", text, start_to_close_timeout=timedelta(seconds=30),
                                                retry_policy=_RETRY)
        for _ in range(shape.sleeps):
            await workflow.sleep(timedelta(milliseconds=1))
        for n in range(shape.waits):
            await workflow.wait_condition(lambda n=n: self.signals > n, timeout=timedelta(hours=2))
        for c in range(shape.children):
            await workflow.execute_child_workflow("child", "x" * shape.input_bytes,
                                                  id=f"{workflow.info().workflow_id}-{c}")


@dataclass
class Recorded:
    shape: Shape
    events: int
    history_bytes: int
    kinds: dict[str, int]
    largest_payload: int
    """The largest single payload's data, in bytes."""
    children_events: int = 0
    children_bytes: int = 0
    attempts: int = 0
    """Activity attempts, retries included (the attempt number each started activity reached)."""
    local_tasks: int = 0
    """Workflow tasks that recorded local activities (markers)."""
    children_kinds: dict[str, int] = field(default_factory=dict)
    children_attempts: int = 0


def _payload_sizes(message: Any) -> list[int]:
    """Every payload's data length inside a protobuf message."""
    from temporalio.api.common.v1 import Payload

    if isinstance(message, Payload):
        return [len(message.data)]
    found = []
    for descriptor, value in message.ListFields():
        if descriptor.message_type is None:
            continue
        if descriptor.message_type.GetOptions().map_entry:
            items = [v for v in value.values() if hasattr(v, "ListFields")]
        elif hasattr(value, "ListFields"):
            items = [value]
        else:
            items = list(value)
        for item in items:
            found += _payload_sizes(item)
    return found


async def _run(client: Client, shape: Shape) -> Recorded:
    workflow_id = shape.key()
    handle = await client.start_workflow("agent", id=workflow_id, task_queue=TASK_QUEUE)
    for _ in range(shape.waits):
        # Signal only once the workflow waits (its timer started), so no signal lands inside a task.
        while True:
            history = await handle.fetch_history()
            timers = sum(1 for e in history.events if e.HasField("timer_started_event_attributes"))
            signaled = sum(1 for e in history.events if e.HasField("workflow_execution_signaled_event_attributes"))
            if timers - shape.sleeps > signaled:
                break
            await asyncio.sleep(0.02)
        await handle.signal("approve")
    await handle.result()
    info = (await handle.describe()).raw_description.workflow_execution_info
    history = await handle.fetch_history()
    kinds = collections.Counter(str(e.WhichOneof("attributes")).removesuffix("_event_attributes")
                                for e in history.events)
    largest = max((size for e in history.events for size in _payload_sizes(e)), default=0)
    recorded = Recorded(shape, info.history_length, info.history_size_bytes, dict(kinds), largest,
                        attempts=_attempts(history.events), local_tasks=_local_tasks(history.events))
    children: collections.Counter[str] = collections.Counter()
    for c in range(shape.children):
        handle_c = client.get_workflow_handle(f"{workflow_id}-{c}")
        child = (await handle_c.describe()).raw_description
        recorded.children_events += child.workflow_execution_info.history_length
        recorded.children_bytes += child.workflow_execution_info.history_size_bytes
        events = (await handle_c.fetch_history()).events
        children.update(str(e.WhichOneof("attributes")).removesuffix("_event_attributes") for e in events)
        recorded.children_attempts += _attempts(events)
    recorded.children_kinds = dict(children)
    return recorded


def _attempts(events: Any) -> int:
    return sum(e.activity_task_started_event_attributes.attempt for e in events
               if e.HasField("activity_task_started_event_attributes"))


def _local_tasks(events: Any) -> int:
    """Workflow tasks whose completion recorded at least one local activity's marker."""
    tasks, open_task = 0, False
    for e in events:
        if e.HasField("workflow_task_completed_event_attributes"):
            open_task = True
        elif e.HasField("marker_recorded_event_attributes") and open_task:
            tasks, open_task = tasks + 1, False
        elif e.HasField("workflow_task_scheduled_event_attributes"):
            open_task = False
    return tasks


async def run_shapes_async(address: str, shapes: list[Shape]) -> list[Recorded]:
    client = await Client.connect(address, identity="c")
    async with Worker(client, task_queue=TASK_QUEUE, workflows=[AgentWorkflow, ChildWorkflow], activities=[step],
                      identity=IDENTITY):
        return list(await asyncio.gather(*(_run(client, shape) for shape in shapes)))


def run_shapes(address: str, shapes: list[Shape]) -> list[Recorded]:
    return off_loop.run(run_shapes_async(address, shapes))


def new_id() -> str:
    return str(uuid.uuid4())


# --- heartbeats: an activity that runs for a while and heartbeats at a given interval ------------

@dataclass(frozen=True)
class Beat:
    step_ms: int
    every_ms: int
    timeout_ms: int
    """The activity's heartbeat timeout (0: none)."""

    def key(self) -> str:
        return f"beat-{self.step_ms}-{self.every_ms}-{self.timeout_ms}"

    @staticmethod
    def parse(key: str) -> Beat:
        _, step, every, timeout = key.split("-")[:4]
        return Beat(int(step), int(every), int(timeout))


@activity.defn(name="beating")
async def beating() -> None:
    beat = Beat.parse(activity.info().workflow_id)
    start = asyncio.get_running_loop().time()
    elapsed = 0.0
    while True:
        next_beat = elapsed + beat.every_ms / 1000
        if next_beat > beat.step_ms / 1000:
            await asyncio.sleep(beat.step_ms / 1000 - elapsed)
            return
        await asyncio.sleep(next_beat - elapsed)
        activity.heartbeat()
        elapsed = asyncio.get_running_loop().time() - start


@workflow.defn(name="beat", sandboxed=False)
class BeatWorkflow:
    @workflow.run
    async def run(self) -> None:
        beat = Beat.parse(workflow.info().workflow_id)
        timeout = timedelta(milliseconds=beat.timeout_ms) if beat.timeout_ms else None
        await workflow.execute_activity("beating", start_to_close_timeout=timedelta(seconds=60),
                                        heartbeat_timeout=timeout, retry_policy=RetryPolicy(maximum_attempts=1))


async def run_beats_async(address: str, beats: list[Beat], requests: Any) -> list[float]:
    """Heartbeat requests the server received while each beat ran (`requests()` reads the count)."""
    client = await Client.connect(address, identity="c")
    out = []
    async with Worker(client, task_queue="beats", workflows=[BeatWorkflow], activities=[beating], identity=IDENTITY):
        before = await _settled(requests)
        for beat in beats:
            await client.execute_workflow("beat", id=beat.key(), task_queue="beats")
            after = await _settled(requests)  # a heartbeat sent just before the end may be counted late
            out.append(after - before)
            before = after
    return out


async def _settled(read: Any, quiet: float = 1.0) -> float:
    """A counter's value once it has not moved for `quiet` seconds."""
    value = await asyncio.to_thread(read)
    while True:
        await asyncio.sleep(quiet)
        again = await asyncio.to_thread(read)
        if again == value:
            return float(value)
        value = again


# --- Continue-As-New: a long run that restarts when the server suggests it ------------------------

@dataclass(frozen=True)
class Long:
    steps: int
    input_bytes: int
    growth_bytes: int

    def key(self) -> str:
        return f"long-{self.steps}-{self.input_bytes}-{self.growth_bytes}"

    @staticmethod
    def parse(key: str) -> Long:
        _, steps, size, growth = key.split("-")[:4]
        return Long(int(steps), int(size), int(growth))


@workflow.defn(name="long", sandboxed=False)
class LongWorkflow:
    """Steps with a growing context; when the server suggests it, Continue-As-New with the context
    so far as the new run's input."""

    @workflow.run
    async def run(self, carried: str = "", done: int = 0) -> None:
        shape = Long.parse(workflow.info().workflow_id)
        for i in range(done, shape.steps):
            text = "x" * (shape.input_bytes + i * shape.growth_bytes)
            await workflow.execute_activity("step", text, start_to_close_timeout=timedelta(seconds=30),
                                            retry_policy=_RETRY)
            if i + 1 < shape.steps and workflow.info().is_continue_as_new_suggested():
                workflow.continue_as_new(args=["x" * (shape.growth_bytes * (i + 1)), i + 1])


@dataclass
class Chain:
    long: Long
    segments: int
    events: int
    """Of every run in the chain together."""
    history_bytes: int
    first_segment_steps: int


async def _chain(client: Client, shape: Long) -> Chain:
    """One long run to its end, then every run of its chain read back from the server."""
    handle = await client.start_workflow("long", id=shape.key(), task_queue=TASK_QUEUE)
    run_id: str | None = handle.first_execution_run_id or handle.result_run_id
    await client.get_workflow_handle(shape.key()).result()
    chain = Chain(shape, 0, 0, 0, 0)
    while run_id:
        one = client.get_workflow_handle(shape.key(), run_id=run_id)
        info = (await one.describe()).raw_description.workflow_execution_info
        chain.segments += 1
        chain.events += info.history_length
        chain.history_bytes += info.history_size_bytes
        events = (await one.fetch_history()).events
        if chain.segments == 1:
            chain.first_segment_steps = sum(1 for e in events
                                            if e.HasField("activity_task_scheduled_event_attributes"))
        last = events[-1]
        run_id = (last.workflow_execution_continued_as_new_event_attributes.new_execution_run_id
                  if last.HasField("workflow_execution_continued_as_new_event_attributes") else None)
    return chain


async def run_long_async(address: str, shapes: list[Long]) -> list[Chain]:
    """The shapes' chains, run at once (each its own workflow id), in the shapes' order."""
    client = await Client.connect(address, identity="c")
    async with Worker(client, task_queue=TASK_QUEUE, workflows=[LongWorkflow], activities=[step], identity=IDENTITY):
        return list(await asyncio.gather(*(_chain(client, shape) for shape in shapes)))
