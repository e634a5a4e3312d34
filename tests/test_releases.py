"""gomemlab.releases on recorded output of every release (tests/fixtures/releases/README.md
says how it was made): the readers, the matrix, its plots and the exercise."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.figure import Figure

from gomemlab import checks, toolchain, versions
from gomemlab.errors import ParseError, UsageError
from gomemlab.provenance import Provenance
from gomemlab.releases import (
    BEHAVIOUR_KEYS,
    NOT_AVAILABLE,
    ReleaseMatrix,
    exercises,
    first_error,
    parse_probe,
    source_facts,
)
from gomemlab.releases.parse import churn_trace, escape_verdicts, gctrace_values, probe_values
from gomemlab.releases.run import rows_for, run

FIXTURES = Path(__file__).parent / "fixtures" / "releases"
RECORDED = sorted(
    (p.name.removeprefix("probe-").removesuffix(".txt") for p in FIXTURES.glob("probe-go*.txt")),
    key=lambda v: tuple(int(x) for x in v.removeprefix("go").split(".")),
)


def _text(kind: str, version: str) -> str:
    return (FIXTURES / f"{kind}-{version}.txt").read_text()


def _recorded_values(version: str) -> tuple[dict[str, str], dict[str, str]]:
    values = probe_values(parse_probe(_text("probe", version)))
    values.update(escape_verdicts(_text("escape", version)))
    gc, cycles = gctrace_values(churn_trace(_text("gctrace", version)))
    values.update(gc)
    details = {"gc.cycles": f"{cycles} cycles"}
    for feature in ("bloop", "newexpr"):
        error = first_error(_text(feature, version))
        values[feature] = NOT_AVAILABLE if error else "available"
        details[feature] = error
    return values, details


def _recorded_matrix(releases: list[str] | None = None) -> ReleaseMatrix:
    rows = []
    provenances = []
    for version in releases or RECORDED:
        values, details = _recorded_values(version)
        rows += rows_for(version, values, details)
        provenances.append(Provenance.of(["releases", "5000x"], go_version=version))
    return ReleaseMatrix(tuple(rows), tuple(provenances))


def test_every_series_was_recorded():
    assert [".".join(v.removeprefix("go").split(".")[:2]) for v in RECORDED] == list(
        versions.SERIES
    )


@pytest.mark.parametrize("version", RECORDED)
def test_recorded_output_agrees_with_the_release_notes(version):
    matrix = _recorded_matrix([version])
    assert set(matrix.frame["behaviour"]) == set(BEHAVIOUR_KEYS)
    matrix.expect_as_predicted()
    assert matrix.frame["as_expected"].notna().sum() >= 15


def test_the_matrix_changes_where_the_notes_say():
    m = _recorded_matrix()
    assert m.value("loopvar.printed", "1.21") == "333"
    assert m.value("loopvar.printed", "1.22") == "012"
    assert m.value("loopvar.escape", "1.21") == "moved to heap: i"
    # the large-object limit for declared variables moved between 1.23 and 1.24
    assert m.value("explicit256k.escape", "1.23") == "stays on the stack"
    assert m.value("explicit256k.escape", "1.24") == "moved to heap: a"
    # variable-size make on the stack from 1.25, escaping appends from 1.26
    assert m.value("make_var.escape", "1.24") == "escapes to heap"
    assert m.value("make_var.escape", "1.25") == "does not escape"
    assert m.value("append4_returned.allocs", "1.25") == "3"
    assert m.value("append4_returned.allocs", "1.26") == "1"
    # Swiss tables (1.24): fewer allocations to grow a 1000-key map than the bucket maps
    before = float(m.value("map.no_hint.allocs", "1.23"))
    after = float(m.value("map.no_hint.allocs", "1.24"))
    assert after < before
    # encoding/json on v2 (1.27): fewer allocations for the same document
    assert float(m.value("json.allocs_per_op", "1.27")) < float(
        m.value("json.allocs_per_op", "1.26")
    )
    m.expect_changed("newexpr", "1.25", "1.26")
    with pytest.raises(AssertionError, match="on both"):
        m.expect_changed("implicit32k.escape", "1.21", "1.27")


def test_yes_no_rows_are_words_in_the_matrix():
    m = _recorded_matrix()
    assert {m.value(key, r) for key in ("map.hint_helps", "gc.cycles") for r in m.releases} == {
        "yes"
    }
    table = m.table()
    assert not {"True", "False"} & set(table[list(m.releases)].to_numpy().ravel())
    assert gctrace_values("")[0]["gc.cycles"] == "no"  # a run without a collection


def test_compile_errors_of_newer_features_are_quoted():
    assert first_error(_text("bloop", "go1.23.9")) == (
        "b.Loop undefined (type *testing.B has no field or method Loop)"
    )
    assert first_error(_text("newexpr", "go1.25.5")) == "42 is not a type"
    assert first_error(_text("bloop", "go1.24.11")) == ""
    assert first_error(_text("newexpr", "go1.26.6")) == ""


@pytest.mark.parametrize("version", RECORDED)
def test_each_releases_gctrace_parses(version):
    values, cycles = gctrace_values(churn_trace(_text("gctrace", version)))
    assert cycles >= 1 and values["gc.cycles"] == "yes"
    assert float(values["gc.mark_cpu_ms"]) > 0


def test_probe_reader_rejects_what_the_probe_never_prints():
    with pytest.raises(ParseError, match="line 2"):
        parse_probe("loopvar.printed 012\nnot a measurement\n")
    with pytest.raises(ParseError, match="twice"):
        parse_probe("a.b 1\na.b 2\n")
    with pytest.raises(UsageError, match="decode"):
        parse_probe(b"a.b 1")
    with pytest.raises(ParseError, match="churn done"):
        churn_trace("gc 1 @0.1s 1%: ...\n")
    with pytest.raises(ParseError, match="printed no"):
        probe_values(parse_probe("loopvar.printed 012\n"))
    said = parse_probe("\nmap1000.hint_true.bytes 36944\nBenchmarkX\t10\t1 ns/op\n")
    assert said["map1000.hint_true.bytes"] == "36944"
    assert said.benchmarks == ("BenchmarkX\t10\t1 ns/op",)


@given(st.text(max_size=300))
def test_probe_reader_is_total(text):
    try:
        said = parse_probe(text)
    except ParseError:
        return
    assert all(" " not in name for name in said.values)


def test_frame_table_and_html():
    m = _recorded_matrix()
    assert list(m.frame.columns)[:3] == ["release", "series", "behaviour"]
    assert len(m.frame) == len(RECORDED) * len(BEHAVIOUR_KEYS)
    wide = m.table()
    assert list(wide.columns[-len(RECORDED) :]) == [v.removeprefix("go") for v in RECORDED]
    html = m._repr_html_()
    assert "✔" in html and "not available" in html and "1.21.13" in html
    assert m.provenance.release.startswith("1.21.13, ")
    summary = m.summary()
    assert (summary["not_as_expected"] == 0).all()
    assert m.surprises().empty


def test_a_disagreeing_row_names_the_release():
    m = _recorded_matrix(["go1.21.13"])
    rows = [
        r
        if r.behaviour != "loopvar.printed"
        else type(r)(**{**r.__dict__, "value": "012", "as_expected": False})
        for r in m.rows
    ]
    with pytest.raises(AssertionError, match=r"Go 1\.21\.13: loopvar\.printed = '012'"):
        ReleaseMatrix(tuple(rows)).expect_as_predicted()
    with pytest.raises(KeyError, match="measured"):
        m.value("loopvar.printed", "1.27")


def test_plots_are_figures_outside_pyplot():
    m = _recorded_matrix()
    before = plt.get_fignums()
    for fig in (
        m.plot(),
        m.plot(kind="metric", behaviours="json.allocs_per_op"),
        m.plot(kind="verdicts"),
    ):
        assert isinstance(fig, Figure) and fig.axes
    assert plt.get_fignums() == before
    grid = m.plot(kind="verdicts").axes[0]
    labels = [t.get_text() for t in grid.get_yticklabels()]
    assert labels and not any(key in labels for key in BEHAVIOUR_KEYS)  # titles, not keys
    texts = [*grid.get_yticklabels(), *grid.texts]
    assert min(t.get_fontsize() for t in texts) >= 9
    cells = [t.get_text() for t in grid.texts]
    assert "yes" in cells and not {"True", "False"} & set(cells)  # words, not Python's bools
    with pytest.raises(UsageError, match="kind"):
        m.plot(kind="pie")
    with pytest.raises(UsageError, match="no numbers"):
        m.plot(behaviours=["loopvar.printed"])


def test_exercise_answers_from_a_measured_matrix():
    m = _recorded_matrix()
    right = exercises.check_prediction("make_var.escape", "1.22", "escapes to heap", matrix=m)
    assert isinstance(right, checks.Verdict) and right.passed
    assert "1.22.10" in right.message and right.evidence["value"] == "escapes to heap"
    wrong = exercises.check_prediction("loopvar.printed", "1.21", "012", matrix=m)
    assert not wrong.passed and "does not say '012'" in wrong.message
    assert "value" not in wrong.evidence  # a "not yet" never carries the answer
    unedited = exercises.check_prediction("make_var.escape", "1.21", "...", matrix=m)
    assert (
        not unedited
        and not unedited.tried
        and unedited.message
        == (
            "write your prediction in place of '...' "
            "(one of 'escapes to heap', 'does not escape'), then run the cell"
        )
    )
    assert str(unedited).startswith("○ not tried yet: write your prediction")
    # Issue 22: a count no release shows is a fair prediction, and 3 may be typed as a number.
    zero = exercises.check_prediction("append4_returned.allocs", "1.24", "0", matrix=m)
    assert not zero and "not a value this row takes" not in zero.message, zero
    three = exercises.check_prediction("append4_returned.allocs", "1.24", 3, matrix=m)
    assert three, three
    odd = exercises.check_prediction("make_var.escape", "1.21", "on the heap", matrix=m)
    assert not odd and "not a value this row takes" in odd.message
    with pytest.raises(UsageError, match="behaviour"):
        exercises.check_prediction("nonsense", "1.21", "x", matrix=m)


def test_measure_validates_before_running_go():
    with pytest.raises(UsageError, match="at least one"):
        run(())
    with pytest.raises(UsageError, match="benchtime"):
        run(["1.27"], benchtime="forever")
    with pytest.raises(UsageError, match="version"):
        rows_for("tip", {})


def test_allocations_per_call_are_rounded_down_like_benchmem():
    """The probe's least batch average is raised only by the runtime's own allocations."""
    text = _text("probe", "go1.24.11")
    noisy = re.sub(
        r"^append4_returned\.allocs \S+$", "append4_returned.allocs 3.005", text, flags=re.MULTILINE
    )
    assert noisy != text
    assert probe_values(parse_probe(noisy))["append4_returned.allocs"] == "3"


@pytest.mark.live
def test_source_facts_read_each_release_and_say_when_a_source_disagrees(tmp_path):
    pinned = toolchain.find_go()
    facts = source_facts([pinned])
    assert facts.as_predicted.all(), facts[~facts.as_predicted]
    said = dict(zip(facts.fact, facts.value, strict=True))
    assert said["stack.declared_limit"] == "128 KiB"
    assert said["godebug.asynctimerchan"] == "Removed in 1.27"
    # a GOROOT whose sources say something else (a 1.24 that still had the 10 MiB limit)
    src = tmp_path / "src" / "cmd" / "compile" / "internal" / "ir"
    src.mkdir(parents=True)
    (src / "cfg.go").write_text("\tMaxStackVarSize = int64(10 * 1024 * 1024)\n")
    fake = toolchain.GoToolchain(
        go=tmp_path / "bin" / "go", goroot=tmp_path, version="go1.24.0", source="test"
    )
    odd = source_facts([fake]).set_index("fact")
    assert odd.loc["stack.declared_limit", "value"] == "10 MiB"
    assert not odd.loc["stack.declared_limit", "as_predicted"]
    assert odd.loc["godebug.asynctimerchan", "value"] == "not in the table"
    with pytest.raises(UsageError, match="takes toolchains"):
        source_facts(["1.27"])
