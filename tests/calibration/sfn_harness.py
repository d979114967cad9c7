"""AWS Step Functions (Standard) state machines run on moto's emulation, in-process, and what it
records of them.

moto (PyPI `moto[stepfunctions]`, 5.2.6 here) emulates AWS; it is not AWS. With
`mock_aws(config={"stepfunctions": {"execute_state_machine": True}})` its Step Functions backend
runs a state machine through its Amazon States Language interpreter (`moto.stepfunctions.parser`,
the switch read in `moto/stepfunctions/responses.py:get_backend`) instead of returning canned
results, and `GetExecutionHistory` returns the events the interpreter recorded. What this suite
checks is therefore our counting against the emulator's reading of the States Language, not
against AWS's bill.

The steps are DynamoDB service integrations (`arn:aws:states:::dynamodb:putItem` and
`updateItem`): moto's Lambda needs docker. A `Shape` is a state machine in miniature:

- `steps` Task states in a chain, each writing one item; `failures[i]` is how many attempts of
  step i+1 fail before one succeeds, under a `Retry` on every Task state. A step fails
  deterministically: its item's key is `<execution>/s<i>/a<$$.State.RetryCount>`, written with
  `attribute_not_exists(pk)`, and the harness writes the keys of the attempts that must fail
  beforehand (`DynamoDB.ConditionalCheckFailedException`);
- `sleeps` Wait states (1 s each), after the first `sleep_after` steps (all of them by default);
- `loop`: the agent loop instead of the chain, one Task state re-entered once a step (it adds one
  to a counter item) and a Choice state after it deciding whether the agent goes on; the Choice's
  exit goes to what follows the loop, or to a Succeed state when nothing does;
- `callbacks` Task states waiting for a task token (`sqs:sendMessage.waitForTaskToken`), which the
  harness answers (`SendTaskSuccess`) as a person would;
- `children` Task states starting a child execution and waiting for it, the child a state machine
  of one Task state whose step fails `child_failures` attempts first. `.sync` is what such a state
  would use on AWS, but moto 5.2.6's `states:startExecution` integration hands the States Language's
  parameter names (`StateMachineArn`, `Input`, `Name`) to boto unchanged and fails (States.Runtime,
  KeyError 'StateMachineArn'); its filter of supported parameters drops boto's own names. So the
  parent starts the child through the AWS SDK integration with a task token
  (`aws-sdk:sfn:startExecution.waitForTaskToken`, boto's parameter names, which that integration
  passes through) and the harness completes the token when the child ends, standing in for
  `.sync`'s own wait: one Task state in the parent and the child's own states, as with `.sync`;
- `map_items`: an inline Map state over that many items, each iteration one Task state;
- `payload_bytes`: the execution input carries that many bytes, passed through every state
  (`ResultPath: null`) and written by every step.

`run_shapes` starts every execution at once, the slowest first (so the Wait states and retry
intervals overlap), answers the callbacks and completes the children's tokens, waits for every
execution to finish and returns each one's history and its children's. Execution names are the
shapes' names: moto leaves `$$.Execution.Name` null for an execution started without one.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

try:
    import boto3
    from moto import mock_aws
except ImportError as exc:  # the suite fails, never skips, without its emulator
    raise ImportError(
        "the Step Functions calibration needs moto[stepfunctions] (a dev dependency: `make install`)"
    ) from exc

REGION = "us-east-1"
ROLE = "arn:aws:iam::123456789012:role/calibration"
TABLE = "steps"
QUEUE = "answers"
CHILD = "child"
MOTO_CONFIG: Any = {"stepfunctions": {"execute_state_machine": True}}
"""moto's switch that runs state machines (its default only records that an execution started)."""

RETRY = {
    "ErrorEquals": ["States.ALL"],
    "IntervalSeconds": 1,
    "MaxAttempts": 5,
    "BackoffRate": 1.0,
    "JitterStrategy": "FULL",  # moto sleeps a random 0-1 s between attempts instead of 1 s
}
DEADLINE_SECONDS = 120.0


