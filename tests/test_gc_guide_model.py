"""gm.gc.costmodel against the GC guide's own model: every setting of its five graphs.

The reference numbers (tests/fixtures/gc/guide_model.json) were computed by evaluating the
guide's gcModel() under Node (see tests/fixtures/gc/README.md for the command)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gomemlab.gc import costmodel
from gomemlab.gc.costmodel import GUIDE_GRAPHS, GUIDE_LIMITS_MIB, Phase, guide_gogc_values

CPU_PP = 0.1  # GC CPU within 0.1 percentage point
PEAK_REL = 0.005  # peak memory within 0.5 %


FIXTURE = Path(__file__).parent / "fixtures" / "gc" / "guide_model.json"


@pytest.fixture(scope="module")
def guide():
    return json.loads(FIXTURE.read_text())


def test_graphs_are_the_guides_workloads(guide):
    assert [g["graph"] for g in guide["graphs"]] == [g.number for g in GUIDE_GRAPHS]
    for ref, ours in zip(guide["graphs"], GUIDE_GRAPHS, strict=True):
        assert [
            Phase(
                w["duration"],
                w["allocRate"],
                w["newSurvivalRate"],
                w["oldDeathRate"],
                w["scanRate"],
            )
            for w in ref["workload"]
        ] == list(ours.phases)
        config = ref["config"]
        assert (config["otherMem"], config["fixedCost"]) == (ours.other_mib, ours.fixed_cost_s)
        assert isinstance(config["memoryLimit"], str) == ours.has_limit
        if not ours.has_limit:
            assert config["memoryLimit"] == costmodel.GUIDE_NO_LIMIT_MIB


def test_slider_values_are_the_guides(guide):
    for ref in guide["graphs"]:
        at_default = [row[0] for row in ref["rows"] if row[1] in (None, 100)]
        assert at_default == list(guide_gogc_values())
        limits = sorted({row[1] for row in ref["rows"] if row[1] is not None})
        assert limits == (
            list(GUIDE_LIMITS_MIB) if isinstance(ref["config"]["memoryLimit"], str) else []
        )
    assert {25, 50, 100, 200, 400, "off"} <= set(guide_gogc_values())


@pytest.mark.parametrize("graph", GUIDE_GRAPHS, ids=lambda g: f"graph{g.number}")
def test_every_setting_agrees_with_the_guide(guide, graph):
    ref = guide["graphs"][graph.number - 1]
    misses = []
    for gogc, limit, cpu, peak in ref["rows"]:
        r = graph.simulate(gogc, limit)
        if abs(r.gc_cpu_pct - cpu) > CPU_PP or abs(r.peak_mib - peak) > PEAK_REL * peak:
            misses.append((gogc, limit, cpu, round(r.gc_cpu_pct, 3), peak, round(r.peak_mib, 3)))
    assert len(ref["rows"]) >= 600
    assert not misses, f"{len(misses)} of {len(ref['rows'])} settings differ, e.g. {misses[:5]}"


def test_named_settings_by_hand():
    # graph 1 at GOGC=100 peaks at 2 × its 20 MiB live heap; graph 4 adds 10 MiB of other
    # memory, and a lower limit holds the peak at the limit
    assert GUIDE_GRAPHS[0].simulate(100).peak_mib == pytest.approx(40)
    assert GUIDE_GRAPHS[3].simulate(100).peak_mib == pytest.approx(50)
    assert GUIDE_GRAPHS[3].simulate(100, 42).peak_mib == pytest.approx(42)
    two = GUIDE_GRAPHS[1].simulate(100)
    assert two.gc_cpu_pct == pytest.approx(25.34, abs=0.01) and two.peak_mib == pytest.approx(40)


def test_roots_are_a_named_option_off_by_default():
    graph = GUIDE_GRAPHS[0]
    plain, rooted = graph.simulate(100), graph.simulate(100, roots_mib=8)
    assert plain.settings["roots_mib"] is None
    assert rooted.peak_mib == pytest.approx(plain.peak_mib + 8)  # 20 + (20 + 8) × 1
    assert rooted.gc_cpu_pct < plain.gc_cpu_pct  # a bigger goal, fewer collections
