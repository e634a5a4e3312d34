"""Goroutine analysis (`gm.trace.summarize`): per goroutine and per start function, the numbers
of `go tool trace`'s Goroutines pages, on recorded pages (fixtures/trace/README.md names the
commands), live against the running tool, and on garbage."""

from __future__ import annotations

import contextlib
import gzip
import importlib
import json
import shutil
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import gomemlab as gm
from gomemlab.errors import GoCommandError, UsageError
from gomemlab.provenance import Provenance
from gomemlab.trace import toolpages

summary = importlib.import_module("gomemlab.trace.summary")  # the module, not the function
FIXTURES = Path(__file__).parent / "fixtures" / "trace"
NAMES = ("gomaxprocs2", "flight")


def recorded(name: str) -> gm.trace.Summary:
    text = gzip.decompress((FIXTURES / f"{name}.summary.json.gz").read_bytes()).decode()
    return summary.parse_output(text, Provenance())


def _pages(name: str) -> dict[str, str]:
    """The recorded /goroutine?name= pages by group name."""
    text = gzip.decompress((FIXTURES / f"{name}.goroutine.html.gz").read_bytes()).decode()
    pages = {}
    for page in text.split("<!-- NEXT PAGE -->"):
        url = page[page.index("<!-- ") + 5 : page.index(" -->")]
        pages[urllib.parse.unquote(url.split("name=", 1)[1])] = page
    return pages


@pytest.mark.parametrize("name", NAMES)
def test_groups_equal_the_tools_goroutines_page(name):
    page = (FIXTURES / f"{name}.goroutines.html").read_text()
    groups = recorded(name).groups()
    tool = toolpages.goroutine_groups(page)
    assert len(tool) >= 10
    ours = list(zip(groups.name, groups["count"], groups.exec_ns, strict=True))
    # the tool sorts by execution time only: equal times may come in either order
    assert sorted(ours) == sorted(tool)
    assert [t for _, _, t in ours] == [t for _, _, t in tool]


@pytest.mark.parametrize("name", NAMES)
def test_every_goroutine_equals_the_tools_breakdown(name):
    s = recorded(name)
    ours = s.tool_breakdown()
    pages = _pages(name)
    assert set(pages) == set(s.goroutines.name)
    seen = 0
    for page in pages.values():
        _, rows = toolpages.breakdown(page)
        for (g,), theirs in rows.items():
            assert ours[g] == {k: v for k, v in theirs.items() if v}, g
            seen += 1
    assert seen == len(s.goroutines)


def test_the_times_add_up_to_each_goroutines_time_in_the_trace():
    frame = recorded("gomaxprocs2").goroutines
    parts = frame[["exec_ns", "sched_wait_ns", "block_ns", "syscall_ns", "syscall_block_ns"]]
    assert (parts.sum(axis=1) + frame.unknown_ns == frame.total_ns).all()


def test_group_percentiles_lie_within_the_groups_goroutines():
    s = recorded("gomaxprocs2")
    groups = s.groups((0, 50, 100)).set_index("name")
    frame = s.goroutines
    workers = frame[frame.name == "main.pipeline.func1"]
    row = groups.loc["main.pipeline.func1"]
    assert row["count"] == len(workers) == 2
    assert row.exec_ns_p0 == workers.exec_ns.min() and row.exec_ns_p100 == workers.exec_ns.max()
    assert row.exec_ns_p50 == workers.exec_ns.mean()  # two values: the median is their mean
    assert row.exec_ns == workers.exec_ns.sum()


def test_assist_time_is_the_summarizers_mark_assist_range():
    s = recorded("gomaxprocs2")
    assists = s.in_ranges[s.in_ranges.range == "GC mark assist"].set_index("g").ns
    frame = s.goroutines.set_index("g")
    assert (frame.assist_ns[frame.assist_ns > 0] == assists).all() and len(assists) >= 2


@pytest.mark.parametrize("bad", [(), (101,), ("x",), None])
def test_percentiles_must_be_0_to_100(bad):
    with pytest.raises(UsageError, match="percentiles"):
        recorded("gomaxprocs2").groups(bad)


@given(st.text(max_size=200))
def test_any_other_output_is_a_go_command_error(text):
    with pytest.raises(GoCommandError, match="no summary"):
        summary.parse_output(text, Provenance())


@pytest.mark.parametrize("junk", ["", "<html></html>", '<table class="details"></table>'])
def test_a_page_of_another_shape_is_a_parse_error(junk):
    with pytest.raises(gm.ParseError):
        toolpages.breakdown(junk)


@given(st.text(max_size=40))
def test_durations_are_go_durations_or_a_parse_error(text):
    with contextlib.suppress(gm.ParseError):
        assert toolpages.duration_ns(text) >= 0


def test_durations_read_exactly():
    assert toolpages.duration_ns("1h2m3.000000004s") == 3723000000004
    assert toolpages.duration_ns("15.848µs") == 15848
    assert toolpages.duration_ns("0s") == 0


def test_a_missing_field_is_a_go_command_error():
    data = json.loads(gzip.decompress((FIXTURES / "flight.summary.json.gz").read_bytes()))
    del data["goroutines"][0]["exec"]
    with pytest.raises(GoCommandError, match="no summary"):
        summary.parse_output(json.dumps(data), Provenance())


def test_a_trace_without_a_file_is_a_usage_error():
    with pytest.raises(UsageError, match="no trace file to summarize"):
        gm.trace.summarize(gm.trace.parse(""))


def test_the_groups_plot_says_what_it_draws():
    fig = recorded("gomaxprocs2").plot()
    text = gm.figures.describe(fig)
    assert "main.pipeline.func1 ×2" in text and "running" in text


@pytest.mark.live
@pytest.mark.parametrize("name", NAMES)
def test_the_program_prints_the_recorded_summary(name):
    assert gm.trace.summarize(FIXTURES / f"{name}.trace").data == recorded(name).data


@pytest.mark.live
def test_a_file_that_is_no_trace_is_a_readable_error(tmp_path):
    bad = tmp_path / "bad.trace"
    bad.write_bytes(b"not a trace")
    with pytest.raises(GoCommandError, match="summarizing the trace"):
        gm.trace.summarize(bad)


@pytest.mark.live
def test_equal_to_the_running_tool(tmp_path):
    t = gm.trace.run(gomaxprocs=2, args=gm.trace.sample_args(items=300))
    file = tmp_path / "t.trace"
    shutil.copy(t.file, file)
    s = gm.trace.summarize(file)
    ours = s.tool_breakdown()
    with gm.trace.web(gm.trace.parse("", file=file)) as ui:
        base = ui.direct_url.rstrip("/")
        with urllib.request.urlopen(f"{base}/goroutines", timeout=60) as page:
            tool = toolpages.goroutine_groups(page.read().decode())
        for name in ("main.pipeline.func1", "runtime.gcBgMarkWorker"):
            query = urllib.parse.quote(name)
            with urllib.request.urlopen(f"{base}/goroutine?name={query}", timeout=60) as page:
                _, rows = toolpages.breakdown(page.read().decode())
            for (g,), theirs in rows.items():
                assert ours[g] == {k: v for k, v in theirs.items() if v}
    groups = s.groups()
    assert sorted(zip(groups.name, groups["count"], groups.exec_ns, strict=True)) == sorted(tool)
