"""gomemlab.valuesem: the copy-cost CSV parser, its result object and plot, and a live run."""

from __future__ import annotations

import matplotlib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gomemlab as gm
from gomemlab import ParseError
from gomemlab.valuesem import HEADER, CopyCost, copy_cost, parse_copy_cost, plot_copy_cost

matplotlib.use("Agg")


@pytest.fixture
def recorded(fixture_text):
    return parse_copy_cost(fixture_text("valuesem/cost.csv"))


def test_recorded_fixture_parses(recorded):
    assert list(recorded.columns) == HEADER.split(",")
    assert sorted(recorded.bytes.unique()) == [8, 64, 512, 4096, 32768]
    assert set(recorded.passed) == {"value", "pointer"}
    assert (recorded.allocs_per_call == 0).all()


def test_claims_on_recorded_run(recorded):
    cost = CopyCost(recorded)
    cost.expect_no_allocations()
    cost.expect_value_slower(32768, at_least=10)
    table = cost.table()
    assert list(table.index) == [8, 64, 512, 4096, 32768]
    assert table.loc[32768, "value ÷ pointer"] > 10
    with pytest.raises(AssertionError, match="at 8 B"):
        cost.expect_value_slower(8, at_least=1000)
    with pytest.raises(gm.UsageError, match="no measurement for 3 bytes"):
        cost.ns(3, "value")
    assert "<table" in cost._repr_html_()


def test_allocation_claim_fails_readably(recorded):
    changed = recorded.copy()
    changed.loc[0, "allocs_per_call"] = 1
    with pytest.raises(AssertionError, match="expected no heap allocations"):
        CopyCost(changed).expect_no_allocations()


def test_plot_is_titled_and_labelled(recorded):
    fig = plot_copy_cost(recorded)
    (ax,) = fig.axes
    assert ax.get_title() == "Does passing a bigger value cost more?"
    assert "bytes" in ax.get_xlabel() and "ns" in ax.get_ylabel()
    assert len(ax.lines) == 2
    import matplotlib.pyplot as plt

    assert not plt.get_fignums(), "the figure must not be registered with pyplot"


@pytest.mark.parametrize(
    "text, line_no",
    [
        ("", 1),
        ("bytes,passed\n8,value", 1),
        (HEADER + "\n8,value,1.0,0,0", 2),
        (HEADER + "\n8,value,1.0,0,0,10\n8,copied,1.0,0,0,10", 3),
        (HEADER + "\n8,value,fast,0,0,10", 2),
        (HEADER + "\n8,value,1.0,0,0,0", 2),
        (HEADER + "\n8,value,nan,0,0,3", 2),
        (HEADER + "\n8,value,inf,0,0,3", 2),
    ],
)
def test_malformed_input_names_the_line(text, line_no):
    with pytest.raises(ParseError) as caught:
        parse_copy_cost(text)
    assert caught.value.line_no == line_no


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_garbage_parses_or_raises_parse_error(text):
    for candidate in (text, HEADER + "\n" + text):
        try:
            frame = parse_copy_cost(candidate)
        except ParseError:
            continue
        assert list(frame.columns) == HEADER.split(",")


@pytest.mark.live
def test_live_run_agrees_with_the_notebook_claims():
    cost = copy_cost(benchtime="10ms", count=1)
    cost.expect_no_allocations()
    cost.expect_value_slower(32768, at_least=10)
    assert "-benchtime=10ms" in cost.provenance.command
    assert cost.provenance.shell.startswith("valuesem -benchtime=10ms")
    assert cost.provenance.run_seconds > 0


WALLET = """package bank

type Wallet struct{ cents int }

func (w Wallet) Deposit(cents int) { w.cents += cents }

func (w Wallet) Balance() int { return w.cents }
"""


@pytest.mark.live
def test_exercise_checks_say_not_yet_then_solved():
    from gomemlab.valuesem import exercises

    lost = exercises.check_wallet(WALLET)
    assert not lost and "Balance() = 0, want 300" in lost.message, lost
    assert exercises.check_wallet(WALLET.replace("(w Wallet) Deposit", "(w *Wallet) Deposit"))
    raise_task = (
        "package payroll\n\ntype Employee struct {\n\tName   string\n\tSalary int\n}\n\n"
        "func GiveRaise(staff []Employee, amount int) {\n"
        "\tfor _, e := range staff {\n\t\te.Salary += amount\n\t}\n}\n"
    )
    assert "want salaries 110 and 210" in exercises.check_raise(raise_task).message
    fixed = raise_task.replace(
        "for _, e := range staff {\n\t\te.Salary", "for i := range staff {\n\t\tstaff[i].Salary"
    )
    assert exercises.check_raise(fixed)
    team = (
        "package club\n\ntype Team struct{ members []string }\n\n"
        "func NewTeam(names ...string) *Team { return &Team{members: names} }\n\n"
        "func (t *Team) Members() []string { return t.members }\n"
    )
    assert "changed the team" in exercises.check_team(team).message
    panics = team.replace("return t.members", "return t.members[5:]")
    verdict = exercises.check_team(panics)
    assert not verdict and "slice bounds out of range" in verdict.message, verdict
    assert exercises.check_team(
        team.replace("members: names", "members: append([]string(nil), names...)").replace(
            "return t.members", "return append([]string(nil), t.members...)"
        )
    )


def test_table_says_how_it_was_measured(recorded):
    made = gm.Provenance.of(
        ["/tmp/scratch/valuesem", "-benchtime=20ms", "-count=5", "cost"],
        go_version="go1.27.3",
        run_seconds=2.5,
    )
    cost = CopyCost(recorded, provenance=made)
    assert cost.settings() == "fastest of 5 runs of 20ms each"
    page = cost._repr_html_()
    assert "by value and by pointer (fastest of 5 runs of 20ms each)" in page
    assert "32.0 KiB" in page and "Go 1.27.3" in page
    assert CopyCost(recorded).settings() == ""


def test_text_repr_has_no_paths(recorded):
    made = gm.Provenance.of(["/tmp/scratch/valuesem", "-benchtime=20ms", "-count=5", "cost"])
    text = repr(CopyCost(recorded, provenance=made))
    assert text.startswith("CopyCost (fastest of 5 runs of 20ms each)\n") and "/tmp" not in text
