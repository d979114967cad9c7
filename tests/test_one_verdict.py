"""One verdict in every view: over a grid of presets and checklist answers, the headline, the JSON
`cheapest` and `verdict.option`, what would flip it, the Outlook (draws, tornado, path) and the
report's first page name the same option, or say in the same sentence why the months ahead name
another; and no view counts an option the answers set aside."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from model.analysis import analyse
from pricing.load import read_criteria, read_pricebook
from pricing.profiles import read_presets
from report.builders import build
from report.document import build_document
from report.verdict_words import verdict_sentence

BOOK = read_pricebook()
CRITERIA = read_criteria()
PRESETS = read_presets()
ANSWERS = {
    "none": {},
    "python": {"languages": "python"},
    "dotnet": {"languages": "dotnet"},
    "open source": {"self_host": "open_source"},
    "regulated": {"regulated": "yes"},
    "python, open source, regulated": {"languages": "python", "self_host": "open_source", "regulated": "yes"},
}
DRAWS = 2000
TODAY = dt.date(2026, 12, 6)


def _grid() -> list[tuple[str, str]]:
    return [(preset, answers) for preset in sorted(PRESETS) for answers in ANSWERS]


@pytest.fixture(scope="module", params=_grid(), ids=lambda c: f"{c[0]}-{c[1].replace(' ', '_')}")
def case(request):  # type: ignore[no-untyped-def]
    preset, answers = request.param
    analysis = analyse(PRESETS[preset], BOOK, criteria=CRITERIA, answers=ANSWERS[answers], draws=DRAWS)
    return analysis.with_outlook()


def test_every_view_names_the_one_verdict(case):
    a = case
    v, result = a.verdict, a.result
    aside = set(v.set_aside)
    named = v.best.id if v.best is not None else None
    names = {o.id: o.name for o in result.options}

    # the answers rule out exactly what the checklist says, and nothing ruled out is named
    assert aside == set(a.checklist.set_aside)
    assert named not in aside
    if v.runner is not None:
        assert v.runner.id not in aside and v.runner.id != named

    # the headline sentence names it, and says so when the months ahead name another path
    sentence = verdict_sentence(v, result)
    if named is None:
        assert "No option" in sentence or "no option" in sentence
    else:
        assert names[named] in sentence
    if v.differs_over_horizon:
        assert v.horizon is not None
        start = v.horizon.best.start
        assert names.get(start, start) in sentence, sentence
        assert f"{v.horizon.months} months" in sentence or "months ahead" in sentence, sentence

    # the JSON contract: cheapest and the verdict's option are the same, never an option set aside
    data = json.loads(build(a, "json", TODAY))
    assert data["cheapest"] == named
    assert data["verdict"]["option"] == named
    assert not aside & {o["id"] for o in data["options"] if o["fit"]["status"] != "set_aside"}
    assert data["verdict"]["sentence"] == sentence

    # what would flip it is measured against the named option, and against one that counts
    if v.flip is not None:
        assert v.flip.best == named
        assert v.flip.runner not in aside

    # the Outlook: the draws, the tornado and the path count only the options that count
    o = a.outlook
    assert o is not None
    counted = set(a.options)
    assert not aside & counted
    assert {s.id for s in o.monte_carlo.options} <= counted
    if o.tornado is not None and v.best is not None and v.runner is not None:
        assert (o.tornado.leader, o.tornado.runner) == (named, v.runner.id)
    if o.monte_carlo.leader is not None and named is not None and not v.too_close:
        assert o.monte_carlo.leader.id == named
    for strategy in o.path.strategies:
        assert strategy.start not in aside and strategy.then not in aside

    # the report's first page opens with the same sentence, and lists what was set aside
    doc = build_document(a, TODAY)
    assert doc.headline == sentence
    markdown = build(a, "md", TODAY).decode()
    assert sentence.split(" (")[0] in markdown
    for option in aside:
        assert names[option] in markdown