@dataclass(frozen=True)
class Shape:
    name: str
    """The execution's name (and its state machine's)."""
    steps: int = 0
    failures: tuple[int, ...] = ()
    """Failed attempts before the one that succeeds, per step (steps left out: none)."""
    sleeps: int = 0
    sleep_after: int | None = None
    """Steps before the Wait states (None: all of them)."""
    loop: bool = False
    callbacks: int = 0
    children: int = 0
    child_failures: int = 0
    map_items: int = 0
    payload_bytes: int = 0

    def failed(self, step: int) -> int:
        """Failed attempts of step `step` (1-based)."""
        return self.failures[step - 1] if step <= len(self.failures) else 0


@dataclass
class Recorded:
    shape: Shape
    status: str
    events: list[str]
    """Each history event's type, in order."""
    largest_payload: int
    """The largest input or output the history records of one state, in bytes."""
    error: str | None = None
    """Why the execution failed, if it did."""
    children: list[list[str]] = field(default_factory=list)
    children_status: list[str] = field(default_factory=list)

    @staticmethod
    def _entered(events: list[str]) -> int:
        return sum(1 for e in events if e.endswith("StateEntered"))

    @staticmethod
    def _retries(events: list[str]) -> int:
        """Attempts after a Task state's first: moto schedules the task again inside the same state
        (TaskFailed, TaskScheduled, TaskStarted, ...) and records no second TaskStateEntered."""
        return sum(1 for e in events if e == "TaskScheduled") - sum(1 for e in events if e == "TaskStateEntered")

    @property
    def states_entered(self) -> int:
        """States entered by the execution itself (`*StateEntered` events)."""
        return self._entered(self.events)

    @property
    def retries(self) -> int:
        return self._retries(self.events)

    @property
    def child_states_entered(self) -> int:
        return sum(self._entered(c) for c in self.children)

    @property
    def child_retries(self) -> int:
        return sum(self._retries(c) for c in self.children)

    @property
    def transitions(self) -> int:
        """State transitions as AWS's pricing page bills them, read off the histories: "each time a step
        of your workflow is executed", every state entered, "including retries", each retry an
        additional transition; a child execution's own, as an execution of its own."""
        return self.states_entered + self.retries + self.child_states_entered + self.child_retries

    def kinds(self) -> dict[str, int]:
        return dict(Counter(self.events))


# --- The state machines ----------------------------------------------------------------------------


