"""Issue 9's faults, each held by a test: no process outlives its run, memory stays bounded,
nothing lands in the samples, and every mistake a user can make is a clear typed error.

Leftover processes are found by a unique marker in their command line (`/proc/*/cmdline`).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

import gomemlab as gm
from gomemlab import toolchain, workspace

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc (Linux)"),
]

# A program that starts `sleep` children under a marker, in the three ways that escape a naive
# kill: not waited for, in a new session (Setsid), and holding our stdout open.
LEAVER = """package main

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

func start(marker string, setsid, shareStdout bool) {
	child := exec.Command("sleep", "300", marker)
	if setsid {
		child.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	}
	if shareStdout {
		child.Stdout = os.Stdout
	}
	if err := child.Start(); err != nil {
		panic(err)
	}
}

func main() {
	marker := os.Args[1]
	start(marker, false, false)
	start(marker, true, false)
	start(marker, true, true)
	fmt.Println("started")
	if len(os.Args) > 2 {
		time.Sleep(time.Hour)
	}
}
"""


def _with_marker(marker: str) -> list[int]:
    """Live (not zombie) processes whose command line holds `marker`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker.encode() not in (entry / "cmdline").read_bytes():
                continue
            if (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                continue
        except OSError:
            continue
        found.append(int(entry.name))
    return found


def _gone(marker: str, within: float = 3.0) -> bool:
    deadline = time.monotonic() + within
    while _with_marker(marker):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.fixture
def marker():
    tag = f"gomemlab-test-{uuid.uuid4().hex[:12]}"
    yield tag
    for pid in _with_marker(tag):  # never leave one behind, even when a test fails
        os.kill(pid, signal.SIGKILL)


def test_children_do_not_survive_a_normal_exit(marker):
    program = gm.snippet(LEAVER)
    gm.build(program)
    # The child holding stdout (sleep 300) would keep us waiting until the run's timeout, which
    # ends in GoTimeoutError: a normal return says the run did not wait for it.
    done = gm.run(program, [marker], timeout=60)
    assert done.stdout.strip() == "started"
    assert _gone(marker), _with_marker(marker)


def test_children_do_not_survive_a_timeout_and_the_message_says_so(marker):
    with pytest.raises(gm.GoTimeoutError, match="every process it started were killed"):
        gm.run(gm.snippet(LEAVER), [marker, "wait"], timeout=3)
    assert _gone(marker), _with_marker(marker)


def test_children_do_not_survive_the_python_process(marker, tmp_path):
    script = textwrap.dedent(f"""
        import os, signal, gomemlab as gm
        from gomemlab import toolchain
        program = gm.snippet({LEAVER!r})
        binary = gm.build(program)
        proc = toolchain.start_go("version", log={str(tmp_path / "log")!r})  # a UI-like start
        import threading
        threading.Timer(1.5, lambda: os.kill(os.getpid(), signal.SIGKILL)).start()
        gm.run(program, [{marker!r}, "wait"], timeout=60)
    """)
    subprocess.run([sys.executable, "-c", script], timeout=120, check=False)
    assert _gone(marker, within=5), _with_marker(marker)


def test_a_hanging_go_binary_is_reported_and_leaves_nothing(marker, tmp_path, monkeypatch):
    sleeper = tmp_path / marker  # a `sleep` whose name is the marker
    sleeper.write_bytes(Path("/bin/sleep").read_bytes())
    sleeper.chmod(0o755)
    fake = tmp_path / "go"
    fake.write_text(f"#!/bin/sh\n{sleeper} 300\n")
    fake.chmod(0o755)
    monkeypatch.setenv("GOMEMLAB_GO", str(fake))
    monkeypatch.setattr(toolchain, "VERSION_TIMEOUT", 1.0)
    toolchain.find_go.cache_clear()
    try:
        with pytest.raises(gm.GoNotFoundError, match="did not answer"):
            toolchain.find_go()
    finally:
        toolchain.find_go.cache_clear()
    assert _gone(marker), _with_marker(marker)


@pytest.mark.parametrize("output", ["/bin/true", "garbage"])
def test_doctor_on_a_go_that_is_not_go(tmp_path, output):
    if output == "garbage":
        fake = tmp_path / "go"
        fake.write_bytes(b"#!/bin/sh\nprintf '\\377\\376 not go\\n'\n")
        fake.chmod(0o755)
        output = str(fake)
    done = subprocess.run(
        [sys.executable, "-m", "gomemlab.cli", "doctor"],
        capture_output=True,
        text=True,
        env={**os.environ, "GOMEMLAB_GO": output},
        timeout=120,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert "is not a Go toolchain" in done.stdout


def test_doctor_without_home_still_has_a_build_cache(tmp_path):
    """Without HOME (and so no Go build cache) the lab gives Go one in its scratch folder.
    That folder starts as hard links to the session's warm cache where both are on one file
    system: what is proven is that the fallback cache is used and builds work in it; the
    standard library's cold compile is the cold warm's (.ci/run), not repeated here (29 s)."""
    env = {k: v for k, v in os.environ.items() if k not in ("HOME", "XDG_CACHE_HOME", "GOCACHE")}
    env["GOMEMLAB_SCRATCH"] = str(tmp_path / "scratch")
    warm = Path(toolchain.go("env", "GOCACHE").check_run().stdout.strip())
    fallback = tmp_path / "scratch" / "go-build"
    try:
        shutil.copytree(warm, fallback, copy_function=os.link)
    except (OSError, shutil.Error):  # another file system: the fallback starts cold
        shutil.rmtree(fallback, ignore_errors=True)
    done = subprocess.run(
        [sys.executable, "-m", "gomemlab.cli", "doctor"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "[ok ] build and run" in done.stdout
    assert "go-build" in done.stdout


def test_output_is_bounded_whatever_a_program_prints():
    """An endless print loop under a short timeout: the kept text is capped at head + tail,
    and the Python process stays small (it used to grow by the GB). The loop writes 64 KiB at
    a time: a line per write reached only 6.9 MB in the 6 s on a loaded machine (load ~40),
    short of the 9 MiB cap, so nothing was dropped and the check failed for want of output."""
    script = textwrap.dedent("""
        import resource, gomemlab as gm
        src = ('package main\\nimport ("os"; "strings")\\n'
               'func main() {\\n'
               '\\tchunk := []byte(strings.Repeat("spam spam spam spam\\\\n", 3277))\\n'
               '\\tfor { os.Stdout.Write(chunk) }\\n}\\n')
        program = gm.snippet(src)
        gm.build(program)
        try:
            gm.run(program, timeout=6)
        except gm.GoTimeoutError as e:
            print(len(e.stdout), "dropped" in e.stdout)
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
    """)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=180, check=True
    )
    kept, dropped, peak_mib = done.stdout.split()
    bound = toolchain.CAPTURE_HEAD + toolchain.CAPTURE_TAIL + toolchain.LINE_LIMIT
    assert int(kept) <= bound + 200 and dropped == "True"
    # The strict bound is the kept text above. Peak RSS is a sanity check: 110 MiB on a quiet
    # machine, once 468 MiB inside a full CI run (cause not found); unbounded capture used to
    # reach 5.4 GB.
    assert int(peak_mib) < 768, f"peak RSS {peak_mib} MiB"


def _tree(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*")
    }


def test_nothing_is_written_into_the_samples():
    root = workspace.samples_root()
    before = _tree(root)
    gm.test("newmake", "-run", "^$", "-coverprofile=cover.out")
    gm.test("newmake", "-run", "^$", "-bench", ".", "-benchtime=1x", "-cpuprofile=cpu.out")
    gm.test("escape", "-c")
    gm.test("escape", "-c", "-o", "escape.test")
    gm.run("pprof", ["-memprofile", "mem.out"], timeout=120)
    assert _tree(root) == before


def test_a_library_snippet_is_not_a_program():
    library = gm.snippet("package foo\n\nfunc F() int { return 1 }\n")
    for entry in (gm.build, gm.run):
        with pytest.raises(gm.UsageError, match=r"package foo.*library, not a program"):
            entry(library)


def test_cgo_is_explained():
    program = gm.snippet('package main\n\nimport "C"\n\nfunc main() {}\n')
    with pytest.raises(gm.GoCommandError, match="CGO_ENABLED=0"):
        gm.build(program)


def test_a_killed_program_names_its_signal():
    src = (
        'package main\n\nimport "syscall"\n\n'
        "func main() { syscall.Kill(syscall.Getpid(), syscall.SIGKILL) }\n"
    )
    with pytest.raises(gm.GoRunError, match=r"signal SIGKILL.*out-of-memory killer"):
        gm.run(gm.snippet(src))


@pytest.mark.parametrize("timeout", [0, -1, float("nan"), float("inf"), "3", None, True])
@pytest.mark.parametrize("entry", ["run", "build", "test"])
def test_impossible_timeouts_are_usage_errors(entry, timeout):
    with pytest.raises(gm.UsageError, match="timeout must be a number > 0"):
        getattr(gm, entry)("newmake", timeout=timeout)


@pytest.mark.parametrize("name", ["a\nb.go", "../x.go", "x.txt", "sub/x.go", ".go", ""])
def test_snippet_file_names_are_plain(name):
    with pytest.raises(gm.WorkspaceError, match="plain names"):
        gm.snippet({name: "package main\n"})


@pytest.mark.parametrize("kind", ["read-only", "a file"])
def test_an_unusable_scratch_folder_says_what_to_set(tmp_path, monkeypatch, kind):
    target = tmp_path / "scratch"
    if kind == "a file":
        target.write_text("")
    else:
        target.mkdir()
        target.chmod(0o500)
        if os.access(target, os.W_OK):  # root ignores modes: use a read-only mount instead
            target = Path("/proc/gomemlab-scratch")
    monkeypatch.setenv("GOMEMLAB_SCRATCH", str(target))
    with pytest.raises(gm.WorkspaceError, match="set GOMEMLAB_SCRATCH"):
        gm.snippet("package main\n\nfunc main() {}\n")


def test_bad_go_flags_show_the_real_complaint():
    with pytest.raises(gm.GoRunError) as caught:
        gm.test("newmake", "-run", "^$", "-bench", ".", "-benchtime=abc")
    message = str(caught.value)
    assert "invalid value" in message and "benchtime" in message
    assert "Usage of" not in message and str(toolchain.find_go().goroot) not in message


def test_a_panic_in_a_test_is_shown_like_a_program_panic():
    package = gm.snippet(
        {
            "main.go": "package main\n\nfunc main() {}\n",
            "x_test.go": (
                'package main\n\nimport "testing"\n\nfunc TestBoom(t *testing.T) {\n'
                '\tvar m map[string]int\n\tm["x"] = 1\n}\n'
            ),
        }
    )
    with pytest.raises(gm.GoRunError, match="panicked: assignment to entry in nil map") as e:
        gm.test(package, "-run", "TestBoom")
    assert "x_test.go:7" in str(e.value)


# Issue 20: first lines that say what, where and what to do; no silent wrong results.


def test_a_pattern_that_matches_nothing_names_the_benchmarks():
    with pytest.raises(gm.UsageError) as caught:
        gm.bench.run("bench", pattern="NoSuchBench", progress=False, count=1, benchtime="1x")
    first = str(caught.value).splitlines()[0]
    assert "pattern='NoSuchBench' matches no benchmark of bench" in first
    assert "HashDead" in first


@pytest.mark.parametrize(
    ("source", "says"),
    [
        ("package main", "function main is undeclared"),
        ('package main\n\nimport "C"\n\nfunc main() {}\n', "CGO_ENABLED=0"),
        ("//go:build ignore\n\npackage main\n\nfunc main() {}\n", "//go:build"),
        ({"a.go": "package a\n", "b.go": "package b\n"}, "share one package clause"),
    ],
    ids=["no-main", "cgo", "build-ignore", "two-packages"],
)
def test_a_failed_build_says_why_on_its_first_line(source, says):
    with pytest.raises(gm.GoCommandError) as caught:
        gm.escape.run(source)
    assert says in str(caught.value).splitlines()[0]


def test_an_unusable_build_cache_is_named_on_the_first_line(monkeypatch):
    monkeypatch.setenv("GOCACHE", "/proc/x")
    with pytest.raises(gm.GoCommandError) as caught:
        gm.escape.run(f"package main\n\n// {uuid.uuid4()}\nfunc main() {{}}\n")
    assert "build cache" in str(caught.value).splitlines()[0]


def test_a_build_cut_short_is_not_called_an_endless_loop():
    with pytest.raises(gm.GoTimeoutError) as caught:
        gm.build(gm.snippet(f"package main\n\n// {uuid.uuid4()}\nfunc main() {{}}\n"), timeout=1e-9)
    first = str(caught.value).splitlines()[0]
    assert "Go was still compiling" in first and "endless loop" not in first


def test_quick_mode_says_when_it_shortens_a_benchtime():
    from gomemlab.bench import settings_for

    with pytest.warns(UserWarning, match=r"shortens benchtime='1h' to '20ms'"):
        assert settings_for("1h", None, quick=True)[0] == "20ms"
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        settings_for(None, None, quick=True)  # the default: nothing to say
        settings_for("100x", None, quick=True)  # a count of iterations is kept


def test_a_relative_scratch_is_resolved_once_and_never_lands_in_the_package(tmp_path):
    env = {**os.environ, "GOMEMLAB_SCRATCH": "rel", "GOMEMLAB_DATA": str(tmp_path / "d")}
    done = subprocess.run(
        [sys.executable, "-m", "gomemlab.cli", "doctor"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert f"scratch folder     {tmp_path / 'rel'}" in done.stdout, done.stdout + done.stderr
    assert "[ok ] build and run" in done.stdout, done.stdout
    package = Path(gm.__file__).parent
    assert not list(package.rglob("rel")), "a relative scratch wrote into the package"


def test_the_source_reader_reads_json_beyond_the_capture_cap(monkeypatch):
    """Issue 20: `escape.analyze` of 100k functions failed with "printed no JSON" because the
    reader's output was cut at the 4 MiB capture cap. The cap is lowered here so that a small
    package crosses it (100k functions, measured: 100000 declarations read, 46 s loaded)."""
    from gomemlab import gosource

    monkeypatch.setattr(toolchain, "CAPTURE_HEAD", 2000)
    monkeypatch.setattr(toolchain, "CAPTURE_TAIL", 2000)
    source = f"package main\n\n// {uuid.uuid4()}\n" + "".join(
        f"func f{i}(x int) int {{ return x + {i} }}\n" for i in range(300)
    )
    declarations = gosource.declarations_in(source)
    assert [d.name for d in declarations] == [f"f{i}" for i in range(300)]
