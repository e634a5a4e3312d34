"""The capstone check: targets judged from numbers (pure), the learner's input refused clearly,
the attempts record, and live: the reference passes, the baseline misses the targets it should,
a hard-coded answer is refused, a correct but slow version is told which targets it misses, and
each way a clever learner might fool the check (fixtures/capstone/<cheat>) is refused on the
target it tries to fool."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import gomemlab as gm
from gomemlab import checks, workspace
from gomemlab.capstone import attempt_log as attempts_module
from gomemlab.capstone import run as capstone_run
from gomemlab.capstone import targets
from gomemlab.capstone.result import CapstoneCheck
from gomemlab.errors import UsageError, WorkspaceError

FIXTURES = Path(__file__).parent / "fixtures" / "capstone"
REFERENCE = Path(gm.capstone.__file__).parent / "reference"
T = targets.by_name()


# --- judged from numbers --------------------------------------------------------------------


def test_budget_met_and_missed_say_by_how_much():
    met = targets.judge_budget(T["allocs/op"], 82_000, 4_500, targets.ALLOCS_BUDGET, "allocs")
    assert met.met and met.margin == "11,500 under the budget" and met.yours == "4,500"
    missed = targets.judge_budget(T["B/op"], 5.7e6, 1.9e6, targets.BYTES_BUDGET, "B")
    assert not missed.met
    assert missed.margin == "0.40 MB over the budget (1.3× it)"
    assert missed.ratio == pytest.approx(1.9e6 / 1.5e6)


def test_time_needs_the_ratio_and_the_test():
    base = [230e6 + i * 1e6 for i in range(10)]
    fast = [30e6 + i * 1e6 for i in range(10)]
    j = targets.judge_time(T["time/op"], base, fast)
    assert j.met and j.margin.startswith("0.15× the baseline (Mann–Whitney p = ")
    slow = [200e6 + i * 1e6 for i in range(10)]
    j = targets.judge_time(T["time/op"], base, slow)
    assert not j.met and "the target's 0.5×" in j.margin
    # under the ratio by the medians, but the runs overlap 0.5 × baseline: not clearly met
    noisy = [100e6, 300e6, 90e6, 320e6, 95e6, 98e6, 310e6, 99e6, 97e6, 330e6]
    j = targets.judge_time(T["time/op"], base, noisy)
    assert not j.met and "not clearly" in j.margin


def test_the_gc_runs_interleave_the_counts_the_target_names():
    assert targets.GC_ORDER.count("yours") == targets.GC_REPEATS
    assert targets.GC_ORDER.count("baseline") == targets.GC_BASELINE_REPEATS
    assert f"the least disturbed of {targets.GC_REPEATS} runs" in T["GC CPU"].budget


def test_share_heap_and_leaks():
    assert targets.judge_share(T["GC CPU"], 0.05, 0.0002).met
    missed = targets.judge_share(T["GC CPU"], 0.05, 0.025)
    assert not missed.met and missed.margin == "1.0 points over the 1.5% budget"
    assert targets.judge_heap(T["peak heap"], 28 << 20, 6 << 20).met
    over = targets.judge_heap(T["peak heap"], 28 << 20, 20 << 20)
    assert not over.met and over.margin.startswith("4.0 MiB over the limit")
    assert not targets.judge_leaks(T["leaks"], 3, 1).met
    assert targets.judge_leaks(T["leaks"], 3, 0).margin == "none left blocked"


def _check(judgements, difference=None):
    return CapstoneCheck(tuple(judgements), seed=7, difference=difference)


def test_verdict_names_every_missed_target_its_size_and_tool_never_the_fix():
    judged = [
        targets.judge_budget(T["allocs/op"], 82_000, 22_000, targets.ALLOCS_BUDGET, "allocs"),
        targets.judge_leaks(T["leaks"], 3, 0),
    ]
    verdict = _check(judged).verdict
    assert not verdict.passed and verdict.mark == checks.NOT_YET
    assert "1 of 2 targets missed" in verdict.message
    assert "allocs/op: 22,000 — 6,000 over the budget" in verdict.message
    assert T["allocs/op"].tool in verdict.message
    assert "leaks" not in verdict.message.split("missed", 1)[1]
    assert verdict.evidence["missed"] == ("allocs/op",)


def test_a_wrong_report_is_shown_where_it_differs_and_how_to_reproduce_it():
    difference = {"lines": 200, "seed": 12, "line": 3, "want": "route a", "got": "route b"}
    check = _check((), difference)
    text = check.verdict.message
    assert not check.passed and "report line 3" in text and "want: route a" in text
    assert "capstone.Generate(12, 200)" in text
    assert "No target is measured" in text


def test_a_report_wrong_on_a_measured_run_names_the_job_and_the_correct_target():
    difference = {"lines": 2000, "seed": 12, "line": 1, "want": "lines 1984", "got": "lines 0"}
    with pytest.raises(capstone_run._Differs) as caught:
        capstone_run._verified(
            "gc", {"verify": {"runs": 20, "compared": 1, "difference": difference}}
        )
    check = _check((), caught.value.difference)
    assert check.missed == ("correct",) and check.verdict.evidence["missed"] == ("correct",)
    text = check.verdict.message
    assert text.startswith("correct: the report was right on the fresh inputs, but not on a run")
    assert "the gc job measured" in text and "want: lines 1984" in text
    assert capstone_run._verified("gc", {"verify": {"runs": 20, "compared": 2}})["verify"]


# --- the baseline is the shipped one -------------------------------------------------------------


def test_the_pinned_digest_is_the_shipped_baselines():
    files = capstone_run.baseline_files()
    assert capstone_run.baseline_digest(files) == capstone_run.BASELINE_SHA256, (
        "gosamples/capstone changed: set run.BASELINE_SHA256 to "
        + capstone_run.baseline_digest(files)
    )
    crlf = {name: text.replace("\n", "\r\n") for name, text in files.items()}
    assert capstone_run.baseline_digest(crlf) == capstone_run.BASELINE_SHA256


def _samples_copy(tmp_path: Path, monkeypatch) -> Path:
    """A copy of the samples' go.mod and capstone package, made the lab's samples."""
    root = tmp_path / "gosamples"
    shutil.copytree(workspace.samples_root() / "capstone", root / "capstone")
    shutil.copy(workspace.samples_root() / "go.mod", root / "go.mod")
    monkeypatch.setenv("GOMEMLAB_SAMPLES", str(root))
    return root


def test_an_edited_baseline_is_refused_before_anything_runs(tmp_path, monkeypatch):
    root = _samples_copy(tmp_path, monkeypatch)
    with (root / "capstone" / "aggregate.go").open("a") as f:
        f.write("\nfunc init() { debug.SetGCPercent(1) } // a slower baseline\n")
    with pytest.raises(WorkspaceError, match="is not the one the course ships"):
        gm.capstone.check(REFERENCE, record=False)


# --- the learner's input ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "error", "words"),
    [
        (None, UsageError, "not NoneType"),
        (42, UsageError, "not int"),
        ("/no/such/capstone", WorkspaceError, "neither a folder nor a .go file"),
        ("package main\n\nfunc main() {}\n", UsageError, "not `package main`"),
        ({"../x.go": "package capstone\n"}, WorkspaceError, "not a Go file name"),
        ({"notes.txt": "package capstone\n"}, WorkspaceError, "not a Go file name"),
    ],
)
def test_bad_versions_are_refused_with_what_to_do(version, error, words):
    with pytest.raises(error, match=words):
        capstone_run.learner_files(version)


def test_an_empty_folder_is_refused(tmp_path):
    with pytest.raises(WorkspaceError, match=r"holds no \.go files"):
        capstone_run.learner_files(tmp_path)


def test_a_folder_gives_its_go_files_without_tests(tmp_path):
    (tmp_path / "aggregate.go").write_text("package capstone\n")
    (tmp_path / "aggregate_test.go").write_text("package capstone\n")
    assert list(capstone_run.learner_files(tmp_path)) == ["aggregate.go"]


def test_start_copies_the_baseline_once_and_never_overwrites_an_edit(tmp_path):
    folder = gm.capstone.start(tmp_path / "mine")
    names = sorted(p.name for p in folder.glob("*.go"))
    assert names == ["aggregate.go", "aggregate_test.go", "generate.go"]
    edited = folder / "aggregate.go"
    edited.write_text("package capstone\n// mine\n")
    assert gm.capstone.start(tmp_path / "mine") == folder
    assert edited.read_text().endswith("// mine\n")
    assert not list(tmp_path.glob(".*"))  # no staging folder left behind


def test_start_gives_the_copy_a_module_of_its_own(tmp_path):
    folder = gm.capstone.start(tmp_path / "mine")
    assert (folder / "go.mod").read_text().startswith("module capstone\n")
    (folder / "go.mod").unlink()
    gm.capstone.start(folder)  # an older copy, made without one, gets one
    assert (folder / "go.mod").is_file()


def test_count_below_the_rule_is_refused():
    with pytest.raises(UsageError, match="count must be a whole number from 10 to"):
        gm.capstone.check(REFERENCE, count=5)


def test_the_targets_table_is_set_before_measuring():
    table = gm.capstone.targets_table()
    assert list(table.target) == list(targets.TARGET_NAMES)
    assert table.budget.str.len().min() > 20


# --- the loop and its hints --------------------------------------------------------------------


def test_every_target_but_correct_has_a_stage_and_a_hint_names_stages_not_lines():
    explained = {t for stage in gm.capstone.STAGES for t in stage.targets}
    assert explained == set(targets.TARGET_NAMES[1:])
    judged = [
        targets.judge_budget(T["allocs/op"], 82_000, 22_000, targets.ALLOCS_BUDGET, "allocs"),
        targets.judge_leaks(T["leaks"], 3, 1),
        targets.judge_heap(T["peak heap"], 28 << 20, 6 << 20),
    ]
    hints = gm.capstone.hints(_check(judged))
    assert list(hints.missed) == ["allocs/op", "leaks"]
    assert hints.set_index("missed")["look with"]["leaks"] == "trace, GC settings"
    assert "06 trace" in hints.set_index("missed").chapters["leaks"]
    assert list(gm.capstone.stages().stage) == [s.name for s in gm.capstone.STAGES]


# --- the record of attempts -------------------------------------------------------------------


def test_attempts_are_recorded_and_a_damaged_line_is_skipped(tmp_path, monkeypatch):
    monkeypatch.setenv("GOMEMLAB_DATA", str(tmp_path))
    judged = [
        targets.Judgement(T["correct"], "—", "the same report", True, "", 0.0),
        targets.judge_budget(T["allocs/op"], 82_000, 22_000, targets.ALLOCS_BUDGET, "allocs"),
    ]
    attempts_module.record(_check(judged))
    with (tmp_path / attempts_module.FILE).open("a") as f:
        f.write("{not json\n")
    attempts_module.record(_check((), {"lines": 1, "seed": 1, "line": 1, "want": "", "got": ""}))
    frame = gm.capstone.attempts()
    assert list(frame.attempt) == [1, 2]
    assert list(frame.correct) == [True, False]
    assert frame["allocs/op"].iloc[0] == pytest.approx(22_000 / 16_000)
    fig = gm.capstone.plot_attempts(frame)
    assert "allocs/op" in gm.figures.describe(fig)


def test_the_record_starts_from_the_baseline_and_is_told_in_words(tmp_path, monkeypatch):
    monkeypatch.setenv("GOMEMLAB_DATA", str(tmp_path))
    base = _check(
        [
            targets.judge_budget(T["allocs/op"], 82_000, 82_000, targets.ALLOCS_BUDGET, "allocs"),
            targets.judge_leaks(T["leaks"], 3, 3),
        ]
    )
    attempts_module.record(
        _check(
            [
                targets.judge_budget(
                    T["allocs/op"], 82_000, 8_000, targets.ALLOCS_BUDGET, "allocs"
                ),
                targets.judge_leaks(T["leaks"], 3, 0),
            ]
        )
    )
    attempts_module.record(_check((), {"lines": 1, "seed": 1, "line": 1, "want": "", "got": ""}))
    fig = gm.capstone.plot_attempts(baseline=base)
    line = next(ln for ln in fig.axes[0].lines if ln.get_label() == "allocs/op")
    assert list(line.get_xdata()) == [0, 1]
    assert list(line.get_ydata()) == pytest.approx([82_000 / 16_000, 8_000 / 16_000])
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks == ["0", "1", "2\nwrong report"]
    assert list(gm.capstone.attempts().missed) == ["", "correct"]  # all met; then a wrong report
    text = gm.capstone.describe_attempts(baseline=base)
    assert text.startswith(
        "baseline: 0 of 2 targets met; value over budget: allocs/op 5.1× (missed);"
    )
    assert "3 goroutines leaked. attempt 1: 2 of 2 targets met (all: solved)" in text
    assert text.endswith("attempt 2: the report was wrong, nothing measured.")


def test_a_time_under_its_budget_that_its_test_did_not_confirm_shows_as_missed(
    tmp_path, monkeypatch
):
    """A learner's walk: time/op at 0.46x the baseline (0.92 of its budget) with p = 0.28 was
    missed, yet its point sat under the budget line with nothing to say so."""
    monkeypatch.setenv("GOMEMLAB_DATA", str(tmp_path))
    baseline_runs = [100.0, 300.0, 100.0, 300.0]
    yours = [20.0, 180.0, 20.0, 180.0]  # median ratio 0.5 of the baseline's: 1x the budget
    time_op = targets.judge_time(T["time/op"], baseline_runs, yours)
    assert not time_op.met and time_op.ratio <= 1, time_op
    attempts_module.record(_check([time_op]))
    fig = gm.capstone.plot_attempts()
    crosses = next(ln for ln in fig.axes[0].lines if ln.get_label() == "missed")
    assert crosses.get_marker() == "x" and list(crosses.get_ydata()) == [time_op.ratio]
    assert f"time/op {time_op.ratio:.2g}× (missed)" in gm.capstone.describe_attempts()


def test_no_attempt_is_said_in_words(tmp_path, monkeypatch):
    monkeypatch.setenv("GOMEMLAB_DATA", str(tmp_path))
    assert gm.capstone.describe_attempts().startswith("No attempt recorded yet")


def test_the_attempts_file_is_never_half_written(tmp_path, monkeypatch):
    monkeypatch.setenv("GOMEMLAB_DATA", str(tmp_path))
    attempts_module.record(_check(()))
    lines = (tmp_path / attempts_module.FILE).read_text().splitlines()
    assert [json.loads(line)["passed"] for line in lines] == [False]


# --- live: the real toolchain ----------------------------------------------------------------


@pytest.mark.live
def test_the_reference_passes_and_the_baseline_misses_what_it_should(tmp_path, monkeypatch):
    monkeypatch.setenv("GOMEMLAB_DATA", str(tmp_path))
    reference = gm.capstone.check(REFERENCE, benchtime="1x", record=False)
    assert reference.passed, reference.frame.to_string()
    baseline = gm.capstone.check_baseline(benchtime="1x")
    assert baseline.difference is None  # the baseline is right by definition
    assert set(baseline.missed) >= {"allocs/op", "B/op", "time/op", "peak heap", "leaks"}
    assert len(baseline.bench.frame) == 2 * gm.capstone.MIN_COUNT  # both sides measured
    assert not gm.capstone.attempts().size  # never an attempt


# --- a copy that is still the baseline is not an attempt ---------------------------------------


def test_an_unchanged_copy_is_answered_at_once_measured_never_and_not_recorded(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("GOMEMLAB_DATA", str(tmp_path))

    def no_build(*_args, **_kwargs):
        raise AssertionError("an unchanged copy was built and measured")

    monkeypatch.setattr(capstone_run, "build", no_build)
    folder = gm.capstone.start(tmp_path / "mine")
    (folder / "aggregate_test.go").write_text("package capstone\n")  # tests are not the version
    crlf = {n: t.replace("\n", "\r\n") for n, t in capstone_run.baseline_files().items()}
    for version in (folder, capstone_run.baseline_files(), gm.sample("capstone").dir):
        result = gm.capstone.check(version, benchtime="1x")
        assert result.unchanged and not result.passed and not result.verdict.passed
        assert result.verdict.mark == checks.UNTRIED_MARK and not result.verdict.tried
        message = result.verdict.message
        assert message.startswith("your version is still the baseline (its Go files are the same")
        assert "nothing was measured and no attempt recorded" in message
        assert "Change its aggregate.go" in message and "check_baseline()" in message
        assert result.frame.empty and result.missed == () and gm.capstone.hints(result).empty
        assert "<table" not in result._repr_html_()
    assert gm.capstone.check(crlf).unchanged  # the same for any line endings
    assert not (tmp_path / attempts_module.FILE).exists()
    assert gm.capstone.attempts().empty


def test_the_command_line_says_an_unchanged_copy_is_not_tried_without_an_empty_table(
    tmp_path, monkeypatch, capsys
):
    from gomemlab import cli

    monkeypatch.setenv("GOMEMLAB_DATA", str(tmp_path))
    folder = gm.capstone.start(tmp_path / "mine")
    assert cli.main(["capstone", "check", str(folder)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("○ not tried yet: your version is still the baseline")
    assert "DataFrame" not in out and "attempts so far: 0" in out


def test_a_copy_one_byte_away_from_the_baseline_is_measured(tmp_path, monkeypatch):
    class Measured(Exception):
        pass

    def build(yours, baseline, timeout=300.0):
        assert yours != baseline
        raise Measured

    monkeypatch.setattr(capstone_run, "build", build)
    folder = gm.capstone.start(tmp_path / "mine")
    source = folder / "aggregate.go"
    source.write_text(source.read_text() + " ")
    with pytest.raises(Measured):
        gm.capstone.check(folder)


@pytest.mark.live
def test_a_copy_one_byte_away_is_measured_recorded_and_leaves_no_scratch(tmp_path, monkeypatch):
    monkeypatch.setenv("GOMEMLAB_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("GOMEMLAB_SCRATCH", str(tmp_path / "scratch"))
    folder = gm.capstone.start(tmp_path / "mine")
    source = folder / "aggregate.go"
    source.write_text(source.read_text().replace("\nfunc Aggregate(", "\n\nfunc Aggregate(", 1))
    result = gm.capstone.check(folder, benchtime="1x")
    assert not result.unchanged and result.difference is None
    assert set(result.missed) >= {"allocs/op", "B/op", "time/op", "peak heap", "leaks"}
    assert list(gm.capstone.attempts().missed) == [",".join(result.missed)]
    # the check's modules and programs are gone: at most the lab's reaper stays in scratch/bin
    scratch = tmp_path / "scratch"
    assert not list((scratch / "runs").iterdir())
    assert all(p.name.startswith("reaper-") for p in (scratch / "bin").iterdir())


# A version right on every input but the heap job's (over 40 000 lines): its first line dropped.
WRONG_ON_BIG_INPUTS = """package capstone

