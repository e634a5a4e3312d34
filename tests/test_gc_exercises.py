"""Notebook 07's self-checks on the real toolchain: a wrong, non-compiling, panicking or slow
answer is a "not yet" with the reason, a right one is solved; the GOEXPERIMENT builds the
notebook compares really get the marker they are named after."""

from __future__ import annotations

import os

import pytest

import gomemlab as gm
from gomemlab.gc import exercises

pytestmark = pytest.mark.live

BASELINE = """package main

import "fmt"

var last []byte

//go:noinline
func keep(b []byte) int { last = b; return len(b) }

func main() {
	total := 0
	for i := 0; i < 200_000; i++ {
		line := make([]byte, 0, 1024) // a fresh buffer every time: it escapes through keep
		line = append(line, 'x')
		total += keep(line)
	}
	fmt.Println(total)
}
"""
REUSED = BASELINE.replace(
    "\tfor i := 0; i < 200_000; i++ {\n\t\tline := make([]byte, 0, 1024) // a fresh buffer every "
    "time: it escapes through keep\n\t\tline = append(line, 'x')",
    "\tbuf := make([]byte, 0, 1024)\n\tfor i := 0; i < 200_000; i++ {\n"
    "\t\tline := append(buf[:0], 'x')",
)


def test_the_baseline_allocates_enough_to_collect():
    cycles, printed = exercises.gc_count(BASELINE)
    assert printed.strip() == "200000" and cycles >= 10, cycles


def test_a_reused_buffer_solves_exercise_1():
    assert REUSED != BASELINE
    verdict = gm.gc.check_fewer_gcs(REUSED, BASELINE)
    assert verdict.passed, verdict
    assert verdict.evidence["after"] <= max(2, verdict.evidence["before"] // 10)
    assert "for the baseline" in verdict.message


def test_the_unedited_program_is_named_as_such():
    verdict = gm.gc.check_fewer_gcs(BASELINE, BASELINE)  # not run, not recorded (issue 22)
    assert not verdict.tried and "still the baseline program" in verdict.message, verdict


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        (BASELINE.replace("fmt.Println(total)", "fmt.Println(total + 1)"), "the output changed"),
        (BASELINE.replace("total := 0", "total := 0\n\tundefined()"), "does not compile"),
        (BASELINE.replace("total := 0", "total := 0\n\tvar m map[int]int\n\tm[1] = 1"), "panicked"),
        (
            BASELINE.replace("for i := 0; i < 200_000; i++ {", "for i := 0; i < 200_000; i += 0 {"),
            "still running",
        ),
        (BASELINE.replace("make([]byte, 0, 1024)", "make([]byte, 0, 512)"), "aim for at most"),
    ],
)
def test_wrong_answers_to_exercise_1_are_not_yet_with_the_reason(source, reason):
    verdict = gm.gc.check_fewer_gcs(source, BASELINE, timeout=8)
    assert not verdict.passed and reason in verdict.message, verdict
    assert verdict.mark == "✘ not yet"


def test_exercise_2_wrong_then_right():
    wrong = gm.gc.check_goal_ratio(100, ratio=3)
    assert not wrong.passed and "with GOGC=100 the goal is" in wrong.message, wrong
    assert 1.8 < wrong.evidence["measured_ratio"] < 2.2, wrong
    right = gm.gc.check_goal_ratio(200, ratio=3)
    assert right.passed and "200" not in right.message, right  # the verdict names no setting
    with pytest.raises(gm.UsageError, match="nonsense"):
        gm.gc.check_goal_ratio("nonsense", ratio=3)


@pytest.mark.parametrize(("setting", "marker"), [("", "greentea"), ("nogreenteagc", "classic")])
def test_an_experiment_build_reports_its_marker(setting, marker):
    before = os.environ.get("GOEXPERIMENT")
    run = exercises.experiment_run(setting, live_mib=4, alloc_mib=32)
    assert exercises.experiment_collector(run) == marker
    assert len(run.log) >= 2 and run.sample_stats["allocated_bytes"] >= 32 << 20
    assert os.environ.get("GOEXPERIMENT") == before  # the setting does not leak


def test_compare_collectors_interleaves_the_two_builds():
    table = exercises.compare_collectors(pairs=1, live_mib=8, alloc_mib=48)
    assert list(table.columns) == list(exercises.COLLECTOR_COLUMNS)
    assert table.build.tolist() == ["default", "nogreenteagc"]
    assert table.collector.tolist() == ["greentea", "classic"]
    assert (table.GCs >= 2).all() and (table.mark_ms > 0).all()
    # both builds pace by the same rule: every goal follows from the live heap before it
    assert table.goals_follow_live.tolist() == [True, True]
    assert ((table.live_mib > 0) & (table.live_mib <= 8 + 48)).all()  # live set + allocation


@pytest.mark.parametrize("setting", ["no green tea", "x;y", 3])
def test_a_malformed_goexperiment_is_a_usage_error(setting):
    with pytest.raises(gm.UsageError, match="goexperiment"):
        exercises.experiment_run(setting)  # refused before anything is built
