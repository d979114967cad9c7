"""The app's cached data: data/ is read once a run, and an edit to it is picked up by the next run."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from streamlit.testing.v1 import AppTest

import ui.data

APP = str(Path(__file__).resolve().parents[1] / "app.py")
T = TypeVar("T")


def _on_a_thread(work: Callable[[], T]) -> T:
    """`work` on a thread of its own, as Streamlit runs a session's script (so what a run keeps stays
    on that thread, not on the test's)."""
    out: list[T] = []
    thread = threading.Thread(target=lambda: out.append(work()))
    thread.start()
    thread.join()
    return out[0]


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that grows by one each time data/ is read for its fingerprint."""
    reads: list[int] = []
    real = ui.data._fingerprint

    def counted() -> str:
        reads.append(1)
        return real()

    monkeypatch.setattr(ui.data, "_fingerprint", counted)
    return reads


def test_a_run_reads_data_once_and_the_next_run_sees_an_edit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    table = tmp_path / "table.yaml"
    table.write_text("a: 1\n")
    monkeypatch.setattr(ui.data, "data_dir", lambda: tmp_path)

    def runs() -> tuple[str, str, str, str]:
        ui.data.begin_run()
        first = ui.data.data_fingerprint()
        table.write_text("a: 10\n")  # a maintainer edits a table while the run goes on
        same_run = ui.data.data_fingerprint()
        ui.data.begin_run()
        return first, same_run, ui.data.data_fingerprint(), _on_a_thread(ui.data.data_fingerprint)

    first, same_run, next_run, elsewhere = _on_a_thread(runs)
    assert same_run == first, "a run must price every part of its page on the data it started with"
    assert next_run != first, "the next run must see the edited table"
    assert elsewhere == next_run, "outside a run, the fingerprint is read there and then"


def test_one_run_of_the_app_reads_data_once(monkeypatch: pytest.MonkeyPatch) -> None:
    reads = _count_reads(monkeypatch)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    first = len(reads)
    at.run()
    assert (first, len(reads) - first) == (1, 1)


@pytest.mark.parametrize("view", ["limits", "checklist"])
def test_a_view_reads_data_once_a_run_reads_data_once_a_run(monkeypatch: pytest.MonkeyPatch, view: str) -> None:
    reads = _count_reads(monkeypatch)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["view"] = view
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(reads) == 1
