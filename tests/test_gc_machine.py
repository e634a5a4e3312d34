"""GOMAXPROCS expectations, gctrace line explanations and exercise verdicts (no Go run)."""

from __future__ import annotations

import pytest

import gomemlab as gm
from gomemlab.gc import machine


def test_cgroup_limits(tmp_path):
    assert machine.cgroup_cpu_limit(tmp_path) is None  # no cgroup files: no limit
    (tmp_path / "cpu.max").write_text("max 100000\n")
    assert machine.cgroup_cpu_limit(tmp_path) is None
    (tmp_path / "cpu.max").write_text("150000 100000\n")
    assert machine.cgroup_cpu_limit(tmp_path) == 1.5
    v1 = tmp_path / "v1"
    (v1 / "cpu").mkdir(parents=True)
    (v1 / "cpu" / "cpu.cfs_quota_us").write_text("250000\n")
    (v1 / "cpu" / "cpu.cfs_period_us").write_text("100000\n")
    assert machine.cgroup_cpu_limit(v1) == 2.5


def test_expected_gomaxprocs(monkeypatch):
    monkeypatch.setenv("GOMAXPROCS", "3")
    assert gm.gc.expected_gomaxprocs() == 3
    monkeypatch.delenv("GOMAXPROCS")
    monkeypatch.setattr(machine, "usable_cpus", lambda: 8)
    monkeypatch.setattr(machine, "cgroup_cpu_limit", lambda: None)
    assert machine.expected_gomaxprocs() == 8
    monkeypatch.setattr(machine, "cgroup_cpu_limit", lambda: 2.5)
    assert machine.expected_gomaxprocs() == 3  # a limit is rounded up
    monkeypatch.setattr(machine, "cgroup_cpu_limit", lambda: 0.5)
    assert machine.expected_gomaxprocs() == 2  # and never below 2


def test_explain_a_recorded_line(fixture_text):
    line = fixture_text("gc/gctrace_gogc100.txt").splitlines()[4]
    table = gm.gc.explain(line)
    cycle = gm.gc.parse_gctrace(line).cycles[0]
    assert list(table.columns) == ["printed", "column", "value", "meaning"]
    for row in table.itertuples():
        value = getattr(cycle, row.column)
        assert row.value == value or (value != value and row.value != row.value)
    assert table.printed.iloc[0] == f"gc {cycle.cycle}"
    with pytest.raises(gm.UsageError):
        gm.gc.explain("hello")


def test_goal_exercise_refuses_a_setting_that_is_no_gogc_before_anything_runs():
    # A usage mistake, not an attempt (issue 20): raised, and not recorded in the progress.
    with pytest.raises(gm.UsageError, match="gogc"):
        gm.gc.check_goal_ratio("abc", ratio=3)
    with pytest.raises(gm.UsageError):
        gm.gc.check_goal_ratio(200, ratio=0)
