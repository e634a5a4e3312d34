"""gm.pprof on the real toolchain: record profiles both ways, cross-check with go tool pprof."""

from __future__ import annotations

import importlib
import urllib.request

import pytest
from test_pprof_decode import pprof_top

import gomemlab as gm
from gomemlab import workspace

pytestmark = pytest.mark.live

SMALL = ["-lines", "20000", "-rounds", "2"]


@pytest.fixture(scope="module")
def mem():
    return gm.pprof.run("pprof", "mem", args=[*SMALL, "-way", "wasteful"], memprofilerate=1)


def test_program_profile_at_rate_one_counts_every_slice(mem):
    assert mem.path.is_file() and mem.path.parent.parent == workspace.scratch_root() / "runs"
    assert "-memprofile" in mem.command and "20000 lines x 2 rounds" in mem.output
    assert mem.provenance.command == mem.command and mem.provenance.go_version.startswith("go1.")
    assert mem.provenance.files == (str(mem.path),) and mem.provenance.run_seconds > 0
    assert mem.period == 1
    slices = mem.frame[(mem.frame.leaf == "strings.Fields") & (mem.frame.label_bytes == 192)]
    assert slices.alloc_objects.sum() == 40_000


@pytest.mark.parametrize("index", ["alloc_space", "inuse_objects"])
def test_live_top_equals_go_tool_pprof(mem, index):
    unit = "-unit=byte"
    text = gm.pprof.pprof_text(mem, "-top", unit, f"-sample_index={index}", "-nodecount=10").text
    total, rows = pprof_top(text)
    assert mem.total(index) == total
    ours = mem.top(index, None).set_index("function")
    for name, flat, _, cum, _ in rows:
        assert (ours.flat[name], ours.cum[name]) == (flat, cum), name


def test_a_tool_report_shows_the_text_without_the_build_id_hash(mem):
    report = gm.pprof.pprof_text(mem, "-top", "-nodecount=3")
    assert "Build ID: " in report.text  # what the tool printed is kept whole
    shown = report._repr_html_()
    assert "Build ID" not in shown and "Type: alloc_space" in shown


def test_list_is_the_real_tool_output(mem):
    listing = gm.pprof.source_lines(mem, "countWasteful")
    assert listing.text.startswith("ROUTINE")
    assert "strings.Fields(line)" in listing.text
    assert "-list" in listing.command and "countWasteful" in listing._repr_html_()


def test_web_ui_on_loopback_stops(mem):
    ui = gm.pprof.web(mem, view="/ui/top")
    try:
        assert ui.url.startswith("http://127.0.0.1:") and ui.url.endswith("/ui/top")
        with urllib.request.urlopen(ui.url, timeout=10) as page:
            assert page.status == 200
            assert b"strings.Fields" in page.read()
    finally:
        ui.stop()
    assert not ui.running


def test_without_graphviz_the_graph_view_is_a_notice_inside_pprofs_page(mem, monkeypatch):
    tools = importlib.import_module("gomemlab.pprof.tools")
    monkeypatch.setattr(tools, "graphviz_dot", lambda: None)  # as on a machine without it
    with gm.pprof.web(mem) as ui:
        base = ui.direct_url.split("/ui/")[0].rstrip("/")
        with urllib.request.urlopen(f"{base}/ui/graph", timeout=60) as page:
            assert page.status == 200
            graph = page.read().decode()
    assert "Graphviz (its dot program) is not installed" in graph
    # still pprof's page: its View menu (the way back) and the notice's links to other views
    assert 'id="flamegraph"' in graph and 'href="flamegraph"' in graph
    assert "Could not execute dot" not in graph
    assert not ui.running


def test_doctor_says_what_a_missing_dot_means(monkeypatch):
    tools = importlib.import_module("gomemlab.pprof.tools")
    monkeypatch.setattr(tools, "graphviz_dot", lambda: None)
    doctor = importlib.import_module("gomemlab.doctor")
    check = doctor._graphviz_check()
    assert check.ok and "View → Graph shows a notice" in check.detail
    assert "apt install graphviz" in check.fix
    monkeypatch.setattr(tools, "graphviz_dot", lambda: "/usr/bin/dot")
    assert "/usr/bin/dot" in doctor._graphviz_check().detail


def test_benchmark_profile_with_compiler_output():
    p = gm.pprof.run("pprof", bench="CountWasteful", gcflags="-m")
    assert any(a.startswith("-memprofile=") for a in p.command)
    assert "BenchmarkCountWasteful" in p.output and "escapes to heap" in p.output
    p.expect_hot_spot("gosamples/pprof.countWasteful", at_least_pct=50)
    assert p.share_pct("gosamples/pprof.countWasteful") >= 50
    assert not (workspace.sample("pprof").dir / "pprof.test").exists()


def test_cpu_profile_of_the_program():
    p = gm.pprof.run("pprof", "cpu", args=["-lines", "60000", "-rounds", "2", "-way", "wasteful"])
    assert p.kind == "cpu" and p.total("cpu") > 0
    assert p.cum("countWasteful") > 0


def test_parsing_a_profile_from_bytes_can_still_use_the_tool(mem):
    again = gm.pprof.parse(mem.path.read_bytes())
    assert again.path is None
    assert (
        "ROUTINE" in gm.pprof.source_lines(again, "countWasteful").text
    )  # written to a scratch file first


def test_a_program_without_the_flag_is_a_clear_error():
    ignores = gm.snippet("package main\n\nfunc main() {}\n")
    with pytest.raises(gm.GomemlabError, match="wrote no profile"):
        gm.pprof.run(ignores, "mem")
    rejects = gm.snippet('package main\n\nimport "flag"\n\nfunc main() { flag.Parse() }\n')
    with pytest.raises(gm.GoRunError, match="status 2"):  # flag provided but not defined
        gm.pprof.run(rejects, "mem")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "heap"}, "kind must be one of"),
        ({"bench": "("}, "bench '\\(' is not a valid regular expression"),
        ({"bench": "X", "benchtime": "abc"}, "benchtime must be a Go duration"),
        ({"timeout": 0}, "timeout must be a number > 0"),
        ({"memprofilerate": -1}, "memprofilerate must be a whole number"),
        ({"args": "-lines 10"}, "args must be a list of strings"),
    ],
)
def test_bad_arguments_are_usage_errors_before_any_run(kwargs, message):
    with pytest.raises(gm.UsageError, match=message):
        gm.pprof.run("pprof", **kwargs)


def _tree(root):
    return sorted((str(p.relative_to(root)), p.stat().st_size) for p in root.rglob("*"))


def test_relative_output_paths_land_in_scratch_not_in_the_samples():
    # Issue 9.5: `-cpuprofile=c.prof` (and go test's own copy of the test binary) once landed
    # in gosamples/, which .gitignore hides.
    samples = workspace.samples_root()
    before = _tree(samples)
    p = gm.pprof.run("pprof", bench="CountFrugal", args=["-cpuprofile=c.prof", "-o", "b.test"])
    assert _tree(samples) == before
    assert (p.path.parent / "c.prof").is_file() and (p.path.parent / "b.test").is_file()
    assert gm.pprof.load(p.path.parent / "c.prof").kind == "cpu"
    # A program runs in the scratch folder too, so its own relative files land there.
    q = gm.pprof.run("pprof", "mem", args=[*SMALL, "-cpuprofile", "cpu.out"])
    assert _tree(samples) == before
    assert gm.pprof.load(q.path.parent / "cpu.out").kind == "cpu"
