"""The x-ray on the real toolchain, correct by construction: its per-line numbers equal `go tool
pprof -list` on the same profile, its compiler lines equal the compiler's own output; on a
module of our own, on standard-library packages copied from GOROOT, on modules with a
third-party dependency (vendored, replaced, missing), on generic functions and on an older
release."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

import gomemlab as gm
from gomemlab import toolchain

pytestmark = pytest.mark.live

FIXTURES = Path(__file__).parent / "fixtures" / "xray"
_ROUTINE = re.compile(r"^ROUTINE =+ (\S.*?) in (\S+)$")
_ROW = re.compile(r"^\s*(\S+)\s+(\S+)\s+(\d+):")
_MESSAGE = re.compile(r"^(?:\./)?([\w./-]+\.go):(\d+):(\d+): (\S.*)$")


def _copy(tmp_path: Path, *names: str) -> Path:
    for name in names:
        shutil.copytree(FIXTURES / name, tmp_path / name)
    return tmp_path / names[0]


def pprof_list(
    profile: Path, regex: str, index: str, module_dir: str
) -> dict[tuple[str, str, int], tuple]:
    """(function, file, line) -> (flat, cum) text as `go tool pprof -list` prints them. The
    module is named as the source path: pprof's own guess strips any path up to a folder
    named like the current directory's last element."""
    done = toolchain.go(
        "tool",
        "pprof",
        f"-sample_index={index}",
        f"-source_path={module_dir}",
        f"-trim_path={module_dir}",
        "-list",
        regex,
        profile,
    ).check_run()
    rows: dict[tuple[str, str, int], tuple[str, str]] = {}
    function = file = ""
    for line in done.stdout.splitlines():
        if match := _ROUTINE.match(line):
            function, file = match.groups()
        elif (match := _ROW.match(line)) and function:
            flat, cum, number = match.groups()
            if (flat, cum) != (".", "."):
                relative = file.removeprefix(module_dir.rstrip("/") + "/")
                rows[(function, relative, int(number))] = (flat, cum)
    return rows


def _ours(xray, index: str) -> dict[tuple[str, str, int], tuple[str, str]]:
    def shown(value: int) -> str:
        if not value:
            return "."
        return gm.xray.report.size(value) if index == "alloc_space" else str(value)

    rows = {}
    for cost in gm.xray.profile_costs(xray.profile, xray.module_dir):
        flat, cum = (
            (cost.flat_objects, cost.cum_objects)
            if index == "alloc_objects"
            else (cost.flat_bytes, cost.cum_bytes)
        )
        rows[(cost.function, cost.file, cost.line)] = (shown(flat), shown(cum))
    return rows


def _agree_with_pprof(xray, regex: str) -> int:
    """Assert every (function, file, line) pprof -list prints for `regex` equals ours;
    return how many rows were compared."""
    compared = 0
    for index in ("alloc_objects", "alloc_space"):
        theirs = pprof_list(xray.profile.path, regex, index, xray.module_dir)
        ours = {k: v for k, v in _ours(xray, index).items() if re.search(regex, k[0])}
        ours = {k: v for k, v in ours.items() if v != (".", ".")}
        assert theirs, f"pprof -list {regex} printed no row"
        assert ours == theirs
        compared += len(theirs)
    return compared


def _compiler_lines(text: str, files: set[str]) -> Counter:
    """The compiler's own message lines about `files`, without -m=2 explanations."""
    found: Counter = Counter()
    lines = text.splitlines()
    for i, line in enumerate(lines):
        match = _MESSAGE.match(line)
        if not match or match.group(1) not in files:
            continue
        message = match.group(4)
        following = lines[i + 1] if i + 1 < len(lines) else ""
        explained = re.match(r"^\S+:\d+:\d+:\s{2}", following) and message.endswith(":")
        if not explained:
            found[(match.group(1), int(match.group(2)), int(match.group(3)), message)] += 1
    return found


def _agree_with_compiler(xray, *go_args: str, cwd: Path, env=None) -> int:
    """Run the compiler by hand; assert the x-ray's messages are exactly its lines."""
    done = toolchain.go(*go_args, cwd=cwd, env=env).check_build()
    theirs = _compiler_lines(done.stderr + done.stdout, set(xray.escape.sources))
    ours = Counter((m.file, m.line, m.col, m.message) for row in xray.lines for m in row.messages)
    assert theirs, "the compiler printed nothing about the package"
    assert ours == theirs
    return sum(theirs.values())


