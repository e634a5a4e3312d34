"""gm.lifetimes on the real toolchain: the sample's sections, its profiles, the exercises."""

from __future__ import annotations

import pytest

import gomemlab as gm
from gomemlab.errors import UsageError
from gomemlab.lifetimes.run import QUICK_WATCH_S

pytestmark = pytest.mark.live
L = gm.lifetimes
MIB = 2**20


def test_pool_victim_cache_survives_one_collection_not_two():
    r = L.run("pool", n=20)
    hits = r.series("hits")
    assert hits[0] >= 18 and hits[1] >= 18, hits
    assert hits[2] <= 2 and hits[3] <= 2, hits
    assert "-section" in r.provenance.command and "pool" in r.provenance.command
    assert r.provenance.release.startswith("1.27")


def test_finalizer_never_runs_before_exit_without_a_collection():
    r = L.run("exit")
    assert r.value("cycles_so_far") == 0
    assert r.has("finalizer_set") and not r.has("exit_finalizer_ran")


def test_substring_pins_its_document_in_the_inuse_profile():
    pinned = L.run("substring", n=8, memprofile=True)
    fixed = L.run("substring", n=8, fix=True, memprofile=True)
    assert pinned.value("strings_live") >= 0.9 * 8 * MIB
    assert fixed.value("strings_live") < MIB
    under = gm.lifetimes.profile(pinned, "heap").value("inuse_space", under="headers")
    assert under >= 0.9 * 8 * MIB, under
    assert gm.lifetimes.profile(fixed, "heap").value("inuse_space", under="loadBlob") < MIB


def test_goroutine_leak_profile_reports_only_unreachable_waiters():
    r = L.run("goroutines", n=6, leakprofile=True)
    assert r.value("leaked_reported") == 6
    assert r.value("goroutines_after") >= r.value("goroutines_before") + 12
    profile = gm.lifetimes.profile(r, "goroutineleak")
    assert profile.total() == 6
    assert profile.value(under="main.leak") == 6 and profile.value(under="main.park") == 0


def test_settings_from_the_environment_and_at_run_time():
    r = L.run("settings", env={"GOGC": "50", "GOMEMLIMIT": "100MiB"})
    assert r.value("gogc", step=0) == 50 and r.value("env_gogc_previous") == 50
    assert r.value("memlimit", step=0) == 100 * MIB
    assert r.value("gogc", step=1) == 200 and r.value("memlimit", step=1) == 256 * MIB


def test_quick_mode_watches_the_scavenger_briefly():
    r = L.run("scavenge", mib=16)
    assert r.options["watch_s"] == QUICK_WATCH_S
    t = r.timeline()
    assert t.event_freeosmemory.notna().sum() == 1
    final = t.index[t.event_freeosmemory.notna()][0]
    assert t.free[final] < min(4 * MIB, t.free[final - 1])  # FreeOSMemory returned it
    assert final < t.index[-1]  # and the readings go on for a moment after it


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: L.run(), "name at least one section"),
        (lambda: L.run("nope"), "section must be one of"),
        (lambda: L.run("pool", n=0), "n must be a whole number"),
        (lambda: L.run("scavenge", watch=-1), "watch must be a number > 0"),
    ],
)
def test_usage_errors(call, message):
    with pytest.raises(UsageError, match=message):
        call()


def test_leak_exercise_baseline_is_not_yet_and_clone_solves_it():
    assert not L.check_leak_fixed(L.LEAK_BASELINE).tried  # issue 22
    assert not L.check_leak_fixed(L.LEAK_BASELINE + "\n// run as it is\n")
    verdict = L.check_leak_fixed(
        L.LEAK_BASELINE.replace("return doc[:end]", "return strings.Clone(doc[:end])")
    )
    assert verdict.passed, verdict
    assert verdict.evidence["inuse_bytes"] < 4 * MIB
    wrong = L.check_leak_fixed(L.LEAK_BASELINE.replace("doc[:end]", "doc[:end+1]"))
    assert not wrong and "titles are wrong" in wrong.message


POOLED = """package main

import (
	"io"
	"strconv"
	"sync"
)

var buffers = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

func render(w io.Writer, id int) {
	bp := buffers.Get().(*[]byte)
	buf := (*bp)[:0]
	for line := 0; line < 64; line++ {
		buf = append(buf, "row "...)
		buf = strconv.AppendInt(buf, int64(id*64+line), 10)
		buf = append(buf, ": ok\\n"...)
	}
	w.Write(buf)
	*bp = buf
	buffers.Put(bp)
}
"""


def test_pool_exercise():
    assert not L.check_pooled(L.POOL_BASELINE).tried  # issue 22
    baseline = L.check_pooled(L.POOL_BASELINE + "\n// run as it is\n")
    assert not baseline and "sync.Pool" in baseline.message
    solved = L.check_pooled(POOLED)
    assert solved.passed, solved
    assert solved.evidence["allocs_per_op"] == 0
    not_reset = L.check_pooled(POOLED.replace("buf := (*bp)[:0]", "buf := *bp"))
    assert not not_reset and "not the report twice" in not_reset.message


def test_the_sample_is_built_once_per_process():
    first = L.run("exit")
    again = L.run("exit")
    assert again.provenance.build_seconds == 0.0
    assert first.provenance.command[0] == again.provenance.command[0]
    assert again.provenance.run_seconds > 0


def test_leak_exercise_panicking_and_slow_answers_are_not_yet_with_the_reason():
    panicking = L.check_leak_fixed(
        L.LEAK_BASELINE.replace("return doc[:end]", '_ = end\n\tpanic("boom")')
    )
    assert not panicking and panicking.message.startswith("it panicked: boom")
    assert "title.go:" in panicking.message and "snippets" not in panicking.message
    slow = L.check_leak_fixed(
        L.LEAK_BASELINE.replace("return doc[:end]", "_ = end\n\tfor {\n\t}"), timeout=10
    )
    assert not slow and "still running after 10 s" in slow.message


def test_pool_exercise_panicking_and_non_compiling_answers_are_not_yet_with_the_reason():
    panicking = L.check_pooled(POOLED.replace("\tw.Write(buf)\n", '\tpanic("boom")\n'))
    assert not panicking and panicking.message == "it panicked: boom\n  at render.go:19"
    broken = L.check_pooled(POOLED.replace("w.Write(buf)", "w.Write(buf"))
    assert not broken and "does not compile" in broken.message


def test_the_stamp_reuses_a_binary_across_processes_and_notices_edits_and_settings(monkeypatch):
    from gomemlab import binaries as _binaries

    package = gm.workspace.resolve("lifetimes")
    first, _ = _binaries.program(package, 300)
    built = first.stat().st_mtime_ns
    monkeypatch.setattr(_binaries, "_BUILT", {})  # as a fresh process sees it

    def no_build(*args, **kwargs):
        raise AssertionError("a `go build` was started although the stamp matched")

    with monkeypatch.context() as patched:
        patched.setattr(_binaries.programs, "build", no_build)
        again, _ = _binaries.program(package, 300)
    assert again == first and again.stat().st_mtime_ns == built
    monkeypatch.setenv("GOEXPERIMENT", "nogreenteagc")  # another build setting
    key = _binaries._stamp(package, False, gm.find_go())
    assert "nogreenteagc" in repr(key)
    monkeypatch.delenv("GOEXPERIMENT")
    assert _binaries._stamp(package, False, gm.find_go()) != key