import (
	"bytes"
	"io"

	baseline "capcheck/baseline"
)

type Report struct{ *baseline.Report }

func Aggregate(r io.Reader) (*Report, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if bytes.Count(data, []byte("\\n")) > 40000 {
		data = data[bytes.IndexByte(data, '\\n')+1:]
	}
	rep, err := baseline.Aggregate(bytes.NewReader(data))
	return &Report{rep}, err
}
"""


@pytest.mark.live
def test_a_report_wrong_only_on_the_heap_jobs_input_is_shown_where():
    result = gm.capstone.check({"aggregate.go": WRONG_ON_BIG_INPUTS}, benchtime="1x", record=False)
    assert result.missed == ("correct",), result.verdict.message
    message = result.verdict.message
    assert "right on the fresh inputs, but not on a run the heap job measured" in message
    assert "want: " in message and "got: " in message


@pytest.mark.live
def test_a_hard_coded_report_is_refused_on_fresh_inputs():
    result = gm.capstone.check(FIXTURES / "hardcoded", record=False)
    assert result.difference is not None and not result.passed
    assert "differs from the baseline's" in result.verdict.message


@pytest.mark.live
def test_a_correct_but_slow_version_is_told_which_targets_it_misses():
    result = gm.capstone.check(FIXTURES / "stream", benchtime="1x", record=False)
    assert result.difference is None
    assert {"allocs/op", "B/op"} <= set(result.missed)
    assert "leaks" not in result.missed and "peak heap" not in result.missed
    assert "allocs/op:" in result.verdict.message and "05 pprof" in result.verdict.message


@pytest.mark.live
def test_a_version_without_the_contract_is_told_the_contract():
    renamed = (
        'package capstone\n\nimport "io"\n\ntype Report struct{}\n\n'
        "func (r *Report) WriteTo(w io.Writer) (int64, error) { return 0, nil }\n\n"
        "func Summarise(r io.Reader) (*Report, error) { return &Report{}, nil }\n"
    )
    with pytest.raises(UsageError) as caught:
        gm.capstone.check(renamed, record=False)
    first = str(caught.value)
    assert "\n" not in first and first.startswith("the check cannot call your version")
    assert "keep the baseline's two signatures, func Aggregate(r io.Reader) (*Report, error)" in (
        first
    )
    assert "undefined: yours.Aggregate" in first


@pytest.mark.live
def test_a_version_that_ends_the_program_is_told_so():
    exits = (
        'package capstone\n\nimport (\n\t"io"\n\t"os"\n)\n\ntype Report struct{}\n\n'
        "func (r *Report) WriteTo(w io.Writer) (int64, error) { return 0, nil }\n\n"
        "func Aggregate(r io.Reader) (*Report, error) { os.Exit(0); return nil, nil }\n"
    )
    with pytest.raises(gm.errors.ParseError, match="correct job of your version ended without"):
        gm.capstone.check(exits, record=False)


@pytest.mark.live
def test_a_compile_error_names_the_learners_file_and_line_in_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("GOMEMLAB_SCRATCH", str(tmp_path))
    broken = "package capstone\n\nfunc Aggregate() {\n\tundefinedThing()\n}\n"
    with pytest.raises(gm.errors.GoBuildError, match="undefinedThing") as raised:
        gm.capstone.check(broken, record=False)
    first = raised.value.diagnostics[0]
    assert (first.file, first.line) == ("aggregate.go", 4)
    assert str(raised.value).startswith("the Go compiler rejected the code at aggregate.go:4:")
    assert "\n" not in str(raised.value)
    assert not list((tmp_path / "runs").iterdir())  # a failed build leaves no module either
    assert all(p.name.startswith("reaper-") for p in (tmp_path / "bin").iterdir())


@pytest.mark.live
def test_a_changed_signature_is_told_to_keep_the_contract():
    source = (gm.sample("capstone").dir / "aggregate.go").read_text()
    changed = source.replace(
        "func Aggregate(r io.Reader) (", "func Aggregate(r io.Reader, n int) ("
    )
    with pytest.raises(UsageError, match="keep the baseline's two signatures") as raised:
        gm.capstone.check(changed, record=False)
    assert "\n" not in str(raised.value) and "yours.Aggregate" in str(raised.value)


@pytest.mark.live
def test_the_editor_saves_the_file_and_shows_a_compile_error_on_its_line(tmp_path):
    folder = gm.capstone.start(tmp_path / "mine")
    box = gm.capstone.editor(folder)
    assert box.code == (folder / "aggregate.go").read_text()
    box.editor.code = box.code.replace("rep.Records++", "rep.Records++ +")
    box.run_button.click()
    assert (folder / "aggregate.go").read_text() == box.editor.code  # saved before the check
    assert box.result is None and "GoBuildError" in box.output.value
    line = box.code.splitlines().index("\trep.Records++ +") + 1
    assert box.editor.marks == [
        {"line": line, "kind": "error", "message": "syntax error: unexpected + at end of statement"}
    ]
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temporary left


# --- live: ways to fool the check, each refused on the target it tries to fool --------------------
# Before the check ran each version in its own program and varied and verified every measured
# input, skipwork, jobname, seed and memo passed allocs/op, B/op and time/op, slowbase passed
# time/op, and leaky passed leaks.

CHEATS = [
    # (fixture, the target it must be refused on, benchtime: enough runs for the cheat to work)
    ("skipwork", "correct", "1x"),  # no work unless the input has a correctness job's size
    ("jobname", "correct", "1x"),  # no work unless os.Args[1] is "correct"
    ("seed", "correct", "1x"),  # the report worked out in init from -seed and -lines
    ("memo", "allocs/op", "10x"),  # each input's report remembered by a digest of its bytes
    ("slowbase", "time/op", "1x"),  # the baseline's code, slowing `-impl baseline` in its init
    ("leaky", "leaks", "1x"),  # a goroutine per call, blocked on a channel a global holds
]


def _version(fixture: str) -> Path | dict[str, str]:
    """A cheat's folder; `leaky` is its cheat.go over step 1, whose Aggregate it wraps."""
    if fixture != "leaky":
        return FIXTURES / fixture
    honest = (FIXTURES / "stream" / "aggregate.go").read_text()
    assert "\nfunc Aggregate(" in honest
    return {
        "aggregate.go": honest.replace("\nfunc Aggregate(", "\nfunc aggregate("),
        "cheat.go": (FIXTURES / "leaky" / "cheat.go").read_text(),
    }


