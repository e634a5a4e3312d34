"""Goroutine analysis (`gm.trace.summarize`): per goroutine and per start function, the numbers
of `go tool trace`'s Goroutines pages, on recorded pages (fixtures/trace/README.md names the
commands), live against the running tool, and on garbage."""

from __future__ import annotations

import gzip
import importlib
import json
import shutil
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import tracepages
from hypothesis import given
from hypothesis import strategies as st

import gomemlab as gm
from gomemlab.errors import GoCommandError, UsageError
from gomemlab.provenance import Provenance

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


def tool_stats(s: gm.trace.Summary) -> dict[int, dict[str, int]]:
    """Each goroutine's times under the names the tool's goroutine page gives them."""
    frame = s.goroutines.set_index("g")
    out = {}
    for g, row in frame.iterrows():
        stats = {"Total": row.total_ns, **{n: row[c] for c, n in summary.STATS.items()}}
        out[g] = stats
    for row in s.blocked.itertuples():
        key = f"Block time ({row.reason})"  # the tool adds a "syscall" reason to syscall_block
        out[row.g][key] = out[row.g].get(key, 0) + row.ns
    return out


@pytest.mark.parametrize("name", NAMES)
def test_groups_equal_the_tools_goroutines_page(name):
    page = (FIXTURES / f"{name}.goroutines.html").read_text()
    groups = recorded(name).groups()
    tool = tracepages.goroutine_groups(page)
    assert len(tool) >= 10
    ours = list(zip(groups.name, groups["count"], groups.exec_ns, strict=True))
    # the tool sorts by execution time only: equal times may come in either order
    assert sorted(ours) == sorted(tool)
    assert [t for _, _, t in ours] == [t for _, _, t in tool]


@pytest.mark.parametrize("name", NAMES)
def test_every_goroutine_equals_the_tools_breakdown(name):
    s = recorded(name)
    ours = tool_stats(s)
    pages = _pages(name)
    assert set(pages) == set(s.goroutines.name)
    seen = 0
    for page in pages.values():
        _, rows = tracepages.breakdown(page)
        for (g,), theirs in rows.items():
            mine = {k: v for k, v in ours[g].items() if v or k in theirs}
            assert {k: int(v) for k, v in mine.items()} == {
                k: v for k, v in theirs.items() if v or k in mine
            }, g
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
    ours = tool_stats(s)
    with gm.trace.web(gm.trace.parse("", file=file)) as ui:
        base = ui.direct_url.rstrip("/")
        with urllib.request.urlopen(f"{base}/goroutines", timeout=60) as page:
            tool = tracepages.goroutine_groups(page.read().decode())
        for name in ("main.pipeline.func1", "runtime.gcBgMarkWorker"):
            query = urllib.parse.quote(name)
            with urllib.request.urlopen(f"{base}/goroutine?name={query}", timeout=60) as page:
                _, rows = tracepages.breakdown(page.read().decode())
            for (g,), theirs in rows.items():
                assert {k: v for k, v in ours[g].items() if v} == {
                    k: v for k, v in theirs.items() if v
                }
    groups = s.groups()
    assert sorted(zip(groups.name, groups["count"], groups.exec_ns, strict=True)) == sorted(tool)
