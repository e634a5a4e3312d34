"""Every argument a learner can get wrong is a UsageError naming it, before any Go runs."""

from __future__ import annotations

import pytest

import gomemlab as gm


@pytest.mark.parametrize(
    ("kwargs", "names"),
    [
        ({"gogc": "abc"}, "gogc"),
        ({"gogc": -5}, "gogc"),
        ({"gogc": 1.5}, "gogc"),
        ({"memlimit": "lots"}, "memlimit"),
        ({"memlimit": -1}, "memlimit"),
        ({"gomaxprocs": 0}, "gomaxprocs"),
        ({"timeout": 0}, "timeout"),
        ({"every": "often"}, "every"),
        ({"live_mib": -1}, "live_mib"),
        ({"alloc_mib": "many"}, "alloc_mib"),
        ({"rate_mib": float("nan")}, "rate_mib"),
        ({"duration_s": 0}, "duration_s"),
        ({"survive": 1.5}, "survive"),
        ({"forced": -1}, "forced"),
        ({"alloc_mib": 0}, "alloc_mib"),
        ({"args": "-live 4"}, "args"),
    ],
)
def test_run_rejects_bad_arguments(kwargs, names):
    with pytest.raises(gm.UsageError, match=names):
        gm.gc.run(**kwargs)


def test_sweep_and_plot_kinds_are_checked():
    with pytest.raises(gm.UsageError, match="gogc"):
        gm.gc.sweep(gogc=[100, "abc"], progress=False)
    with pytest.raises(gm.UsageError, match="at least one"):
        gm.gc.sweep(gogc=[], progress=False)
    log = gm.gc.parse_gctrace("")
    with pytest.raises(gm.UsageError, match="kind"):
        log.plot("sawtooth")


def test_parsers_take_bytes_and_refuse_other_types(fixture_text):
    text = fixture_text("gc/gctrace_gogc100.txt")
    assert len(gm.gc.parse_gctrace(text.encode())) == len(gm.gc.parse_gctrace(text))
    assert len(gm.gc.parse_metrics(fixture_text("gc/metrics_gogc100.jsonl").encode()).frame)
    with pytest.raises(gm.UsageError, match="text"):
        gm.gc.parse_gctrace(None)
    with pytest.raises(gm.UsageError, match="text"):
        gm.gc.parse_metrics(42)


def test_model_arguments_are_checked():
    with pytest.raises(gm.UsageError, match="gogc"):
        gm.gc.simulate([gm.gc.Phase(1, 10)], gogc="abc")
    with pytest.raises(gm.UsageError, match="scan_mib_s"):
        gm.gc.simulate([gm.gc.Phase(1, 10)], scan_mib_s=0)
    with pytest.raises(gm.UsageError, match="survival"):
        gm.gc.Phase(1, 10, survival=2)


def test_run_phases_checks_its_arguments():
    graph = gm.gc.GUIDE_GRAPHS[3]
    with pytest.raises(gm.UsageError, match="no room"):
        gm.gc.run_phases(graph, memlimit_mib=5)  # below its 10 MiB of other memory
    with pytest.raises(gm.UsageError, match="phases"):
        gm.gc.run_phases([])
    with pytest.raises(gm.UsageError, match="gogc"):
        gm.gc.run_phases(graph, gogc="lots")
    with pytest.raises(gm.UsageError, match="speed"):
        gm.gc.run_phases(graph, speed=0)
