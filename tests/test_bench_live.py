"""Live tests: the real toolchain runs real benchmarks (short settings: quick mode)."""

from __future__ import annotations

import re

import pytest

import gomemlab as gm
from gomemlab import toolchain, workspace
from gomemlab.bench import Panel, list_benchmarks, parse, run, settings_for
from gomemlab.errors import GoBuildError, GoRunError, UsageError

pytestmark = pytest.mark.live


def test_stdlib_benchmarks_every_result_line_becomes_a_row(tmp_path):
    done = toolchain.go(
        "test",
        "-run",
        "^$",
        "-bench",
        ".",
        "-benchmem",
        "-benchtime=1x",
        "unicode/utf8",
        cwd=tmp_path,
        timeout=300,
    ).check_run()
    lines = re.findall(r"^Benchmark\S+\s+\d+\s.*$", done.stdout, re.MULTILINE)
    result = parse(done.stdout)
    assert len(lines) >= 20
    assert len(result.frame) == len(lines)
    assert [r.line_no for r in result.results] == [
        i + 1 for i, line in enumerate(done.stdout.splitlines()) if line in lines
    ]
    assert (result.frame["iterations"] == 1).all()
    assert set(result.frame["pkg"]) == {"unicode/utf8"}
    assert result.frame[["ns/op", "B/op", "allocs/op"]].notna().all().all()


def test_settings_quick_mode_caps_durations():
    assert settings_for(None, None, quick=False) == ("1s", 10)
    assert settings_for(None, None, quick=True) == ("20ms", 6)
    assert settings_for("3s", 20, quick=True) == ("20ms", 10)
    assert settings_for("5ms", 3, quick=True) == ("5ms", 3)
    assert settings_for("100x", None, quick=True) == ("100x", 6)
    assert settings_for("1m30s", 4, quick=False) == ("1m30s", 4)


def test_run_sample_reset_timer_and_progress():
    seen = []
    result = run(
        "bench",
        "^BenchmarkSetup",
        benchtime="1x",
        count=3,
        progress=lambda n, name: seen.append((n, name)),
    )
    assert [n for n, _ in seen] == list(range(1, 10))
    assert {name for _, name in seen} == {"SetupNoReset", "SetupReset", "SetupLoop"}
    command = result.provenance.command
    assert "-benchmem" in command and "-benchtime=1x" in command
    shell = result.provenance.shell
    assert shell.startswith("go test ") and "-run '^$' -bench '^BenchmarkSetup'" in shell
    assert result.provenance.release.startswith("1.27")
    result.expect("SetupNoReset", "B/op", at_least=1 << 20)  # the setup's table is charged
    result.expect("SetupReset", "B/op", at_most=1024)
    result.expect("SetupLoop", "B/op", at_most=1024)
    assert result.provenance.run_seconds > 0


def test_run_with_profile_and_cpu_list():
    result = run(
        "bench",
        "^BenchmarkJoinParallel$",
        benchtime="200x",
        count=2,
        cpu=[1, 2],
        profile="mem",
        progress=False,
    )
    assert sorted(set(result.frame["procs"])) == [1, 2]
    mem = result.profiles["mem"]
    assert mem.is_file() and mem.stat().st_size > 0
    assert result.profile_dir == mem.parent
    assert result.provenance.files == (str(mem),)
    assert workspace.scratch_root() in mem.parents
    assert not list(workspace.sample("bench").dir.glob("*.test")), "no binary in gosamples"
    with pytest.raises(UsageError, match="profile must be one of"):
        run("bench", "x", profile="heap")


def test_run_reports_compile_errors():
    broken = workspace.snippet(
        {
            "a.go": 'package a\n\nfunc F() int { return "x" }\n',
            "a_test.go": 'package a\n\nimport "testing"\n\n'
            "func BenchmarkF(b *testing.B) { for b.Loop() { F() } }\n",
        }
    )
    with pytest.raises(GoBuildError) as info:
        run(broken, progress=False)
    assert info.value.diagnostics[0].line == 3


def test_list_and_disassemble_the_sample():
    names = list_benchmarks("bench")
    assert {"HashDead", "Join", "Fill", "JoinParallel"} <= set(names)
    listings = gm.bench.disassemble("bench", "^BenchmarkHash")
    counts = {name: gm.bench.count_multiplies(text) for name, text in listings.items()}
    assert counts == {
        "BenchmarkHashDead": 0,
        "BenchmarkHashSink": 5,
        "BenchmarkHashLoop": 5,
        "BenchmarkHashLoopConst": 0,
    }


def test_panel_runs_without_a_kernel():
    panel = Panel("bench", benchmarks=["SetupReset", "Fill"])
    assert panel.benchtime.value == "20ms"  # notebook 04's BENCHTIME
    panel.benchmark.value = "SetupReset"
    panel.benchtime.value = "1000x"
    panel.count.value = 2
    panel.button.click()
    assert panel.result is not None and panel.result.names == ["SetupReset"]
    assert '<img src="data:image/png;base64,' in panel.output.value
    assert panel.status.value.startswith("done: 2 runs")
    assert "<code>go test " in panel.status.value and "site-packages" not in panel.status.value
    assert 'border="1"' not in panel.output.value
    assert not panel.button.disabled


def test_go_still_rejecting_a_flag_shows_its_error_line_not_its_flag_list():
    with pytest.raises(GoRunError) as info:
        run(
            "bench",
            "^BenchmarkHashSink$",
            benchtime="1x",
            count=1,
            progress=False,
            extra=["-benchtime=abc"],
        )  # the later flag wins: Go itself rejects it
    message = str(info.value)
    assert 'invalid value "abc" for flag -test.benchtime: invalid duration' in message
    assert "Usage of" not in message and "-test.artifacts" not in message
    assert len(message.splitlines()) <= 8
