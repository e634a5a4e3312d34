"""The lifetimes parser and result on recorded real output (see fixtures/lifetimes/README.md),
and the parser on garbage."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gomemlab.errors import ParseError, UsageError
from gomemlab.lifetimes import FRAME_DOC, Measurement, OtherLine, parse, parse_lines
from gomemlab.lifetimes import profile as lifetimes_profile
from gomemlab.lifetimes.result import FRAME_COLUMNS


@pytest.fixture
def sections(fixture_text):
    return parse(fixture_text("lifetimes/sections.jsonl"))


def test_every_line_of_the_recorded_run_is_a_measurement(fixture_text):
    text = fixture_text("lifetimes/sections.jsonl")
    records = parse_lines(text)
    assert len(records) == len(text.splitlines())
    assert all(isinstance(r, Measurement) for r in records)
    assert {r.section for r in records} == {
        "pool",
        "poolsize",
        "finalizers",
        "cycles",
        "exit",
        "weak",
        "unique",
        "substring",
        "maps",
        "goroutines",
        "timers",
        "settings",
        "address",
    }


def test_frame_columns_match_the_doc(sections):
    frame = sections.frame
    assert tuple(frame.columns) == FRAME_COLUMNS
    for column in FRAME_COLUMNS:
        assert column in FRAME_DOC
    assert str(frame.step.dtype) == "Int64"
    assert frame.value.dtype == float


def test_values_and_series(sections):
    assert sections.series("hits", "pool").tolist() == [40, 40, 0, 0]
    assert sections.value("hits", step=1) == 40
    assert sections.value("cleanup_arg_is_ptr_panics") == 1
    assert "ptr is equal to arg" in sections.text("cleanup_arg_is_ptr_panics")
    assert sections.value("finalizer_b_gcs") > sections.value("finalizer_a_gcs")
    assert sections.value("leaked_reported") == 10
    # a series section keeps every reading in step order
    live = sections.series("live", "maps")
    assert live.index.tolist() == [0, 1, 2, 3]
    assert live[3] < live[0] / 10 <= live[1] / 10
    assert sections.has("exit_finalizer_ran")  # later sections collected: see the README


def test_settings_read_from_the_environment(fixture_text):
    r = parse(fixture_text("lifetimes/settings_env.jsonl"))
    assert r.value("gogc", step=0) == 50 and r.value("env_gogc_previous") == 50
    assert r.value("memlimit", step=0) == 100 * 2**20
    assert r.value("memlimit", step=1) == 256 * 2**20
    assert r.value("gogc", step=2) == -1


def test_scavenge_timeline(fixture_text):
    r = parse(fixture_text("lifetimes/scavenge.jsonl"), sections=("scavenge",))
    t = r.timeline()
    assert {"t_s", "objects", "free", "released", "rss", "event_dropped"} <= set(t.columns)
    assert t.t_s.is_monotonic_increasing
    assert t.event_freeosmemory.notna().sum() == 1
    assert t.free.iloc[-1] < 4 * 2**20 < t.free.iloc[-2]  # FreeOSMemory


def test_expect_quotes_the_run(sections):
    assert sections.expect("hits", step=0, at_least=40).value("hits", step=0) == 40
    with pytest.raises(AssertionError, match="hits at step 2 = 0, expected at least 1"):
        sections.expect("hits", step=2, at_least=1)


def test_unknown_metric_names_what_was_measured(sections):
    with pytest.raises(UsageError, match=r"no 'nope'.*trials"):
        sections.value("nope")
    with pytest.raises(UsageError, match="no reading at step 9"):
        sections.value("hits", step=9)
    with pytest.raises(UsageError, match="no 'heap' profile"):
        lifetimes_profile(sections, "heap")


def test_summary_and_html(sections):
    summary = sections.summary()
    assert list(summary.columns) == ["section", "metric", "value", "note"]
    assert "MiB" in summary[summary.metric == "strings_live"].value.iloc[0]
    assert "<table" in sections._repr_html_()


def test_plots_return_figures(sections, fixture_text):
    from matplotlib.figure import Figure

    scavenge = parse(fixture_text("lifetimes/scavenge.jsonl"), sections=("scavenge",))
    pool = parse(fixture_text("lifetimes/sections.jsonl"), sections=("pool",))
    assert isinstance(pool.plot(), Figure)
    assert isinstance(scavenge.plot(), Figure)
    fig = sections.plot(
        "bars", metrics=["strings_live", "handles_live"], labels=["strings", "handles"]
    )
    assert isinstance(fig, Figure) and fig.axes[0].get_title()
    with pytest.raises(UsageError, match="kind must be"):
        sections.plot("pie")


def test_other_lines_are_kept():
    records = parse_lines('hello\n\n{"note": 1}\n{"section":"s","metric":"m","value":1}\n')
    assert [type(r) for r in records] == [OtherLine, OtherLine, Measurement]
    assert records[0].text == "hello" and records[1].line_no == 3
    assert records[2].unit == "" and records[2].step is None


@pytest.mark.parametrize(
    "line, message",
    [
        ("{", "not a JSON object"),
        ("{} {}", "not a JSON object"),
        ("{}[1]", "not a JSON object"),
        ('{"section":"s","metric":"m"}', "no value"),
        ('{"section":"s","metric":"m","value":"1"}', "value must be a finite number"),
        ('{"section":"s","metric":"m","value":true}', "value must be a finite number"),
        ('{"section":"s","metric":"m","value":NaN}', "value must be a finite number"),
        ('{"section":"s","metric":"m","value":1,"step":1.5}', "step must be a whole number"),
        ('{"section":1,"metric":"m","value":1}', "section must be text"),
        ('{"section":"s","metric":"m","value":1,"t":"x"}', "t must be a finite number"),
    ],
)
def test_malformed_lines_name_the_line(line, message):
    with pytest.raises(ParseError, match=message) as error:
        parse_lines("ok\n" + line)
    assert error.value.line_no == 2


@given(st.text())
def test_parser_is_total_on_garbage(text):
    try:
        records = parse_lines(text)
    except ParseError:
        return
    assert all(isinstance(r, Measurement | OtherLine) for r in records)


@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "section": st.text(max_size=8),
                "metric": st.text(max_size=8),
                "value": st.floats(allow_nan=False, allow_infinity=False)
                | st.integers(-(2**60), 2**60),
                "unit": st.text(max_size=4),
            },
            optional={"step": st.integers(0, 10**6), "t": st.floats(0, 1e6)},
        ),
        max_size=20,
    )
)
def test_round_trip_of_well_formed_measurements(rows):
    text = "\n".join(json.dumps(r) for r in rows)
    records = parse_lines(text)
    assert len(records) == len(rows)
    for row, record in zip(rows, records, strict=True):
        assert (record.section, record.metric, record.value, record.step) == (
            row["section"],
            row["metric"],
            float(row["value"]),
            row.get("step"),
        )


def test_a_panic_is_found_where_go_test_prints_it_mid_line():
    from gomemlab.lifetimes.exercises import _panic

    # `go test -bench` prints the benchmark's name without a newline before running it
    said = "BenchmarkRender-2   \tpanic: boom\n\ngoroutine 7 [running]:\n\t/s/render.go:19 +0x1d\n"
    assert _panic(said) == "it panicked: boom\n  at render.go:19"
    assert _panic("panic: boom\n") == "it panicked: boom"
    assert _panic("ok  \tsnippet\t0.1s\n") is None
