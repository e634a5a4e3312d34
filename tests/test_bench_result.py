"""BenchResult's shape: user-named keys and units that look like our columns, values that are
not finite, the frozen result, plot kinds, the lab's table look, and argument checks that
stop a bad run before Go starts."""

from __future__ import annotations

import dataclasses
import importlib
import math
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

import gomemlab as gm
from gomemlab import figures, tables
from gomemlab.bench import compare, parse
from gomemlab.bench.result import FIXED_COLUMNS, format_value
from gomemlab.bench.run import validate_benchtime
from gomemlab.errors import UsageError

FIXTURES = Path(__file__).parent / "fixtures" / "bench"
bench_run_module = importlib.import_module("gomemlab.bench.run")
OUR_NAMES = [
    "n",
    "name",
    "unit",
    "procs",
    "pkg",
    "label",
    "base",
    "run",
    "median",
    "ci_pct",
    "low",
    "high",
    "note",
    "iterations",
    "line_no",
    "benchmark",
    "sub",
    "sub.n",
    "sub[1]",
    "x_1",
]
"""Issue 9.1's list (every column of frame and summary) plus names that look like our prefixes."""


def sum_runs(key: str) -> str:
    """The issue's reproduction: six runs of `BenchmarkSum/KEY=10-2`."""
    return "".join(f"BenchmarkSum/{key}=10-2 1000 {100 + i} ns/op\n" for i in range(6))


@pytest.mark.parametrize("key", OUR_NAMES)
def test_a_sub_benchmark_key_never_collides_with_our_columns(key):
    result = parse(sum_runs(key))
    frame = result.frame
    assert frame[f"sub.{key}"].tolist() == [10] * 6
    assert frame["name"].tolist() == [f"Sum/{key}=10"] * 6 and set(frame["procs"]) == {2}
    table = result.table()
    assert table.loc[f"Sum/{key}=10", "n"] == 6
    assert table.loc[f"Sum/{key}=10", "ns/op"] == "102 ± 2%"  # median 102.5 → 3 digits
    summary = result.summary()
    assert summary["n"].tolist() == [6] and summary["median"].tolist() == [102.5]
    assert summary[f"sub.{key}"].tolist() == [10]
    assert 'border="1"' not in result._repr_html_()
    assert result.where(**{key: 10}).names == ["Sum"]
    assert result.median(f"Sum/{key}=10") == 102.5
    assert isinstance(result.plot(), Figure)
    assert compare(result, result).verdict(f"Sum/{key}=10") == "~"


def test_recorded_keys_and_non_finite_metrics_display():
    text = (FIXTURES / "names_and_metrics.txt").read_text()
    result = parse(text)
    frame = result.frame
    keys = ["n", "name", "unit", "procs", "pkg", "label", "base", "run", "median", "ci_pct"]
    assert [f"sub.{k}" for k in keys] == [c for c in frame.columns if c.startswith("sub.")]
    assert len(frame) == 66 and set(frame["pkg"]) == {"names"}
    # The unit `name` (a ReportMetric of -Inf) lives in `unit.name`; our `name` is untouched.
    metrics = frame[frame["name"] == "Metrics"]
    assert (metrics["unit.name"] == -math.inf).all() and (metrics["x/op"] == math.inf).all()
    assert metrics["nan/op"].isna().all() and (metrics["huge/op"] == 1e300).all()
    table = result.table()
    assert table.loc["Metrics", "x/op"] == "∞ ± 0%"  # every run the same
    assert table.loc["Metrics", "unit.name"] == "−∞ ± 0%"
    mixed = parse("".join(f"BenchmarkM 1 {v} x/op\n" for v in [1, 2, 3, 4, 5, math.inf]))
    assert mixed.table().loc["M", "x/op"] == "3.5"  # a CI up to ∞: no relative spread
    assert table.loc["Metrics", "huge/op"] == "1e+300 ± 0%"
    assert table.loc["Keys/median=10", "n"] == 6
    html = result._repr_html_()
    assert "∞" in html and "1e+300" in html
    result.expect("Metrics", "x/op", at_least=1e308)
    result.expect("Metrics", "name", at_most=-1e308)
    assert isinstance(result.plot(units=["ns/op", "x/op", "huge/op"]), Figure)
    same = compare(result, result)
    assert same.verdict("Metrics", "x/op") == "~"
    assert same.row("geomean", "x/op")["note"] == "geomean needs finite medians > 0"
    assert "nan%" not in same._repr_html_() and isinstance(same.plot(), Figure)