def test_allocs_module_agrees_with_pprof_list_and_the_compiler(tmp_path):
    module = _copy(tmp_path, "allocs")
    xray = gm.xray(module, bench=".", benchtime="50x")
    assert _agree_with_pprof(xray, r"^example\.com/allocs\.") > 10
    go = toolchain.find_go().go
    assert go
    assert (
        _agree_with_compiler(
            xray, "test", "-c", "-o", str(tmp_path / "t.test"), "-gcflags=-m=2", ".", cwd=module
        )
        > 20
    )
    # the traps the x-ray explains, each from the data
    big = xray.at("new([100000]byte)")
    assert (
        big.verdict == "heap"
        and big.flat_objects > 0
        and "too large for stack" in big.messages[-1].flow[-1]
    )
    sized = xray.at("make([]byte, n)")
    assert sized.verdict == "stack" and sized.flat_objects > 0
    assert "VariableMakeThreshold" in gm.xray.note(sized)
    counted = xray.at("make(map[string]int, 16)")
    assert (
        counted.verdict == "stack" and counted.flat_objects > 0 and "map" in gm.xray.note(counted)
    )
    # the generic function is inlined into KeepAll: the compiler prints its parameter's
    # "moved to heap" at the call, and the profile counts the allocation there too
    call = xray.at("Keep(i+n)")
    assert any(m.message == "moved to heap: x" for m in call.messages)
    assert call.verdict == "heap" and call.flat_objects > 0
    keep = xray.at("func Keep[E any]")
    assert keep.verdict == "heap" and keep.flat_objects == 0
    assert xray.at("return int(big[7])").flat_objects == 0


def test_vendored_dependency_inlined_allocation(tmp_path):
    module = _copy(tmp_path, "vendored")
    xray = gm.xray(module, bench=".", benchtime="50x")
    line = xray.at("dep.NewBox(i + 64)")
    assert line.flat_objects == 0 and line.inlined_objects > 0
    assert line.verdict == "stack" and "VariableMakeThreshold" in gm.xray.note(line)
    assert _agree_with_pprof(xray, r"^example\.com/(app|dep)\.") > 2
    assert (
        _agree_with_compiler(
            xray,
            "test",
            "-c",
            "-o",
            str(tmp_path / "t.test"),
            "-gcflags=-m=2",
            ".",
            cwd=module,
            env={"GOFLAGS": "-mod=vendor"},
        )
        > 3
    )


def test_replaced_dependency(tmp_path):
    module = _copy(tmp_path, "replaced", "dep")
    xray = gm.xray(module, bench=".", benchtime="50x")
    assert xray.at("dep.NewBox(i + 64)").inlined_objects > 0
    assert _agree_with_pprof(xray, r"^example\.com/(app|dep)\.") > 2


def test_missing_dependency_is_a_typed_error(tmp_path):
    module = _copy(tmp_path, "missing")
    with pytest.raises(gm.errors.MissingModuleError) as raised:
        gm.xray(module, bench=".")
    first = str(raised.value).splitlines()[0]
    assert raised.value.module == "example.com/dep"
    assert "example.com/dep" in first and "go mod vendor" in first and "replace" in first


@pytest.mark.parametrize(
    ("original", "package"), [("internal/strconv", "strconv"), ("encoding/csv", "encoding/csv")]
)
def test_stdlib_package_copied_from_goroot(tmp_path, original, package):
    """strconv is x-rayed as the code it delegates to from Go 1.26: internal/strconv (a copy
    of strconv itself would import internal packages, which only the standard library may)."""
    goroot = Path(toolchain.find_go().goroot)
    module = tmp_path / "std"
    shutil.copytree(
        goroot / "src" / original, module / package, ignore=shutil.ignore_patterns("testdata")
    )
    (module / "go.mod").write_text("module std\n\ngo 1.27\n")
    # the copies' tests import the package by its standard path: keep only our benchmark
    for test in (module / package).glob("*_test.go"):
        test.unlink()
    name = package.rsplit("/", 1)[-1]
    bench = {
        "strconv": "func BenchmarkX(b *testing.B) {\n\tfor i := 0; i < b.N; i++ {\n"
        "\t\tsink = FormatFloat(float64(i)/3, 'g', -1, 64) + FormatInt(int64(i), 7)\n\t}\n}\n",
        "csv": "func BenchmarkX(b *testing.B) {\n\tfor i := 0; i < b.N; i++ {\n"
        '\t\tr := NewReader(strings.NewReader("a,b,c\\n1,2,3\\n"))\n'
        "\t\trecords, _ := r.ReadAll()\n\t\tsink = records\n\t}\n}\n",
    }[name]
    imports = '"strings"\n\t"testing"' if name == "csv" else '"testing"'
    (module / package / "x_test.go").write_text(
        f"package {name}\n\nimport (\n\t{imports}\n)\n\nvar sink any\n\n{bench}"
    )
    xray = gm.xray(module / package, bench="X", benchtime="20x")
    assert sum(r.flat_objects for r in xray.lines) > 0
    regex = rf"^std/{re.escape(package)}\."
    assert _agree_with_pprof(xray, regex) > 2
    assert (
        _agree_with_compiler(
            xray,
            "test",
            "-c",
            "-o",
            str(tmp_path / "t.test"),
            "-gcflags=-m=2",
            f"./{package}",
            cwd=module,
        )
        > 20
    )