@pytest.mark.live
@pytest.mark.parametrize(("fixture", "target", "benchtime"), CHEATS)
def test_a_cheat_is_refused_on_the_target_it_tries_to_fool(fixture, target, benchtime):
    result = gm.capstone.check(_version(fixture), benchtime=benchtime, record=False)
    assert target in result.missed, result.verdict.message
    assert f"{target}:" in result.verdict.message
    if target == "correct":
        assert "right on the fresh inputs, but not on a run the" in result.verdict.message


@pytest.mark.live
def test_a_version_that_overwrites_the_baselines_program_is_stopped(tmp_path, monkeypatch):
    monkeypatch.setenv("GOMEMLAB_SCRATCH", str(tmp_path))  # its only neighbours: this check's
    with pytest.raises(WorkspaceError, match="changed while the check ran") as caught:
        gm.capstone.check(FIXTURES / "overwrite", benchtime="1x", record=False)
    assert "must not write outside its own folder" in str(caught.value).splitlines()[0]


@pytest.mark.live
def test_a_version_that_works_in_another_process_is_stopped(tmp_path, monkeypatch):
    """offload: Aggregate pipes its input to a second copy of the program and keeps its text,
    so the aggregation's allocations, heap and GC work escape every measurement of the job."""
    monkeypatch.setenv("GOMEMLAB_SCRATCH", str(tmp_path))
    with pytest.raises(WorkspaceError, match="started another program") as caught:
        gm.capstone.check(FIXTURES / "offload", benchtime="1x", record=False)
    said = str(caught.value).splitlines()[0]
    assert said.startswith("your version started another program during the capstone check's")
    assert "Do the work in your package" in said
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == []  # nothing left behind


@pytest.mark.live
def test_a_version_that_edits_the_baseline_is_stopped_and_refused_after(tmp_path, monkeypatch):
    _samples_copy(tmp_path, monkeypatch)
    with pytest.raises(WorkspaceError, match="changed while the check ran"):
        gm.capstone.check(FIXTURES / "samples", benchtime="1x", record=False)
    with pytest.raises(WorkspaceError, match="is not the one the course ships"):
        gm.capstone.check(FIXTURES / "samples", benchtime="1x", record=False)
