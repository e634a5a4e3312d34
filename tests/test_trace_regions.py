"""User regions and tasks (`gm.trace.summarize(t).regions`, `.tasks`, `.region_types()`,
`.task_types()`): the counts, histograms and per-region times of `go tool trace`'s Regions and
Tasks pages, on recorded pages (fixtures/trace/README.md names the commands) and live."""

from __future__ import annotations

import gzip
import shutil
import urllib.request
from pathlib import Path

import pytest
from test_trace_goroutines import recorded

import gomemlab as gm
from gomemlab.trace import regions, toolpages

FIXTURES = Path(__file__).parent / "fixtures" / "trace"
NAMES = ("gomaxprocs2", "flight")


def _page(name: str) -> str:
    path = FIXTURES / name
    return gzip.decompress(path.read_bytes()).decode() if name.endswith(".gz") else path.read_text()


@pytest.mark.parametrize("name", NAMES)
def test_region_types_equal_the_tools_regions_page(name):
    s = recorded(name)
    tool = toolpages.type_histograms(_page(f"{name}.userregions.html"))
    types = s.region_types()
    assert [(t, n) for t, n, _ in tool] == list(zip(types.type, types["count"], strict=True))
    for type_, _, histogram in tool:
        assert s.histogram("regions", type_) == histogram


@pytest.mark.parametrize("name", NAMES)
def test_task_types_equal_the_tools_tasks_page(name):
    s = recorded(name)
    tool = toolpages.type_histograms(_page(f"{name}.usertasks.html"))
    types = s.task_types()
    assert [(t, n) for t, n, _ in tool] == list(zip(types.type, types["count"], strict=True))
    for type_, _, histogram in tool:
        assert s.histogram("tasks", type_) == histogram


@pytest.mark.parametrize(("name", "type_"), [("gomaxprocs2", "worker"), ("flight", "handle")])
def test_each_region_equals_the_tools_region_page(name, type_):
    s = recorded(name)
    suffix = ".gz" if name == "flight" else ""
    _, rows = toolpages.breakdown(_page(f"{name}.userregion.html{suffix}"))
    frame = s.regions[s.regions.type == type_]
    assert len(rows) == len(frame) and len(rows) >= 2
    for row in frame.itertuples():
        tool = rows[(row.g, row.task)]
        blocked = sum(v for k, v in tool.items() if k.startswith("Block time"))
        assert (tool["Total"], tool["Execution time"], tool["Sched wait time"]) == (
            row.duration_ns,
            row.exec_ns,
            row.sched_wait_ns,
        )
        assert blocked == row.block_ns + row.syscall_block_ns


def test_each_task_equals_the_tools_task_page():
    s = recorded("flight")
    tool = toolpages.tasks(_page("flight.usertask.html.gz"))
    tasks = s.tasks[s.tasks.type == "request"].set_index("task")
    assert len(tool) == len(tasks) > 100
    for task, (elapsed, complete) in tool.items():
        assert (tasks.duration_ns[task], tasks.complete[task]) == (elapsed, complete)


def test_latency_percentiles_are_of_the_complete_ones():
    s = recorded("flight")
    tasks = s.tasks[(s.tasks.type == "request") & s.tasks.complete]
    row = s.task_types((50, 100)).set_index("type").loc["request"]
    assert row.p50_ns == tasks.duration_ns.median()
    assert row.p100_ns == row.max_ns == tasks.duration_ns.max()
    assert row.complete == len(tasks)


def test_regions_and_tasks_the_trace_saw_only_in_part_run_to_its_edge():
    s = recorded("flight")
    # the background task (id 0), which the demo's "spike" log belongs to, never begins
    partial = s.tasks[~s.tasks.complete]
    assert len(partial) >= 1
    assert ((partial.start == 0) | (partial.end == s.duration_ns)).all()


def test_a_bucket_is_five_per_power_of_ten():
    assert [regions.bucket(10**k) for k in (1, 2, 3)] == [4, 9, 14]  # log rounding: 5k - 1
    assert regions.bucket(0) == 0
    assert regions.bucket_min_ns(15) == 1000


@pytest.mark.live
def test_equal_to_the_running_tool(tmp_path):
    file = tmp_path / "w.trace"
    shutil.copy(gm.trace.flight.run(flags=gm.trace.flight.args(requests=120, spike=80)).file, file)
    s = gm.trace.summarize(file)
    with gm.trace.web(gm.trace.parse("", file=file)) as ui:
        base = ui.direct_url.rstrip("/")
        with urllib.request.urlopen(f"{base}/userregions", timeout=60) as page:
            region_page = toolpages.type_histograms(page.read().decode())
        with urllib.request.urlopen(f"{base}/usertasks", timeout=60) as page:
            task_page = toolpages.type_histograms(page.read().decode())
    types = s.region_types()
    assert [(t, n) for t, n, _ in region_page] == list(zip(types.type, types["count"], strict=True))
    assert all(s.histogram("regions", t) == h for t, _, h in region_page)
    types = s.task_types()
    assert [(t, n) for t, n, _ in task_page] == list(zip(types.type, types["count"], strict=True))
    assert all(s.histogram("tasks", t) == h for t, _, h in task_page)


@pytest.mark.live
def test_region_times_are_the_running_tools_region_page():
    file = FIXTURES / "flight.trace"
    times = gm.trace.tools.region_times(gm.trace.read(file), ["handle"])
    _, rows = toolpages.breakdown(_page("flight.userregion.html.gz"))
    assert times == {"handle": {key: row["Total"] for key, row in rows.items()}}
    assert len(times["handle"]) >= 2
