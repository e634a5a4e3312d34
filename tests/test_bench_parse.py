"""The benchmark-format parser on recorded real output, hand-made edge cases and garbage."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gomemlab as gm
from gomemlab.bench import Config, OtherLine, Result, parse, parse_lines
from gomemlab.errors import ParseError

FIXTURES = Path(__file__).parent / "fixtures" / "bench"
RESULT_LINE = re.compile(r"^Benchmark\S+\s+\d+\s", re.MULTILINE)


def fixture(name: str) -> str:
    return (FIXTURES / f"{name}.txt").read_text()


@pytest.mark.parametrize("name", [p.stem for p in sorted(FIXTURES.glob("*.txt"))])
def test_every_fixture_line_is_accounted_for(name):
    text = fixture(name)
    records = parse_lines(text)
    assert len(records) == sum(1 for line in text.splitlines() if line.strip())
    result = parse(text)
    assert len(result) == len(RESULT_LINE.findall(text)) > 0
    assert len(result.frame) == len(result)
    assert (FIXTURES / f"{name}.cmd").is_file(), "each fixture names its command"


def test_sample_run_columns_units_and_repeats():
    result = parse(fixture("sample_count6"))
    frame = result.frame
    assert len(frame) == 132  # 22 benchmarks x -count=6
    assert result.units == ["ns/op", "B/op", "allocs/op", "MB/s", "calls"]
    assert list(frame.columns[:6]) == ["pkg", "name", "base", "procs", "run", "iterations"]
    assert set(frame["pkg"]) == {"gosamples/bench"}
    assert set(frame["procs"]) == {2}
    assert frame.groupby("name")["run"].apply(sorted).map(lambda runs: runs == list(range(6))).all()
    assert {"goos", "goarch", "cpu"} <= set(frame.columns)
    assert set(frame["goos"]) == {"linux"}
    join = frame[frame["base"] == "Join"]
    assert set(join["sub.impl"]) == {"plus", "builder"}
    assert set(join["sub.parts"]) == {8, 64} and join["sub.parts"].dtype.kind == "i"
    assert join["MB/s"].notna().all() and frame.loc[frame["base"] != "Join", "MB/s"].isna().all()
    fill = frame[frame["base"] == "Fill"]
    assert sorted(set(fill["sub.size"])) == [16, 256, 4096, 65536]
    calls = frame[frame["base"].str.startswith("Calls")]
    assert set(calls["calls"]) == {1.0, 5.0}
    # The first run line of the file, value by value.
    first = result.results[0]
    assert (first.name, first.procs, first.line_no) == ("HashDead", 2, 5)
    line = fixture("sample_count6").splitlines()[4].split()
    assert first.iterations == int(line[1]) and first.values["ns/op"] == float(line[2])
    assert [o.text for o in result.other][-2:][0] == "PASS"


def test_missing_procs_suffix_means_gomaxprocs_1():
    frame = parse(fixture("sample_cpu12")).frame
    assert sorted(set(frame["procs"])) == [1, 2]
    assert set(frame["name"]) == {"JoinParallel", "Fill/impl=prealloc/size=256"}
    assert (frame.groupby(["name", "procs"]).size() == 3).all()


def test_two_packages_in_one_stream():
    result = parse(fixture("stdlib_two_packages"))
    frame = result.frame
    assert set(frame["pkg"]) == {"unicode/utf8", "encoding/hex"}
    assert (frame["iterations"] == 1).all()
    hex_rows = frame[frame["pkg"] == "encoding/hex"]
    assert hex_rows["name"].str.contains("Encode|Decode|Dump").all()
    assert "sub[1]" in frame.columns  # plain sub-benchmark parts such as FullRune/ASCII
    assert set(frame.loc[frame["name"] == "FullRune/ASCII", "sub[1]"]) == {"ASCII"}
    assert result.config["pkg"] == "encoding/hex"


def test_verbose_output_keeps_name_lines_as_other():
    result = parse(fixture("verbose_utf8"))
    assert len(result) == 4
    names_alone = [o for o in result.other if o.text.startswith("BenchmarkRuneCount")]
    assert len(names_alone) == 4


def test_configuration_applies_until_changed():
    text = (
        "goos: linux\nnote: first\nBenchmarkA 10 5 ns/op\nnote: second\n"
        "BenchmarkA 10 6 ns/op\nempty:\nBenchmarkA 10 7 ns/op\n"
    )
    frame = parse(text).frame
    assert list(frame["note"]) == ["first", "second", "second"]
    assert list(frame["empty"].fillna("-")) == ["-", "-", ""]
    assert list(frame["procs"]) == [1, 1, 1]


@pytest.mark.parametrize(
    "line",
    [
        "Key: upper case key",
        "PASS",
        "ok  \tpkg\t0.1s",
        "Benchmarking is fun",
        "BenchmarkFoo is slow",
        "BenchmarkFoo-8",
        "--- FAIL: BenchmarkFoo-8",
        "    x_test.go:12: a log line",
        "=== RUN   BenchmarkFoo",
    ],
)
def test_lines_that_are_not_results_are_other(line):
    records = parse_lines(line)
    assert len(records) == 1 and isinstance(records[0], OtherLine)
    assert records[0].text == line


def test_result_line_details():
    [r] = parse_lines(
        "BenchmarkJoin/impl=plus/x/n=-1-16 \t 200 1.5e3 ns/op 12 custom-unit/op +Inf MB/s"
    )
    assert isinstance(r, Result)
    assert (r.name, r.procs, r.iterations) == ("Join/impl=plus/x/n=-1", 16, 200)
    assert r.values == {"ns/op": 1500.0, "custom-unit/op": 12.0, "MB/s": float("inf")}
    assert r.parts == {"impl": "plus", "n": "-1"} and r.plain == ("x",)
    assert r.base == "Join"
    [bare] = parse_lines("Benchmark 1 2 ns/op")
    assert bare.name == "" and bare.values == {"ns/op": 2.0}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("BenchmarkA-8 100 12.5", "value/unit pairs"),
        ("BenchmarkA-8 100", "value/unit pairs"),
        ("BenchmarkA-8 10x 5 ns/op", "iteration count"),
        ("BenchmarkA-8 1.5 5 ns/op", "iteration count"),
        ("BenchmarkA-8 100 fast ns/op", "not a number"),
        ("BenchmarkA-8 100 5 ns/op 6 ns/op", "appears twice"),
        ("BenchmarkA-8 100 5 6", "expected a unit"),
    ],
)
def test_malformed_result_lines_raise_naming_the_line(line, message):
    text = f"goos: linux\nPASS\n{line}\n"
    with pytest.raises(ParseError, match=message) as info:
        parse(text)
    assert info.value.line_no == 3 and info.value.line == line
    assert "line 3" in str(info.value)


def test_where_select_and_claims():
    result = parse(fixture("sample_count6"))
    plus = result.where(impl="plus")
    assert plus.names == ["Join/parts=8", "Join/parts=64"]
    assert (
        plus.expect("Join/parts=64", "allocs/op", equals=63).median("Join/parts=64", "allocs/op")
        == 63
    )
    assert result.select("^Fill/impl=prealloc").names == [
        f"Fill/impl=prealloc/size={n}" for n in (16, 256, 4096, 65536)
    ]
    result.select("^Fill/impl=prealloc").expect_all("allocs/op", equals=1)
    two = result.first(2)
    assert len(two) == 2 * len(result.names) and set(two.frame["run"]) == {0, 1}
    with pytest.raises(AssertionError, match=r"expected allocs/op = 0, but the median of 6"):
        result.expect("Join/impl=plus/parts=8", "allocs/op", equals=0)
    with pytest.raises(AssertionError, match="no benchmark named"):
        result.median("Nope")
    with pytest.raises(AssertionError, match="reports no 'MB/s'"):
        result.median("HashDead", "MB/s")


def test_display_table_and_warnings():
    result = parse(fixture("sample_count6"))
    table = result.table()
    assert table.loc["Join/impl=plus/parts=64", "allocs/op"] == "63 ± 0%"
    assert table.loc["HashDead", "n"] == 6
    assert result.warnings() == []
    html = result._repr_html_()
    assert "132 runs of 22 benchmark(s)" in html and "gosamples/bench" in html
    few = parse(fixture("setup_1x"))
    assert "n=3" in few.warnings()[0] and "needs n ≥ 6" in few.summary()["note"].iloc[0]
    assert "± ∞" in few.table().loc["SetupNoReset", "ns/op"]


def test_parse_of_nothing_and_of_non_text():
    empty = parse("")
    assert len(empty) == 0 and empty.frame.empty and empty.units == []
    assert "no benchmark results" in empty._repr_html_()
    assert "did the -bench pattern match" in empty.warnings()[0]
    with pytest.raises(gm.UsageError, match="decode it first"):
        parse(b"BenchmarkA 1 2 ns/op")  # type: ignore[arg-type]
    with pytest.raises(gm.UsageError, match="must be text"):
        parse_lines(None)  # type: ignore[arg-type]


def test_gm_bench_is_the_public_entry_point():
    assert gm.bench.parse is parse
    assert isinstance(parse_lines("k: v")[0], Config)


TOKENS = st.sampled_from(
    [
        "Benchmark",
        "BenchmarkX",
        "BenchmarkA-8",
        "BenchmarkB/n=3-2",
        "1",
        "12",
        "3.5",
        "-",
        "ns/op",
        "B/op",
        ":",
        "key:",
        "x",
        "NaN",
        "1e9",
        "\t",
        " ",
        "é",
        "\x00",
        "=",
        "/",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(TOKENS, max_size=8).map(" ".join), max_size=12).map("\n".join))
def test_benchmark_like_garbage_parses_or_raises_parse_error(text):
    try:
        result = parse(text)
    except ParseError as error:
        assert error.line_no is not None
        return
    assert len(result.records) == sum(1 for line in text.splitlines() if line.strip())
    assert len(result.frame) == len(result)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_parses_or_raises_parse_error(text):
    try:
        result = parse(text)
    except ParseError:
        return
    result.frame  # noqa: B018 - building the frame must not crash either