def test_config_keys_and_units_named_like_our_columns():
    text = "name: from-config\nsub.x: y\nnote: kept\n" + "".join(
        f"BenchmarkA 10 {i} ns/op {i} run {i} sub.q {i} n\n" for i in range(1, 7)
    )
    result = parse(text)
    frame = result.frame
    assert list(frame["name"]) == ["A"] * 6 and list(frame["run"]) == list(range(6))
    assert list(frame["unit.run"]) == [1.0, 2, 3, 4, 5, 6]
    assert list(frame["unit.sub.q"]) == [1.0, 2, 3, 4, 5, 6]
    assert set(frame["config.name"]) == {"from-config"} and set(frame["config.sub.x"]) == {"y"}
    assert set(frame["note"]) == {"kept"}
    assert result.column("run") == "unit.run" and result.column("ns/op") == "ns/op"
    assert result.expect("A", "run", equals=3.5).median("A", "run") == 3.5
    assert list(result.table().columns) == ["n", "ns/op", "unit.run", "unit.sub.q", "unit.n"]
    assert result.table().loc["A", "n"] == 6 and result.median("A", "n") == 3.5
    assert set(FIXED_COLUMNS) <= set(frame.columns)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (math.inf, "∞"),
        (-math.inf, "−∞"),
        (math.nan, "nan"),
        (1e300, "1e+300"),
        (-2e20, "-2e+20"),
        (12.5, "12.5"),
        (1234.0, "1,234"),
        (0.25, "0.25"),
        (48, "48"),
    ],
)
def test_values_are_formatted_by_the_lab(value, shown):
    assert format_value(value) == shown