def _step(step: int, *, payload: bool) -> dict[str, Any]:
    """Step `step` (1-based): a putItem that fails while its attempt's key is already written."""
    item: dict[str, Any] = {
        "pk": {"S.$": f"States.Format('{{}}/s{step}/a{{}}', $$.Execution.Name, $$.State.RetryCount)"},
    }
    if payload:
        item["data"] = {"S.$": "$.p"}
    return {
        "Type": "Task",
        "Resource": "arn:aws:states:::dynamodb:putItem",
        "Parameters": {"TableName": TABLE, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"},
        "ResultPath": None,
        "Retry": [RETRY],
    }


def _loop(steps: int) -> list[tuple[str, dict[str, Any]]]:
    """The agent loop: `Step` adds one to the execution's counter item, `More` goes on until it reads `steps`
    (its exit is filled in by `_link`)."""
    step = {
        "Type": "Task",
        "Resource": "arn:aws:states:::dynamodb:updateItem",
        "Parameters": {
            "TableName": TABLE,
            "Key": {"pk": {"S.$": "$$.Execution.Name"}},
            "UpdateExpression": "ADD n :one",
            "ExpressionAttributeValues": {":one": {"N": "1"}},
            "ReturnValues": "UPDATED_NEW",
        },
        "ResultSelector": {"n.$": "$.Attributes.n.N"},
        "ResultPath": "$.loop",
        "Retry": [RETRY],
        "Next": "More",
    }
    more = {
        "Type": "Choice",
        "Choices": [{"Variable": "$.loop.n", "StringEquals": str(steps), "Next": None}],
        "Default": "Step",
    }
    return [("Step", step), ("More", more)]


def definition(shape: Shape, queue_url: str, child_arn: str) -> dict[str, Any]:
    """The shape as a state machine (Amazon States Language)."""
    assert not (shape.loop and shape.failures), "the loop's step does not fail"
    payload = shape.payload_bytes > 0
    states: list[tuple[str, dict[str, Any]]] = []
    sleep_after = shape.steps if shape.sleep_after is None else shape.sleep_after
    waits = [(f"Wait{w}", {"Type": "Wait", "Seconds": 1}) for w in range(1, shape.sleeps + 1)]
    if shape.loop:
        states += _loop(shape.steps)
    else:
        for s in range(1, shape.steps + 1):
            if s == sleep_after + 1:
                states += waits
            states.append((f"Step{s}", _step(s, payload=payload)))
    if sleep_after >= shape.steps:
        states += waits
    for c in range(1, shape.callbacks + 1):
        states.append(
            (
                f"Callback{c}",
                {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                    "Parameters": {"QueueUrl": queue_url, "MessageBody": {"token.$": "$$.Task.Token"}},
                    "ResultPath": None,
                },
            )
        )
    for c in range(1, shape.children + 1):
        states.append(
            (
                f"Child{c}",
                {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::aws-sdk:sfn:startExecution.waitForTaskToken",
                    "Parameters": {
                        "stateMachineArn": child_arn,
                        "name.$": f"States.Format('{{}}-c{c}', $$.Execution.Name)",
                        "input.$": "States.JsonToString($$.Task)",
                    },
                    "ResultPath": None,
                },
            )
        )
    if shape.map_items:
        iteration = {"StartAt": "Item", "States": {"Item": {**_item_step(), "End": True}}}
        states.append(
            (
                "Map",
                {
                    "Type": "Map",
                    "ItemsPath": "$.items",
                    "ItemSelector": {"run.$": "$$.Execution.Name", "i.$": "$$.Map.Item.Index"},
                    "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, **iteration},
                    "ResultPath": None,
                },
            )
        )
    assert states, shape
    return {"StartAt": states[0][0], "States": _link(states)}


def _item_step() -> dict[str, Any]:
    return {
        "Type": "Task",
        "Resource": "arn:aws:states:::dynamodb:putItem",
        "Parameters": {
            "TableName": TABLE,
            "Item": {"pk": {"S.$": "States.Format('{}/m{}', $.run, $.i)"}},
        },
        "Retry": [RETRY],
    }


def _link(states: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """Each state goes on to the next; the last ends the execution, or a Succeed state does when the
    last is a Choice (which cannot end one)."""
    if states[-1][1]["Type"] == "Choice":
        states = [*states, ("Done", {"Type": "Succeed"})]
    out = {}
    for i, (name, state) in enumerate(states):
        following = states[i + 1][0] if i + 1 < len(states) else None
        if state["Type"] == "Choice":
            state["Choices"][0]["Next"] = following
        elif state["Type"] != "Succeed":
            if following is None:
                state["End"] = True
            else:
                state["Next"] = following
        out[name] = state
    return out


# --- Running them -----------------------------------------------------------------------------------


def _sizes(event: dict[str, Any]) -> list[int]:
    """The inputs and outputs an event records, in bytes."""
    found = []
    for key, details in event.items():
        if key.endswith("EventDetails") and isinstance(details, dict):
            found += [len(str(details[k]).encode()) for k in ("input", "output") if k in details]
    return found


def _history(sfn: Any, arn: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    token = None
    while True:
        page = sfn.get_execution_history(executionArn=arn, maxResults=1000, **({"nextToken": token} if token else {}))
        events += page["events"]
        token = page.get("nextToken")
        if not token:
            return events


def _seconds(shape: Shape) -> float:
    """Roughly how long an execution of the shape takes on moto (its sleeps, half a second a retry)."""
    return shape.sleeps + 0.5 * (sum(shape.failures) + shape.children * shape.child_failures) + 0.1 * shape.steps


def _complete(sfn: Any, child_run: dict[str, Any]) -> None:
    """Complete the parent's task token (the child's input) as the child ended."""
    token = json.loads(child_run["input"])["Token"]
    if child_run["status"] == "SUCCEEDED":
        _answer(sfn.send_task_success, taskToken=token, output=child_run.get("output") or "{}")
    else:
        _answer(sfn.send_task_failure, taskToken=token, error="Child", cause=child_run["status"])


def _answer(send: Any, **token: str) -> None:
    """Send a task token's outcome. moto looks for the token in every running execution's environment,
    which an execution that has only just started has not made yet (AttributeError on None): the same
    call again a moment later finds it."""
    for _ in range(50):
        try:
            send(**token)
            return
        except AttributeError:
            time.sleep(0.01)
    send(**token)


def run_shapes(shapes: list[Shape]) -> list[Recorded]:
    """Run every shape on moto's emulation at once; what each execution and its children recorded."""
    assert len({s.name for s in shapes}) == len(shapes)
    with mock_aws(config=MOTO_CONFIG):
        # Clients made here, on this thread, before the executions' threads make theirs.
        ddb = boto3.client("dynamodb", region_name=REGION)
        sqs = boto3.client("sqs", region_name=REGION)
        sfn = boto3.client("stepfunctions", region_name=REGION)
        ddb.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        queue_url = sqs.create_queue(QueueName=QUEUE)["QueueUrl"]
        child = {"StartAt": "Step1", "States": {"Step1": {**_step(1, payload=False), "End": True}}}
        child_arn = sfn.create_state_machine(name=CHILD, definition=json.dumps(child), roleArn=ROLE)["stateMachineArn"]

        for shape in shapes:  # the keys of the attempts that must fail
            for s in range(1, shape.steps + 1):
                for a in range(shape.failed(s)):
                    ddb.put_item(TableName=TABLE, Item={"pk": {"S": f"{shape.name}/s{s}/a{a}"}})
            for c in range(1, shape.children + 1):
                for a in range(shape.child_failures):
                    ddb.put_item(TableName=TABLE, Item={"pk": {"S": f"{shape.name}-c{c}/s1/a{a}"}})

        # The slowest first, so that their Wait states and retry intervals pass while the rest start.
        started: dict[str, str] = {}
        for shape in sorted(shapes, key=_seconds, reverse=True):
            machine = sfn.create_state_machine(
                name=shape.name, definition=json.dumps(definition(shape, queue_url, child_arn)), roleArn=ROLE
            )["stateMachineArn"]
            data = {"p": "x" * shape.payload_bytes, "items": list(range(shape.map_items))}
            execution = sfn.start_execution(stateMachineArn=machine, name=shape.name, input=json.dumps(data))
            started[shape.name] = execution["executionArn"]
        executions = [started[shape.name] for shape in shapes]

        deadline = time.monotonic() + DEADLINE_SECONDS
        pending, waiting_children = set(executions), {}
        while pending:
            assert time.monotonic() < deadline, f"executions still running after {DEADLINE_SECONDS} s: {pending}"
            # a person answers each callback
            for message in sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", []):
                _answer(sfn.send_task_success, taskToken=json.loads(message["Body"])["token"], output="{}")
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
            # the parent waits for its child (what `.sync` does): its token completed when the child ends
            for e in sfn.list_executions(stateMachineArn=child_arn)["executions"]:
                waiting_children.setdefault(e["executionArn"], True)
            for arn, waiting in waiting_children.items():
                if waiting:
                    child_run = sfn.describe_execution(executionArn=arn)
                    if child_run["status"] != "RUNNING":
                        _complete(sfn, child_run)
                        waiting_children[arn] = False
            pending = {a for a in pending if sfn.describe_execution(executionArn=a)["status"] == "RUNNING"}
            time.sleep(0.05)

        children: dict[str, str] = {
            e["name"]: e["executionArn"] for e in sfn.list_executions(stateMachineArn=child_arn)["executions"]
        }
        out = []
        for shape, arn in zip(shapes, executions, strict=True):
            events = _history(sfn, arn)
            described = sfn.describe_execution(executionArn=arn)
            recorded = Recorded(
                shape,
                described["status"],
                [e["type"] for e in events],
                max((size for e in events for size in _sizes(e)), default=0),
                described.get("error"),
            )
            for c in range(1, shape.children + 1):
                child_arn_c = children[f"{shape.name}-c{c}"]
                recorded.children.append([e["type"] for e in _history(sfn, child_arn_c)])
                recorded.children_status.append(sfn.describe_execution(executionArn=child_arn_c)["status"])
            out.append(recorded)
        return out
