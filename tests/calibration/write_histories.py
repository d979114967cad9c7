"""Write the Temporal history fixtures the import tests read (`make history-fixtures`): agent-shaped
runs on the real dev server, exported as a team would export them, with `temporal workflow show
--output json`. Run it again after a server upgrade and review the diff."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.calibration.harness import Shape, run_shapes
from tests.calibration.server import dev_server, temporal_binary

FOLDER = Path(__file__).resolve().parent / "histories"
ROOT = Path(__file__).resolve().parents[2]

FIXTURES = {
    # a coding agent, three runs that differ as real runs do
    "coding-1": Shape(steps=8, input_bytes=4000, output_bytes=1000, failures=0, waits=1),
    "coding-2": Shape(steps=9, input_bytes=4200, output_bytes=1100, failures=1, waits=1),
    "coding-3": Shape(steps=7, input_bytes=3900, output_bytes=900, failures=0, waits=1),
    # a research agent whose context grows, with sleeps and a sub-agent
    "research": Shape(steps=12, input_bytes=2000, output_bytes=1000, growth_bytes=2000, sleeps=2, children=1),
    # local activities
    "local": Shape(steps=5, input_bytes=500, output_bytes=500, local=True),
}


def main() -> None:
    FOLDER.mkdir(exist_ok=True)
    with dev_server() as server:
        address = server.address
        run_shapes(address, list(FIXTURES.values()))
        for name, shape in FIXTURES.items():
            shown = subprocess.run(
                [
                    str(temporal_binary()),
                    "workflow",
                    "show",
                    "--address",
                    address,
                    "--workflow-id",
                    shape.key(),
                    "--output",
                    "json",
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            # the failures' stack traces name files by absolute path: keep them relative to the checkout
            data = json.loads(shown.stdout.replace(str(ROOT) + "/", ""))
            (FOLDER / f"{name}.json").write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
            print(FOLDER / f"{name}.json", len(data["events"]), "events")


if __name__ == "__main__":
    main()