def test_the_result_is_frozen_and_its_frame_a_copy():
    result = parse(sum_runs("n"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.text = "x"  # type: ignore[misc]
    frame = result.frame
    frame["ns/op"] = 0.0
    assert result.median("Sum/n=10") == 102.5
    assert result.provenance == gm.Provenance() and result.profiles == {}
    assert isinstance(result.records, tuple)
    derived = result.where(n=10)
    assert derived.provenance is result.provenance and derived is not result


def test_plot_kinds_fonts_and_errors():
    result = parse((FIXTURES / "sample_count6.txt").read_text())
    runs = result.select("^Join").plot()
    sweep = result.plot(
        kind="scaling", param="size", units=["ns/op", "B/op"], xlabel="size (ints in the slice)"
    )
    also = result.plot(kind="scaling", param="sub.size", by="impl")
    for fig in (runs, sweep, also):
        assert isinstance(fig, Figure) and fig.get_dpi() == figures.DPI
        assert fig.get_figwidth() >= figures.WIDTH
        for ax in fig.axes:
            ticks = [*ax.get_xticklabels(), *ax.get_yticklabels()]
            assert ticks and min(t.get_fontsize() for t in ticks) >= 11
            assert ax.xaxis.label.get_fontsize() >= 12 and ax.title.get_fontsize() >= 12
    assert [t.get_text() for t in sweep.axes[0].get_legend().get_texts()] == [
        "impl=append",
        "impl=prealloc",
    ]
    assert [ax.get_xlabel() for ax in sweep.axes] == ["size (ints in the slice)"] * 2
    assert also.axes[0].get_xlabel() == "size"  # the key, without xlabel=
    swept = sorted(result.frame["sub.size"].dropna().unique())
    for ax in sweep.axes:  # ticks where the data are (issue 22: they sat at 2^5, 2^7, ...)
        assert list(ax.get_xticks()) == swept
        assert [t.get_text() for t in ax.get_xticklabels()] == [f"{x:,g}" for x in swept]
        assert list(ax.xaxis.get_minorticklocs()) == []
    import matplotlib.pyplot as plt

    assert plt.get_fignums() == [], "figures are never registered with pyplot"
    with pytest.raises(UsageError, match="kind must be one of"):
        result.plot(kind="bars")
    with pytest.raises(UsageError, match="needs param="):
        result.plot(kind="scaling")
    with pytest.raises(UsageError, match="no sub-benchmark key 'sizes'"):
        result.plot(kind="scaling", param="sizes")
    with pytest.raises(UsageError, match="units"):
        result.plot(units=["furlongs/op"])
    change = compare(result.where(impl="plus"), result.where(impl="builder")).plot()
    assert isinstance(change, Figure)


def test_tables_have_the_lab_look_not_a_grid():
    result = parse((FIXTURES / "sample_count6.txt").read_text())
    c = compare(result.where(impl="plus"), result.where(impl="builder"))
    for html, table in ((result._repr_html_(), result.table()), (c._repr_html_(), c.table())):
        assert 'border="1"' not in html
        lab_look = tables.to_html(table.reset_index())
        opening = lab_look[lab_look.index("<table") :].split("<thead>")[0]
        assert opening in html and table.index[0][-1] in html


def test_where_and_select_reject_what_cannot_match():
    result = parse((FIXTURES / "sample_count6.txt").read_text())
    with pytest.raises(UsageError, match=r"no sub-benchmark key 'imp'.*impl"):
        result.where(imp="plus")
    with pytest.raises(UsageError, match="pattern"):
        result.select("(")
    with pytest.raises(UsageError, match="n must be a whole number"):
        result.first(0)
    with pytest.raises(UsageError, match="old must be a BenchResult"):
        compare(result.frame, result)  # type: ignore[arg-type]


def test_compare_and_the_package_import_no_matplotlib():
    code = (
        "import sys, gomemlab.bench, gomemlab.bench.compare\n"
        "assert 'matplotlib' not in sys.modules, sorted(m for m in sys.modules "
        "if m.startswith('matplotlib'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    "good", ["1s", "200ms", "1m30s", "1.5s", "10us", "10µs", ".5s", "100x", "1x", "2h"]
)
def test_benchtime_forms_go_accepts(good):
    assert validate_benchtime(good) == good


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("abc", "Go duration"),
        ("0s", "> 0"),
        ("-1s", "Go duration"),
        ("100", "Go duration"),
        ("100 ms", "Go duration"),
        ("0x", "whole number ≥ 1"),
        ("1.5x", "whole number ≥ 1"),
        ("x", "whole number ≥ 1"),
        ("", "Go duration"),
        (100, 'did you mean "100x"'),
        (1.5, "Go duration"),
        (None, "Go duration"),
        ("99999999999h", "Go duration"),
    ],
)
def test_benchtime_forms_go_rejects(bad, message):
    with pytest.raises(UsageError, match=message) as info:
        validate_benchtime(bad)
    assert str(info.value).startswith("benchtime")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"benchtime": "abc"}, "^benchtime must be"),
        ({"count": -1}, "^count must be a whole number from 1 to 1000, not -1"),
        ({"count": 0}, "^count must be"),
        ({"count": 2.5}, "^count must be"),
        ({"count": True}, "^count must be"),
        ({"cpu": 0}, "^cpu must be a whole number from 1 to 1024, not 0"),
        ({"cpu": "1,x"}, "^cpu must be"),
        ({"cpu": [1, -2]}, "^cpu must be"),
        ({"cpu": ""}, "^cpu must be a GOMAXPROCS"),
        ({"pattern": ""}, "^pattern must be"),
        ({"pattern": "("}, "^pattern '\\(' is not a valid regular expression"),
        ({"timeout": 0}, "^timeout must be a number > 0"),
        ({"timeout": -1}, "^timeout must be"),
        ({"profile": "heap"}, "^profile must be one of 'mem', 'cpu'"),
        ({"extra": "-v"}, "^extra must be a list"),
        ({"progress": "yes"}, "^progress must be"),
    ],
)
def test_bad_run_arguments_are_usage_errors_before_go_starts(monkeypatch, arguments, message):
    def no_go(*args, **kwargs):
        raise AssertionError("Go was started for a bad argument")

    monkeypatch.setattr(bench_run_module.programs, "test", no_go)
    monkeypatch.setattr(bench_run_module.workspace, "resolve", no_go)
    arguments = {"pattern": ".", **arguments}
    with pytest.raises(UsageError, match=message):
        gm.bench.run("bench", arguments.pop("pattern"), **arguments)