def test_an_older_release(tmp_path):
    found = gm.versions.find("1.24")
    if found is None:
        pytest.skip("Go 1.24 is not installed (gm.versions.install('1.24'))")
    module = _copy(tmp_path, "allocs")
    xray = gm.xray(module, bench="Sizes", benchtime="20x", go="1.24")
    assert xray.provenance.release.startswith("1.24")
    # before Go 1.25 a variable-size make escaped, said the compiler
    assert xray.at("make([]byte, n)").verdict == "heap"
    assert _agree_with_pprof(xray, r"^example\.com/allocs\.") > 2


def test_cli_writes_a_standalone_report_that_axe_passes(tmp_path, capsys):
    from gomemlab.cli import main

    module = _copy(tmp_path, "allocs")
    out = tmp_path / "report.html"
    assert main(["xray", str(module), "-bench", "Sizes", "-benchtime", "20x", "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "allocs.go:16: big := new([100000]byte)" in printed
    assert "VariableMakeThreshold" in printed and f"wrote {out}" in printed
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>") and "new([100000]byte)" in page
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", page), "no network"

    from axe import blocking, explain, need_axe, violations
    from test_browser import CHROMIUM, CHROMIUM_ARGS, _need_browser

    _need_browser()
    need_axe()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            tab = browser.new_page(viewport={"width": 1200, "height": 900})
            tab.goto(out.as_uri())
            found = violations(tab)
        finally:
            browser.close()
    assert not blocking(found), explain(found)


def test_cli_missing_module_exits_1_with_the_fix(tmp_path, capsys):
    from gomemlab.cli import main

    assert main(["xray", str(_copy(tmp_path, "missing")), "-bench", "."]) == 1
    first = capsys.readouterr().err.splitlines()[0]
    assert first.startswith("MissingModuleError: ") and "example.com/dep" in first


def test_the_editor_marks_the_gutter_after_a_run():
    box = gm.xray.editor(benchtime="20x")
    box.run()
    xray = box.result
    assert xray is not None, box.output.value
    marks = {mark["line"]: mark for mark in box.editor.marks}
    buffer = xray.at("buf := make([]byte, n)").line
    point = xray.at("p := point{n, n}")
    assert marks[point.line]["kind"] == "heap"  # moved to heap: p
    assert marks[buffer]["kind"] == "stack" and "VariableMakeThreshold" in marks[buffer]["message"]
    assert "does not escape" in marks[buffer]["message"]
    # the gutter's words: the verdict and the line's share of the profile's bytes
    for row, verdict in ((point, "heap"), (xray.at(buffer, file="main.go"), "stack")):
        assert 0 < row.flat_bytes < xray.total_bytes
        percent = round(100 * row.flat_bytes / xray.total_bytes)  # a small share reads "<1%"
        assert marks[row.line]["label"] == f"{verdict} {percent or '<1'}%", marks[row.line]
    # below the editor: the top lines with their why, and -benchmem's figures
    assert "buf := make([]byte, n)" in box.output.value and "allocs/op" in box.output.value


def test_an_edit_undone_brings_back_its_own_inlining_positions(tmp_path):
    """The -json files are written only when the package compiles; a build-cache hit replays
    -m alone. So an edit undone in place must read the files of its own compile."""
    module = tmp_path / "m"
    module.mkdir()
    (module / "go.mod").write_text("module m\n\ngo 1.22\n")
    code = "package m\n\ntype T struct{ a [4]int }\n\nfunc mk() *T { return &T{} }\n\n"
    code += "func Use() *T { return mk() }\n"
    edited = code.replace("package m\n", "package m\n\n\n")

    def inlined(text: str) -> list:
        (module / "m.go").write_text(text)
        return [(r.line, at) for r in gm.xray(module).lines for _, at in r.inlined_here]

    first = inlined(code)
    assert first == [(5, ("m.go", 7, 26))]
    assert inlined(edited) == [(7, ("m.go", 9, 26))]
    assert inlined(code) == first
