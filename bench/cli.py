"""CLI benchmark: how long a user waits for `tco`, as ratios in one run.

    .venv/bin/python bench/cli.py           (or: make bench)

Each command runs as its own process, as a user runs it (the best of several runs, since the
machines here are shared and noisy). The baseline is a Python process that only imports the
libraries every command needs: `python -c "import numpy, pandas, pydantic, yaml"`.
"""

from __future__ import annotations

import platform
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import best

ROOT = Path(__file__).resolve().parent.parent
TCO = [sys.executable, "-m", "cli"]
PROFILE = str(ROOT / "data" / "profiles" / "coding-agent.yaml")
REPEATS = 7


def _run(argv: list[str]) -> None:
    subprocess.run(argv, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main() -> None:
    with tempfile.TemporaryDirectory() as out:
        pdf = str(Path(out) / "report.pdf")
        commands = {
            "imports alone": [sys.executable, "-c", "import numpy, pandas, pydantic, yaml"],
            "tco --help": [*TCO, "--help"],
            "tco compare": [*TCO, "compare", "--profile", PROFILE],
            "tco report --format pdf": [*TCO, "report", "--profile", PROFILE, "--format", "pdf", "--output", pdf],
        }
        for argv in commands.values():  # warm the disk cache and the bytecode once
            _run(argv)
        times = {name: best(lambda argv=argv: _run(argv), REPEATS) for name, argv in commands.items()}
    base, compare = times["imports alone"], times["tco compare"]
    print(f"machine: {platform.machine()}, CPython {platform.python_version()}")
    for name, seconds in times.items():
        print(f"{name + ':':28s} {seconds * 1000:8.1f} ms   {seconds / base:5.2f}x the imports")
    print(f"ratio, tco compare / imports alone:           {compare / base:5.2f}x  (goal 1.5x)")
    print(
        f"ratio, tco report --format pdf / tco compare: {times['tco report --format pdf'] / compare:5.2f}x  (goal 2x)"
    )


if __name__ == "__main__":
    main()