def test_records_are_frozen_and_shared_mappings_read_only():
    [first, second] = parse("BenchmarkA/n=1-2 10 5 ns/op\nBenchmarkA/n=1-2 10 6 ns/op\n").results
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.name = "B"  # type: ignore[misc]
    with pytest.raises(TypeError):
        first.parts["n"] = "2"  # type: ignore[index]
    with pytest.raises(TypeError):
        first.config["goos"] = "plan9"  # type: ignore[index]
    assert first.parts == {"n": "1"} and first.parts is second.parts
    assert first.renamed("A/n=3").parts == {"n": "3"} and first.parts == {"n": "1"}


KEY = st.text(
    st.characters(blacklist_categories=("Z", "C"), blacklist_characters="/="),
    min_size=1,
    max_size=8,
)
UNIT = st.text(st.characters(blacklist_categories=("Z", "C")), min_size=1, max_size=8).filter(
    lambda u: u[0] not in "0123456789+-."
)


@settings(max_examples=120, deadline=None)
@given(
    st.lists(KEY, min_size=1, max_size=3, unique=True),
    st.lists(UNIT, min_size=1, max_size=3, unique=True),
    st.lists(KEY, max_size=2),
)
def test_any_keys_units_and_config_names_make_distinct_columns(keys, units, config):
    head = "".join(f"{k.lower()}: c\n" for k in config if k[:1].islower())
    name = "A/" + "/".join(f"{k}=1" for k in keys) + "/plain"
    values = " ".join(f"{i} {u}" for i, u in enumerate(units, start=1))
    result = parse(head + "".join(f"Benchmark{name}-2 10 {values}\n" for _ in range(6)))
    frame = result.frame
    assert frame.columns.is_unique and len(frame) == 6
    assert list(frame["name"]) == [name] * 6 and set(frame["procs"]) == {2}
    for i, unit in enumerate(units, start=1):
        assert set(frame[result.column(unit)]) == {float(i)}
        assert result.median(name, unit) == i
    table = result.table()
    assert len(table) == 1 and table.columns.is_unique and table.loc[name, "n"] == 6
    assert result.summary()["n"].tolist() == [6] * len(units)


def test_a_benchmark_that_reports_zero_iterations_is_run_again(tmp_path):
    """Go 1.27 now and then reports a b.Loop benchmark at -benchtime=Nx as `0 NaN ns/op`."""
    import importlib
    import sys

    bench_run = importlib.import_module("gomemlab.bench.run")
    counter, fake = tmp_path / "runs", tmp_path / "fake_test_binary.py"
    fake.write_text(
        "import pathlib, sys\n"
        "p = pathlib.Path(sys.argv[1])\n"
        "n = int(p.read_text()) if p.exists() else 0\n"
        "p.write_text(str(n + 1))\n"
        "zero, ran = 'BenchmarkX-2 \\t 0 \\t NaN ns/op', 'BenchmarkX-2 \\t 100 \\t 5.0 ns/op'\n"
        "print(zero if n == 0 else ran)\n"
    )
    done = bench_run.run_test_binary([sys.executable, fake, counter], timeout=60)
    assert counter.read_text() == "2" and " 100 " in done.stdout
